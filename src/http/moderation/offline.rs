//! `POST /moderation/contributions`: registering an offline contribution.

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{with_etag, ModerationContribution};
use crate::app::moderation::offline;
use crate::domain::{AuthorKind, Channel};
use crate::error::ApiError;
use crate::http::auth::Moderator;
use crate::http::contributions::{parse_contribution, SubmissionRules};
use crate::http::input::{json_body, FieldErrors};
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
    /// As in the form, but names and e-mail may be absent.
    author: OfflineAuthor,
    contact_consent: Option<bool>,
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
/// It never counts toward the form indicator. `Location` names the new record.
#[utoipa::path(
    post,
    path = "/moderation/contributions",
    tag = "moderazione",
    operation_id = "register_offline_contribution",
    request_body(content = OfflineContribution, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The registered contribution.", body = ModerationContribution),
        ModeratorProblems,
        JsonBodyProblems,
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
    let mut errors = FieldErrors::default();
    let input = parse_contribution(value, SubmissionRules::Offline, &mut errors);
    let input = errors.finish(input)?;
    let view = ModerationContribution::from(offline::register(&state, staff.id, input).await?);
    let location = format!("/api/v1/moderation/contributions/{}", view.id);
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    Ok(with_etag(&view, response))
}
