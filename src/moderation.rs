//! Moderation steps: the status machine applied to stored contributions,
//! area moves and tags, each change audited in the same transaction.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;

use crate::db::audit::{self, AuditEntry};
use crate::db::contributions::{self, ModerationChanges};
use crate::db::models::ContributionRow;
use crate::db::{tags, thematic_areas, DbConnection};
use crate::domain::{ContributionStatus, FieldIssue, TagName, ThematicAreaCode};
use crate::error::{ApiError, FieldError};
use crate::indicators::record_milestone;
use crate::mail::{notices, MailContext};

/// What a moderator asks to change. Each field is optional.
#[derive(Clone, Debug, Default)]
pub struct ModerationRequest {
    pub status: Option<ContributionStatus>,
    /// `Some(None)` clears the reason.
    pub status_reason: Option<Option<String>>,
    /// `Some(None)` clears it.
    pub duplicate_of: Option<Option<String>>,
    pub thematic_area: Option<ThematicAreaCode>,
    /// Replaces the whole set.
    pub tags: Option<Vec<TagName>>,
    pub add_tags: Vec<TagName>,
    pub remove_tags: Vec<TagName>,
}

/// The result of one step.
pub struct Applied {
    pub row: ContributionRow,
    /// Whether the change can move the indicator.
    pub indicator_changed: bool,
}

/// Applies `request` to contribution `id`, as `actor`, if it is still at
/// `expected_version` (any version when `None`). Runs inside the caller's
/// transaction: the change and its audit events commit together.
/// What a moderation step needs besides the request.
pub struct StepContext<'a> {
    pub actor: &'a str,
    pub target: i64,
    pub mail: &'a MailContext,
    pub now: NaiveDateTime,
}

pub fn apply(
    conn: &mut DbConnection,
    step: &StepContext<'_>,
    id: &str,
    expected_version: Option<i64>,
    request: &ModerationRequest,
) -> Result<Applied, ApiError> {
    let (actor, now) = (step.actor, step.now);
    let row = contributions::find_by_id(conn, id)?.ok_or(ApiError::NotFound)?;
    if expected_version.is_some_and(|version| version != row.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let current = ContributionStatus::parse(&row.status)
        .map_err(|_| ApiError::Internal(format!("stored status {:?}", row.status)))?;
    let mut changes = ModerationChanges::default();
    let mut errors = Vec::new();
    let mut events: Vec<AuditEntry<'_>> = Vec::new();

    let new_status = request.status.filter(|status| *status != current);
    if let Some(next) = new_status {
        if !current.can_become(next) {
            return Err(ApiError::InvalidTransition {
                from: current.to_string(),
                to: next.to_string(),
            });
        }
        let reason = request.status_reason.clone().flatten();
        if next.requires_reason() && reason.is_none() {
            errors.push(FieldError {
                field: "status_reason".into(),
                issue: FieldIssue::ReasonRequired,
            });
        }
        let duplicate_of = if next == ContributionStatus::Duplicate {
            match request.duplicate_of.clone().flatten() {
                None => {
                    errors.push(FieldError {
                        field: "duplicate_of".into(),
                        issue: FieldIssue::DuplicateOfRequired,
                    });
                    None
                }
                Some(original) => match check_original(conn, id, &original)? {
                    Ok(()) => Some(original),
                    Err(issue) => {
                        errors.push(FieldError {
                            field: "duplicate_of".into(),
                            issue,
                        });
                        None
                    }
                },
            }
        } else {
            None
        };
        changes.status = Some(next.as_str().to_owned());
        changes.status_reason = Some(reason.clone());
        changes.duplicate_of = Some(duplicate_of.clone());
        if next == ContributionStatus::Approved && row.published_at.is_none() {
            changes.published_at = Some(Some(now));
        }
        events.push(AuditEntry {
            actor,
            action: "status_changed",
            target_type: "contribution",
            target_id: id,
            from: Some(current.to_string()),
            to: Some(next.to_string()),
            reason,
            details: duplicate_of
                .map(|original| serde_json::json!({ "duplicate_of": original }).to_string()),
        });
    } else if let Some(reason) = &request.status_reason {
        // A reason may be corrected without a transition, where the status has one.
        if current.requires_reason() && reason.is_none() {
            errors.push(FieldError {
                field: "status_reason".into(),
                issue: FieldIssue::ReasonRequired,
            });
        } else if reason != &row.status_reason {
            changes.status_reason = Some(reason.clone());
            events.push(AuditEntry {
                actor,
                action: "status_reason_changed",
                target_type: "contribution",
                target_id: id,
                from: row.status_reason.clone(),
                to: reason.clone(),
                ..AuditEntry::default()
            });
        }
    }

    if let Some(area) = request
        .thematic_area
        .as_ref()
        .filter(|a| a.as_str() != row.thematic_area)
    {
        if thematic_areas::find_active(conn, area.as_str())?.is_none() {
            errors.push(FieldError {
                field: "thematic_area".into(),
                issue: FieldIssue::UnknownThematicArea,
            });
        }
        changes.thematic_area = Some(area.as_str().to_owned());
        events.push(AuditEntry {
            actor,
            action: "thematic_area_changed",
            target_type: "contribution",
            target_id: id,
            from: Some(row.thematic_area.clone()),
            to: Some(area.as_str().to_owned()),
            ..AuditEntry::default()
        });
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }

    let tag_change = plan_tags(conn, id, request)?;
    let anything = new_status.is_some()
        || changes.status_reason.is_some()
        || changes.thematic_area.is_some()
        || tag_change.is_some();
    if !anything {
        return Ok(Applied {
            row,
            indicator_changed: false,
        });
    }
    // The version check comes first: a concurrent step loses here with 412,
    // before it touches the tags the winner is writing.
    if !contributions::update_if_version(conn, id, row.version, &changes, now)? {
        return Err(ApiError::PreconditionFailed);
    }
    if let Some(change) = tag_change {
        tags::add_tags(conn, id, &change.added, now)?;
        tags::remove_tags(conn, id, &change.removed)?;
        events.push(AuditEntry {
            actor,
            action: "tags_changed",
            target_type: "contribution",
            target_id: id,
            from: Some(change.before),
            to: Some(change.after),
            ..AuditEntry::default()
        });
    }
    for event in events {
        audit::record(conn, event, now)?;
    }
    let indicator_changed = new_status
        .is_some_and(|next| next.is_counted() != current.is_counted())
        || changes.thematic_area.is_some();
    if indicator_changed {
        record_milestone(conn, step.mail, step.target, now)?;
    }
    let row = contributions::find_by_id(conn, id)?.ok_or(ApiError::NotFound)?;
    // The author hears once when published (not again after hide and
    // re-publish) and when rejected, with the reason.
    match new_status {
        Some(ContributionStatus::Approved) if changes.published_at.is_some() => {
            notices::outcome(conn, step.mail, &row, true, now)?;
        }
        Some(ContributionStatus::Rejected) => notices::outcome(conn, step.mail, &row, false, now)?,
        _ => {}
    }
    Ok(Applied {
        row,
        indicator_changed,
    })
}

/// Checks that `original` may be named as what `id` duplicates.
fn check_original(
    conn: &mut DbConnection,
    id: &str,
    original: &str,
) -> Result<Result<(), FieldIssue>, ApiError> {
    if original == id {
        return Ok(Err(FieldIssue::DuplicateOfItself));
    }
    Ok(match contributions::find_by_id(conn, original)? {
        None => Err(FieldIssue::DuplicateOfUnknown),
        Some(row) if row.status == ContributionStatus::Duplicate.as_str() => {
            Err(FieldIssue::DuplicateOfDuplicate)
        }
        Some(_) => Ok(()),
    })
}

/// A change of a contribution's tags, worked out before anything is written.
struct TagChange {
    added: Vec<String>,
    removed: Vec<String>,
    before: String,
    after: String,
}

/// Replacing, adding and removing tags; `None` when the set stays the same.
fn plan_tags(
    conn: &mut DbConnection,
    id: &str,
    request: &ModerationRequest,
) -> Result<Option<TagChange>, ApiError> {
    if request.tags.is_none() && request.add_tags.is_empty() && request.remove_tags.is_empty() {
        return Ok(None);
    }
    let before: BTreeSet<String> = tags::tags_of(conn, &[id.to_owned()])?
        .remove(id)
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
        before: join(&before),
        after: join(&after),
    }))
}
