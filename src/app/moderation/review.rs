//! One moderation step on one contribution: plan it, commit it with its
//! audit events, then queue what it owes (the author's notice, the
//! milestone). Approving, rejecting, marking spam or a duplicate, hiding,
//! restoring, moving and tagging all happen here.

use chrono::NaiveDateTime;

use super::detail::{self, ContributionDetail};
use super::plan::{plan, Plan};
use crate::app::indicators::record_milestone;
use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::models::ContributionRow;
use crate::db::{audit, contributions, tags, DbConnection};
use crate::domain::{
    Actor, ContributionRef, ContributionStatus, StaffId, TagName, ThematicAreaCode,
};
use crate::mail::messages::OutcomeKind;
use crate::mail::{notices, MailContext};

/// What a moderator asks to change. Each field is optional.
#[derive(Clone, Debug, Default)]
pub struct ModerationRequest {
    pub status: Option<ContributionStatus>,
    /// `Some(None)` clears the reason.
    pub status_reason: Option<Option<String>>,
    /// `Some(None)` clears it.
    pub duplicate_of: Option<Option<ContributionRef>>,
    pub thematic_area: Option<ThematicAreaCode>,
    /// Replaces the whole set.
    pub tags: Option<Vec<TagName>>,
    pub add_tags: Vec<TagName>,
    pub remove_tags: Vec<TagName>,
}

/// What a step needs besides the request.
pub struct StepContext<'a> {
    pub actor: StaffId,
    pub target: i64,
    pub mail: &'a MailContext,
    pub now: NaiveDateTime,
}

/// The result of one step.
pub struct Applied {
    pub row: ContributionRow,
    /// False when the contribution already was as asked.
    pub changed: bool,
    /// Whether the change can move the indicator.
    pub indicator_changed: bool,
}

/// Moderate a contribution if it is still at `expected_version` (any version
/// when `None`), in one transaction with its audit events.
pub async fn moderate(
    services: &Services,
    actor: StaffId,
    key: impl Into<ContributionRef>,
    expected_version: Option<i64>,
    request: ModerationRequest,
) -> Result<ContributionDetail, AppError> {
    let row = run_step(services, actor, key.into(), expected_version, request)
        .await?
        .row;
    Ok(services
        .db
        .read(move |conn| detail::detail_of(conn, row))
        .await?)
}

/// One step in a transaction of its own; the indicator is refreshed when
/// the step can have moved it. Answers the contribution as it now is, and
/// whether the step changed it.
pub async fn run_step(
    services: &Services,
    actor: StaffId,
    key: ContributionRef,
    expected_version: Option<i64>,
    request: ModerationRequest,
) -> Result<Applied, AppError> {
    let (target, mail) = (services.config.target, services.mail.clone());
    let applied = services
        .db
        .write(move |conn| {
            let step = StepContext {
                actor,
                target,
                mail: &mail,
                now: clock::now().naive_utc(),
            };
            apply(conn, &step, key, expected_version, &request)
        })
        .await?;
    if applied.indicator_changed {
        services.indicators.invalidate();
    }
    Ok(applied)
}

/// Applies `request` inside the caller's transaction: the change and its
/// audit events commit together.
pub fn apply(
    conn: &mut DbConnection,
    step: &StepContext<'_>,
    key: ContributionRef,
    expected_version: Option<i64>,
    request: &ModerationRequest,
) -> Result<Applied, AppError> {
    let row = detail::find(conn, key)?;
    let id = row.id;
    if expected_version.is_some_and(|version| version != row.version) {
        return Err(AppError::StaleVersion(Resource::Contribution));
    }
    let plan = plan(conn, &row, request, step.now)?;
    if !plan.changes_anything() {
        return Ok(Applied {
            row,
            changed: false,
            indicator_changed: false,
        });
    }
    let indicator_changed = plan
        .new_status
        .is_some_and(|next| next.is_counted() != row.status.is_counted())
        || plan.changes.thematic_area.is_some();
    let published_now = plan.changes.published_at.is_some();
    let new_status = plan.new_status;
    commit(conn, step, &row, plan)?;
    if indicator_changed {
        record_milestone(conn, step.mail, step.target, step.now)?;
    }
    let row = detail::find(conn, id)?;
    notify_author(conn, step, &row, new_status, published_now)?;
    Ok(Applied {
        row,
        changed: true,
        indicator_changed,
    })
}

/// Writes the plan. The version check comes first: a concurrent step loses
/// here, before it touches the tags the winner is writing.
fn commit(
    conn: &mut DbConnection,
    step: &StepContext<'_>,
    row: &ContributionRow,
    plan: Plan,
) -> Result<(), AppError> {
    if !contributions::update_if_version(conn, row, &plan.changes, step.now)? {
        return Err(AppError::StaleVersion(Resource::Contribution));
    }
    let mut events = plan.events;
    if let Some(change) = plan.tags {
        // A tag renamed or merged away meanwhile (see `tags`): the step read
        // a state that is gone, as with a stale version.
        match tags::add_tags(conn, row.id, &change.added, step.now) {
            Err(error) if error.is_foreign_key_violation() => {
                return Err(AppError::StaleVersion(Resource::Contribution))
            }
            other => other?,
        }
        tags::remove_tags(conn, row.id, &change.removed)?;
        events.push(change.event);
    }
    for event in events {
        audit::record(conn, Actor::Staff(step.actor), event, step.now)?;
    }
    Ok(())
}

/// The author hears once when published (not again after hide and
/// re-publish), when rejected or hidden (with the reason), and when joined
/// to another contribution (naming it). Spam is not answered; demo rows never.
fn notify_author(
    conn: &mut DbConnection,
    step: &StepContext<'_>,
    row: &ContributionRow,
    new_status: Option<ContributionStatus>,
    published_now: bool,
) -> Result<(), AppError> {
    if contributions::is_demo(conn, row.id)? {
        return Ok(());
    }
    let kind = match new_status {
        Some(ContributionStatus::Approved) if published_now => OutcomeKind::Published,
        Some(ContributionStatus::Rejected) => OutcomeKind::Rejected,
        Some(ContributionStatus::Duplicate) => OutcomeKind::Duplicate,
        Some(ContributionStatus::Hidden) => OutcomeKind::Hidden,
        _ => return Ok(()),
    };
    let original = match row.duplicate_of {
        Some(original) if kind == OutcomeKind::Duplicate => Some(detail::find(conn, original)?),
        _ => None,
    };
    notices::outcome(conn, step.mail, row, kind, original.as_ref(), step.now)?;
    Ok(())
}
