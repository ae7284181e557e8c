//! `/form-token`: the signed token a form carries from when it is shown.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::clock;

/// A token for one showing of the form.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormToken {
    /// Send it back as `form_token` with the submission.
    #[schema(max_length = 200, example = "1796380800.5f2c…")]
    pub form_token: String,
    /// A submission sent sooner than this after the token is taken for a bot's.
    #[schema(format = Int32, minimum = 1, example = 3)]
    pub min_seconds: i64,
}

/// Get a form token
///
/// Fetch one when the form is shown and send it as `form_token`: a
/// submission sent sooner than `min_seconds` after it is answered 201 but
/// stored as spam. Optional; see the submission's `form_token`.
#[utoipa::path(
    get,
    path = "/form-token",
    tag = "contributi",
    operation_id = "issue_form_token",
    responses(
        (status = 200, description = "A fresh token (not cacheable: each showing of the form gets its own).", body = FormToken),
    )
)]
#[get("/form-token")]
pub async fn issue_form_token(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(FormToken {
            form_token: state.form_guard.issue(clock::now()),
            min_seconds: state.form_guard.min_fill_seconds(),
        })
}
