//! `/moderation/…`: the moderators' queue, review, notes, history, offline
//! registration, bulk actions, tags and near-duplicate search. Each handler
//! reads the request, calls one use case of `app::moderation` and shapes the
//! answer.

pub mod bulk;
pub mod claims;
pub mod history;
pub mod notes;
pub mod offline;
pub mod queue;
pub mod request;
pub mod review;
pub mod similar;
pub mod tags;
pub mod views;

pub use bulk::apply_bulk_action;
pub use claims::{claim_contribution, claim_next_pending, release_claim};
pub use history::show_contribution_history;
pub use notes::add_note;
pub use offline::register_offline_contribution;
pub use queue::list_moderation_queue;
pub use review::{moderate_contribution, show_moderation_contribution};
pub use similar::list_similar_contributions;
pub use tags::{list_tags, merge_tag, rename_tag};
