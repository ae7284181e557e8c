//! The HTTP API: one file per resource, plus what every route shares.

pub mod access_log;
pub mod admin;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod confirmation;
pub mod console;
pub mod consultation;
pub mod contributions;
pub mod cruscotto;
pub mod deadline;
pub mod export_slots;
pub mod exports;
pub mod extract;
pub mod form_token;
pub mod head;
pub mod indicators;
pub mod input;
pub mod moderation;
pub mod openapi;
pub mod page;
pub mod pages;
pub mod pagination;
pub mod problems;
pub mod quota;
pub mod rate_limit;
mod report;
pub mod security;
pub mod status;
pub mod thematic_areas;

use actix_web::{web, App};
use utoipa_actix_web::{scope, AppExt};

use crate::app::Services;
use crate::config::Config;
use crate::db::Db;
use crate::error::ApiError;

pub const API_BASE: &str = "/api/v1";
/// Largest accepted request body (SPEC §3).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach: the services, and the submission limit
/// that only the HTTP front applies.
pub struct AppState {
    pub services: Services,
    pub submissions: rate_limit::SubmissionLimit,
    /// Sign-in attempts on the console, shared by every worker.
    pub sign_in_limits: console::throttle::SignInLimits,
    pub exports: export_slots::ExportSlots,
    /// The Comune's OpenID Connect provider, when configured.
    pub identity_provider: Option<console::identity_provider::IdentityProvider>,
}

impl AppState {
    /// The state every worker shares. Starts the submission writers, so it
    /// must be called inside the actix runtime.
    pub fn new(db: Db, config: Config) -> AppState {
        let services = Services::new(db, config);
        let config = &services.config;
        AppState {
            submissions: rate_limit::SubmissionLimit::new(
                config.rate_limit_per_minute,
                config.attempt_limit_per_minute,
                config.trusted_proxies.clone(),
                services.shared_quota.is_some(),
            ),
            exports: export_slots::ExportSlots::new(config.exports_per_account),
            identity_provider: console::identity_provider::IdentityProvider::from_config(config),
            services,
            sign_in_limits: console::throttle::SignInLimits::new(),
        }
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.services
    }
}

/// CORS for the configured origins only; with none, browsers on other
/// origins cannot call the API.
fn cors(origins: &[String]) -> actix_cors::Cors {
    origins
        .iter()
        .fold(actix_cors::Cors::default(), |cors, origin| {
            cors.allowed_origin(origin)
        })
        .allowed_methods(["GET", "POST", "PATCH", "DELETE"])
        .allowed_headers([
            actix_web::http::header::AUTHORIZATION,
            actix_web::http::header::CONTENT_TYPE,
            actix_web::http::header::ACCEPT_LANGUAGE,
            actix_web::http::header::IF_MATCH,
            actix_web::http::header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            "etag",
            "idempotent-replayed",
            "content-language",
            "location",
            "retry-after",
            "x-request-id",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
        ])
        .max_age(3600)
}

/// Registers every API route; the OpenAPI document is generated from the
/// same registration, so the two cannot drift apart.
fn api_routes(config: &mut utoipa_actix_web::service_config::ServiceConfig) {
    config
        .service(status::show_status)
        .service(thematic_areas::list_thematic_areas)
        .service(consultation::show_consultation)
        .service(form_token::issue_form_token)
        .service(contributions::submit_contribution)
        .service(contributions::list_published_contributions)
        .service(contributions::show_published_contribution)
        .service(indicators::show_indicators)
        .service(moderation::list_moderation_queue)
        .service(moderation::register_offline_contribution)
        .service(moderation::apply_bulk_action)
        .service(moderation::claim_next_pending)
        .service(moderation::list_tags)
        .service(moderation::rename_tag)
        .service(moderation::merge_tag)
        .service(moderation::show_moderation_contribution)
        .service(moderation::moderate_contribution)
        .service(moderation::add_note)
        .service(moderation::claim_contribution)
        .service(moderation::release_claim)
        .service(moderation::show_contribution_history)
        .service(moderation::list_similar_contributions)
        .service(exports::export_contributions)
        .service(exports::show_export_datapackage)
        .service(report::show_export_report)
        .service(admin::list_staff)
        .service(admin::create_staff)
        .service(admin::change_staff)
        .service(admin::issue_staff_token)
        .service(admin::end_staff_sessions)
        .service(admin::deactivate_staff)
        .service(admin::create_thematic_area)
        .service(admin::change_thematic_area)
        .service(admin::list_audit_events)
        .service(admin::list_outbox)
        .service(admin::retry_failed_outbox_messages)
        .service(admin::show_outbox_message)
        .service(admin::retry_outbox_message)
        .service(admin::erase_personal_data)
        .service(admin::show_settings);
}

/// Builds the application with every route and middleware; the OpenAPI
/// document comes out of the same registration.
pub fn application(
    state: web::Data<AppState>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let document = openapi_document();
    let cors = cors(&state.config.cors_origins);
    let known_routes = web::Data::new(problems::KnownRoutes::from_document(&document));
    // Registered before the API scope, which would otherwise answer 404 for
    // `/api/v1/openapi.json`.
    App::new()
        .service(openapi::swagger_ui(document))
        .route("/docs", web::get().to(openapi::docs_redirect))
        .into_utoipa_app()
        .service(scope::scope(API_BASE).configure(api_routes))
        .into_app()
        // The public dashboard: HTML and SVG, outside the API and its document.
        .route("/cruscotto", web::get().to(cruscotto::show_dashboard))
        .route(
            "/cruscotto/progress.svg",
            web::get().to(cruscotto::show_badge),
        )
        // The staff console: HTML pages with a session cookie, outside the document.
        .configure(console::routes)
        // An author confirms a contribution's address (acknowledgement link).
        .route(
            "/conferma/{token}",
            web::get().to(confirmation::show_confirmation),
        )
        .route(
            "/conferma/{token}",
            web::post().to(confirmation::confirm_address),
        )
        // The citizens' pages: HTML outside the API and its document.
        .configure(pages::routes)
        // Stylesheets, scripts and fonts of the pages, from the binary.
        .route("/assets/{path:.*}", web::get().to(assets::serve_asset))
        .app_data(state)
        .app_data(known_routes)
        .app_data(web::PayloadConfig::new(MAX_BODY_BYTES))
        .app_data(web::QueryConfig::default().error_handler(|error, _| {
            // A repeated or undecodable parameter: name it rather than a bare 400.
            ApiError::BadQuery(error.to_string()).into()
        }))
        .default_service(web::to(problems::no_route))
        .wrap(actix_web::middleware::from_fn(deadline::limit_body_time))
        .wrap(actix_web::middleware::from_fn(problems::render_problems))
        .wrap(actix_web::middleware::from_fn(head::answer_head_as_get))
        .wrap(cors)
        // Outside CORS, so that its refusals become problem documents too.
        .wrap(actix_web::middleware::from_fn(
            problems::render_cors_refusal,
        ))
        .wrap(actix_web::middleware::from_fn(
            security::add_security_headers,
        ))
        .wrap(actix_web::middleware::from_fn(access_log::log_request))
}

/// The OpenAPI document the server serves.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, document) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base_document())
        .service(scope::scope(API_BASE).configure(api_routes))
        .split_for_parts();
    openapi::finish(document)
}
