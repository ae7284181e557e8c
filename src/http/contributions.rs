//! `/contributions`: the Rete Civica form posts here; the public reads
//! published contributions here.

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::ContributionPath;
use super::input::{
    boolean, integer, json_body, query_quartiere, query_text, text, FieldErrors, JsonObject,
};
use super::pagination::{self, Page};
use super::AppState;
use crate::app::public;
use crate::clock;
use crate::db::contributions::PublishedFilter;
use crate::db::models::ContributionRow;
use crate::domain::{
    AuthorKind, Channel, ContributionBody, ContributionTitle, EmailAddress, FieldIssue,
    OrganizationName, PersonName, Quartiere, Reference, ThematicAreaCode,
};
use crate::error::{ApiError, Problem};
pub use crate::submissions::{new_row, ContributionInput, SubmissionReceipt};
use crate::submissions::{IdempotencyClaim, Submission, SubmitFailure};

/// A contribution as the Rete Civica form sends it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body; the handler reads it field by field
pub struct ContributionSubmission {
    /// Code of an active thematic area.
    #[schema(max_length = 64, example = "mobilita-green")]
    thematic_area: String,
    /// 5–150 characters after trimming, on one line.
    #[schema(
        min_length = 5,
        max_length = 150,
        example = "Più piste ciclabili sui viali"
    )]
    title: String,
    /// 20–5000 characters after trimming; newlines and tabs allowed.
    #[schema(
        min_length = 20,
        max_length = 5000,
        example = "Testo del suggerimento con almeno venti caratteri."
    )]
    body: String,
    author: AuthorSubmission,
    /// Must be `true`.
    #[schema(example = true)]
    privacy_notice_accepted: bool,
    /// Whether the author agrees to be contacted again; `false` when absent.
    #[schema(example = false)]
    contact_consent: Option<bool>,
}

/// The author of a contribution.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct AuthorSubmission {
    kind: AuthorKind,
    #[schema(min_length = 1, max_length = 80, example = "Maria")]
    given_name: String,
    #[schema(min_length = 1, max_length = 80, example = "Rossi")]
    family_name: String,
    /// 2–200 characters; required unless `kind` is `citizen` (ignored for citizens).
    #[schema(min_length = 2, max_length = 200, example = json!(null))]
    organization_name: Option<String>,
    #[schema(format = Email, max_length = 254, example = "maria.rossi@example.org")]
    email: String,
    /// Quartiere 1–5, or null.
    #[schema(format = Int32, minimum = 1, maximum = 5, example = 2)]
    quartiere: Option<i32>,
}

/// Which body is being read: the public form's, or a moderator's
/// registration of a contribution received elsewhere.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SubmissionRules {
    /// Names and e-mail required, privacy notice accepted, channel `form`.
    Form,
    /// `channel` other than `form`, optional `received_at`; the author may be
    /// unknown (a paper note, a meeting), so names and e-mail are optional.
    Offline,
}

const COMMON_FIELDS: &[&str] = &[
    "thematic_area",
    "title",
    "body",
    "author",
    "contact_consent",
];
const FORM_FIELDS: &[&str] = &["privacy_notice_accepted"];
const OFFLINE_FIELDS: &[&str] = &["channel", "received_at"];
pub const AUTHOR_FIELDS: &[&str] = &[
    "kind",
    "given_name",
    "family_name",
    "organization_name",
    "email",
    "quartiere",
];

impl SubmissionRules {
    /// The top-level fields a body may have under these rules.
    pub fn fields(self) -> Vec<&'static str> {
        let extra = match self {
            SubmissionRules::Form => FORM_FIELDS,
            SubmissionRules::Offline => OFFLINE_FIELDS,
        };
        COMMON_FIELDS.iter().chain(extra).copied().collect()
    }
}

/// Reads a contribution, collecting every failing field.
pub fn parse_contribution(
    value: Value,
    rules: SubmissionRules,
    errors: &mut FieldErrors,
) -> Option<ContributionInput> {
    let mut object = JsonObject::read(value, "", &rules.fields(), errors)?;
    let thematic_area = object.required("thematic_area", errors, text(ThematicAreaCode::parse));
    let title = object.required("title", errors, text(ContributionTitle::parse));
    let body = object.required("body", errors, text(ContributionBody::parse));
    let author = parse_author(&mut object, rules, errors);
    let contact_consent = object.optional("contact_consent", errors, boolean);
    let (channel, received_at) = match rules {
        SubmissionRules::Form => {
            object.required("privacy_notice_accepted", errors, |v| match boolean(v)? {
                true => Ok(()),
                false => Err(FieldIssue::MustBeTrue),
            })?;
            (Some(Channel::Form), Some(None))
        }
        SubmissionRules::Offline => (
            object.required(
                "channel",
                errors,
                text(|raw| match Channel::parse(raw)? {
                    Channel::Form => Err(FieldIssue::UnknownValue {
                        allowed: vec!["event".into(), "email".into(), "paper".into()],
                    }),
                    channel => Ok(channel),
                }),
            ),
            object.optional("received_at", errors, text(past_timestamp)),
        ),
    };
    let author = author?;
    Some(ContributionInput {
        thematic_area: thematic_area?,
        title: title?,
        body: body?,
        kind: author.kind,
        given_name: author.given_name,
        family_name: author.family_name,
        organization_name: author.organization_name,
        email: author.email,
        quartiere: author.quartiere,
        contact_consent: contact_consent?.unwrap_or(false),
        channel: channel?,
        received_at: received_at?,
    })
}

fn past_timestamp(raw: &str) -> Result<chrono::NaiveDateTime, FieldIssue> {
    let time = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| FieldIssue::InvalidTimestamp)?
        .with_timezone(&Utc);
    if time > clock::now() {
        return Err(FieldIssue::InvalidTimestamp);
    }
    // Microseconds: what PostgreSQL keeps, and what paging cursors carry.
    Ok(chrono::SubsecRound::trunc_subsecs(time, 6).naive_utc())
}

struct ParsedAuthor {
    kind: AuthorKind,
    given_name: Option<PersonName>,
    family_name: Option<PersonName>,
    organization_name: Option<OrganizationName>,
    email: Option<EmailAddress>,
    quartiere: Option<Quartiere>,
}

fn parse_author(
    parent: &mut JsonObject,
    rules: SubmissionRules,
    errors: &mut FieldErrors,
) -> Option<ParsedAuthor> {
    let mut author = parent.object("author", AUTHOR_FIELDS, errors)?;
    let kind = author.required("kind", errors, text(AuthorKind::parse));
    let (given_name, family_name, email) = match rules {
        SubmissionRules::Form => (
            author
                .required("given_name", errors, text(PersonName::parse))
                .map(Some),
            author
                .required("family_name", errors, text(PersonName::parse))
                .map(Some),
            author
                .required("email", errors, text(EmailAddress::parse))
                .map(Some),
        ),
        SubmissionRules::Offline => (
            author.optional("given_name", errors, text(PersonName::parse)),
            author.optional("family_name", errors, text(PersonName::parse)),
            author.optional("email", errors, text(EmailAddress::parse)),
        ),
    };
    let organization_field = author.field_path("organization_name");
    let organization_name = author.optional("organization_name", errors, |value| match value {
        // The form may send an empty string for a field it does not show.
        Value::String(s) if s.trim().is_empty() => Ok(None),
        other => text(OrganizationName::parse)(other).map(Some),
    });
    let quartiere = author.optional("quartiere", errors, |v| Quartiere::parse(integer(v)?));
    let kind = kind?;
    let organization_name = match (kind.is_organization(), organization_name?.flatten()) {
        (true, None) => {
            errors.add(organization_field, FieldIssue::RequiredForOrganizations);
            return None;
        }
        // A citizen's contribution never carries an organisation name.
        (false, _) => None,
        (true, name) => name,
    };
    Some(ParsedAuthor {
        kind,
        given_name: given_name?,
        family_name: family_name?,
        organization_name,
        email: email?,
        quartiere: quartiere?,
    })
}

/// Submit a contribution
///
/// The Rete Civica form posts a suggestion on one thematic area. Every
/// failing field is named in one answer. With an `Idempotency-Key`, sending
/// the same body again returns the first answer and stores nothing new.
/// An acknowledgement e-mail with the reference is queued in the same transaction.
#[utoipa::path(
    post,
    path = "/contributions",
    tag = "contributi",
    operation_id = "submit_contribution",
    params(
        ("Idempotency-Key" = Option<String>, Header, description = "Client-chosen key (1–255 visible ASCII characters) that makes retries safe.", max_length = 255),
    ),
    request_body(content = ContributionSubmission, content_type = "application/json"),
    responses(
        (status = 201, description = "Contribution received. A replayed answer carries `Idempotent-Replayed: true`.", body = SubmissionReceipt,
            headers(
                ("Location" = String, description = "Where the contribution will be readable once published."),
                ("Cache-Control" = String, description = "no-store: the answer concerns one person."),
                ("X-RateLimit-Limit" = i32, description = "Submissions allowed per minute from this address."),
                ("X-RateLimit-Remaining" = i32, description = "Submissions left now."),
                ("X-RateLimit-Reset" = i32, description = "Seconds until the allowance is full again."),
            )),
        (status = 400, description = "The body is not valid JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Consultation closed, or Idempotency-Key reused with another body.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body over 64 KiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not JSON.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, all of them named.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many submissions from this address.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait."))),

        (status = 503, description = "Database unavailable.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait."))),
    )
)]
#[post("/contributions")]
pub async fn submit_contribution(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let value = json_body(&request, &body)?;
    // The hash is of the parsed body (keys sorted), so the same JSON sent with
    // other spacing or key order is the same request.
    let idempotency = idempotency_key(&request)?.map(|key| IdempotencyClaim {
        key,
        request_hash: hex::encode(Sha256::digest(value.to_string().as_bytes())),
    });
    if let Some(claim) = &idempotency {
        if let Some(response) = replay(&state, claim).await? {
            return Ok(response);
        }
    }
    if !state.config.consultation_open(clock::now()) {
        return Err(ApiError::ConsultationClosed);
    }
    let area = value
        .get("thematic_area")
        .and_then(Value::as_str)
        .and_then(|code| ThematicAreaCode::parse(code).ok());
    let mut errors = FieldErrors::default();
    let parsed = parse_contribution(value, SubmissionRules::Form, &mut errors);
    if !errors.is_empty() {
        return Err(with_area_check(&state, area, errors).await);
    }
    let Some(input) = parsed else {
        return Err(errors.into_error().into());
    };
    let submission = Submission {
        input,
        idempotency: idempotency.clone(),
    };
    match (public::submit(&state, submission).await, idempotency) {
        (Ok(receipt), _) => Ok(created(&receipt)),
        (Err(SubmitFailure::KeyTaken), Some(claim)) => replay(&state, &claim)
            .await?
            .ok_or_else(|| ApiError::Internal("idempotency key vanished".into())),
        (Err(SubmitFailure::KeyTaken), None) => {
            Err(ApiError::Internal("key taken without a key".into()))
        }
        (Err(failure), _) => Err(failure.into()),
    }
}

/// When other fields failed, the area is still checked so that one answer
/// names every failing field.
async fn with_area_check(
    state: &AppState,
    area: Option<ThematicAreaCode>,
    mut errors: FieldErrors,
) -> ApiError {
    if let Some(area) = area {
        match public::is_active_area(state, area).await {
            Ok(false) => errors.add("thematic_area", FieldIssue::UnknownThematicArea),
            Ok(true) => {}
            Err(error) => return error.into(),
        }
    }
    errors.into_error().into()
}

fn idempotency_key(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key) if (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(key.to_owned()))
        }
        _ => Err(ApiError::validation(
            "Idempotency-Key",
            FieldIssue::InvalidIdempotencyKey,
        )),
    }
}

/// The stored answer for `key`, when the same body was sent before.
async fn replay(
    state: &AppState,
    claim: &IdempotencyClaim,
) -> Result<Option<HttpResponse>, ApiError> {
    let key = claim.key.clone();
    let Some(stored) = public::stored_answer(state, key).await? else {
        return Ok(None);
    };
    if stored.request_hash != claim.request_hash {
        return Err(ApiError::IdempotencyKeyReused);
    }
    let receipt: SubmissionReceipt = serde_json::from_str(&stored.response_body)
        .map_err(|e| ApiError::Internal(format!("stored idempotent answer unreadable: {e}")))?;
    let mut response = created(&receipt);
    response.headers_mut().insert(
        header::HeaderName::from_static("idempotent-replayed"),
        header::HeaderValue::from_static("true"),
    );
    Ok(Some(response))
}

fn created(receipt: &SubmissionReceipt) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/contributions/{}", receipt.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(receipt)
}

/// A published contribution as the public sees it: no personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicContribution {
    pub id: Uuid,
    #[schema(max_length = 20, example = "RF-000042")]
    pub reference: String,
    #[schema(max_length = 64, example = "mobilita-green")]
    pub thematic_area: String,
    #[schema(max_length = 150)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub body: String,
    pub author_kind: AuthorKind,
    /// The organisation's name; always null for citizens.
    #[schema(max_length = 200)]
    pub organization_name: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<u8>,
    pub published_at: Option<DateTime<Utc>>,
}

impl PublicContribution {
    fn from_row(row: ContributionRow) -> PublicContribution {
        let author_kind = row.author_kind;
        PublicContribution {
            id: row.id.uuid(),
            reference: Reference::from_sequence(row.seq).to_string(),
            thematic_area: row.thematic_area,
            title: row.title,
            body: row.body,
            organization_name: row
                .organization_name
                .filter(|_| author_kind.is_organization()),
            author_kind,
            quartiere: row.quartiere.and_then(|q| u8::try_from(q).ok()),
            published_at: row.published_at.map(clock::utc),
        }
    }
}

/// Query of the public listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicListQuery {
    /// Only this thematic area.
    #[param(max_length = 64)]
    thematic_area: Option<String>,
    /// Only this quartiere (1–5).
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 5)]
    quartiere: Option<String>,
    /// Words that must all appear in the title or text (case and accents ignored).
    #[param(max_length = 200)]
    q: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    cursor: Option<String>,
    /// Items per page, 1–500 (default 50).
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// List published contributions
///
/// Approved contributions, newest publication first, without personal data.
#[utoipa::path(
    get,
    path = "/contributions",
    tag = "contributi",
    operation_id = "list_published_contributions",
    params(PublicListQuery),
    responses(
        (status = 200, description = "One page of published contributions.", body = Page<PublicContribution>),
        (status = 422, description = "Invalid parameters.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait."))),
    )
)]
#[get("/contributions")]
pub async fn list_published_contributions(
    state: web::Data<AppState>,
    query: web::Query<PublicListQuery>,
) -> Result<web::Json<Page<PublicContribution>>, ApiError> {
    let mut errors = FieldErrors::default();
    let limit = pagination::limit(query.limit.as_deref(), &mut errors);
    let after = pagination::decode_time_cursor(query.cursor.as_deref(), &mut errors);
    let filter = PublishedFilter {
        thematic_area: query_text(query.thematic_area.as_deref(), "thematic_area", &mut errors),
        quartiere: query_quartiere(query.quartiere.as_deref(), &mut errors),
        text: query_text(query.q.as_deref(), "q", &mut errors),
    };
    errors.finish(Some(()))?;
    let rows = public::list_published(&state, filter, after, limit).await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |row| pagination::time_cursor(row.published_at.unwrap_or(row.received_at), row.seq),
        PublicContribution::from_row,
    )))
}

/// Read a published contribution
///
/// One approved contribution, without personal data; 404 for any other.
#[utoipa::path(
    get,
    path = "/contributions/{id}",
    tag = "contributi",
    operation_id = "show_published_contribution",
    params(("id" = Uuid, Path, description = "Identifier of the contribution.")),
    responses(
        (status = 200, description = "The contribution.", body = PublicContribution),
        (status = 404, description = "No published contribution has this id.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Database unavailable.", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = i32, description = "Seconds to wait."))),
    )
)]
#[get("/contributions/{id}")]
pub async fn show_published_contribution(
    state: web::Data<AppState>,
    ContributionPath(id): ContributionPath,
) -> Result<web::Json<PublicContribution>, ApiError> {
    let row = public::find_published(&state, id).await?;
    Ok(web::Json(PublicContribution::from_row(row)))
}
