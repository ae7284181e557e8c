//! The integration tests, as one binary: the real server on port 0 against a
//! fresh database per test (`TEST_DATABASE_URL=postgres://…` for PostgreSQL,
//! a SQLite file otherwise). One module per area of the API; the shared
//! set-up, request helpers and paths are in `support`.

mod support;

mod admin_chores;
mod administration;
mod assets;
mod authorization;
mod bad_input;
mod citizen_pages;
mod claim_takeover;
mod claims;
mod command_line;
mod console_admin_records;
mod console_admin_staff;
mod console_exports;
mod console_moderation;
mod console_oidc;
mod console_references;
mod console_shell;
mod console_sign_in;
mod console_status_counts;
mod cruscotto;
mod csv_formulas;
mod degradation;
mod erasure;
mod export_limits;
mod exports;
mod form_integration;
mod hardening;
mod http_errors;
mod indicator_counters;
mod indicators;
mod listing_counts;
mod mail;
mod moderation;
mod near_duplicates;
mod offline_contributions;
mod openapi;
mod pseudonyms;
mod public_contributions;
mod public_listing;
mod refi_qda;
mod replicas;
mod report;
mod search;
mod security;
mod stored_values;
mod submit_contribution;
mod tag_management;
