//! The e-mail outbox as admins see it.

use chrono::NaiveDateTime;

use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::audit;
use crate::db::outbox::{self, OutboxFilter, OutboxRow};
use crate::db::DbConnection;
use crate::domain::{Actor, AuditEvent, MessageId, OutboxStatus, StaffId};
use crate::error::mask_email_addresses;

/// Messages in the filter's order, `limit + 1` at most after `after_seq`.
pub async fn list(
    services: &Services,
    filter: OutboxFilter,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    Ok(services
        .db
        .read(move |conn| outbox::list(conn, &filter, after_seq, limit))
        .await?)
}

/// How many messages failed for good: what "retry every failed one" retries.
pub async fn failed_count(services: &Services) -> Result<i64, AppError> {
    Ok(services
        .db
        .read(|conn| outbox::count_with_status(conn, OutboxStatus::Failed))
        .await?)
}

/// One message, with its text.
pub async fn find(services: &Services, id: MessageId) -> Result<OutboxRow, AppError> {
    services
        .db
        .read(move |conn| outbox::find(conn, id))
        .await?
        .ok_or(AppError::NotFound(Resource::OutboxMessage))
}

/// Puts a failed (or pending) message back in the queue, due now, with a
/// fresh count of attempts. A message sent or cancelled stays as it is.
pub async fn retry(
    services: &Services,
    actor: StaffId,
    id: MessageId,
) -> Result<OutboxRow, AppError> {
    services
        .db
        .write(move |conn| {
            let not_found = || AppError::NotFound(Resource::OutboxMessage);
            let row = outbox::find(conn, id)?.ok_or_else(not_found)?;
            if matches!(row.status, OutboxStatus::Sent | OutboxStatus::Cancelled) {
                return Err(AppError::OutboxNotRetriable(row.status));
            }
            requeue(conn, actor, &row, clock::now().naive_utc())?;
            outbox::find(conn, id)?.ok_or_else(not_found)
        })
        .await
}

/// Puts every failed message back in the queue, in one transaction, one
/// audit event each; returns them as queued again.
pub async fn retry_failed(services: &Services, actor: StaffId) -> Result<Vec<OutboxRow>, AppError> {
    services
        .db
        .write(move |conn| {
            let now = clock::now().naive_utc();
            let failed = outbox::failed(conn)?;
            let mut queued = Vec::with_capacity(failed.len());
            for row in &failed {
                requeue(conn, actor, row, now)?;
                queued.extend(outbox::find(conn, row.id)?);
            }
            Ok(queued)
        })
        .await
}

fn requeue(
    conn: &mut DbConnection,
    actor: StaffId,
    row: &OutboxRow,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    outbox::requeue(conn, row.id, now)?;
    // Masked: an error stored before errors were masked may quote the address.
    let reason = row.last_error.as_deref().map(mask_email_addresses);
    let event = AuditEvent::outbox_retried(row.id, row.status.to_string(), reason);
    audit::record(conn, Actor::Staff(actor), event, now)?;
    Ok(())
}
