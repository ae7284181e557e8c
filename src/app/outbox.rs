//! The e-mail outbox as admins see it.

use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::audit;
use crate::db::outbox::{self, OutboxRow};
use crate::domain::{Actor, AuditEvent, MessageId, OutboxStatus, StaffId};
use crate::error::mask_email_addresses;

/// Messages oldest first, `limit + 1` at most after `after_seq`.
pub async fn list(
    services: &Services,
    status: Option<OutboxStatus>,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<OutboxRow>, AppError> {
    Ok(services
        .db
        .read(move |conn| outbox::list(conn, status, after_seq, limit))
        .await?)
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
            let now = clock::now().naive_utc();
            outbox::requeue(conn, id, now)?;
            // Masked: an error stored before errors were masked may quote the address.
            let reason = row.last_error.as_deref().map(mask_email_addresses);
            let event = AuditEvent::outbox_retried(id, row.status.to_string(), reason);
            audit::record(conn, Actor::Staff(actor), event, now)?;
            outbox::find(conn, id)?.ok_or_else(not_found)
        })
        .await
}
