//! The downloads of the exports page, through the console session: the
//! exports, the data package descriptor and the report, each made by the
//! JSON API's own code (`send_export`, `send_report`), so that the roles,
//! the audit of personal data and the per-account export limit are the
//! API's. A GET changes nothing but the audit log, and the session cookie
//! is `SameSite=Strict`: another site cannot start a download.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::guides::DATAPACKAGE_FILE;
use super::selection::{
    personal_data_choice, require_personal_data_role, Selection, PERSONAL_DATA,
};
use crate::domain::{FieldErrors, Role};
use crate::error::ApiError;
use crate::exports::{datapackage, ExportFormat, ExportRequest};
use crate::http::console::{ConsoleError, ConsoleUser};
use crate::http::exports::send_export;
use crate::http::report::send_report;
use crate::http::AppState;

/// The export's own parameter besides the selection.
const FORMAT: &str = "format";

/// `GET /console/esportazioni/file?format=…` with the page's selection:
/// the export as the API sends it (CSV when no format is named).
pub async fn download_export(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(Role::EXPORTERS)?;
    let pairs = query.into_inner();
    let mut errors = FieldErrors::default();
    let format = match pairs.iter().find(|(name, _)| name == FORMAT) {
        None => ExportFormat::Csv,
        Some((_, raw)) => ExportFormat::parse(raw).unwrap_or_else(|issue| {
            errors.add(FORMAT, issue);
            ExportFormat::Csv
        }),
    };
    let selection = Selection::from_query(pairs, &[FORMAT, PERSONAL_DATA], &mut errors);
    require_personal_data_role(&user, selection.include_personal_data)?;
    let filter = selection.checked_filter(&state, errors).await?;
    let request = ExportRequest::new(format, filter, selection.include_personal_data);
    Ok(send_export(&state, &user.staff, request).await?)
}

/// `GET /console/esportazioni/datapackage.json`: the descriptor of the CSV
/// export, as a file to save beside it.
pub async fn download_datapackage(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(Role::EXPORTERS)?;
    let mut errors = FieldErrors::default();
    let include_personal_data = personal_data_choice(&query, &mut errors);
    errors.finish(Some(())).map_err(ApiError::from)?;
    require_personal_data_role(&user, include_personal_data)?;
    let descriptor = datapackage::current(&state.db, include_personal_data)
        .await
        .map_err(ApiError::from)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{DATAPACKAGE_FILE}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(descriptor))
}

/// `GET /console/esportazioni/rapporto` with the page's filters: the
/// descriptive report, opened in the browser.
pub async fn show_report(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(Role::EXPORTERS)?;
    let mut errors = FieldErrors::default();
    let selection = Selection::from_query(query.into_inner(), &[], &mut errors);
    let filter = selection.checked_filter(&state, errors).await?;
    Ok(send_report(&state, &user.staff, filter).await?)
}
