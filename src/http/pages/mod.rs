//! The citizens' pages: `/` (what Rinasce Firenze is), `/partecipa` (the
//! reference form), `/contributi` (published contributions) and `/stato/…`
//! (an author's private status page). Server-rendered HTML under the pages'
//! self-only policy (`page::render`), working without JavaScript; their
//! style and script are files under `assets/`. Outside the OpenAPI document.
//! A page's errors are pages too, never problem documents.

mod consultation;
mod error;
mod home;
mod participate;
mod published;
mod status;

use actix_web::web;

pub use error::PageError;
pub use status::{redact_path, STATUS_PATH_PREFIX};

/// Registers every citizens' page.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(home::show_home))
        .service(
            web::resource("/partecipa")
                .route(web::get().to(participate::show_form))
                .route(web::post().to(participate::submit_form).wrap(
                    actix_web::middleware::from_fn(crate::http::rate_limit::limit_form_posts),
                )),
        )
        .route("/contributi", web::get().to(published::show_list))
        .route(
            "/contributi/{reference}",
            web::get().to(published::show_contribution),
        )
        .service(
            web::resource(format!("{STATUS_PATH_PREFIX}{{token}}"))
                .route(web::get().to(status::show_status))
                .route(web::post().to(status::erase_personal_data)),
        );
}
