//! The moderation pages' routes: the queue, one contribution's review and
//! its claim, bulk actions, the offline registration form and the tags.

use actix_web::web;

use super::{bulk, claim, offline, queue, review, step, tags};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/coda", web::get().to(queue::show_queue))
        .route("/coda/azioni", web::post().to(bulk::apply_to_selected))
        .route("/coda/successivo", web::post().to(claim::next_pending))
        .route("/coda/{id}", web::get().to(review::show_review))
        .route("/coda/{id}", web::post().to(step::take_step))
        .route("/coda/{id}/presa", web::post().to(claim::renew_claim))
        .route("/coda/{id}/rilascio", web::post().to(claim::release_claim))
        .route(
            "/coda/{id}/subentro",
            web::post().to(claim::take_over_claim),
        )
        .route("/offline", web::get().to(offline::show_offline_form))
        .route("/offline", web::post().to(offline::register_offline))
        .route("/etichette", web::get().to(tags::show_tags))
        .route(
            "/etichette/{tag}/rinomina",
            web::post().to(tags::rename_tag),
        )
        .route("/etichette/{tag}/unisci", web::post().to(tags::merge_tag));
}
