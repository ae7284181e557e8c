//! The outbox: every e-mail is a row written in the transaction of its event,
//! so that none is lost when the SMTP server is down; a worker sends them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use uuid::Uuid;

use super::Message;
use crate::db::schema::outbox;
use crate::db::{DbConnection, DbError};

/// Queues `message`, due at `now`. The Message-ID is derived from the row id,
/// so a retried delivery carries the same one and receivers can de-duplicate.
pub fn queue(
    conn: &mut DbConnection,
    message: &Message,
    contribution_id: Option<&str>,
    sender_domain: &str,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(&id),
            outbox::kind.eq(message.kind),
            outbox::recipient.eq(&message.recipient),
            outbox::subject.eq(&message.subject),
            outbox::body_text.eq(&message.body_text),
            outbox::body_html.eq(&message.body_html),
            outbox::message_id.eq(format!("<{id}@{sender_domain}>")),
            outbox::contribution_id.eq(contribution_id),
            outbox::status.eq("pending"),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}
