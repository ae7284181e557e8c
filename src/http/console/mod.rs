//! The staff console: server-rendered pages under `/console/`, outside the
//! JSON API and its OpenAPI document. A browser signs in once (e-mail link
//! or the Comune's identity provider) and holds a session cookie; every
//! change carries the session's CSRF token. The pages call the same
//! services as the API.
//!
//! For a page module: take [`ConsoleUser`] (GET) or [`ConsoleForm`] /
//! [`CsrfHeader`] (changes), check the role with `user.require(&[…])`,
//! render a template that extends `console/base.html` with a field
//! `layout: Layout` (`user.layout()`) through `crate::http::page::render`,
//! and answer errors as [`ConsoleError`] (an HTML page). Register the
//! module's `routes` in [`routes`] and its section in `nav.rs`.

pub mod admin;
pub mod bulk;
pub mod claim;
pub mod csrf;
pub mod error;
pub mod exports;
pub mod flash;
pub mod home;
pub mod identity_provider;
pub mod labels;
pub mod language;
pub mod layout;
pub mod moderation;
pub mod nav;
pub mod next;
pub mod offline;
pub mod oidc;
pub mod queue;
pub mod review;
pub mod session;
pub mod sign_in;
pub mod sign_out;
pub mod step;
pub mod tags;
pub mod throttle;

use actix_web::web;

pub use csrf::{ConsoleForm, CsrfHeader, SameOrigin};
pub use error::ConsoleError;
pub use layout::Layout;
pub use session::ConsoleUser;

/// Every console route, under `/console`; each page module adds its own.
pub fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/console")
            .wrap(actix_web::middleware::from_fn(error::render_error_pages))
            .configure(shell_routes)
            .configure(sign_in::routes)
            .configure(oidc::routes)
            .configure(moderation::routes)
            .configure(exports::routes)
            .configure(admin::routes)
            .default_service(web::to(not_found)),
    );
}

/// The home, sign-out and the language switch.
fn shell_routes(config: &mut web::ServiceConfig) {
    config
        .route("", web::get().to(home::show_home))
        .route("/", web::get().to(home::show_home))
        .route("/esci", web::post().to(sign_out::sign_out))
        .route("/lingua/{code}", web::get().to(language::switch_language));
}

/// An unknown console page: signed-in staff are told so; anyone else is
/// sent to sign in first, and learns nothing about which pages exist.
async fn not_found(_: ConsoleUser) -> Result<actix_web::HttpResponse, ConsoleError> {
    Err(ConsoleError::NotFound)
}
