//! `/admin/…`: staff accounts, thematic areas and the audit log.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::auth::Staff;
use super::input::{boolean, integer, json_body, text, FieldErrors, JsonObject};
use super::moderation::{audit_page, AuditEvent};
use super::pagination::Page;
use super::thematic_areas::ThematicArea;
use super::AppState;
use crate::accounts::{self, NewStaff};
use crate::clock;
use crate::db::audit::{self, AuditEntry, AuditFilter};
use crate::db::models::NewThematicAreaRow;
use crate::db::staff::{self, StaffRow};
use crate::db::thematic_areas::{self, AreaChanges};
use crate::domain::text::{bounded_text, Lines};
use crate::domain::{EmailAddress, FieldIssue, PersonName, Role, ThematicAreaCode};
use crate::erasure::{self, ErasureReport};
use crate::error::{ApiError, Problem};
use crate::mail::outbox::{self, OutboxRow};

const ADMINS: &[Role] = &[Role::Admin];

/// A staff account. The token is never shown again after creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffAccount {
    pub id: Uuid,
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 80)]
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
}

impl From<StaffRow> for StaffAccount {
    fn from(row: StaffRow) -> Self {
        StaffAccount {
            id: Uuid::parse_str(&row.id).unwrap_or_default(),
            email: row.email,
            name: row.name,
            role: Role::parse(&row.role).unwrap_or(Role::Researcher),
            active: row.active,
            created_at: clock::utc(row.created_at),
            deactivated_at: row.deactivated_at.map(clock::utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffList {
    #[schema(max_items = 10000)]
    pub items: Vec<StaffAccount>,
}

/// A new account and its token, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedStaffAccount {
    #[serde(flatten)]
    pub account: StaffAccount,
    /// Bearer token; only its hash is kept.
    #[schema(max_length = 100)]
    pub token: String,
}

/// The data of a new account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewStaffAccount {
    #[schema(max_length = 254)]
    email: String,
    #[schema(min_length = 1, max_length = 80)]
    name: String,
    role: Role,
}

fn no_store(response: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    response.insert_header((header::CACHE_CONTROL, "no-store"))
}

/// List staff accounts
///
/// Every account, active or not.
#[utoipa::path(
    get,
    path = "/admin/staff",
    tag = "amministrazione",
    operation_id = "list_staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The accounts.", body = StaffList),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage staff.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/staff")]
pub async fn list_staff(
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let rows = state.db.read(staff::list).await?;
    Ok(no_store(&mut HttpResponse::Ok()).json(StaffList {
        items: rows.into_iter().map(StaffAccount::from).collect(),
    }))
}

/// Create a staff account
///
/// Answers with the account and its token, shown only this once.
#[utoipa::path(
    post,
    path = "/admin/staff",
    tag = "amministrazione",
    operation_id = "create_staff",
    request_body(content = NewStaffAccount, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The account and its token.", body = CreatedStaffAccount),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage staff.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the e-mail has an account already.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/staff")]
pub async fn create_staff(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let new = JsonObject::read(value, "", &["email", "name", "role"], &mut errors).and_then(
        |mut object| {
            let email = object.required("email", &mut errors, text(EmailAddress::parse));
            let name = object.required("name", &mut errors, text(PersonName::parse));
            let role = object.required("role", &mut errors, text(Role::parse));
            Some(NewStaff {
                email: email?,
                name: name?,
                role: role?,
            })
        },
    );
    let new = errors.finish(new)?;
    let (row, token) = state
        .db
        .write(move |conn| accounts::create(conn, &staff.id, &new, clock::now().naive_utc()))
        .await?;
    Ok(
        no_store(&mut HttpResponse::Created()).json(CreatedStaffAccount {
            account: row.into(),
            token: token.as_str().to_owned(),
        }),
    )
}

/// Deactivate a staff account
///
/// The account's token stops working at once. The account stays listed.
#[utoipa::path(
    delete,
    path = "/admin/staff/{id}",
    tag = "amministrazione",
    operation_id = "deactivate_staff",
    params(("id" = Uuid, Path, description = "Identifier of the account.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The deactivated account.", body = StaffAccount),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage staff.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/staff/{id}")]
pub async fn deactivate_staff(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::NotFound)?
        .to_string();
    let row = state
        .db
        .write(move |conn| accounts::deactivate(conn, &staff.id, &id, clock::now().naive_utc()))
        .await?;
    Ok(no_store(&mut HttpResponse::Ok()).json(StaffAccount::from(row)))
}

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

fn area_name(value: Value) -> Result<String, FieldIssue> {
    text(|raw| bounded_text(raw, 2, 200, Lines::Single))(value)
}

fn area_description(value: Value) -> Result<String, FieldIssue> {
    text(|raw| bounded_text(raw, 0, 2000, Lines::Multi))(value)
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

fn area_response(
    row: crate::db::models::ThematicAreaRow,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, format!("\"v{}\"", row.version)))
        .json(ThematicArea::from(row))
}

/// Create a thematic area
///
/// A new area of the document; active unless `active` is false.
#[utoipa::path(
    post,
    path = "/admin/thematic-areas",
    tag = "amministrazione",
    operation_id = "create_thematic_area",
    request_body(content = NewThematicArea, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The area; `ETag` carries its version.", body = ThematicArea),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage areas.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or the code exists already.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/thematic-areas")]
pub async fn create_thematic_area(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let fields = &["code", "name", "description", "position", "active"];
    let parsed = JsonObject::read(value, "", fields, &mut errors).and_then(|mut object| {
        let code = object.required(
            "code",
            &mut errors,
            text(|raw| ThematicAreaCode::parse(raw).map_err(|_| FieldIssue::InvalidSlug)),
        );
        let name = object.required("name", &mut errors, area_name);
        let description = object.optional("description", &mut errors, area_description);
        let position = object.optional("position", &mut errors, area_position);
        let active = object.optional("active", &mut errors, boolean);
        Some((
            code?,
            name?,
            description?.unwrap_or_default(),
            position?,
            active?.unwrap_or(true),
        ))
    });
    let (code, name, description, position, active) = errors.finish(parsed)?;
    let row = state
        .db
        .write(move |conn| {
            if thematic_areas::find(conn, code.as_str())?.is_some() {
                return Err(ApiError::validation("code", FieldIssue::AlreadyExists));
            }
            let position = match position {
                Some(position) => position,
                None => {
                    thematic_areas::list(conn, false)?
                        .iter()
                        .map(|a| a.position)
                        .max()
                        .unwrap_or(0)
                        + 1
                }
            };
            let now = clock::now().naive_utc();
            let inserted = thematic_areas::insert(
                conn,
                &NewThematicAreaRow {
                    code: code.as_str(),
                    name: &name,
                    description: &description,
                    position,
                    active,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                },
            );
            let row = match inserted {
                // Another request created the same area meanwhile.
                Err(error) if error.is_unique_violation() => {
                    return Err(ApiError::validation("code", FieldIssue::AlreadyExists))
                }
                other => other?,
            };
            audit::record(
                conn,
                AuditEntry {
                    actor: &staff.id,
                    action: "thematic_area_created",
                    target_type: "thematic_area",
                    target_id: code.as_str(),
                    to: Some(name.clone()),
                    ..AuditEntry::default()
                },
                now,
            )?;
            Ok(row)
        })
        .await?;
    state.indicators.invalidate();
    Ok(area_response(row, actix_web::http::StatusCode::CREATED))
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
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage areas.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such area.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The area changed since it was read.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/thematic-areas/{code}")]
pub async fn change_thematic_area(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let code = code.into_inner();
    let expected = match request.headers().get(header::IF_MATCH) {
        None => None,
        Some(_) => super::moderation::expected_version(&request)?,
    };
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let fields = &["name", "description", "position", "active"];
    let changes = JsonObject::read(value, "", fields, &mut errors).and_then(|mut object| {
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
    let row = state
        .db
        .write(move |conn| {
            let current = thematic_areas::find(conn, &code)?.ok_or(ApiError::NotFound)?;
            if expected.is_some_and(|version| version != current.version) {
                return Err(ApiError::PreconditionFailed);
            }
            let now = clock::now().naive_utc();
            if !thematic_areas::update_if_version(conn, &code, current.version, &changes, now)? {
                return Err(ApiError::PreconditionFailed);
            }
            let updated = thematic_areas::find(conn, &code)?.ok_or(ApiError::NotFound)?;
            audit::record(
                conn,
                AuditEntry {
                    actor: &staff.id,
                    action: "thematic_area_changed",
                    target_type: "thematic_area",
                    target_id: &code,
                    from: Some(area_summary(&current)),
                    to: Some(area_summary(&updated)),
                    ..AuditEntry::default()
                },
                now,
            )?;
            Ok(updated)
        })
        .await?;
    state.indicators.invalidate();
    Ok(area_response(row, actix_web::http::StatusCode::OK))
}

fn area_summary(row: &crate::db::models::ThematicAreaRow) -> String {
    serde_json::json!({
        "name": row.name,
        "description": row.description,
        "position": row.position,
        "active": row.active,
    })
    .to_string()
}

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditLogQuery {
    /// Staff id of who acted (or `system`, `command-line`).
    #[param(max_length = 64)]
    actor: Option<String>,
    /// e.g. `status_changed`, `tags_changed`, `note_added`, `staff_created`.
    #[param(max_length = 64)]
    action: Option<String>,
    /// Id of the contribution, account or area concerned.
    #[param(max_length = 64)]
    target: Option<String>,
    /// `contribution`, `staff`, `thematic_area` or `bulk_action`.
    #[param(max_length = 64)]
    target_type: Option<String>,
    /// Events at or after this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    since: Option<String>,
    #[param(max_length = 200)]
    cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    limit: Option<String>,
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
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins read the audit log.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/audit-log")]
pub async fn list_audit_events(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<AuditLogQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let mut errors = FieldErrors::default();
    let since =
        query
            .since
            .as_deref()
            .and_then(|raw| match DateTime::parse_from_rfc3339(raw.trim()) {
                Ok(time) => Some(time.naive_utc()),
                Err(_) => {
                    errors.add("since", FieldIssue::InvalidTimestamp);
                    None
                }
            });
    let filter = AuditFilter {
        actor: query.actor.clone(),
        action: query.action.clone(),
        target_type: query.target_type.clone(),
        target_id: query.target.clone(),
        since,
    };
    let page = audit_page(
        &state,
        filter,
        query.cursor.as_deref(),
        query.limit.as_deref(),
        errors,
    )
    .await?;
    Ok(no_store(&mut HttpResponse::Ok()).json(page))
}

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
            id: Uuid::parse_str(&row.id).unwrap_or_default(),
            kind: row.kind,
            recipient: row.recipient,
            subject: row.subject,
            message_id: row.message_id,
            contribution_id: row
                .contribution_id
                .as_deref()
                .and_then(|id| Uuid::parse_str(id).ok()),
            status: row.status,
            attempts: row.attempts,
            next_attempt_at: clock::utc(row.next_attempt_at),
            last_error: row.last_error,
            created_at: clock::utc(row.created_at),
            sent_at: row.sent_at.map(clock::utc),
        }
    }
}

/// Filters of the outbox listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sent`, `failed` or `cancelled`.
    #[param(max_length = 20)]
    status: Option<String>,
    #[param(max_length = 200)]
    cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

const OUTBOX_STATUSES: [&str; 4] = [
    outbox::PENDING,
    outbox::SENT,
    outbox::FAILED,
    outbox::CANCELLED,
];

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
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins read the outbox.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/admin/outbox")]
pub async fn list_outbox(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let mut errors = FieldErrors::default();
    let status = query
        .status
        .as_deref()
        .and_then(|raw| match OUTBOX_STATUSES.contains(&raw) {
            true => Some(raw.to_owned()),
            false => {
                errors.add(
                    "status",
                    FieldIssue::UnknownValue {
                        allowed: OUTBOX_STATUSES.map(str::to_owned).to_vec(),
                    },
                );
                None
            }
        });
    let limit = super::pagination::limit(query.limit.as_deref(), &mut errors);
    let after =
        super::pagination::decode_cursor(query.cursor.as_deref(), 1, &mut errors).map(|p| p[0]);
    errors.finish(Some(()))?;
    let rows = state
        .db
        .read(move |conn| outbox::list(conn, status.as_deref(), after, limit))
        .await?;
    let page = Page::from_rows(rows, limit, |row| vec![row.seq], OutboxMessage::from);
    Ok(no_store(&mut HttpResponse::Ok()).json(page))
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
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage the outbox.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The message was sent or cancelled.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/outbox/{id}/retry")]
pub async fn retry_outbox_message(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let id = Uuid::parse_str(&id)
        .map_err(|_| ApiError::NotFound)?
        .to_string();
    let row = state
        .db
        .write(move |conn| {
            let row = outbox::find(conn, &id)?.ok_or(ApiError::NotFound)?;
            if row.status == outbox::SENT || row.status == outbox::CANCELLED {
                return Err(ApiError::InvalidTransition {
                    from: row.status,
                    to: outbox::PENDING.to_owned(),
                });
            }
            let now = clock::now().naive_utc();
            outbox::requeue(conn, &id, now)?;
            audit::record(
                conn,
                AuditEntry {
                    actor: &staff.id,
                    action: "outbox_retried",
                    target_type: "outbox",
                    target_id: &id,
                    from: Some(row.status),
                    to: Some(outbox::PENDING.to_owned()),
                    reason: row.last_error,
                    ..AuditEntry::default()
                },
                now,
            )?;
            outbox::find(conn, &id)?.ok_or(ApiError::NotFound)
        })
        .await?;
    Ok(no_store(&mut HttpResponse::Ok()).json(OutboxMessage::from(row)))
}

/// A request to erase a person's data.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ErasureRequest {
    /// The address the person used.
    #[schema(max_length = 254, example = "maria.rossi@example.org")]
    email: String,
}

/// Erase a person's personal data
///
/// GDPR art. 17: removes the name and e-mail from every contribution sent
/// from this address (the text stays) and cancels the e-mails queued to it.
/// Answers how many contributions were affected. Audited, without the address.
#[utoipa::path(
    post,
    path = "/admin/erasure-requests",
    tag = "amministrazione",
    operation_id = "erase_personal_data",
    request_body(content = ErasureRequest, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was erased.", body = ErasureReport),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins erase personal data.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/erasure-requests")]
pub async fn erase_personal_data(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(ADMINS)?;
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let email = JsonObject::read(value, "", &["email"], &mut errors)
        .and_then(|mut object| object.required("email", &mut errors, text(EmailAddress::parse)));
    let email = errors.finish(email)?;
    let report = state
        .db
        .write(move |conn| {
            erasure::erase_email(conn, &staff.id, email.as_str(), clock::now().naive_utc())
        })
        .await?;
    Ok(no_store(&mut HttpResponse::Ok()).json(report))
}
