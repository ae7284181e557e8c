//! `/indicators`: progress toward the PEG target, for the Mayor's office.

use actix_web::{get, web};

use super::AppState;
use crate::domain::indicators::Indicators;
use crate::error::ApiError;
use crate::http::problems::Unavailable;

/// Read the indicator
///
/// Form contributions counted toward the PEG target (all but spam and
/// duplicates), all form contributions received, and their breakdowns by
/// area, quartiere, author kind and day. Figures reflect a write within one second.
#[utoipa::path(
    get,
    path = "/indicators",
    tag = "indicatori",
    operation_id = "show_indicators",
    responses(
        (status = 200, description = "The indicator and its breakdowns.", body = Indicators),
        Unavailable,
    )
)]
#[get("/indicators")]
pub async fn show_indicators(
    state: web::Data<AppState>,
) -> Result<web::Json<Indicators>, ApiError> {
    let indicators = state
        .indicators
        .current(&state.db, &state.config, &state.mail)
        .await?;
    Ok(web::Json(Indicators::clone(&indicators)))
}
