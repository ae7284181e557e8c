//! Storage: one diesel codebase over SQLite (the default) and PostgreSQL.

pub mod audit;
pub mod author_groups;
pub mod bulk_load;
pub mod claims;
pub mod connection;
pub mod console_sessions;
pub mod contribution_counts;
pub mod contributions;
pub mod idempotency;
pub mod indicator_counters;
pub mod indicators;
pub mod meetings;
pub mod models;
pub mod notes;
pub mod oidc_flows;
pub mod outbox;
pub mod postgres_url;
pub mod schema;
pub mod search;
pub mod settings;
pub mod sign_in_links;
pub mod similarity_bands;
pub mod staff;
pub mod status_links;
pub mod stored;
pub mod submission_quotas;
pub mod tags;
pub mod thematic_areas;

pub(crate) use connection::on_backend;
pub use connection::{Backend, Db, DbConnection, DbError};
