//! `/status`: whether the service and its database answer.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};

use super::AppState;
use crate::error::{ApiError, Problem, PROBLEM_JSON};

/// Check the service status
///
/// 200 when the database answers, 503 when it does not; both as problem details.
#[utoipa::path(
    get,
    path = "/status",
    tag = "stato",
    operation_id = "show_status",
    responses(
        (status = 200, description = "The service and its database answer.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait."))),
    )
)]
#[get("/status")]
pub async fn show_status(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    if !state.db.ping().await {
        return Err(ApiError::Unavailable);
    }
    Ok(HttpResponse::build(StatusCode::OK)
        .content_type(PROBLEM_JSON)
        .insert_header(("Cache-Control", "no-store"))
        .json(Problem {
            problem_type: "about:blank".into(),
            title: "OK".into(),
            status: 200,
            detail: "Il servizio e il database rispondono.".into(),
            errors: None,
        }))
}
