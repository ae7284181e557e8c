//! `POST` and `DELETE /moderation/contributions/{id}/claim`, and
//! `POST /moderation/next-pending`: who is reviewing what (issue 13 §4).

use actix_web::{delete, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::views::{no_store, with_etag, ClaimView, ModerationContribution};
use crate::app::moderation::claims::{self, ClaimOutcome};
use crate::clock;
use crate::db::claims::ClaimRow;
use crate::domain::{ContributionId, FieldIssue};
use crate::error::{ApiError, Problem};
use crate::http::auth::Moderator;
use crate::http::extract::ContributionRefPath;
use crate::http::problems::{ContributionNotFound, ModeratorProblems, QueryProblems};
use crate::http::AppState;
use crate::i18n::format::rome_time;

/// The answer when another moderator's claim is in force.
pub fn claimed_by_another(claim: ClaimRow) -> ApiError {
    ApiError::ClaimedByAnother {
        name: claim.staff_name,
        until: rome_time(clock::utc(claim.claimed_until))
            .format("%H:%M")
            .to_string(),
    }
}

/// Whether to take over another moderator's claim.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimQuery {
    /// `true`: when another moderator's claim is in force, it passes to the
    /// caller (recorded in the audit log as `claim_taken_over`) instead of
    /// a 409.
    pub take_over: Option<bool>,
}

/// Claim a contribution for review
///
/// Tells the other moderators that the caller is reviewing this pending
/// contribution, for 10 minutes; calling again renews it. A claim is a
/// warning, not a lock: others may still moderate the contribution, and it
/// ends when the contribution stops being pending or with `DELETE`. With
/// `take_over=true` the caller takes over another moderator's claim (for a
/// review page left open, say); that alone is audited.
#[utoipa::path(
    post,
    path = "/moderation/contributions/{id}/claim",
    tag = "moderazione",
    operation_id = "claim_contribution",
    params(("id" = String, Path, description = "Identifier of the contribution, or its reference such as `RF-000401`.", max_length = 36), ClaimQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's claim, until when it lasts.", body = ClaimView),
        ModeratorProblems,
        ContributionNotFound,
        QueryProblems,
        (status = 409, description = "Another moderator's claim is in force (without `take_over`), or the contribution is not pending.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/moderation/contributions/{id}/claim")]
pub async fn claim_contribution(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    ContributionRefPath(id): ContributionRefPath,
    query: web::Query<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    if query.take_over == Some(true) {
        let claim = claims::take_over(&state, staff.id, id).await?;
        return Ok(no_store(HttpResponse::Ok(), ClaimView::from(claim)));
    }
    match claims::claim(&state, staff.id, id).await? {
        ClaimOutcome::Held(claim) => Ok(no_store(HttpResponse::Ok(), ClaimView::from(claim))),
        ClaimOutcome::HeldByAnother(claim) => Err(claimed_by_another(claim)),
    }
}

/// Release a claim
///
/// Ends the caller's claim on the contribution; another moderator's claim
/// stays. Answers 204 also when the caller held none.
#[utoipa::path(
    delete,
    path = "/moderation/contributions/{id}/claim",
    tag = "moderazione",
    operation_id = "release_claim",
    params(("id" = String, Path, description = "Identifier of the contribution, or its reference such as `RF-000401`.", max_length = 36)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The caller no longer claims the contribution."),
        ModeratorProblems,
        ContributionNotFound,
    )
)]
#[delete("/moderation/contributions/{id}/claim")]
pub async fn release_claim(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    ContributionRefPath(id): ContributionRefPath,
) -> Result<HttpResponse, ApiError> {
    claims::release(&state, staff.id, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Which contribution the moderator leaves for the next one.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NextPendingQuery {
    /// The contribution just reviewed: its claim ends and it is skipped.
    #[param(value_type = Option<Uuid>)]
    pub skip: Option<String>,
}

impl NextPendingQuery {
    pub fn skip(&self) -> Result<Option<ContributionId>, ApiError> {
        self.skip
            .as_deref()
            .map(|raw| {
                ContributionId::parse(raw)
                    .ok_or_else(|| ApiError::validation("skip", FieldIssue::NotAContributionId))
            })
            .transpose()
    }
}

/// Claim the next pending contribution
///
/// The oldest pending contribution that no other moderator is reviewing,
/// claimed for the caller in the same step, so that two moderators working
/// the queue get different ones. 204 when none is left.
#[utoipa::path(
    post,
    path = "/moderation/next-pending",
    tag = "moderazione",
    operation_id = "claim_next_pending",
    params(NextPendingQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contribution, now claimed by the caller; `ETag` carries its version.", body = ModerationContribution),
        (status = 204, description = "No pending contribution is left unclaimed."),
        ModeratorProblems,
        QueryProblems,
    )
)]
#[post("/moderation/next-pending")]
pub async fn claim_next_pending(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    query: web::Query<NextPendingQuery>,
) -> Result<HttpResponse, ApiError> {
    let skip = query.skip()?;
    match claims::claim_next_pending(&state, staff.id, skip).await? {
        Some(detail) => Ok(with_etag(&detail.into(), HttpResponse::Ok())),
        None => Ok(HttpResponse::NoContent().finish()),
    }
}
