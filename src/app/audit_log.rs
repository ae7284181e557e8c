//! Reading the audit log: the whole log for admins, one contribution's
//! history for moderators; each event with its actor's name.

use std::collections::HashMap;

use super::moderation::detail;
use crate::app::{AppError, Services};
use crate::db::audit::{self, AuditFilter, AuditRow};
use crate::db::{contributions, staff, DbConnection, DbError};
use crate::domain::{
    ContributionRef, FieldIssue, Reference, TargetType, COMMAND_LINE_ACTOR, SYSTEM_ACTOR,
};

/// An event and the name of the staff member who acted, if one did.
pub struct NamedEvent {
    pub row: AuditRow,
    pub actor_name: Option<String>,
}

/// The audit log's filters, with the actor as an admin types it.
#[derive(Debug, Default)]
pub struct AuditQuery {
    /// A staff id, `system`, `command-line`, or part of a name or e-mail
    /// (any case).
    pub actor: Option<String>,
    pub filter: AuditFilter,
}

/// Events in the filter's order, `limit + 1` at most after `after_seq`. A
/// target given as a contribution's reference (`RF-000042`) stands for its
/// id; a reference that names no contribution is invalid (`target`).
pub async fn list(
    services: &Services,
    query: AuditQuery,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<NamedEvent>, AppError> {
    services
        .db
        .read(move |conn| {
            let mut filter = query.filter;
            if let Some(actor) = &query.actor {
                filter.actors = Some(matching_actors(conn, actor)?);
            }
            if let Some(reference) = filter.target_id.as_deref().and_then(Reference::parse) {
                let row = contributions::find_by_seq(conn, reference.sequence())?;
                let row = row
                    .ok_or_else(|| AppError::invalid("target", FieldIssue::UnknownContribution))?;
                filter.target_id = Some(row.id.to_string());
            }
            let rows = audit::list(conn, &filter, after_seq, limit)?;
            Ok(named(conn, rows)?)
        })
        .await
}

/// The newest event about `target_id` of `target_type`, if any.
pub async fn find_event(
    services: &Services,
    target_type: TargetType,
    target_id: String,
) -> Result<Option<NamedEvent>, AppError> {
    let filter = AuditFilter {
        target_type: Some(target_type),
        target_id: Some(target_id),
        newest_first: true,
        ..AuditFilter::default()
    };
    Ok(services
        .db
        .read(move |conn| {
            // A limit of 0 reads one row: the list reads one past its limit.
            let rows = audit::list(conn, &filter, None, 0)?;
            Ok::<_, DbError>(named(conn, rows)?.into_iter().next())
        })
        .await?)
}

/// The stored actors that `text` names: itself, and every account whose
/// name or e-mail contains it, compared in Unicode lowercase (in Rust,
/// since SQLite's `lower()` folds ASCII only; staff lists are short).
fn matching_actors(conn: &mut DbConnection, text: &str) -> Result<Vec<String>, DbError> {
    let needle = text.trim().to_lowercase();
    let mut actors = vec![text.trim().to_owned()];
    actors.extend(
        staff::list(conn)?
            .into_iter()
            .filter(|row| {
                row.name.to_lowercase().contains(&needle)
                    || row.email.to_lowercase().contains(&needle)
            })
            .map(|row| row.id.to_string()),
    );
    Ok(actors)
}

fn named(conn: &mut DbConnection, rows: Vec<AuditRow>) -> Result<Vec<NamedEvent>, DbError> {
    let names: HashMap<String, String> = staff::list(conn)?
        .into_iter()
        .map(|row| (row.id.to_string(), row.name))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let actor_name = match row.actor.as_str() {
                SYSTEM_ACTOR | COMMAND_LINE_ACTOR => None,
                id => names.get(id).cloned(),
            };
            NamedEvent { row, actor_name }
        })
        .collect())
}

/// Every audited event about a contribution, oldest first, each with the
/// name of the staff member who acted (`None` for the system).
pub async fn history(
    services: &Services,
    key: impl Into<ContributionRef>,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<NamedEvent>, AppError> {
    let key = key.into();
    services
        .db
        .read(move |conn| {
            let id = detail::find(conn, key)?.id;
            let filter = AuditFilter {
                target_type: Some(TargetType::Contribution),
                target_id: Some(id.to_string()),
                ..AuditFilter::default()
            };
            let rows = audit::list(conn, &filter, after_seq, limit)?;
            Ok(named(conn, rows)?)
        })
        .await
}
