//! `GET /admin/settings`.

use actix_web::{get, web, HttpResponse};

use crate::app::settings::{self, Settings};
use crate::error::ApiError;
use crate::http::auth::Admin;
use crate::http::moderation::views::no_store;
use crate::http::problems::AdminProblems;
use crate::http::AppState;

/// Read the settings
///
/// What the service was started with, without secrets: target,
/// consultation window, retention, how e-mail leaves. Read-only: they are
/// changed in the environment and take effect at the next start.
#[utoipa::path(
    get,
    path = "/admin/settings",
    tag = "amministrazione",
    operation_id = "show_settings",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings.", body = Settings),
        AdminProblems,
    )
)]
#[get("/admin/settings")]
pub async fn show_settings(_: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(no_store(HttpResponse::Ok(), settings::read(&state.config)))
}
