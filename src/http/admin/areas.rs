//! `/admin/thematic-areas`: adding and changing thematic areas.

use actix_web::http::{header, StatusCode};
use actix_web::{patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::areas::{self, NewArea};
use crate::app::Resource;
use crate::db::models::ThematicAreaRow;
use crate::db::thematic_areas::AreaChanges;
use crate::domain::{thematic_area, FieldIssue, ThematicAreaCode};
use crate::error::{ApiError, Problem};
use crate::http::auth::Admin;
use crate::http::extract::optional_expected_version;
use crate::http::input::{boolean, integer, text, DocumentedBody, JsonFields};
use crate::http::problems::{AdminProblems, JsonBodyProblems};
use crate::http::thematic_areas::ThematicArea;
use crate::http::AppState;

/// A new thematic area.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewThematicArea {
    /// Lowercase slug, unique.
    #[schema(max_length = 64, example = "sport-quartieri")]
    code: String,
    #[schema(min_length = 2, max_length = 200)]
    name: String,
    #[schema(max_length = 2000)]
    description: Option<String>,
    /// Display order; after the last area when absent.
    #[schema(format = Int32, minimum = 0, maximum = 10000)]
    position: Option<i32>,
    /// `true` when absent.
    active: Option<bool>,
}

impl DocumentedBody for NewThematicArea {
    const FIELDS: &'static [&'static str] = &["code", "name", "description", "position", "active"];
}

/// Changes to a thematic area; all optional.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ThematicAreaPatch {
    #[schema(min_length = 2, max_length = 200)]
    name: Option<String>,
    #[schema(max_length = 2000)]
    description: Option<String>,
    #[schema(format = Int32, minimum = 0, maximum = 10000)]
    position: Option<i32>,
    active: Option<bool>,
}

impl DocumentedBody for ThematicAreaPatch {
    const FIELDS: &'static [&'static str] = &["name", "description", "position", "active"];
}

fn area_name(value: Value) -> Result<String, FieldIssue> {
    text(thematic_area::area_name)(value)
}

fn area_description(value: Value) -> Result<String, FieldIssue> {
    text(thematic_area::area_description)(value)
}

fn area_position(value: Value) -> Result<i32, FieldIssue> {
    let position = integer(value)?;
    i32::try_from(position)
        .ok()
        .filter(|p| (0..=10_000).contains(p))
        .ok_or(FieldIssue::OutOfRange {
            min: 0,
            max: 10_000,
        })
}

fn area_response(row: ThematicAreaRow, status: StatusCode) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, format!("\"v{}\"", row.version)))
        .json(ThematicArea::from(row))
}

/// Create a thematic area
///
/// A new area of the document; active unless `active` is false. 422 when
/// the code exists already.
#[utoipa::path(
    post,
    path = "/admin/thematic-areas",
    tag = "amministrazione",
    operation_id = "create_thematic_area",
    request_body(content = NewThematicArea, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The area; `ETag` carries its version.", body = ThematicArea),
        AdminProblems,
        JsonBodyProblems,
    )
)]
#[post("/admin/thematic-areas")]
pub async fn create_thematic_area(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<NewThematicArea>,
) -> Result<HttpResponse, ApiError> {
    let parsed = object.and_then(|mut object| {
        let code = object.required("code", &mut errors, text(ThematicAreaCode::parse_new));
        let name = object.required("name", &mut errors, area_name);
        let description = object.optional("description", &mut errors, area_description);
        let position = object.optional("position", &mut errors, area_position);
        let active = object.optional("active", &mut errors, boolean);
        Some(NewArea {
            code: code?,
            name: name?,
            description: description?.unwrap_or_default(),
            position: position?,
            active: active?.unwrap_or(true),
        })
    });
    let new = errors.finish(parsed)?;
    let row = areas::create(&state, admin.id, new).await?;
    Ok(area_response(row, StatusCode::CREATED))
}

/// Change a thematic area
///
/// A JSON merge patch: rename, describe, reorder, deactivate or reactivate.
/// `If-Match` is honoured when sent (412 when stale) but not required.
#[utoipa::path(
    patch,
    path = "/admin/thematic-areas/{code}",
    tag = "amministrazione",
    operation_id = "change_thematic_area",
    params(
        ("code" = String, Path, description = "Code of the area.", max_length = 64),
        ("If-Match" = Option<String>, Header, description = "The ETag read from the area.", max_length = 30),
    ),
    request_body(content = ThematicAreaPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The area after the change; `ETag` carries its version.", body = ThematicArea),
        AdminProblems,
        JsonBodyProblems,
        (status = 404, description = "No such area.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The area changed since it was read.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/thematic-areas/{code}")]
pub async fn change_thematic_area(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    request: HttpRequest,
    code: web::Path<String>,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<ThematicAreaPatch>,
) -> Result<HttpResponse, ApiError> {
    let expected = optional_expected_version(&request, Resource::ThematicArea)?;
    let changes = object.and_then(|mut object| {
        let name = object.optional("name", &mut errors, area_name);
        let description = object.optional("description", &mut errors, area_description);
        let position = object.optional("position", &mut errors, area_position);
        let active = object.optional("active", &mut errors, boolean);
        Some(AreaChanges {
            name: name?,
            description: description?,
            position: position?,
            active: active?,
        })
    });
    let changes = errors.finish(changes)?;
    let row = areas::change(&state, admin.id, code.into_inner(), expected, changes).await?;
    Ok(area_response(row, StatusCode::OK))
}
