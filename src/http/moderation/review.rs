//! `GET` and `PATCH /moderation/contributions/{id}`: reading one
//! contribution for review and moderating it.

use actix_web::{get, patch, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::request::parse_request;
use super::views::{with_etag, ModerationContribution};
use crate::app::moderation::{detail, review};
use crate::app::Resource;
use crate::domain::ContributionStatus;
use crate::error::ApiError;
use crate::error::Problem;
use crate::http::auth::Moderator;
use crate::http::extract::{expected_version, ContributionRefPath};
use crate::http::input::{DocumentedBody, JsonFields};
use crate::http::problems::{ContributionNotFound, JsonBodyProblems, ModeratorProblems};
use crate::http::AppState;

/// Read one contribution for review
///
/// The full record with tags, notes, status reason, duplicate link and
/// version; the `ETag` is what `PATCH` expects in `If-Match`.
#[utoipa::path(
    get,
    path = "/moderation/contributions/{id}",
    tag = "moderazione",
    operation_id = "show_moderation_contribution",
    params(("id" = String, Path, description = "Identifier of the contribution, or its reference such as `RF-000401`.", max_length = 36)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contribution; the `ETag` header carries its version.", body = ModerationContribution),
        ModeratorProblems,
        ContributionNotFound,
    )
)]
#[get("/moderation/contributions/{id}")]
pub async fn show_moderation_contribution(
    _: Moderator,
    state: web::Data<AppState>,
    ContributionRefPath(id): ContributionRefPath,
) -> Result<HttpResponse, ApiError> {
    let view = ModerationContribution::from(detail::show(&state, id).await?);
    Ok(with_etag(&view, HttpResponse::Ok()))
}

/// Moderate a contribution
///
/// A JSON merge patch of any of `status` (with `status_reason`, required for
/// `rejected` and `hidden`, and `duplicate_of`, required for `duplicate`),
/// `thematic_area` and `tags` (replaces the set; words become slugs such as
/// `mercati-rionali`, created on
/// first use). `If-Match` must carry the strong `ETag` of the version read
/// (`"v3"`): 428 without it or with `*`, 412 when the contribution changed
/// meanwhile or for a weak tag (`W/"v3"`: compared strongly, it never
/// matches), 400 when it is not one quoted tag. The answer
/// carries the new `ETag`. Every change is written to the audit log.
#[utoipa::path(
    patch,
    path = "/moderation/contributions/{id}",
    tag = "moderazione",
    operation_id = "moderate_contribution",
    params(
        ("id" = String, Path, description = "Identifier of the contribution, or its reference such as `RF-000401`.", max_length = 36),
        ("If-Match" = String, Header, description = "The ETag read from the contribution.", max_length = 30),
    ),
    request_body(content = ModerationPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contribution after the change; `ETag` carries its new version.", body = ModerationContribution),
        ModeratorProblems,
        JsonBodyProblems,
        ContributionNotFound,
        (status = 409, description = "The status machine does not allow this transition.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The contribution changed since it was read, or If-Match holds a weak ETag.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing or `*`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/moderation/contributions/{id}")]
pub async fn moderate_contribution(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    request: HttpRequest,
    ContributionRefPath(id): ContributionRefPath,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<ModerationPatch>,
) -> Result<HttpResponse, ApiError> {
    let expected = expected_version(&request, Resource::Contribution)?;
    let change = object.map(|mut object| parse_request(&mut object, &mut errors));
    let change = errors.finish(change)?;
    let detail = review::moderate(&state, staff.id, id, Some(expected), change).await?;
    Ok(with_etag(&detail.into(), HttpResponse::Ok()))
}

/// The fields a moderator may change; all optional.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body; the handler reads it field by field
pub struct ModerationPatch {
    status: Option<ContributionStatus>,
    /// 1–1000 characters; required when `status` becomes `rejected` or `hidden`.
    #[schema(max_length = 1000)]
    status_reason: Option<String>,
    /// The original, by id or reference (`RF-000401`); required when
    /// `status` becomes `duplicate`.
    #[schema(max_length = 36, example = "RF-000401")]
    duplicate_of: Option<String>,
    /// Move to another active area.
    #[schema(max_length = 64)]
    thematic_area: Option<String>,
    /// Replaces the set of tags.
    #[schema(max_items = 100)]
    tags: Option<Vec<String>>,
}

impl DocumentedBody for ModerationPatch {
    const FIELDS: &'static [&'static str] = &[
        "status",
        "status_reason",
        "duplicate_of",
        "thematic_area",
        "tags",
    ];
}
