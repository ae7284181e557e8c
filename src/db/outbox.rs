//! The outbox table: every e-mail is a row written in the transaction of its event,
//! so that none is lost when the SMTP server is down; a worker sends them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::{on_backend, DbConnection, DbError};
use crate::domain::{normalise_email, ContributionId, MessageId, MessageKind, OutboxStatus};
use crate::mail::Message;

/// Queues `message`, due at `now`. The Message-ID is derived from the row id,
/// so a retried delivery carries the same one and receivers can de-duplicate.
pub fn queue(
    conn: &mut DbConnection,
    message: &Message,
    contribution_id: Option<ContributionId>,
    sender_domain: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    queue_all(conn, &[(message, contribution_id)], sender_domain, now)
}

/// Queues several messages with one statement.
pub fn queue_all(
    conn: &mut DbConnection,
    messages: &[(&Message, Option<ContributionId>)],
    sender_domain: &str,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    if messages.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = messages
        .iter()
        .map(|(message, contribution_id)| {
            let id = MessageId::generate();
            (
                outbox::message_id.eq(format!("<{id}@{sender_domain}>")),
                outbox::id.eq(id),
                outbox::kind.eq(message.kind),
                outbox::recipient.eq(&message.recipient),
                outbox::recipient_normalised.eq(normalise_email(&message.recipient)),
                outbox::subject.eq(&message.subject),
                outbox::body_text.eq(&message.body_text),
                outbox::body_html.eq(&message.body_html),
                outbox::contribution_id.eq(*contribution_id),
                outbox::status.eq(OutboxStatus::Pending),
                outbox::attempts.eq(0),
                outbox::next_attempt_at.eq(now),
                outbox::created_at.eq(now),
            )
        })
        .collect();
    on_backend!(conn, |conn| diesel::insert_into(outbox::table)
        .values(&rows)
        .execute(conn))?;
    Ok(())
}

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub seq: i64,
    pub id: MessageId,
    pub kind: MessageKind,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub contribution_id: Option<ContributionId>,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

impl OutboxRow {
    /// Whether an erasure blanked this message's address.
    pub fn recipient_erased(&self) -> bool {
        self.recipient == ERASED
    }
}

/// Claims up to `batch` due messages, earliest due first, until `lease_until`. On PostgreSQL the
/// rows are locked with `FOR UPDATE SKIP LOCKED`, so processes sharing the
/// database never claim the same row; the lease lets another process take
/// over a message whose claimer died. Run inside a transaction.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    batch: i64,
) -> Result<Vec<OutboxRow>, DbError> {
    let due = outbox::table
        .filter(outbox::status.eq(OutboxStatus::Pending))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::locked_until
                .is_null()
                .or(outbox::locked_until.lt(now)),
        )
        .order((outbox::next_attempt_at.asc(), outbox::seq.asc()))
        .limit(batch)
        .select(outbox::id);
    let ids: Vec<MessageId> = match conn {
        DbConnection::Pg(pg) => due.for_update().skip_locked().load(pg)?,
        DbConnection::Sqlite(sqlite) => due.load(sqlite)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set(outbox::locked_until.eq(Some(lease_until)))
        .execute(conn)?;
    Ok(outbox::table
        .filter(outbox::id.eq_any(&ids))
        .order(outbox::seq.asc())
        .select(OutboxRow::as_select())
        .load(conn)?)
}

pub fn mark_sent(
    conn: &mut DbConnection,
    ids: &[MessageId],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::status.eq(OutboxStatus::Sent),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(Some(now)),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    // A sign-in link is a secret for its recipient only: once delivered,
    // the outbox keeps that it was sent, not the link.
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::kind.eq(MessageKind::SignInLink)),
    )
    .set((
        outbox::body_text.eq(SENT_LINK_PLACEHOLDER),
        outbox::body_html.eq(SENT_LINK_PLACEHOLDER),
    ))
    .execute(conn)?;
    Ok(())
}

/// What a delivered sign-in link's bodies become.
pub const SENT_LINK_PLACEHOLDER: &str = "(sign-in link delivered; not kept)";

/// Records a failed attempt: retried at `retry_at`, or `failed` for good
/// when `give_up`. A message cancelled meanwhile (erasure) stays cancelled.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: MessageId,
    error: &str,
    retry_at: NaiveDateTime,
    give_up: bool,
) -> Result<(), DbError> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(id))
            .filter(outbox::status.eq(OutboxStatus::Pending)),
    )
    .set((
        outbox::status.eq(if give_up {
            OutboxStatus::Failed
        } else {
            OutboxStatus::Pending
        }),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::next_attempt_at.eq(retry_at),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(Some(error)),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives claimed messages back without counting an attempt (shutdown).
pub fn release(conn: &mut DbConnection, ids: &[MessageId]) -> Result<(), DbError> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set(outbox::locked_until.eq(None::<NaiveDateTime>))
        .execute(conn)?;
    Ok(())
}

/// Filters of the outbox listing.
#[derive(Clone, Debug, Default)]
pub struct OutboxFilter {
    pub status: Option<OutboxStatus>,
    /// Part of the recipient's address, any case.
    pub recipient: Option<String>,
    /// Newest first (the console's default); oldest first otherwise.
    pub newest_first: bool,
}

/// Messages in the filter's order, `limit + 1` at most, after the message
/// `after_seq` in that order.
pub fn list(
    conn: &mut DbConnection,
    filter: &OutboxFilter,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<OutboxRow>, DbError> {
    let mut query = outbox::table
        .select(OutboxRow::as_select())
        .limit(limit + 1)
        .into_boxed();
    query = if filter.newest_first {
        query.order(outbox::seq.desc())
    } else {
        query.order(outbox::seq.asc())
    };
    if let Some(status) = filter.status {
        query = query.filter(outbox::status.eq(status));
    }
    if let Some(recipient) = &filter.recipient {
        // The normalised copy is lowercase already, so LIKE needs no case
        // folding on either backend.
        let pattern = format!("%{}%", escape_like(&normalise_email(recipient)));
        query = query.filter(outbox::recipient_normalised.like(pattern).escape('\\'));
    }
    query = match (after_seq, filter.newest_first) {
        (Some(seq), false) => query.filter(outbox::seq.gt(seq)),
        (Some(seq), true) => query.filter(outbox::seq.lt(seq)),
        (None, _) => query,
    };
    Ok(query.load(conn)?)
}

/// How many messages are in `status`.
pub fn count_with_status(conn: &mut DbConnection, status: OutboxStatus) -> Result<i64, DbError> {
    Ok(outbox::table
        .filter(outbox::status.eq(status))
        .count()
        .get_result(conn)?)
}

/// Every failed message, oldest first.
pub fn failed(conn: &mut DbConnection) -> Result<Vec<OutboxRow>, DbError> {
    Ok(outbox::table
        .filter(outbox::status.eq(OutboxStatus::Failed))
        .order(outbox::seq.asc())
        .select(OutboxRow::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: MessageId) -> Result<Option<OutboxRow>, DbError> {
    let found = outbox::table
        .filter(outbox::id.eq(id))
        .select(OutboxRow::as_select())
        .first(conn)
        .optional();
    super::stored::naming_row(found, "outbox", id)
}

/// Puts a failed message back in the queue, due now, with a fresh set of attempts.
pub fn requeue(conn: &mut DbConnection, id: MessageId, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(outbox::table.filter(outbox::id.eq(id)))
        .set((
            outbox::status.eq(OutboxStatus::Pending),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Placeholder left where an erased address was.
const ERASED: &str = "[cancellato]";

/// Cancels the messages still queued for `recipient` and blanks the address
/// and text of every message to it; returns how many were cancelled.
/// `recipient` is matched on the normalised address the service wrote. The
/// last error goes too: an SMTP answer (`550 <addr>`) may quote the address.
pub fn erase_recipient(
    conn: &mut DbConnection,
    recipient: &str,
) -> Result<ErasedMessages, DbError> {
    let address = normalise_email(recipient);
    let to_this = || outbox::table.filter(outbox::recipient_normalised.eq(address.clone()));
    let ids: Vec<String> = to_this()
        .select(outbox::id)
        .load::<MessageId>(conn)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let cancelled = diesel::update(to_this().filter(outbox::status.eq(OutboxStatus::Pending)))
        .set(outbox::status.eq(OutboxStatus::Cancelled))
        .execute(conn)?;
    diesel::update(to_this()).set(blanked()).execute(conn)?;
    Ok(ErasedMessages { cancelled, ids })
}

type Blanked = (
    diesel::dsl::Eq<outbox::recipient, &'static str>,
    diesel::dsl::Eq<outbox::recipient_normalised, &'static str>,
    diesel::dsl::Eq<outbox::body_text, &'static str>,
    diesel::dsl::Eq<outbox::body_html, &'static str>,
    diesel::dsl::Eq<outbox::last_error, Option<String>>,
);

/// What an erased message keeps: no address, no text, and no error that
/// could quote the address.
fn blanked() -> Blanked {
    (
        outbox::recipient.eq(ERASED),
        outbox::recipient_normalised.eq(ERASED),
        outbox::body_text.eq(""),
        outbox::body_html.eq(""),
        outbox::last_error.eq(None),
    )
}

/// What erasing a recipient changed in the outbox.
pub struct ErasedMessages {
    /// Messages still queued, now cancelled.
    pub cancelled: usize,
    /// Every message to the address (their audit reasons go too).
    pub ids: Vec<String>,
}

/// Fills `recipient_normalised` where the migration could not (addresses
/// with non-ASCII characters); returns how many rows it filled.
pub fn backfill_normalised_recipients(conn: &mut DbConnection) -> Result<usize, DbError> {
    let missing: Vec<(i64, String)> = outbox::table
        .filter(outbox::recipient_normalised.is_null())
        .select((outbox::seq, outbox::recipient))
        .load(conn)?;
    for (seq, recipient) in &missing {
        diesel::update(outbox::table.filter(outbox::seq.eq(seq)))
            .set(outbox::recipient_normalised.eq(normalise_email(recipient)))
            .execute(conn)?;
    }
    Ok(missing.len())
}

/// Blanks address and text of messages created before `cutoff` that are no
/// longer waiting to be sent.
pub fn erase_older_than(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(diesel::update(
        outbox::table
            .filter(outbox::created_at.lt(cutoff))
            .filter(outbox::status.ne(OutboxStatus::Pending))
            .filter(outbox::recipient.ne(ERASED)),
    )
    .set(blanked())
    .execute(conn)?)
}

/// `word` with LIKE's wildcards and escape character escaped (by `\\`).
fn escape_like(word: &str) -> String {
    let mut escaped = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
