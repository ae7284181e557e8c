//! `GET /moderation/contributions/{id}/history`, and the audit event view
//! that the admins' audit log shares.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::views::no_store;
use crate::app::audit_log;
use crate::app::audit_log::NamedEvent;
use crate::clock;
use crate::error::ApiError;
use crate::http::auth::Moderator;
use crate::http::extract::ContributionRefPath;
use crate::http::input::FieldErrors;
use crate::http::pagination::{self, Page};
use crate::http::problems::{ContributionNotFound, ModeratorProblems, QueryProblems};
use crate::http::AppState;

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: Uuid,
    /// Staff id of who acted, `system` or `command-line`.
    #[schema(max_length = 64)]
    pub actor: String,
    /// The name of the staff member who acted; null for `system` and
    /// `command-line`.
    #[schema(max_length = 80)]
    pub actor_name: Option<String>,
    #[schema(max_length = 64, example = "status_changed")]
    pub action: String,
    #[schema(max_length = 64, example = "contribution")]
    pub target_type: String,
    #[schema(max_length = 64)]
    pub target_id: String,
    #[schema(max_length = 5000)]
    pub from: Option<String>,
    #[schema(max_length = 5000)]
    pub to: Option<String>,
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
    /// Further facts of the event, such as the filters of an export.
    #[schema(value_type = Option<Object>)]
    pub details: Option<Value>,
    pub occurred_at: DateTime<Utc>,
}

impl From<NamedEvent> for AuditEvent {
    fn from(NamedEvent { row, actor_name }: NamedEvent) -> AuditEvent {
        AuditEvent {
            id: row.id.uuid(),
            actor: row.actor,
            actor_name,
            action: row.action.to_string(),
            target_type: row.target_type.to_string(),
            target_id: row.target_id,
            from: row.from_value,
            to: row.to_value,
            reason: row.reason,
            details: row.details.and_then(|d| serde_json::from_str(&d).ok()),
            occurred_at: clock::utc(row.occurred_at),
        }
    }
}

/// Paging of the history and the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

impl PageQuery {
    /// `limit` and the position after which the page starts.
    pub fn read(&self, errors: &mut FieldErrors) -> (i64, Option<i64>) {
        let limit = pagination::limit(self.limit.as_deref(), errors);
        let after = pagination::decode_cursor(self.cursor.as_deref(), 1, errors).map(|p| p[0]);
        (limit, after)
    }
}

/// One page of audit events, whose cursor is the last event's sequence.
pub fn audit_page(rows: Vec<NamedEvent>, limit: i64) -> Page<AuditEvent> {
    Page::from_rows(rows, limit, |event| vec![event.row.seq], AuditEvent::from)
}

/// Read a contribution's history
///
/// Every audited event about the contribution, oldest first, with the name
/// of the staff member who acted; a note's event carries the note in
/// `details.note`.
#[utoipa::path(
    get,
    path = "/moderation/contributions/{id}/history",
    tag = "moderazione",
    operation_id = "show_contribution_history",
    params(("id" = String, Path, description = "Identifier of the contribution, or its reference such as `RF-000401`.", max_length = 36), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The events.", body = Page<AuditEvent>),
        ModeratorProblems,
        QueryProblems,
        ContributionNotFound,
    )
)]
#[get("/moderation/contributions/{id}/history")]
pub async fn show_contribution_history(
    _: Moderator,
    state: web::Data<AppState>,
    ContributionRefPath(id): ContributionRefPath,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let (limit, after) = query.read(&mut errors);
    errors.finish(Some(()))?;
    let rows = audit_log::history(&state, id, after, limit).await?;
    Ok(no_store(HttpResponse::Ok(), audit_page(rows, limit)))
}
