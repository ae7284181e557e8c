//! Working out what one moderation step changes, before anything is
//! written: the status change, the area move and the tags. Each plan adds
//! its audit event; invalid input is collected so one answer names it all.

use std::collections::BTreeSet;

use super::detail;
use super::review::ModerationRequest;
use crate::app::AppError;
use crate::db::contributions::ModerationChanges;
use crate::db::models::ContributionRow;
use crate::db::{contributions, tags, thematic_areas, DbConnection};
use crate::domain::{AuditEvent, ContributionId, ContributionStatus, FieldErrors, FieldIssue};

/// What a step will write, and the events that record it.
#[derive(Default)]
pub struct Plan {
    pub changes: ModerationChanges,
    pub new_status: Option<ContributionStatus>,
    pub tags: Option<TagChange>,
    pub events: Vec<AuditEvent>,
}

impl Plan {
    pub fn changes_anything(&self) -> bool {
        self.new_status.is_some()
            || self.changes.status_reason.is_some()
            || self.changes.thematic_area.is_some()
            || self.tags.is_some()
    }
}

/// The whole plan for `request` on `row`, or every reason it cannot be done.
pub fn plan(
    conn: &mut DbConnection,
    row: &ContributionRow,
    request: &ModerationRequest,
    now: chrono::NaiveDateTime,
) -> Result<Plan, AppError> {
    let mut plan = Plan::default();
    let mut errors = FieldErrors::default();
    plan_status(conn, row, request, now, &mut plan, &mut errors)?;
    plan_area(conn, row, request, &mut plan, &mut errors)?;
    errors.finish(Some(()))?;
    plan.tags = plan_tags(conn, row.id, request)?;
    Ok(plan)
}

/// A transition of the status machine, or a corrected reason.
fn plan_status(
    conn: &mut DbConnection,
    row: &ContributionRow,
    request: &ModerationRequest,
    now: chrono::NaiveDateTime,
    plan: &mut Plan,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let current = row.status;
    let Some(next) = request.status.filter(|status| *status != current) else {
        plan_reason_correction(row, request, plan, errors);
        return Ok(());
    };
    if !current.can_become(next) {
        return Err(AppError::InvalidTransition {
            from: current,
            to: next,
        });
    }
    let reason = request.status_reason.clone().flatten();
    if next.requires_reason() && reason.is_none() {
        errors.add("status_reason", FieldIssue::ReasonRequired);
    }
    let duplicate_of = match next {
        ContributionStatus::Duplicate => {
            // An original with duplicates of its own would start a chain.
            if contributions::has_duplicates(conn, row.id)? {
                errors.add("status", FieldIssue::OriginalOfDuplicates);
            }
            original_of(conn, row.id, request, errors)?
        }
        _ => None,
    };
    plan.new_status = Some(next);
    plan.changes.status = Some(next);
    plan.changes.status_reason = Some(reason.clone());
    plan.changes.duplicate_of = Some(duplicate_of);
    if next == ContributionStatus::Approved && row.published_at.is_none() {
        plan.changes.published_at = Some(Some(now));
    }
    plan.events.push(AuditEvent::status_changed(
        row.id,
        current,
        next,
        reason,
        duplicate_of,
    ));
    Ok(())
}

/// A reason may be corrected without a transition, where the status has one.
fn plan_reason_correction(
    row: &ContributionRow,
    request: &ModerationRequest,
    plan: &mut Plan,
    errors: &mut FieldErrors,
) {
    let Some(reason) = &request.status_reason else {
        return;
    };
    if row.status.requires_reason() && reason.is_none() {
        errors.add("status_reason", FieldIssue::ReasonRequired);
    } else if reason != &row.status_reason {
        plan.changes.status_reason = Some(reason.clone());
        plan.events.push(AuditEvent::status_reason_changed(
            row.id,
            row.status_reason.clone(),
            reason.clone(),
        ));
    }
}

/// The original a duplicate points to: it must exist, be another
/// contribution, and not be a duplicate itself.
fn original_of(
    conn: &mut DbConnection,
    id: ContributionId,
    request: &ModerationRequest,
    errors: &mut FieldErrors,
) -> Result<Option<ContributionId>, AppError> {
    let Some(original) = request.duplicate_of.flatten() else {
        errors.add("duplicate_of", FieldIssue::DuplicateOfRequired);
        return Ok(None);
    };
    let found = match detail::find(conn, original) {
        Err(AppError::NotFound(_)) => None,
        other => Some(other?),
    };
    let issue = match found {
        None => FieldIssue::DuplicateOfUnknown,
        Some(row) if row.id == id => FieldIssue::DuplicateOfItself,
        Some(row) if row.status == ContributionStatus::Duplicate => {
            FieldIssue::DuplicateOfDuplicate
        }
        Some(row) => return Ok(Some(row.id)),
    };
    errors.add("duplicate_of", issue);
    Ok(None)
}

/// A move to another active thematic area.
fn plan_area(
    conn: &mut DbConnection,
    row: &ContributionRow,
    request: &ModerationRequest,
    plan: &mut Plan,
    errors: &mut FieldErrors,
) -> Result<(), AppError> {
    let Some(area) = request
        .thematic_area
        .as_ref()
        .filter(|area| area.as_str() != row.thematic_area)
    else {
        return Ok(());
    };
    if thematic_areas::find_active(conn, area.as_str())?.is_none() {
        errors.add("thematic_area", FieldIssue::UnknownThematicArea);
    }
    plan.changes.thematic_area = Some(area.as_str().to_owned());
    plan.events.push(AuditEvent::contribution_area_changed(
        row.id,
        &row.thematic_area,
        area.as_str(),
    ));
    Ok(())
}

/// A change of a contribution's tags.
pub struct TagChange {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub event: AuditEvent,
}

/// Replacing, adding and removing tags; `None` when the set stays the same.
fn plan_tags(
    conn: &mut DbConnection,
    id: ContributionId,
    request: &ModerationRequest,
) -> Result<Option<TagChange>, AppError> {
    if request.tags.is_none() && request.add_tags.is_empty() && request.remove_tags.is_empty() {
        return Ok(None);
    }
    let before: BTreeSet<String> = tags::tags_of(conn, &[id])?
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let mut after: BTreeSet<String> = match &request.tags {
        Some(replacement) => replacement.iter().map(|t| t.as_str().to_owned()).collect(),
        None => before.clone(),
    };
    after.extend(request.add_tags.iter().map(|t| t.as_str().to_owned()));
    for tag in &request.remove_tags {
        after.remove(tag.as_str());
    }
    if after == before {
        return Ok(None);
    }
    let join = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(",");
    Ok(Some(TagChange {
        added: after.difference(&before).cloned().collect(),
        removed: before.difference(&after).cloned().collect(),
        event: AuditEvent::tags_changed(id, join(&before), join(&after)),
    }))
}
