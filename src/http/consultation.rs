//! `/consultation`: when the form accepts contributions.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::clock;
use crate::domain::ConsultationState;

/// The consultation window and where now falls in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Consultation {
    /// When contributions start being accepted; null when always open so far.
    pub opens_at: Option<DateTime<Utc>>,
    /// When contributions stop being accepted; null when no end is set.
    pub closes_at: Option<DateTime<Utc>>,
    /// Whether a submission sent now is accepted.
    pub open: bool,
    /// `open`, `not_yet_open` or `closed`.
    #[schema(max_length = 20, example = "open")]
    pub state: String,
}

/// Show the consultation window
///
/// When the form accepts contributions, and whether it does now. Outside the
/// window a submission gets 409 saying whether the consultation is not yet
/// open or already closed.
#[utoipa::path(
    get,
    path = "/consultation",
    tag = "contributi",
    operation_id = "show_consultation",
    responses(
        (status = 200, description = "The consultation window (cacheable for a minute).", body = Consultation),
    )
)]
#[get("/consultation")]
pub async fn show_consultation(state: web::Data<AppState>) -> HttpResponse {
    let window = state.config.consultation();
    let now = window.state(clock::now());
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "public, max-age=60"))
        .json(Consultation {
            opens_at: window.opens_at,
            closes_at: window.closes_at,
            open: now == ConsultationState::Open,
            state: match now {
                ConsultationState::Open => "open",
                ConsultationState::NotYetOpen { .. } => "not_yet_open",
                ConsultationState::Closed { .. } => "closed",
            }
            .into(),
        })
}
