//! `GET /admin/audit-log`.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::audit_log::{self, AuditQuery};
use crate::db::audit::AuditFilter;
use crate::domain::query::{query_instant, query_text, PeriodEdge};
use crate::domain::{AuditAction, FieldErrors, FieldIssue, TargetType};
use crate::error::ApiError;
use crate::http::auth::Admin;
use crate::http::moderation::history::{audit_page, AuditEvent, PageQuery};
use crate::http::moderation::views::no_store;
use crate::http::pagination::Page;
use crate::http::problems::{AdminProblems, QueryProblems};
use crate::http::AppState;

/// Filters of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditLogQuery {
    /// Who acted: a staff id, `system`, `command-line`, or part of a staff
    /// member's name or e-mail (any case).
    #[param(max_length = 200)]
    pub actor: Option<String>,
    /// e.g. `status_changed`, `tags_changed`, `note_added`, `staff_created`.
    #[param(value_type = Option<AuditAction>)]
    pub action: Option<String>,
    /// Id of the contribution, account, area or message concerned, or a
    /// contribution's reference (`RF-000042`).
    #[param(max_length = 64)]
    pub target: Option<String>,
    /// `contribution`, `bulk_action`, `thematic_area`, `outbox`, `staff`,
    /// `personal_data` or `export`.
    #[param(value_type = Option<TargetType>)]
    pub target_type: Option<String>,
    /// Events at or after this time (RFC 3339), or from this date (UTC).
    #[param(max_length = 40, example = "2026-12-01")]
    pub since: Option<String>,
    /// Events at or before this time (RFC 3339), or up to the end of this
    /// date (UTC).
    #[param(max_length = 40, example = "2026-12-04")]
    pub until: Option<String>,
    /// `-occurred_at` (newest first, the default) or `occurred_at`.
    #[param(max_length = 20, pattern = "^-?occurred_at$")]
    pub sort: Option<String>,
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

impl AuditLogQuery {
    /// The filters, collecting every invalid parameter.
    pub fn query(&self, errors: &mut FieldErrors) -> AuditQuery {
        let since = query_instant(self.since.as_deref(), "since", PeriodEdge::Start, errors);
        let until = query_instant(self.until.as_deref(), "until", PeriodEdge::End, errors);
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
        let newest_first = match self.sort.as_deref().map(str::trim) {
            None | Some("-occurred_at") => true,
            Some("occurred_at") => false,
            Some(_) => {
                let allowed = vec!["-occurred_at".to_owned(), "occurred_at".to_owned()];
                errors.add("sort", FieldIssue::UnknownValue { allowed });
                true
            }
        };
        AuditQuery {
            actor: query_text(self.actor.as_deref(), "actor", errors).filter(|a| !a.is_empty()),
            filter: AuditFilter {
                actors: None,
                action,
                target_type,
                target_id: query_text(self.target.as_deref(), "target", errors),
                since,
                until,
                newest_first,
            },
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
/// registration, staff change, area change, retry and erasure, newest first
/// unless `sort=occurred_at`, each with its actor's name. Append-only: no
/// endpoint changes or deletes an event.
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
    let audit_query = query.query(&mut errors);
    let (limit, after) = query.paging().read(&mut errors);
    errors.finish(Some(()))?;
    let rows = audit_log::list(&state, audit_query, after, limit).await?;
    Ok(no_store(HttpResponse::Ok(), audit_page(rows, limit)))
}
