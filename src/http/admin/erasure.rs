//! `POST /admin/erasure-requests`.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::erasure::{self, ErasureReport, ErasureSubject, NoteRedaction};
use crate::domain::text::{bounded_text, Lines};
use crate::domain::{Actor, ContributionRef, EmailAddress, FieldErrors, FieldIssue, NoteId};
use crate::error::ApiError;
use crate::http::auth::Admin;
use crate::http::input::{text, DocumentedBody, JsonFields, JsonObject};
use crate::http::moderation::views::no_store;
use crate::http::problems::{AdminProblems, JsonBodyProblems};
use crate::http::AppState;

/// Notes one request may rewrite or remove.
const MAX_NOTES: usize = 100;

/// A request to erase a person's data: `email` or `contribution`, not both.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ErasureRequest {
    /// The address the person used.
    #[schema(max_length = 254, example = "maria.rossi@example.org")]
    email: Option<String>,
    /// The id or reference of a contribution, for an author who gave no
    /// address (on paper, at an event). When the contribution has an
    /// address, everything sent from it is erased too.
    #[schema(max_length = 36, example = "RF-000042")]
    contribution: Option<String>,
    /// Notes that name the person: a new text, or `null` to remove the note.
    #[schema(max_items = 100)]
    notes: Option<Vec<NoteRedactionBody>>,
}

/// One note to rewrite or remove.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NoteRedactionBody {
    id: Uuid,
    /// The note's new text; `null` removes the note.
    #[schema(min_length = 1, max_length = 5000)]
    text: Option<String>,
}

impl DocumentedBody for ErasureRequest {
    const FIELDS: &'static [&'static str] = &["email", "contribution", "notes"];
}

const NOTE_FIELDS: &[&str] = &["id", "text"];

fn subject(object: &mut JsonObject, errors: &mut FieldErrors) -> Option<ErasureSubject> {
    let email = object.optional("email", errors, text(EmailAddress::parse));
    let contribution = object.optional(
        "contribution",
        errors,
        text(|raw| ContributionRef::parse(raw).ok_or(FieldIssue::InvalidContributionRef)),
    );
    match (email?, contribution?) {
        (Some(email), None) => Some(ErasureSubject::Email(email)),
        (None, Some(key)) => Some(ErasureSubject::Contribution(key)),
        _ => {
            errors.add("email", FieldIssue::EmailOrContribution);
            None
        }
    }
}

fn note_redactions(value: Value, errors: &mut FieldErrors) -> Option<Vec<NoteRedaction>> {
    let Value::Array(items) = value else {
        errors.add("notes", FieldIssue::ExpectedArray);
        return None;
    };
    if items.len() > MAX_NOTES {
        errors.add("notes", FieldIssue::TooManyItems { max: MAX_NOTES });
        return None;
    }
    let mut redactions = Some(Vec::with_capacity(items.len()));
    for (index, item) in items.into_iter().enumerate() {
        let path = format!("notes[{index}]");
        let redaction = JsonObject::read(item, &path, NOTE_FIELDS, errors).and_then(|mut note| {
            let id = note.required(
                "id",
                errors,
                text(|raw| NoteId::parse(raw).ok_or(FieldIssue::UnknownNote)),
            );
            let new_text = note.optional(
                "text",
                errors,
                text(|raw| bounded_text(raw, 1, 5000, Lines::Multi)),
            );
            Some(NoteRedaction {
                id: id?,
                text: new_text?,
            })
        });
        match (redaction, redactions.as_mut()) {
            (Some(redaction), Some(list)) => list.push(redaction),
            _ => redactions = None,
        }
    }
    redactions
}

/// Reads an erasure request: the API's body, or the console's form made
/// into it, so that both name the same fields in the same words.
pub fn read_request(
    mut object: JsonObject,
    errors: &mut FieldErrors,
) -> Option<(ErasureSubject, Vec<NoteRedaction>)> {
    let subject = subject(&mut object, errors);
    let notes = match object.take("notes") {
        None => Some(Vec::new()),
        Some(value) => note_redactions(value, errors),
    };
    Some((subject?, notes?))
}

/// Erase a person's personal data
///
/// GDPR art. 17: by `email`, removes the name and e-mail from every
/// contribution sent from this address (the text stays) and cancels the
/// e-mails queued to it; by `contribution` (id or reference), does the same
/// for one contribution, for an author who gave no address. `notes` rewrites
/// or removes notes that name the person. Answers the references affected.
/// Audited, without the address or the notes' text.
#[utoipa::path(
    post,
    path = "/admin/erasure-requests",
    tag = "amministrazione",
    operation_id = "erase_personal_data",
    request_body(content = ErasureRequest, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was erased.", body = ErasureReport),
        AdminProblems,
        JsonBodyProblems,
    )
)]
#[post("/admin/erasure-requests")]
pub async fn erase_personal_data(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<ErasureRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = object.and_then(|object| read_request(object, &mut errors));
    let (subject, notes) = errors.finish(request)?;
    let mail_files = crate::mail::files::directory(&state.config.mail);
    let actor = Actor::Staff(admin.id);
    let answer = erasure::erase(&state.db, actor, subject, notes, mail_files).await?;
    Ok(no_store(HttpResponse::Ok(), answer.report))
}
