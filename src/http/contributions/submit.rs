//! `POST /contributions`: the Rete Civica form.

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use serde_json::Value;

use super::body::{bot_signals, parse_contribution, ContributionSubmission, SubmissionRules};
use crate::app::idempotency::{IdempotencyClaim, IdempotencyScope};
use crate::app::public::{self, FormSubmission, Submitted};
use crate::app::submissions::SubmissionReceipt;
use crate::domain::ThematicAreaCode;
use crate::error::{ApiError, Problem};
use crate::http::input::{idempotency_key, json_body, replayed, FieldErrors};
use crate::http::problems::{JsonBodyProblems, Unavailable};
use crate::http::rate_limit::{AcceptedSubmission, SubmissionClient};
use crate::http::AppState;

/// Submit a contribution
///
/// The Rete Civica form posts a suggestion on one thematic area. Every
/// failing field is named in one answer. With an `Idempotency-Key`, sending
/// the same body again returns the first answer and stores nothing new.
/// An acknowledgement e-mail with the reference is queued in the same transaction.
#[utoipa::path(
    post,
    path = "/contributions",
    tag = "contributi",
    operation_id = "submit_contribution",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Client-chosen key (1–255 visible ASCII characters) that makes retries safe.", max_length = 255),
    ),
    request_body(content = ContributionSubmission, content_type = "application/json"),
    responses(
        (status = 201, description = "Contribution received. A replayed answer carries `Idempotent-Replayed: true`.", body = SubmissionReceipt,
            headers(
                ("Location" = String, description = "Where the contribution will be readable once published."),
                ("Cache-Control" = String, description = "no-store: the answer concerns one person."),
                ("X-RateLimit-Limit" = i32, description = "Submissions allowed per minute from this address."),
                ("X-RateLimit-Remaining" = i32, description = "Submissions left now."),
                ("X-RateLimit-Reset" = i32, description = "Seconds until the allowance is full again."),
            )),
        JsonBodyProblems,
        (status = 409, description = "Consultation closed, or Idempotency-Key reused with another body.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many submissions from this address.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait."))),
        Unavailable,
    )
)]
// The limit is on the route itself, so every spelling of the path that the
// router decodes to this handler (`/contribution%73`, `/%61pi/…`) counts.
#[post(
    "/contributions",
    wrap = "actix_web::middleware::from_fn(crate::http::rate_limit::limit_submissions)"
)]
pub async fn submit_contribution(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let value = json_body(&request, &body)?;
    let idempotency = idempotency_key(&request)?
        .map(|key| IdempotencyClaim::new(IdempotencyScope::Form, key, &value));
    let area = value
        .get("thematic_area")
        .and_then(Value::as_str)
        .and_then(|code| ThematicAreaCode::parse(code).ok());
    let bot_signals = bot_signals(&value);
    let mut errors = FieldErrors::default();
    let parsed = parse_contribution(value, SubmissionRules::Form, &mut errors);
    let form = FormSubmission {
        input: errors.finish(parsed),
        area,
        idempotency,
        bot_signals,
        client: SubmissionClient::of(&request),
    };
    Ok(match public::submit(&state, form).await? {
        Submitted::New(stored) => {
            let mut response = created(&stored.receipt);
            response
                .extensions_mut()
                .insert(AcceptedSubmission::of(&stored));
            response
        }
        Submitted::Replayed(receipt) => replayed(created(&receipt)),
    })
}

fn created(receipt: &SubmissionReceipt) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/contributions/{}", receipt.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(receipt)
}
