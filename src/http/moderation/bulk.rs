//! `POST /moderation/bulk-actions`: one change for many contributions.

use actix_web::{post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::request::parse_request;
use super::views::no_store;
use crate::app::moderation::bulk;
use crate::domain::{ContributionStatus, FieldIssue};
use crate::error::{ApiError, Problem};
use crate::http::auth::Moderator;
use crate::http::input::{DocumentedBody, JsonFields};
use crate::http::problems::{language_of, JsonBodyProblems, ModeratorProblems};
use crate::http::AppState;

/// The same change applied to many contributions.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct BulkAction {
    /// 1–500 contribution ids or references (`RF-000401`); each gets its
    /// own outcome, in this order.
    #[schema(min_items = 1, max_items = 500)]
    ids: Vec<String>,
    status: Option<ContributionStatus>,
    #[schema(max_length = 1000)]
    status_reason: Option<String>,
    /// The original, by id or reference, when `status` is `duplicate`.
    #[schema(max_length = 36, example = "RF-000401")]
    duplicate_of: Option<String>,
    /// Move to another active area.
    #[schema(max_length = 64)]
    thematic_area: Option<String>,
    /// Tags to add; words become slugs (`Mercati Rionali` is `mercati-rionali`).
    #[schema(max_items = 100)]
    add_tags: Option<Vec<String>>,
    #[schema(max_items = 100)]
    remove_tags: Option<Vec<String>>,
}

/// What happened to one contribution of a bulk action.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcome {
    /// The id as sent.
    #[schema(max_length = 100)]
    pub id: String,
    #[schema(example = "applied")]
    pub outcome: BulkResult,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkResult {
    Applied,
    /// The contribution already was as asked: nothing was written.
    Unchanged,
    Failed,
}

/// Outcomes of a bulk action, one per id in request order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcomes {
    #[schema(max_items = 500)]
    pub items: Vec<BulkOutcome>,
}

impl DocumentedBody for BulkAction {
    const FIELDS: &'static [&'static str] = &[
        "ids",
        "status",
        "status_reason",
        "duplicate_of",
        "thematic_area",
        "add_tags",
        "remove_tags",
    ];
}

const MAX_BULK_IDS: usize = 500;

fn id_list(value: Value) -> Result<Vec<String>, FieldIssue> {
    match value {
        Value::Array(items) if items.is_empty() => Err(FieldIssue::EmptyList),
        Value::Array(items) if items.len() > MAX_BULK_IDS => {
            Err(FieldIssue::TooManyItems { max: MAX_BULK_IDS })
        }
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(id) if id.len() <= 100 => Ok(id),
                Value::String(_) => Err(FieldIssue::TooLong { max: 100 }),
                _ => Err(FieldIssue::ExpectedString),
            })
            .collect(),
        _ => Err(FieldIssue::ExpectedArray),
    }
}

/// Apply a bulk action
///
/// Changes status (with `status_reason`, or `duplicate_of` for duplicates),
/// area and tags of many contributions, named by id or reference. Each id is
/// applied in its own transaction: one failing id does not stop the others.
/// Each outcome is `applied`, `unchanged` (it already was as asked) or
/// `failed` with its problem.
#[utoipa::path(
    post,
    path = "/moderation/bulk-actions",
    tag = "moderazione",
    operation_id = "apply_bulk_action",
    request_body(content = BulkAction, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One outcome per id.", body = BulkOutcomes),
        ModeratorProblems,
        JsonBodyProblems,
    )
)]
#[post("/moderation/bulk-actions")]
pub async fn apply_bulk_action(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    request: HttpRequest,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<BulkAction>,
) -> Result<HttpResponse, ApiError> {
    let language = language_of(&request);
    let parsed = object.and_then(|mut object| {
        let ids = object.required("ids", &mut errors, id_list);
        let change = parse_request(&mut object, &mut errors);
        Some((ids?, change))
    });
    let (ids, change) = errors.finish(parsed)?;
    let outcomes = bulk::apply_to_all(&state, staff.id, ids, change).await?;
    let items = outcomes
        .into_iter()
        .map(|outcome| match outcome.result {
            Ok(changed) => BulkOutcome {
                id: outcome.id,
                outcome: if changed {
                    BulkResult::Applied
                } else {
                    BulkResult::Unchanged
                },
                problem: None,
            },
            Err(error) => BulkOutcome {
                id: outcome.id,
                outcome: BulkResult::Failed,
                problem: Some(ApiError::from(error).problem(language)),
            },
        })
        .collect();
    Ok(no_store(HttpResponse::Ok(), BulkOutcomes { items }))
}
