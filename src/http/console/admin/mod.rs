//! The administration pages, under `/console/admin`: admins only. The index
//! lists the chores; each chore's module registers its own routes in
//! [`routes`] and its page in [`CHORES`].

mod areas;
mod audit_log;
mod erasure;
mod filters;
mod forms;
mod index;
mod outbox;
mod settings;
mod staff;

use actix_web::web;

/// One chore of the administration index.
pub struct Chore {
    pub path: &'static str,
    pub italian: &'static str,
    pub english: &'static str,
    pub italian_summary: &'static str,
    pub english_summary: &'static str,
}

/// The chores of SPEC §5 "Administration", in the order the index lists them.
pub const CHORES: &[Chore] = &[
    Chore {
        path: "/console/admin/personale",
        italian: "Personale",
        english: "Staff",
        italian_summary: "Account, ruoli, token di accesso e sessioni.",
        english_summary: "Accounts, roles, access tokens and sessions.",
    },
    Chore {
        path: "/console/admin/aree",
        italian: "Aree tematiche",
        english: "Thematic areas",
        italian_summary: "Aggiungere, rinominare, ordinare e disattivare le aree.",
        english_summary: "Add, rename, reorder and deactivate the areas.",
    },
    Chore {
        path: "/console/admin/registro",
        italian: "Registro delle attività",
        english: "Audit log",
        italian_summary: "Chi ha fatto che cosa, e quando.",
        english_summary: "Who did what, and when.",
    },
    Chore {
        path: "/console/admin/email",
        italian: "Posta in uscita",
        english: "E-mail outbox",
        italian_summary: "I messaggi inviati e da inviare; ritentare quelli non riusciti.",
        english_summary: "Messages sent and waiting; retry the failed ones.",
    },
    Chore {
        path: "/console/admin/cancellazioni",
        italian: "Richieste di cancellazione",
        english: "Erasure requests",
        italian_summary: "Cancellare i dati personali di un autore.",
        english_summary: "Erase an author's personal data.",
    },
    Chore {
        path: "/console/admin/impostazioni",
        italian: "Impostazioni",
        english: "Settings",
        italian_summary: "Obiettivo, periodo, conservazione e invio della posta (sola lettura).",
        english_summary: "Target, window, retention and mail transport (read-only).",
    },
];

/// The administration routes, under `/console`.
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin", web::get().to(index::show_admin_index))
        .route("/admin/personale", web::get().to(staff::show_staff))
        .route("/admin/personale", web::post().to(staff::create_account))
        .route(
            "/admin/personale/{id}/ruolo",
            web::post().to(staff::change_role),
        )
        .route(
            "/admin/personale/{id}/disattiva",
            web::get().to(staff::confirm_deactivation),
        )
        .route(
            "/admin/personale/{id}/disattiva",
            web::post().to(staff::deactivate),
        )
        .route(
            "/admin/personale/{id}/riattiva",
            web::post().to(staff::reactivate),
        )
        .route(
            "/admin/personale/{id}/token",
            web::get().to(staff::confirm_new_token),
        )
        .route(
            "/admin/personale/{id}/token",
            web::post().to(staff::issue_token),
        )
        .route(
            "/admin/personale/{id}/sessioni",
            web::get().to(staff::confirm_end_sessions),
        )
        .route(
            "/admin/personale/{id}/sessioni",
            web::post().to(staff::end_sessions),
        )
        .route("/admin/aree", web::get().to(areas::show_areas))
        .route("/admin/aree", web::post().to(areas::create_area))
        .route("/admin/aree/{code}", web::get().to(areas::show_area))
        .route("/admin/aree/{code}", web::post().to(areas::save_area))
        .route(
            "/admin/aree/{code}/posizione",
            web::post().to(areas::move_area),
        )
        .route(
            "/admin/aree/{code}/disattiva",
            web::get().to(areas::confirm_deactivation),
        )
        .route(
            "/admin/aree/{code}/disattiva",
            web::post().to(areas::deactivate_area),
        )
        .route(
            "/admin/aree/{code}/riattiva",
            web::post().to(areas::reactivate_area),
        )
        .route(
            "/admin/impostazioni",
            web::get().to(settings::show_settings),
        )
        .route("/admin/registro", web::get().to(audit_log::show_audit_log))
        .route("/admin/email", web::get().to(outbox::show_outbox))
        .route("/admin/email/ritenta", web::post().to(outbox::retry_failed))
        .route("/admin/email/{id}", web::get().to(outbox::show_message))
        .route(
            "/admin/email/{id}/ritenta",
            web::post().to(outbox::retry_message),
        )
        .route(
            "/admin/cancellazioni",
            web::get().to(erasure::show_request_form),
        )
        .route("/admin/cancellazioni", web::post().to(erasure::erase))
        .route(
            "/admin/cancellazioni/conferma",
            web::post().to(erasure::confirm),
        )
        .route(
            "/admin/cancellazioni/{operation}",
            web::get().to(erasure::show_answer),
        );
}
