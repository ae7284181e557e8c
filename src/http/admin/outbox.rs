//! `/admin/outbox`: the e-mails, and retrying one.

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::outbox;
use crate::clock;
use crate::db::outbox::{OutboxFilter, OutboxRow};
use crate::domain::query::query_text;
use crate::domain::{FieldErrors, OutboxStatus};
use crate::error::{ApiError, Problem};
use crate::http::auth::Admin;
use crate::http::extract::MessagePath;
use crate::http::moderation::views::no_store;
use crate::http::pagination::{self, Page};
use crate::http::problems::{AdminProblems, QueryProblems};
use crate::http::AppState;

/// An e-mail in the outbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessage {
    pub id: Uuid,
    /// `acknowledgement`, `outcome`, `digest` or `target_reached`.
    #[schema(max_length = 50, example = "acknowledgement")]
    pub kind: String,
    #[schema(max_length = 254)]
    pub recipient: String,
    #[schema(max_length = 300)]
    pub subject: String,
    #[schema(max_length = 300)]
    pub message_id: String,
    pub contribution_id: Option<Uuid>,
    /// `pending`, `sent`, `failed` or `cancelled`.
    #[schema(max_length = 20, example = "pending")]
    pub status: String,
    #[schema(format = Int32, minimum = 0)]
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    #[schema(max_length = 5000)]
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<OutboxRow> for OutboxMessage {
    fn from(row: OutboxRow) -> Self {
        OutboxMessage {
            id: row.id.uuid(),
            kind: row.kind.to_string(),
            recipient: row.recipient,
            subject: row.subject,
            message_id: row.message_id,
            contribution_id: row.contribution_id.map(Uuid::from),
            status: row.status.to_string(),
            attempts: row.attempts,
            next_attempt_at: clock::utc(row.next_attempt_at),
            last_error: row.last_error,
            created_at: clock::utc(row.created_at),
            sent_at: row.sent_at.map(clock::utc),
        }
    }
}

/// Filters of the outbox listing.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sent`, `failed` or `cancelled`.
    #[param(max_length = 20)]
    pub status: Option<String>,
    /// Part of the recipient's address, any case.
    #[param(max_length = 200)]
    pub recipient: Option<String>,
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

impl OutboxQuery {
    /// The filters (oldest first), collecting every invalid parameter.
    pub fn filter(&self, errors: &mut FieldErrors) -> OutboxFilter {
        let status = self.status.as_deref().and_then(|raw| {
            OutboxStatus::parse(raw)
                .map_err(|issue| errors.add("status", issue))
                .ok()
        });
        let recipient = query_text(self.recipient.as_deref(), "recipient", errors)
            .filter(|text| !text.is_empty());
        OutboxFilter {
            status,
            recipient,
            newest_first: false,
        }
    }

    /// The position after which the page starts.
    pub fn after(&self, errors: &mut FieldErrors) -> Option<i64> {
        pagination::decode_cursor(self.cursor.as_deref(), 1, errors).map(|p| p[0])
    }
}

/// List the e-mail outbox
///
/// Messages oldest first, with attempts and the last delivery error.
#[utoipa::path(
    get,
    path = "/admin/outbox",
    tag = "amministrazione",
    operation_id = "list_outbox",
    params(OutboxQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of messages.", body = Page<OutboxMessage>),
        AdminProblems,
        QueryProblems,
    )
)]
#[get("/admin/outbox")]
pub async fn list_outbox(
    _: Admin,
    state: web::Data<AppState>,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let filter = query.filter(&mut errors);
    let limit = pagination::limit(query.limit.as_deref(), &mut errors);
    let after = query.after(&mut errors);
    errors.finish(Some(()))?;
    let rows = outbox::list(&state, filter, after, limit).await?;
    let page = Page::from_rows(rows, limit, |row| vec![row.seq], OutboxMessage::from);
    Ok(no_store(HttpResponse::Ok(), page))
}

/// An e-mail with its text, as sent or to be sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxMessageDetail {
    #[serde(flatten)]
    pub message: OutboxMessage,
    /// The plain-text body; empty after an erasure.
    #[schema(max_length = 100000)]
    pub body_text: String,
}

/// Read an e-mail
///
/// One message of the outbox with its plain-text body.
#[utoipa::path(
    get,
    path = "/admin/outbox/{id}",
    tag = "amministrazione",
    operation_id = "show_outbox_message",
    params(("id" = Uuid, Path, description = "Identifier of the message.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The message.", body = OutboxMessageDetail),
        AdminProblems,
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/outbox/{id}")]
pub async fn show_outbox_message(
    _: Admin,
    state: web::Data<AppState>,
    MessagePath(id): MessagePath,
) -> Result<HttpResponse, ApiError> {
    let row = outbox::find(&state, id).await?;
    let body_text = row.body_text.clone();
    let message = OutboxMessage::from(row);
    Ok(no_store(
        HttpResponse::Ok(),
        OutboxMessageDetail { message, body_text },
    ))
}

/// The messages queued again.
#[derive(Debug, Serialize, ToSchema)]
pub struct RetriedMessages {
    #[schema(max_items = 100000)]
    pub items: Vec<OutboxMessage>,
}

/// Retry every failed e-mail
///
/// Puts every failed message back in the queue, due now, with a fresh
/// count of attempts; one audit event each. Answers the messages queued
/// again (none when nothing had failed).
#[utoipa::path(
    post,
    path = "/admin/outbox/retry-failed",
    tag = "amministrazione",
    operation_id = "retry_failed_outbox_messages",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The messages queued again.", body = RetriedMessages),
        AdminProblems,
    )
)]
#[post("/admin/outbox/retry-failed")]
pub async fn retry_failed_outbox_messages(
    Admin(admin): Admin,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let rows = outbox::retry_failed(&state, admin.id).await?;
    let items = rows.into_iter().map(OutboxMessage::from).collect();
    Ok(no_store(HttpResponse::Ok(), RetriedMessages { items }))
}

/// Retry an e-mail
///
/// Puts a failed (or pending) message back in the queue, due now, with a
/// fresh count of attempts. A message already sent cannot be retried (409).
#[utoipa::path(
    post,
    path = "/admin/outbox/{id}/retry",
    tag = "amministrazione",
    operation_id = "retry_outbox_message",
    params(("id" = Uuid, Path, description = "Identifier of the message.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The message, queued again.", body = OutboxMessage),
        AdminProblems,
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message was sent or cancelled.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/outbox/{id}/retry")]
pub async fn retry_outbox_message(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    MessagePath(id): MessagePath,
) -> Result<HttpResponse, ApiError> {
    let row = outbox::retry(&state, admin.id, id).await?;
    Ok(no_store(HttpResponse::Ok(), OutboxMessage::from(row)))
}
