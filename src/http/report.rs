//! `GET /exports/report`: the descriptive report of the contributions the
//! filters select, as one self-contained HTML page (issue 17 §3).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::IntoParams;

use super::auth::{Exporter, Staff};
use super::exports::{known_filter, whole_selection, PAGING_PARAMETERS};
use super::input::FieldErrors;
use super::AppState;
use crate::app::moderation::ModerationQuery;
use crate::clock;
use crate::db::contributions::ModerationFilter;
use crate::domain::Actor;
use crate::error::{ApiError, Problem};
use crate::exports::{self, report, ExportFormat, ExportRequest};
use crate::http::problems::ExporterProblems;

/// The documented parameters of the report: the moderation filters without
/// `sort`, `cursor` and `limit`.
pub struct ReportParams;

impl IntoParams for ReportParams {
    fn into_params(parameter_in_provider: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        ModerationQuery::into_params(parameter_in_provider)
            .into_iter()
            .filter(|p| !PAGING_PARAMETERS.contains(&p.name.as_str()))
            .collect()
    }
}

/// Describe the selected contributions
///
/// A descriptive report of the contributions the filters select (the rows
/// of the pseudonymised export with the same filters: every status but
/// `spam` and `hidden` unless `status` is given): counts by thematic area ×
/// quartiere × author kind, the weekly timeline, tags by area, the most
/// characteristic words of each area (Italian stop words removed, Snowball
/// stems, log-odds z-score against the other areas) and a sample of texts
/// from each area. One self-contained HTML page in Italian: SVG charts
/// drawn by the server, no script, a print stylesheet (A4) for PDF, and
/// each chart's table beside it with a link that downloads it as CSV (a
/// `data:` link, so a saved page keeps its tables). The first page gives
/// the filters and the time of generation (Rome time). No personal data.
#[utoipa::path(
    get,
    path = "/exports/report",
    tag = "esportazioni",
    operation_id = "show_export_report",
    params(ReportParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The report, `Content-Disposition: inline` with a file name that carries the date (`rinasce-rapporto-2026-11-25.html`); `Cache-Control: no-store`.",
            content((String = "text/html"))),
        ExporterProblems,
        (status = 422, description = "Invalid filters.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database does not answer.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exports/report")]
pub async fn show_export_report(
    Exporter(staff): Exporter,
    state: web::Data<AppState>,
    request: HttpRequest,
    filters: web::Query<ModerationQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let filter = whole_selection::<ReportParams>(&request, &filters, &mut errors);
    errors.finish(Some(()))?;
    let filter = known_filter(&state, filter).await?;
    send_report(&state, &staff, filter).await
}

/// Sends the report of the contributions `filter` selects, made for
/// `staff`: the API and the console alike.
pub(super) async fn send_report(
    state: &AppState,
    staff: &Staff,
    filter: ModerationFilter,
) -> Result<HttpResponse, ApiError> {
    let request = ExportRequest::new(ExportFormat::Csv, filter, false);
    let db = state.db.clone();
    let key = state.config.pseudonym_key.clone();
    let actor = Actor::Staff(staff.id);
    let now = clock::now();
    let html = web::block(move || {
        let mut html = Vec::new();
        exports::run(&db, key.as_deref(), actor, request, |db, export| {
            export.write_report(db, now, &mut html)
        })?;
        Ok::<_, ApiError>(html)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{}\"", report::file_name(now)),
        ))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            report::content_security_policy(),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html))
}
