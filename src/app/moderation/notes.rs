//! Internal notes: for staff only, never exported or shown to the public.

use super::detail;
use crate::app::{AppError, Services};
use crate::clock;
use crate::db::audit;
use crate::db::notes::{self, NoteRow};
use crate::domain::{Actor, AuditEvent, ContributionRef, StaffId};

/// Adds `text` as a note by `author` on contribution `id`.
pub async fn add(
    services: &Services,
    author: StaffId,
    author_name: String,
    key: impl Into<ContributionRef>,
    text: String,
) -> Result<NoteRow, AppError> {
    let key = key.into();
    services
        .db
        .write(move |conn| {
            let id = detail::find(conn, key)?.id;
            let now = clock::now().naive_utc();
            let note = notes::add_note(conn, id, author, &text, now)?;
            audit::record(
                conn,
                Actor::Staff(author),
                AuditEvent::note_added(id, note, &text),
                now,
            )?;
            Ok(NoteRow {
                id: note,
                contribution_id: id,
                author_id: author,
                author_name,
                text,
                created_at: now,
            })
        })
        .await
}
