//! `/console/esportazioni`: the researchers' exports page. The moderation
//! filters in a GET form that comes back with the count of the rows they
//! select; then every format as a download carrying those filters, each
//! with how to load it. The downloads go through the console session
//! (`downloads`) and the very code of the JSON API's exports, so the same
//! roles, pseudonymisation, audit and per-account limit hold.

mod downloads;
mod guides;
mod page;
mod selection;

use actix_web::web;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/esportazioni", web::get().to(page::show_exports))
        .route(
            "/esportazioni/file",
            web::get().to(downloads::download_export),
        )
        .route(
            &format!("/esportazioni/{}", guides::DATAPACKAGE_FILE),
            web::get().to(downloads::download_datapackage),
        )
        .route(
            "/esportazioni/rapporto",
            web::get().to(downloads::show_report),
        );
}
