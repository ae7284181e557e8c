//! `POST /moderation/contributions`: registering an offline contribution.

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{with_etag, ModerationContribution};
use crate::app::idempotency::{IdempotencyClaim, IdempotencyScope};
use crate::app::moderation::offline::{self, Registered};
use crate::app::moderation::ContributionDetail;
use crate::domain::{AuthorKind, Channel};
use crate::error::{ApiError, Problem};
use crate::http::auth::Moderator;
use crate::http::contributions::{parse_contribution, SubmissionRules};
use crate::http::input::{idempotency_key, json_body, replayed, FieldErrors};
use crate::http::problems::{JsonBodyProblems, ModeratorProblems};
use crate::http::AppState;

/// A contribution received through another channel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OfflineContribution {
    /// `event`, `email` or `paper`.
    channel: Channel,
    /// When it reached the Comune (from 2000-01-01T00:00:00Z, not in the
    /// future); now when absent.
    received_at: Option<DateTime<Utc>>,
    #[schema(max_length = 64)]
    thematic_area: String,
    #[schema(min_length = 5, max_length = 150)]
    title: String,
    #[schema(min_length = 20, max_length = 5000)]
    body: String,
    /// As in the form, but names and e-mail may be absent. With an e-mail,
    /// the author gets an acknowledgement saying how the contribution
    /// reached the Comune, with their private status link (no address
    /// confirmation: the moderator vouches for the address).
    author: OfflineAuthor,
    contact_consent: Option<bool>,
    /// Whether the author accepted the privacy notice (signed on a paper
    /// form, given at the meeting); `false` when absent. Recorded as said.
    privacy_notice_accepted: Option<bool>,
    /// The meeting it was handed in at: required for the channel `event`,
    /// refused for the others.
    meeting: Option<OfflineMeeting>,
}

/// A Quartiere meeting or public event.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OfflineMeeting {
    /// 2–200 characters.
    #[schema(
        min_length = 2,
        max_length = 200,
        example = "Assemblea pubblica del Quartiere 4"
    )]
    name: String,
    /// The day it was held, `YYYY-MM-DD` (from 2000-01-01, not in the future).
    #[schema(example = "2026-11-20")]
    date: chrono::NaiveDate,
    /// The quartiere that held it; null or absent for an event of the whole city.
    #[schema(format = Int32, minimum = 1, maximum = 5, example = 4)]
    quartiere: Option<i32>,
}

/// The author of an offline contribution, as far as known.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OfflineAuthor {
    kind: AuthorKind,
    #[schema(max_length = 80)]
    given_name: Option<String>,
    #[schema(max_length = 80)]
    family_name: Option<String>,
    #[schema(max_length = 200)]
    organization_name: Option<String>,
    #[schema(max_length = 254)]
    email: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    quartiere: Option<i32>,
}

/// Register an offline contribution
///
/// A contribution received at a Quartiere meeting, by e-mail or on paper.
/// It never counts toward the form indicator. `Location` names the new
/// record. With an `Idempotency-Key` (the moderator's own), sending the
/// same body again answers the contribution registered the first time and
/// stores nothing new; the same key with another body is a 409.
#[utoipa::path(
    post,
    path = "/moderation/contributions",
    tag = "moderazione",
    operation_id = "register_offline_contribution",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Key chosen by the client (1–255 visible ASCII characters) that makes retries safe; scoped to the staff account.", max_length = 255),
    ),
    request_body(content = OfflineContribution, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The registered contribution; `Location` names it and `ETag` is its version. A replayed answer carries `Idempotent-Replayed: true` and the contribution as it is now.", body = ModerationContribution),
        ModeratorProblems,
        JsonBodyProblems,
        (status = 409, description = "Idempotency-Key reused with another body.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/moderation/contributions")]
pub async fn register_offline_contribution(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let value = json_body(&request, &body)?;
    let idempotency = idempotency_key(&request)?
        .map(|key| IdempotencyClaim::new(IdempotencyScope::Staff(staff.id), key, &value));
    let mut errors = FieldErrors::default();
    let input = parse_contribution(value, SubmissionRules::Offline, &mut errors);
    let input = errors.finish(input)?;
    Ok(
        match offline::register(&state, staff.id, input, idempotency).await? {
            Registered::New(detail) => created(detail),
            Registered::Replayed(detail) => replayed(created(detail)),
        },
    )
}

fn created(detail: ContributionDetail) -> HttpResponse {
    let view = ModerationContribution::from(detail);
    let location = format!("/api/v1/moderation/contributions/{}", view.id);
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    with_etag(&view, response)
}
