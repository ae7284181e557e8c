//! The audit log: append-only. Nothing here deletes a row; the only updates
//! are erasure's (GDPR art. 17): it blanks the free-text reason of events
//! about messages to an erased address, since an SMTP answer quoted there may
//! name it, and the text a `note_added` event carries of a note it rewrites
//! or removes.

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

/// Blanks the details of the `note_added` event of note `note_id`
/// (erasure): they hold the note's text, which may name the author.
pub fn erase_note_text(conn: &mut DbConnection, note_id: &str) -> Result<usize, DbError> {
    Ok(diesel::update(
        audit_events::table
            .filter(audit_events::action.eq(AuditAction::NoteAdded))
            .filter(audit_events::to_value.eq(note_id)),
    )
    .set(audit_events::details.eq(None::<String>))
    .execute(conn)?)
}

#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// Events by any of these actors (stored ids, `system`, `command-line`).
    pub actors: Option<Vec<String>>,
    pub action: Option<AuditAction>,
    pub target_type: Option<TargetType>,
    pub target_id: Option<String>,
    pub since: Option<NaiveDateTime>,
    /// Events at or before this time.
    pub until: Option<NaiveDateTime>,
    pub newest_first: bool,
}

/// Events in order (oldest first unless `newest_first`), `limit + 1` at
/// most, after the event `after_seq` in that order.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, DbError> {
    let mut query = audit_events::table
        .select(AuditRow::as_select())
        .limit(limit + 1)
        .into_boxed();
    query = if filter.newest_first {
        query.order(audit_events::seq.desc())
    } else {
        query.order(audit_events::seq.asc())
    };
    if let Some(actors) = &filter.actors {
        query = query.filter(audit_events::actor.eq_any(actors.clone()));
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
    if let Some(until) = filter.until {
        query = query.filter(audit_events::occurred_at.le(until));
    }
    query = match (after_seq, filter.newest_first) {
        (Some(seq), false) => query.filter(audit_events::seq.gt(seq)),
        (Some(seq), true) => query.filter(audit_events::seq.lt(seq)),
        (None, _) => query,
    };
    Ok(query.load(conn)?)
}

/// When each staff account last signed in to the console, from the log's
/// `console_signed_in` events: `(staff id, time)`, one per account that
/// ever did.
pub fn last_sign_ins(conn: &mut DbConnection) -> Result<Vec<(String, NaiveDateTime)>, DbError> {
    let rows: Vec<(String, Option<NaiveDateTime>)> = audit_events::table
        .filter(audit_events::target_type.eq(TargetType::Staff))
        .filter(audit_events::action.eq(AuditAction::ConsoleSignedIn))
        .group_by(audit_events::target_id)
        .select((
            audit_events::target_id,
            diesel::dsl::max(audit_events::occurred_at),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, at)| at.map(|at| (id, at)))
        .collect())
}
