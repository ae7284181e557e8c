//! `/moderation/…`: the moderators' queue, review, notes, history, offline
//! registration, bulk actions, tags and near-duplicate search.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::auth::Staff;
use super::contributions::{parse_contribution, SubmissionRules};
use super::input::{json_body, query_quartiere, query_text, text, FieldErrors, JsonObject};
use super::pagination::{self, Page};
use super::AppState;
use crate::clock;
use crate::db::audit::{self, AuditEntry, AuditFilter, AuditRow};
use crate::db::contributions::{self as queries, ModerationFilter};
use crate::db::models::ContributionRow;
use crate::db::tags::{self, NoteRow};
use crate::db::{thematic_areas, DbConnection};
use crate::domain::text::{bounded_text, Lines};
use crate::domain::{
    AuthorKind, Channel, ContributionStatus, FieldIssue, Reference, Role, TagName, ThematicAreaCode,
};
use crate::error::{ApiError, Problem};
use crate::moderation::{self, ModerationRequest, StepContext};

const MODERATORS: &[Role] = &[Role::Moderator];

/// The author as moderators see it, personal data included.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorView {
    pub kind: AuthorKind,
    #[schema(max_length = 80)]
    pub given_name: Option<String>,
    #[schema(max_length = 80)]
    pub family_name: Option<String>,
    #[schema(max_length = 200)]
    pub organization_name: Option<String>,
    #[schema(max_length = 254)]
    pub email: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<u8>,
}

/// An internal note; never exported to researchers or shown to the public.
#[derive(Debug, Serialize, ToSchema)]
pub struct NoteView {
    pub id: Uuid,
    pub author_id: Uuid,
    #[schema(max_length = 200)]
    pub author_name: String,
    #[schema(max_length = 5000)]
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A contribution as moderators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ModerationContribution {
    pub id: Uuid,
    #[schema(max_length = 20, example = "RF-000042")]
    pub reference: String,
    pub channel: Channel,
    pub status: ContributionStatus,
    /// Why it was rejected or hidden.
    #[schema(max_length = 1000)]
    pub status_reason: Option<String>,
    /// The contribution this one duplicates.
    pub duplicate_of: Option<Uuid>,
    #[schema(max_length = 64)]
    pub thematic_area: String,
    #[schema(max_length = 150)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub body: String,
    pub author: AuthorView,
    pub contact_consent: bool,
    pub received_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// The staff member who registered an offline contribution.
    pub registered_by: Option<Uuid>,
    #[schema(max_items = 100)]
    pub tags: Vec<String>,
    #[schema(max_items = 1000)]
    pub notes: Vec<NoteView>,
    /// Increases at every change; sent as the `ETag`.
    #[schema(format = Int64, minimum = 1)]
    pub version: i64,
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap_or_default()
}

fn note_view(note: NoteRow) -> NoteView {
    NoteView {
        id: uuid(&note.id),
        author_id: uuid(&note.author_id),
        author_name: note.author_name,
        text: note.text,
        created_at: clock::utc(note.created_at),
    }
}

/// Full views of `rows`, with their tags and notes in two queries.
fn views(
    conn: &mut DbConnection,
    rows: Vec<ContributionRow>,
) -> Result<Vec<ModerationContribution>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|row| row.id.clone()).collect();
    let mut tags = tags::tags_of(conn, &ids)?;
    let mut notes = tags::notes_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| ModerationContribution {
            id: uuid(&row.id),
            reference: Reference::from_sequence(row.seq).to_string(),
            channel: Channel::parse(&row.channel).unwrap_or(Channel::Form),
            status: ContributionStatus::parse(&row.status).unwrap_or(ContributionStatus::Pending),
            status_reason: row.status_reason,
            duplicate_of: row.duplicate_of.as_deref().map(uuid),
            thematic_area: row.thematic_area,
            title: row.title,
            body: row.body,
            author: AuthorView {
                kind: AuthorKind::parse(&row.author_kind).unwrap_or(AuthorKind::Citizen),
                given_name: row.given_name,
                family_name: row.family_name,
                organization_name: row.organization_name,
                email: row.email,
                quartiere: row.quartiere.and_then(|q| u8::try_from(q).ok()),
            },
            contact_consent: row.contact_consent,
            received_at: clock::utc(row.received_at),
            published_at: row.published_at.map(clock::utc),
            updated_at: clock::utc(row.updated_at),
            registered_by: row.registered_by.as_deref().map(uuid),
            tags: tags.remove(&row.id).unwrap_or_default(),
            notes: notes
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(note_view)
                .collect(),
            version: row.version,
        })
        .collect())
}

fn view(conn: &mut DbConnection, row: ContributionRow) -> Result<ModerationContribution, ApiError> {
    views(conn, vec![row])?
        .pop()
        .ok_or_else(|| ApiError::Internal("view of one row".into()))
}

fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

fn with_etag(
    view: &ModerationContribution,
    mut response: actix_web::HttpResponseBuilder,
) -> HttpResponse {
    response
        .insert_header((header::ETAG, etag(view.version)))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(view)
}

/// Filters of the moderation queue; exports take the same.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModerationQuery {
    /// Only these statuses, comma-separated (e.g. `pending,hidden`).
    #[param(max_length = 100, example = "pending")]
    pub status: Option<String>,
    #[param(max_length = 64)]
    pub thematic_area: Option<String>,
    #[param(max_length = 50)]
    pub tag: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<String>,
    #[param(value_type = Option<Channel>)]
    pub channel: Option<String>,
    #[param(value_type = Option<AuthorKind>)]
    pub author_kind: Option<String>,
    /// Words of the title or text, or a receipt reference such as `RF-000042`.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Received at or after this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub received_from: Option<String>,
    /// Received before this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub received_to: Option<String>,
    /// `received_at` (oldest first, the default) or `-received_at`.
    #[param(max_length = 20, example = "received_at")]
    pub sort: Option<String>,
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

fn parse_timestamp(raw: &str) -> Result<NaiveDateTime, FieldIssue> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.naive_utc())
        .map_err(|_| FieldIssue::InvalidTimestamp)
}

fn parse_field<T>(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
    parse: impl FnOnce(&str) -> Result<T, FieldIssue>,
) -> Option<T> {
    match parse(raw?) {
        Ok(value) => Some(value),
        Err(issue) => {
            errors.add(field, issue);
            None
        }
    }
}

impl ModerationQuery {
    /// The filters, collecting every invalid parameter.
    pub fn filter(&self, errors: &mut FieldErrors) -> ModerationFilter {
        let statuses = parse_field(self.status.as_deref(), "status", errors, |raw| {
            raw.split(',')
                .map(|s| ContributionStatus::parse(s.trim()).map(|s| s.as_str().to_owned()))
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_default();

        ModerationFilter {
            statuses,
            excluded_statuses: Vec::new(),
            thematic_area: query_text(self.thematic_area.as_deref(), "thematic_area", errors),
            tag: query_text(self.tag.as_deref(), "tag", errors),
            quartiere: query_quartiere(self.quartiere.as_deref(), errors)
                .map(|q| i16::from(q.number())),
            channel: parse_field(self.channel.as_deref(), "channel", errors, |raw| {
                Channel::parse(raw).map(|c| c.as_str().to_owned())
            }),
            author_kind: parse_field(self.author_kind.as_deref(), "author_kind", errors, |raw| {
                AuthorKind::parse(raw).map(|k| k.as_str().to_owned())
            }),
            text: query_text(self.q.as_deref(), "q", errors),
            received_from: parse_field(
                self.received_from.as_deref(),
                "received_from",
                errors,
                parse_timestamp,
            ),
            received_to: parse_field(
                self.received_to.as_deref(),
                "received_to",
                errors,
                parse_timestamp,
            ),
        }
    }

    fn newest_first(&self, errors: &mut FieldErrors) -> bool {
        match self.sort.as_deref() {
            None | Some("received_at") => false,
            Some("-received_at") => true,
            Some(_) => {
                errors.add(
                    "sort",
                    FieldIssue::UnknownValue {
                        allowed: vec!["received_at".into(), "-received_at".into()],
                    },
                );
                false
            }
        }
    }
}

/// List the moderation queue
///
/// Every contribution, personal data included, with tags and notes. Paging
/// by cursor stays stable while new contributions arrive.
#[utoipa::path(
    get,
    path = "/moderation/contributions",
    tag = "moderazione",
    operation_id = "list_moderation_queue",
    params(ModerationQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of contributions.", body = Page<ModerationContribution>),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/moderation/contributions")]
pub async fn list_moderation_queue(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ModerationQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(MODERATORS)?;
    let mut errors = FieldErrors::default();
    let filter = query.filter(&mut errors);
    let newest_first = query.newest_first(&mut errors);
    let limit = pagination::limit(query.limit.as_deref(), &mut errors);
    let after = pagination::decode_time_cursor(query.cursor.as_deref(), &mut errors);
    errors.finish(Some(()))?;
    let (rows, items) = state
        .db
        .read(move |conn| {
            let rows = queries::list_for_moderation(conn, &filter, newest_first, after, limit)?;
            let positions: Vec<Vec<i64>> = rows
                .iter()
                .map(|r| pagination::time_cursor(r.received_at, r.seq))
                .collect();
            Ok::<_, ApiError>((positions, views(conn, rows)?))
        })
        .await?;
    let page = Page::from_rows(
        rows.into_iter().zip(items).collect(),
        limit,
        |(position, _)| position.clone(),
        |(_, item)| item,
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(page))
}

fn contribution_id(raw: &str) -> Result<String, ApiError> {
    Uuid::parse_str(raw)
        .map(|id| id.to_string())
        .map_err(|_| ApiError::NotFound)
}

/// Read one contribution for review
///
/// The full record with tags, notes, status reason, duplicate link and
/// version; the `ETag` is what `PATCH` expects in `If-Match`.
#[utoipa::path(
    get,
    path = "/moderation/contributions/{id}",
    tag = "moderazione",
    operation_id = "show_moderation_contribution",
    params(("id" = Uuid, Path, description = "Identifier of the contribution.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contribution; the `ETag` header carries its version.", body = ModerationContribution),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contribution.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/moderation/contributions/{id}")]
pub async fn show_moderation_contribution(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    staff.require(MODERATORS)?;
    let id = contribution_id(&id)?;
    let view = state
        .db
        .read(move |conn| {
            let row = queries::find_by_id(conn, &id)?.ok_or(ApiError::NotFound)?;
            view(conn, row)
        })
        .await?;
    Ok(with_etag(&view, HttpResponse::Ok()))
}

/// `If-Match` as a version: 428 when missing, 412 when it names no version.
pub fn expected_version(request: &HttpRequest) -> Result<Option<i64>, ApiError> {
    let raw = request
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired)?
        .to_str()
        .map_err(|_| ApiError::PreconditionFailed)?
        .trim();
    if raw == "*" {
        return Ok(None);
    }
    raw.trim_start_matches("W/")
        .trim_matches('"')
        .trim_start_matches('v')
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::PreconditionFailed)
}

fn reason(value: Value) -> Result<String, FieldIssue> {
    text(|raw| bounded_text(raw, 1, 1000, Lines::Multi))(value)
}

fn tag_list(value: Value) -> Result<Vec<TagName>, FieldIssue> {
    let Value::Array(items) = value else {
        return Err(FieldIssue::ExpectedArray);
    };
    if items.len() > 100 {
        return Err(FieldIssue::TooManyItems { max: 100 });
    }
    items
        .into_iter()
        .map(|item| text(TagName::parse)(item))
        .collect()
}

fn contribution_reference(value: Value) -> Result<String, FieldIssue> {
    text(|raw| {
        Uuid::parse_str(raw)
            .map(|id| id.to_string())
            .map_err(|_| FieldIssue::DuplicateOfUnknown)
    })(value)
}

/// Reads a merge-patch or bulk body into a moderation request.
fn parse_request(object: &mut JsonObject, errors: &mut FieldErrors) -> ModerationRequest {
    let status = object.optional("status", errors, text(ContributionStatus::parse));
    let status_reason = if object.has("status_reason") {
        object.optional("status_reason", errors, reason)
    } else {
        None
    };
    let duplicate_of = if object.has("duplicate_of") {
        object.optional("duplicate_of", errors, contribution_reference)
    } else {
        None
    };
    let thematic_area = object.optional("thematic_area", errors, text(ThematicAreaCode::parse));
    // In a merge patch `"tags": null` clears the set.
    let clears_tags = object.has("tags");
    let tags = object
        .optional("tags", errors, tag_list)
        .map(|tags| tags.or_else(|| clears_tags.then(Vec::new)));
    let add_tags = object.optional("add_tags", errors, tag_list);
    let remove_tags = object.optional("remove_tags", errors, tag_list);
    ModerationRequest {
        status: status.flatten(),
        status_reason,
        duplicate_of,
        thematic_area: thematic_area.flatten(),
        tags: tags.flatten(),
        add_tags: add_tags.flatten().unwrap_or_default(),
        remove_tags: remove_tags.flatten().unwrap_or_default(),
    }
}

/// Moderate a contribution
///
/// A JSON merge patch of any of `status` (with `status_reason`, required for
/// `rejected` and `hidden`, and `duplicate_of`, required for `duplicate`),
/// `thematic_area` and `tags` (replaces the set; lowercase slugs, created on
/// first use). `If-Match` must carry the `ETag` of the version read: 428
/// without it, 412 when the contribution changed meanwhile. The answer
/// carries the new `ETag`. Every change is written to the audit log.
#[utoipa::path(
    patch,
    path = "/moderation/contributions/{id}",
    tag = "moderazione",
    operation_id = "moderate_contribution",
    params(
        ("id" = Uuid, Path, description = "Identifier of the contribution."),
        ("If-Match" = String, Header, description = "The ETag read from the contribution.", max_length = 30),
    ),
    request_body(content = ModerationPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The contribution after the change; `ETag` carries its new version.", body = ModerationContribution),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contribution.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The status machine does not allow this transition.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The contribution changed since it was read.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match is missing.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/moderation/contributions/{id}")]
pub async fn moderate_contribution(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(MODERATORS)?;
    let id = contribution_id(&id)?;
    let expected = expected_version(&request)?;
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let change = JsonObject::read(value, "", PATCH_FIELDS, &mut errors)
        .map(|mut object| parse_request(&mut object, &mut errors));
    let change = errors.finish(change)?;
    let (target, mail) = (state.config.target, state.mail.clone());
    let (view, indicator_changed) = state
        .db
        .write(move |conn| {
            let step = StepContext {
                actor: &staff.id,
                target,
                mail: &mail,
                now: clock::now().naive_utc(),
            };
            let applied = moderation::apply(conn, &step, &id, expected, &change)?;
            Ok::<_, ApiError>((view(conn, applied.row)?, applied.indicator_changed))
        })
        .await?;
    if indicator_changed {
        state.indicators.invalidate();
    }
    Ok(with_etag(&view, HttpResponse::Ok()))
}

const PATCH_FIELDS: &[&str] = &[
    "status",
    "status_reason",
    "duplicate_of",
    "thematic_area",
    "tags",
];

/// The fields a moderator may change; all optional.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body; the handler reads it field by field
pub struct ModerationPatch {
    status: Option<ContributionStatus>,
    /// 1–1000 characters; required when `status` becomes `rejected` or `hidden`.
    #[schema(max_length = 1000)]
    status_reason: Option<String>,
    /// Required when `status` becomes `duplicate`.
    duplicate_of: Option<Uuid>,
    /// Move to another active area.
    #[schema(max_length = 64)]
    thematic_area: Option<String>,
    /// Replaces the set of tags.
    #[schema(max_items = 100)]
    tags: Option<Vec<String>>,
}

/// A new internal note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewNote {
    /// 1–5000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    text: String,
}

/// Add an internal note
///
/// Notes are for staff only: never exported to researchers or shown to the public.
#[utoipa::path(
    post,
    path = "/moderation/contributions/{id}/notes",
    tag = "moderazione",
    operation_id = "add_note",
    params(("id" = Uuid, Path, description = "Identifier of the contribution.")),
    request_body(content = NewNote, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The note.", body = NoteView),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contribution.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/moderation/contributions/{id}/notes")]
pub async fn add_note(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(MODERATORS)?;
    let id = contribution_id(&id)?;
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let note = JsonObject::read(value, "", &["text"], &mut errors).and_then(|mut object| {
        object.required(
            "text",
            &mut errors,
            text(|raw| bounded_text(raw, 1, 5000, Lines::Multi)),
        )
    });
    let note = errors.finish(note)?;
    let note = state
        .db
        .write(move |conn| {
            queries::find_by_id(conn, &id)?.ok_or(ApiError::NotFound)?;
            let now = clock::now().naive_utc();
            let note_id = tags::add_note(conn, &id, &staff.id, &note, now)?;
            audit::record(
                conn,
                AuditEntry {
                    actor: &staff.id,
                    action: "note_added",
                    target_type: "contribution",
                    target_id: &id,
                    to: Some(note_id.clone()),
                    ..AuditEntry::default()
                },
                now,
            )?;
            Ok::<_, ApiError>(NoteView {
                id: uuid(&note_id),
                author_id: uuid(&staff.id),
                author_name: staff.name.clone(),
                text: note,
                created_at: clock::utc(now),
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(note))
}

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: Uuid,
    /// Staff id of who acted, or `system`.
    #[schema(max_length = 64)]
    pub actor: String,
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

pub fn audit_event(row: AuditRow) -> AuditEvent {
    AuditEvent {
        id: uuid(&row.id),
        actor: row.actor,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        from: row.from_value,
        to: row.to_value,
        reason: row.reason,
        details: row.details.and_then(|d| serde_json::from_str(&d).ok()),
        occurred_at: clock::utc(row.occurred_at),
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

/// Reads audit events page by page; one helper for the history and the log.
pub async fn audit_page(
    state: &AppState,
    mut filter: AuditFilter,
    cursor: Option<&str>,
    limit: Option<&str>,
    mut errors: FieldErrors,
) -> Result<Page<AuditEvent>, ApiError> {
    let limit = pagination::limit(limit, &mut errors);
    let after = pagination::decode_cursor(cursor, 1, &mut errors).map(|parts| parts[0]);
    errors.finish(Some(()))?;
    let rows = state
        .db
        .read(move |conn| audit::list(conn, &std::mem::take(&mut filter), after, limit))
        .await?;
    Ok(Page::from_rows(
        rows,
        limit,
        |row| vec![row.seq],
        audit_event,
    ))
}

/// Read a contribution's history
///
/// Every audited event about the contribution, oldest first.
#[utoipa::path(
    get,
    path = "/moderation/contributions/{id}/history",
    tag = "moderazione",
    operation_id = "show_contribution_history",
    params(("id" = Uuid, Path, description = "Identifier of the contribution."), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The events.", body = Page<AuditEvent>),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contribution.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid parameters.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/moderation/contributions/{id}/history")]
pub async fn show_contribution_history(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    staff.require(MODERATORS)?;
    let id = contribution_id(&id)?;
    let lookup = id.clone();
    state
        .db
        .read(move |conn| queries::find_by_id(conn, &lookup))
        .await?
        .ok_or(ApiError::NotFound)?;
    let filter = AuditFilter {
        target_type: Some("contribution".into()),
        target_id: Some(id),
        ..AuditFilter::default()
    };
    let page = audit_page(
        &state,
        filter,
        query.cursor.as_deref(),
        query.limit.as_deref(),
        FieldErrors::default(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(page))
}

/// A contribution received through another channel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OfflineContribution {
    /// `event`, `email` or `paper`.
    channel: Channel,
    /// When it reached the Comune (not in the future); now when absent.
    received_at: Option<DateTime<Utc>>,
    #[schema(max_length = 64)]
    thematic_area: String,
    #[schema(min_length = 5, max_length = 150)]
    title: String,
    #[schema(min_length = 20, max_length = 5000)]
    body: String,
    /// As in the form, but names and e-mail may be absent.
    author: OfflineAuthor,
    contact_consent: Option<bool>,
}

/// The author of an offline contribution, as far as known.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct OfflineAuthor {
    kind: AuthorKind,
    #[schema(max_length = 80)]
    given_name: Option<String>,
    #[schema(max_length = 80)]
    family_name: Option<String>,
    #[schema(max_length = 200)]
    organization_name: Option<String>,
    #[schema(max_length = 254)]
    email: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    quartiere: Option<i32>,
}

/// Register an offline contribution
///
/// A contribution received at a Quartiere meeting, by e-mail or on paper.
/// It never counts toward the form indicator. `Location` names the new record.
#[utoipa::path(
    post,
    path = "/moderation/contributions",
    tag = "moderazione",
    operation_id = "register_offline_contribution",
    request_body(content = OfflineContribution, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The registered contribution.", body = ModerationContribution),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/moderation/contributions")]
pub async fn register_offline_contribution(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(MODERATORS)?;
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let input = parse_contribution(value, SubmissionRules::Offline, &mut errors);
    let input = errors.finish(input)?;
    let view = state
        .db
        .write(move |conn| {
            if thematic_areas::find_active(conn, input.thematic_area.as_str())?.is_none() {
                return Err(ApiError::validation(
                    "thematic_area",
                    FieldIssue::UnknownThematicArea,
                ));
            }
            let now = clock::now().naive_utc();
            let row = queries::insert(
                conn,
                &super::contributions::new_row(&input, Some(&staff.id), now),
            )?;
            audit::record(
                conn,
                AuditEntry {
                    actor: &staff.id,
                    action: "offline_registered",
                    target_type: "contribution",
                    target_id: &row.id,
                    to: Some(row.channel.clone()),
                    ..AuditEntry::default()
                },
                now,
            )?;
            view(conn, row)
        })
        .await?;
    let location = format!("/api/v1/moderation/contributions/{}", view.id);
    let mut response = HttpResponse::Created();
    response.insert_header((header::LOCATION, location));
    Ok(with_etag(&view, response))
}

/// The same change applied to many contributions.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct BulkAction {
    /// 1–500 contribution ids; each gets its own outcome, in this order.
    #[schema(min_items = 1, max_items = 500)]
    ids: Vec<Uuid>,
    status: Option<ContributionStatus>,
    #[schema(max_length = 1000)]
    status_reason: Option<String>,
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
    Failed,
}

/// Outcomes of a bulk action, one per id in request order.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkOutcomes {
    #[schema(max_items = 500)]
    pub items: Vec<BulkOutcome>,
}

const BULK_FIELDS: &[&str] = &["ids", "status", "status_reason", "add_tags", "remove_tags"];
const MAX_BULK_IDS: usize = 500;

/// Apply a bulk action
///
/// Changes status and tags of many contributions. Each id is applied in its
/// own transaction: one failing id does not stop the others.
#[utoipa::path(
    post,
    path = "/moderation/bulk-actions",
    tag = "moderazione",
    operation_id = "apply_bulk_action",
    request_body(content = BulkAction, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One outcome per id.", body = BulkOutcomes),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/moderation/bulk-actions")]
pub async fn apply_bulk_action(
    staff: Staff,
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    staff.require(MODERATORS)?;
    let language = super::problems::language_of(&request);
    let value = json_body(&request, &body)?;
    let mut errors = FieldErrors::default();
    let parsed = JsonObject::read(value, "", BULK_FIELDS, &mut errors).and_then(|mut object| {
        let ids: Option<Vec<String>> = object.required("ids", &mut errors, |value| match value {
            Value::Array(items) if items.is_empty() => Err(FieldIssue::Required),
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
        });
        let change = parse_request(&mut object, &mut errors);
        Some((ids?, change))
    });
    let (ids, change) = errors.finish(parsed)?;
    let mut items = Vec::with_capacity(ids.len());
    let mut applied_any = false;
    for raw_id in ids {
        let outcome = apply_one(&state, &staff, &raw_id, &change).await;
        applied_any |= outcome.is_ok();
        items.push(match outcome {
            Ok(()) => BulkOutcome {
                id: raw_id,
                outcome: BulkResult::Applied,
                problem: None,
            },
            Err(error) => BulkOutcome {
                id: raw_id,
                outcome: BulkResult::Failed,
                problem: Some(error.problem(language)),
            },
        });
    }
    record_bulk_action(&state, &staff, &items, &change).await?;
    if applied_any {
        state.indicators.invalidate();
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(BulkOutcomes { items }))
}

async fn apply_one(
    state: &AppState,
    staff: &Staff,
    raw_id: &str,
    change: &ModerationRequest,
) -> Result<(), ApiError> {
    let id = contribution_id(raw_id)?;
    let (actor, change) = (staff.id.clone(), change.clone());
    let (target, mail) = (state.config.target, state.mail.clone());
    state
        .db
        .write(move |conn| {
            let step = StepContext {
                actor: &actor,
                target,
                mail: &mail,
                now: clock::now().naive_utc(),
            };
            moderation::apply(conn, &step, &id, None, &change).map(|_| ())
        })
        .await
}

/// One audit event for the whole action, besides each contribution's own.
async fn record_bulk_action(
    state: &AppState,
    staff: &Staff,
    items: &[BulkOutcome],
    change: &ModerationRequest,
) -> Result<(), ApiError> {
    let details = serde_json::json!({
        "applied": items.iter().filter(|i| matches!(i.outcome, BulkResult::Applied)).map(|i| &i.id).collect::<Vec<_>>(),
        "failed": items.iter().filter(|i| matches!(i.outcome, BulkResult::Failed)).map(|i| &i.id).collect::<Vec<_>>(),
        "status": change.status.map(|s| s.as_str()),
        "add_tags": change.add_tags.iter().map(TagName::as_str).collect::<Vec<_>>(),
        "remove_tags": change.remove_tags.iter().map(TagName::as_str).collect::<Vec<_>>(),
    })
    .to_string();
    let actor = staff.id.clone();
    let reason = change.status_reason.clone().flatten();
    state
        .db
        .write(move |conn| {
            let target = Uuid::now_v7().to_string();
            audit::record(
                conn,
                AuditEntry {
                    actor: &actor,
                    action: "bulk_action",
                    target_type: "bulk_action",
                    target_id: &target,
                    reason,
                    details: Some(details),
                    ..AuditEntry::default()
                },
                clock::now().naive_utc(),
            )
        })
        .await?;
    Ok(())
}

/// A tag and how many contributions carry it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagCount {
    #[schema(max_length = 50, example = "piste-ciclabili")]
    pub tag: String,
    #[schema(format = Int64, minimum = 0)]
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagList {
    #[schema(max_items = 10000)]
    pub items: Vec<TagCount>,
}

/// List the tags
///
/// Every tag in use or created, with the number of contributions carrying it.
#[utoipa::path(
    get,
    path = "/moderation/tags",
    tag = "moderazione",
    operation_id = "list_tags",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tags.", body = TagList),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/moderation/tags")]
pub async fn list_tags(
    staff: Staff,
    state: web::Data<AppState>,
) -> Result<web::Json<TagList>, ApiError> {
    staff.require(MODERATORS)?;
    let counts = state.db.read(tags::tag_counts).await?;
    Ok(web::Json(TagList {
        items: counts
            .into_iter()
            .map(|(tag, count)| TagCount { tag, count })
            .collect(),
    }))
}

/// A contribution alike the one asked about.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarContribution {
    pub id: Uuid,
    #[schema(max_length = 20)]
    pub reference: String,
    #[schema(max_length = 150)]
    pub title: String,
    pub status: ContributionStatus,
    #[schema(max_length = 64)]
    pub thematic_area: String,
    /// Share of three-letter sequences the two texts have in common (0–1),
    /// ignoring case, accents and punctuation.
    #[schema(format = Double, minimum = 0, maximum = 1)]
    pub score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarList {
    #[schema(max_items = 10)]
    pub items: Vec<SimilarContribution>,
}

/// Find near-duplicates
///
/// Up to 10 other contributions whose title and text are most alike, best
/// first, so that duplicates are found before they are counted.
#[utoipa::path(
    get,
    path = "/moderation/contributions/{id}/similar",
    tag = "moderazione",
    operation_id = "list_similar_contributions",
    params(("id" = Uuid, Path, description = "Identifier of the contribution.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The most alike contributions.", body = SimilarList),
        (status = 401, description = "Missing or invalid token.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not moderate.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contribution.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/moderation/contributions/{id}/similar")]
pub async fn list_similar_contributions(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<SimilarList>, ApiError> {
    staff.require(MODERATORS)?;
    let id = contribution_id(&id)?;
    let matches = state
        .similarity
        .similar_to(&state.db, id, 10)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(SimilarList {
        items: matches
            .into_iter()
            .map(|(row, score)| SimilarContribution {
                id: uuid(&row.id),
                reference: Reference::from_sequence(row.seq).to_string(),
                title: row.title,
                status: ContributionStatus::parse(&row.status)
                    .unwrap_or(ContributionStatus::Pending),
                thematic_area: row.thematic_area,
                score,
            })
            .collect(),
    }))
}
