//! The same moderation step applied to many contributions, each in its own
//! transaction so that one failing id does not stop the others, and one
//! audit event for the whole action besides each contribution's own.

use super::review::{run_step, ModerationRequest};
use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::audit;
use crate::domain::{Actor, AuditEvent, ContributionRef, StaffId, TagName};

/// What happened to one id, in request order: whether it changed, or why
/// it failed.
pub struct BulkOutcome {
    /// The id as sent.
    pub id: String,
    pub result: Result<bool, AppError>,
}

pub async fn apply_to_all(
    services: &Services,
    actor: StaffId,
    ids: Vec<String>,
    change: ModerationRequest,
) -> Result<Vec<BulkOutcome>, AppError> {
    let mut outcomes = Vec::with_capacity(ids.len());
    for id in ids {
        let result = apply_one(services, actor, &id, &change).await;
        outcomes.push(BulkOutcome { id, result });
    }
    record_bulk_action(services, actor, &outcomes, &change).await?;
    Ok(outcomes)
}

async fn apply_one(
    services: &Services,
    actor: StaffId,
    raw_id: &str,
    change: &ModerationRequest,
) -> Result<bool, AppError> {
    let key = ContributionRef::parse(raw_id).ok_or(AppError::NotFound(Resource::Contribution))?;
    Ok(run_step(services, actor, key, None, change.clone())
        .await?
        .changed)
}

async fn record_bulk_action(
    services: &Services,
    actor: StaffId,
    outcomes: &[BulkOutcome],
    change: &ModerationRequest,
) -> Result<(), AppError> {
    let ids_where = |result: Option<bool>| {
        outcomes
            .iter()
            .filter(|outcome| outcome.result.as_ref().ok().copied() == result)
            .map(|outcome| outcome.id.as_str())
            .collect::<Vec<_>>()
    };
    let details = serde_json::json!({
        "applied": ids_where(Some(true)),
        "unchanged": ids_where(Some(false)),
        "failed": ids_where(None),
        "status": change.status.map(|s| s.as_str()),
        "thematic_area": change.thematic_area.as_ref().map(|a| a.as_str()),
        "duplicate_of": change.duplicate_of.flatten().map(|original| original.to_string()),
        "add_tags": change.add_tags.iter().map(TagName::as_str).collect::<Vec<_>>(),
        "remove_tags": change.remove_tags.iter().map(TagName::as_str).collect::<Vec<_>>(),
    })
    .to_string();
    let event = AuditEvent::bulk_action(change.status_reason.clone().flatten(), details);
    services
        .db
        .write(move |conn| {
            audit::record(conn, Actor::Staff(actor), event, clock::now().naive_utc())
        })
        .await?;
    Ok(())
}
