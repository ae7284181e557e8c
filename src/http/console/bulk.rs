//! `POST /console/coda/azioni`: one action on the rows selected in the
//! queue, through the same bulk service as the JSON API; the answer lists
//! each row's outcome.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::labels::{self, problem_lines, problem_lines_naming};
use super::queue::queue_href;
use super::step::{contribution_ref, edit_request, reason_of, status_request};
use super::{ConsoleError, ConsoleForm, Layout};
use crate::app::moderation::{bulk, ModerationRequest};
use crate::app::AppError;
use crate::domain::{FieldIssue, Invalid, Role};
use crate::error::ApiError;
use crate::http::page;
use crate::http::AppState;

/// One row's outcome.
pub struct OutcomeLine {
    pub id: String,
    pub applied: bool,
    pub message: String,
}

#[derive(Template)]
#[template(path = "console/bulk.html")]
pub struct BulkPage {
    pub layout: Layout,
    pub outcomes: Vec<OutcomeLine>,
    /// The action could not be read: nothing was tried.
    pub problems: Vec<String>,
    pub back: String,
}

fn invalid(field: &str, issue: FieldIssue) -> AppError {
    AppError::Invalid(Invalid::field(field, issue))
}

fn text(fields: &[(String, String)], name: &str) -> Option<String> {
    fields
        .iter()
        .find(|(n, v)| n == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
}

/// The request the bulk form asks for.
fn bulk_request(fields: &[(String, String)]) -> Result<ModerationRequest, AppError> {
    let action = text(fields, "azione").unwrap_or_default();
    let reason = reason_of(&text(fields, "motivo_scritto"), &text(fields, "motivo"));
    let status = |status: &'static str| status_request(status, reason.clone(), None);
    match action.as_str() {
        "approve" => status("approved"),
        "reject" => status("rejected"),
        "spam" => status("spam"),
        "hide" => status("hidden"),
        "duplicate" => {
            let original = text(fields, "duplicato_di")
                .ok_or_else(|| invalid("duplicato_di", FieldIssue::DuplicateOfRequired))?;
            let original = contribution_ref(&original, "duplicato_di")?;
            Ok(ModerationRequest {
                status: Some(crate::domain::ContributionStatus::Duplicate),
                duplicate_of: Some(Some(original)),
                ..ModerationRequest::default()
            })
        }
        "move" | "add_tag" | "remove_tag" => edit_request(
            &action,
            text(fields, "area").as_deref(),
            text(fields, "tag").as_deref(),
        ),
        _ => Err(invalid(
            "azione",
            FieldIssue::UnknownValue {
                allowed: [
                    "approve",
                    "reject",
                    "spam",
                    "hide",
                    "duplicate",
                    "move",
                    "add_tag",
                    "remove_tag",
                ]
                .map(String::from)
                .to_vec(),
            },
        )),
    }
}

/// `POST /console/coda/azioni` (fields: `ids` once per row, `azione`, and
/// what the action needs).
pub async fn apply_to_selected(
    ConsoleForm { user, fields }: ConsoleForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let language = user.language;
    let ids: Vec<String> = fields
        .iter()
        .filter(|(name, _)| name == "ids")
        .map(|(_, id)| id.clone())
        .collect();
    let back = queue_href(&text(&fields, "back").unwrap_or_default(), None);
    let request = if ids.is_empty() {
        Err(invalid("ids", FieldIssue::Required))
    } else {
        bulk_request(&fields)
    };
    let (outcomes, problems) = match request {
        Ok(request) => {
            let outcomes = bulk::apply_to_all(&state, user.staff.id, ids, request).await?;
            let lines = outcomes
                .into_iter()
                .map(|outcome| OutcomeLine {
                    applied: outcome.result.is_ok(),
                    message: match outcome.result {
                        Ok(true) => user.layout().tr("applicata", "applied").to_owned(),
                        Ok(false) => user.layout().tr("invariata", "unchanged").to_owned(),
                        Err(error) => problem_lines(&ApiError::from(error), language).join(" "),
                    },
                    id: outcome.id,
                })
                .collect();
            (lines, Vec::new())
        }
        Err(error) => {
            let name = |field: &str| labels::moderation_field_label(field, language);
            let lines = problem_lines_naming(&ApiError::from(error), language, name);
            (Vec::new(), lines)
        }
    };
    let status = if problems.is_empty() {
        HttpResponse::Ok()
    } else {
        HttpResponse::UnprocessableEntity()
    };
    let page = BulkPage {
        layout: user.layout(),
        outcomes,
        problems,
        back,
    };
    Ok(page::render(status, &page)?)
}
