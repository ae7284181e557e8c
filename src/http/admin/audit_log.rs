//! `GET /admin/audit-log`.

use actix_web::{get, web, HttpResponse};
use chrono::DateTime;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::audit_log;
use crate::db::audit::AuditFilter;
use crate::domain::{AuditAction, FieldErrors, FieldIssue, TargetType};
use crate::error::ApiError;
use crate::http::auth::Admin;
use crate::http::moderation::history::{audit_page, AuditEvent, PageQuery};
use crate::http::moderation::views::no_store;
use crate::http::pagination::Page;
use crate::http::problems::{AdminProblems, QueryProblems};
use crate::http::AppState;

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditLogQuery {
    /// Staff id of who acted (or `system`, `command-line`).
    #[param(max_length = 64)]
    actor: Option<String>,
    /// e.g. `status_changed`, `tags_changed`, `note_added`, `staff_created`.
    #[param(value_type = Option<AuditAction>)]
    action: Option<String>,
    /// Id of the contribution, account or area concerned.
    #[param(max_length = 64)]
    target: Option<String>,
    /// `contribution`, `bulk_action`, `thematic_area`, `outbox`, `staff`,
    /// `personal_data` or `export`.
    #[param(value_type = Option<TargetType>)]
    target_type: Option<String>,
    /// Events at or after this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    since: Option<String>,
    #[param(max_length = 200)]
    cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

impl AuditLogQuery {
    /// The filters, collecting every invalid parameter.
    fn filter(&self, errors: &mut FieldErrors) -> AuditFilter {
        let since =
            self.since
                .as_deref()
                .and_then(|raw| match DateTime::parse_from_rfc3339(raw.trim()) {
                    Ok(time) => Some(time.naive_utc()),
                    Err(_) => {
                        errors.add("since", FieldIssue::InvalidTimestamp);
                        None
                    }
                });
        let action = self.action.as_deref().and_then(|raw| {
            AuditAction::parse(raw)
                .map_err(|issue| errors.add("action", issue))
                .ok()
        });
        let target_type = self.target_type.as_deref().and_then(|raw| {
            TargetType::parse(raw)
                .map_err(|issue| errors.add("target_type", issue))
                .ok()
        });
        AuditFilter {
            actor: self.actor.clone(),
            action,
            target_type,
            target_id: self.target.clone(),
            since,
        }
    }

    fn paging(&self) -> PageQuery {
        PageQuery {
            cursor: self.cursor.clone(),
            limit: self.limit.clone(),
        }
    }
}

/// Read the audit log
///
/// Every status change, area move, tag change, note, bulk action, offline
/// registration, staff change and area change, oldest first. Append-only:
/// no endpoint changes or deletes an event.
#[utoipa::path(
    get,
    path = "/admin/audit-log",
    tag = "amministrazione",
    operation_id = "list_audit_events",
    params(AuditLogQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of events.", body = Page<AuditEvent>),
        AdminProblems,
        QueryProblems,
    )
)]
#[get("/admin/audit-log")]
pub async fn list_audit_events(
    _: Admin,
    state: web::Data<AppState>,
    query: web::Query<AuditLogQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let filter = query.filter(&mut errors);
    let (limit, after) = query.paging().read(&mut errors);
    errors.finish(Some(()))?;
    let rows = audit_log::list(&state, filter, after, limit).await?;
    Ok(no_store(HttpResponse::Ok(), audit_page(rows, limit)))
}
