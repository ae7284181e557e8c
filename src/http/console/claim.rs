//! The review page's claim while it is open: renewed by its script
//! (`POST …/presa`, `X-CSRF-Token`), released when the page is left
//! (`POST …/rilascio`, sent by `navigator.sendBeacon`, which cannot set
//! headers, so the token travels in the form body); taking over another
//! moderator's claim (`POST …/subentro`, audited); and "next pending".

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use chrono::DateTime;
use serde::{Deserialize, Serialize};

use super::queue::claim_text;
use super::review::{canonical_href, contribution_in_path};
use super::step::next_pending_answer;
use super::{ConsoleError, ConsoleForm, CsrfHeader};
use crate::app::moderation::claims::{self, ClaimOutcome};
use crate::clock;
use crate::domain::{ContributionId, Role};
use crate::http::AppState;

/// What the renewal script learns.
#[derive(Serialize)]
struct ClaimAnswer {
    /// Whether this moderator holds the claim.
    held: bool,
    /// Until when the claim lasts (RFC 3339).
    until: String,
    /// The claim as the page words it.
    text: String,
}

/// `POST /console/coda/{id}/presa`: renew this moderator's claim. 200 with
/// the claim, held or another's; 409 when the contribution is no longer
/// pending.
pub async fn renew_claim(
    CsrfHeader(user): CsrfHeader,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let key = contribution_in_path(&path)?;
    let (held, claim) = match claims::claim(&state, user.staff.id, key).await? {
        ClaimOutcome::Held(claim) => (true, claim),
        ClaimOutcome::HeldByAnother(claim) => (false, claim),
    };
    Ok(HttpResponse::Ok().json(ClaimAnswer {
        held,
        until: clock::utc(claim.claimed_until).to_rfc3339(),
        text: claim_text(&claim, &user),
    }))
}

#[derive(Deserialize)]
pub struct ReleaseForm {
    /// Until when the leaving page's claim lasted (RFC 3339).
    fino: Option<String>,
}

/// `POST /console/coda/{id}/rilascio`: the page is left. A claim renewed
/// since (by a page of the same moderator opened after) stays.
pub async fn release_claim(
    ConsoleForm { user, fields }: ConsoleForm<ReleaseForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let key = contribution_in_path(&path)?;
    match fields
        .fino
        .as_deref()
        .and_then(|raw| DateTime::parse_from_rfc3339(raw).ok())
    {
        Some(seen) => claims::release_as_seen(&state, user.staff.id, key, seen.naive_utc()).await?,
        None => claims::release(&state, user.staff.id, key).await?,
    }
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /console/coda/{id}/subentro`: this moderator takes over another's
/// claim (audited), then sees the page as its reviewer.
pub async fn take_over_claim(
    ConsoleForm { user, .. }: ConsoleForm<super::sign_out::NoFields>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let key = contribution_in_path(&path)?;
    claims::take_over(&state, user.staff.id, key).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, canonical_href(&state, key).await?))
        .finish())
}

#[derive(Deserialize)]
pub struct NextForm {
    /// The contribution being left, if any.
    dopo: Option<String>,
}

/// `POST /console/coda/successivo`: the oldest pending contribution nobody
/// else is reviewing, claimed.
pub async fn next_pending(
    ConsoleForm { user, fields }: ConsoleForm<NextForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let skip = fields.dopo.as_deref().and_then(ContributionId::parse);
    next_pending_answer(&state, &user, skip).await
}
