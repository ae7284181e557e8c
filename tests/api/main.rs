//! The integration tests, as one binary: the real server on port 0 against a
//! fresh database per test (`TEST_DATABASE_URL=postgres://…` for PostgreSQL,
//! a SQLite file otherwise). One module per area of the API; the shared
//! set-up, request helpers and paths are in `support`.

mod support;

mod administration;
mod assets;
mod authorization;
mod bad_input;
mod citizen_pages;
mod command_line;
mod cruscotto;
mod degradation;
mod erasure;
mod exports;
mod form_integration;
mod hardening;
mod http_errors;
mod indicators;
mod mail;
mod moderation;
mod openapi;
mod public_contributions;
mod refi_qda;
mod security;
mod stored_values;
mod submit_contribution;
