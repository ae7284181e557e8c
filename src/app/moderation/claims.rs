//! Claims (issue 13 §4): opening a pending contribution tells the other
//! moderators who is reviewing it, for ten minutes at a time. A claim is a
//! warning, not a lock: others may still act, and their step ends it.
//!
//! Taking, renewing and releasing a claim change no record and are not
//! audited: an open review page renews every two minutes, so they would
//! drown the log, and the claim itself says who is reviewing now. Taking
//! over a colleague's claim in force is audited (`claim_taken_over`, from
//! whom, by whom): it overrides someone's work in progress, for example a
//! page left open at the end of the day, which otherwise keeps the
//! contribution out of "next pending".

use chrono::{Duration, NaiveDateTime};

use super::detail::{self, ContributionDetail};
use crate::app::{AppError, Services};
use crate::clock;
use crate::db::claims::{self, ClaimRow};
use crate::db::{audit, DbConnection};
use crate::domain::{
    Actor, AuditEvent, ContributionId, ContributionRef, ContributionStatus, StaffId,
};

/// How long a claim lasts without renewal.
pub const CLAIM_MINUTES: i64 = 10;

/// What opening a contribution for review found.
#[derive(Clone, Debug)]
pub enum ClaimOutcome {
    /// The moderator holds the claim now (taken or renewed).
    Held(ClaimRow),
    /// Another moderator holds it: theirs stays.
    HeldByAnother(ClaimRow),
}

/// Claims the contribution `key` names for `moderator` (or renews their
/// claim) unless another moderator's claim is in force. Only a pending
/// contribution can be claimed.
pub async fn claim(
    services: &Services,
    moderator: StaffId,
    key: impl Into<ContributionRef>,
) -> Result<ClaimOutcome, AppError> {
    let key = key.into();
    services
        .db
        .write(move |conn| claim_in(conn, moderator, key, clock::now().naive_utc()))
        .await
}

fn claim_in(
    conn: &mut DbConnection,
    moderator: StaffId,
    key: ContributionRef,
    now: NaiveDateTime,
) -> Result<ClaimOutcome, AppError> {
    let row = detail::find(conn, key)?;
    let id = row.id;
    if row.status != ContributionStatus::Pending {
        return Err(AppError::NotPending(row.status));
    }
    if claims::put_unless_held(conn, id, moderator, claim_end(now), now)? {
        return Ok(ClaimOutcome::Held(claim_in_force(conn, id, now)?));
    }
    Ok(ClaimOutcome::HeldByAnother(claim_in_force(conn, id, now)?))
}

/// When a claim taken at `now` ends.
fn claim_end(now: NaiveDateTime) -> NaiveDateTime {
    now + Duration::minutes(CLAIM_MINUTES)
}

/// The claim in force on the pending contribution `id`.
fn claim_in_force(
    conn: &mut DbConnection,
    id: ContributionId,
    now: NaiveDateTime,
) -> Result<ClaimRow, AppError> {
    claims::active_claims(conn, &[id], now)?
        .remove(&id)
        .ok_or_else(|| AppError::Internal("claim not stored".into()))
}

/// Claims the contribution `key` names for `moderator` even when another
/// moderator's claim is in force; taking over another's claim is audited
/// in the same transaction. Only a pending contribution can be claimed.
pub async fn take_over(
    services: &Services,
    moderator: StaffId,
    key: impl Into<ContributionRef>,
) -> Result<ClaimRow, AppError> {
    let key = key.into();
    services
        .db
        .write(move |conn| {
            let now = clock::now().naive_utc();
            match claim_in(conn, moderator, key, now)? {
                ClaimOutcome::Held(claim) => Ok(claim),
                ClaimOutcome::HeldByAnother(displaced) => {
                    let id = displaced.contribution_id;
                    claims::put(conn, id, moderator, claim_end(now))?;
                    let claim = claim_in_force(conn, id, now)?;
                    let event = AuditEvent::claim_taken_over(id, displaced.staff_id, moderator);
                    audit::record(conn, Actor::Staff(moderator), event, now)?;
                    Ok(claim)
                }
            }
        })
        .await
}

/// Ends `moderator`'s claim on the contribution `key` names; another's
/// claim stays. `NotFound` when there is no such contribution.
pub async fn release(
    services: &Services,
    moderator: StaffId,
    key: impl Into<ContributionRef>,
) -> Result<(), AppError> {
    let key = key.into();
    services
        .db
        .write(move |conn| {
            let id = detail::find(conn, key)?.id;
            claims::release(conn, id, moderator)?;
            Ok(())
        })
        .await
}

/// Ends `moderator`'s claim on the contribution `key` names as a page that
/// saw it last until `seen_until` leaves: a page of the same moderator
/// opened since (which renewed the claim) keeps it.
pub async fn release_as_seen(
    services: &Services,
    moderator: StaffId,
    key: impl Into<ContributionRef>,
    seen_until: NaiveDateTime,
) -> Result<(), AppError> {
    let key = key.into();
    services
        .db
        .write(move |conn| {
            let id = detail::find(conn, key)?.id;
            claims::release_unless_renewed(conn, id, moderator, seen_until)?;
            Ok(())
        })
        .await
}

/// Claims the oldest pending contribution that no other moderator is
/// reviewing, other than `skip` (the one just left), and answers it; `None`
/// when there is none. Choosing and claiming share a transaction, so two
/// moderators asking at once on SQLite get different ones.
pub async fn claim_next_pending(
    services: &Services,
    moderator: StaffId,
    skip: Option<ContributionId>,
) -> Result<Option<ContributionDetail>, AppError> {
    services
        .db
        .write(move |conn| {
            let now = clock::now().naive_utc();
            if let Some(skip) = skip {
                claims::release(conn, skip, moderator)?;
            }
            let Some(id) = claim_oldest_unclaimed(conn, moderator, skip, now)? else {
                return Ok(None);
            };
            let row = detail::find(conn, id)?;
            Ok(Some(detail::detail_of(conn, row)?))
        })
        .await
}

/// How many contributions "next pending" may find claimed by someone else
/// between choosing and claiming before it gives up.
const NEXT_PENDING_ATTEMPTS: usize = 50;

/// Claims the oldest pending contribution, other than `skip`, that nobody
/// else is reviewing. On PostgreSQL two moderators may choose the same one
/// at once; the second's claim then fails without writing, and the next
/// choice (a new statement) sees the first's claim and passes it over.
fn claim_oldest_unclaimed(
    conn: &mut DbConnection,
    moderator: StaffId,
    skip: Option<ContributionId>,
    now: NaiveDateTime,
) -> Result<Option<ContributionId>, AppError> {
    for _ in 0..NEXT_PENDING_ATTEMPTS {
        let Some(id) = claims::next_unclaimed_pending(conn, moderator, skip, now)? else {
            return Ok(None);
        };
        if claims::put_unless_held(conn, id, moderator, claim_end(now), now)? {
            return Ok(Some(id));
        }
    }
    Err(AppError::Internal(
        "next pending: every choice was claimed by another moderator first".into(),
    ))
}
