//! The audit log: append-only. Nothing here deletes a row; the one update is
//! erasure's (GDPR art. 17), which blanks the free-text reason of events
//! about messages to an erased address, since an SMTP answer quoted there may
//! name it, and the text of a note that erasure rewrote or removed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::{DbConnection, DbError};
use crate::domain::{Actor, AuditAction, AuditEvent, AuditEventId, TargetType};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub seq: i64,
    pub id: AuditEventId,
    /// A staff id, `system` or `command-line`.
    pub actor: String,
    pub action: AuditAction,
    pub target_type: TargetType,
    pub target_id: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub reason: Option<String>,
    pub details: Option<String>,
    pub occurred_at: NaiveDateTime,
}

/// Appends `event`, done by `actor`, in the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    actor: Actor,
    event: AuditEvent,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(AuditEventId::generate()),
            audit_events::actor.eq(actor.stored()),
            audit_events::action.eq(event.action),
            audit_events::target_type.eq(event.target_type),
            audit_events::target_id.eq(event.target_id),
            audit_events::from_value.eq(event.from),
            audit_events::to_value.eq(event.to),
            audit_events::reason.eq(event.reason),
            audit_events::details.eq(event.details),
            audit_events::occurred_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Blanks the reason of the `outbox_retried` events of these messages
/// (erasure): the reason is the message's last error, which may quote the
/// address. The event itself, its actor and time stay.
pub fn erase_outbox_reasons(
    conn: &mut DbConnection,
    messages: &[String],
) -> Result<usize, DbError> {
    if messages.is_empty() {
        return Ok(0);
    }
    Ok(diesel::update(
        audit_events::table
            .filter(audit_events::action.eq(AuditAction::OutboxRetried))
            .filter(audit_events::target_type.eq(TargetType::Outbox))
            .filter(audit_events::target_id.eq_any(messages))
            .filter(audit_events::reason.is_not_null()),
    )
    .set(audit_events::reason.eq(None::<String>))
    .execute(conn)?)
}

/// Blanks the text that `note_added` kept of this note (erasure rewrote or
/// removed the note because it named the person). The event stays.
pub fn erase_note_text(conn: &mut DbConnection, note: &str) -> Result<usize, DbError> {
    Ok(diesel::update(
        audit_events::table
            .filter(audit_events::action.eq(AuditAction::NoteAdded))
            .filter(audit_events::to_value.eq(note)),
    )
    .set(audit_events::details.eq(None::<String>))
    .execute(conn)?)
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<AuditAction>,
    pub target_type: Option<TargetType>,
    pub target_id: Option<String>,
    pub since: Option<NaiveDateTime>,
}

/// Events in the order they happened, `limit + 1` at most, after `after_seq`.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, DbError> {
    let mut query = audit_events::table
        .select(AuditRow::as_select())
        .order(audit_events::seq.asc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(*action));
    }
    if let Some(target_type) = &filter.target_type {
        query = query.filter(audit_events::target_type.eq(*target_type));
    }
    if let Some(target_id) = &filter.target_id {
        query = query.filter(audit_events::target_id.eq(target_id.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_events::occurred_at.ge(since));
    }
    if let Some(seq) = after_seq {
        query = query.filter(audit_events::seq.gt(seq));
    }
    Ok(query.load(conn)?)
}
