//! `/console/admin/cancellazioni`: answering an erasure request (GDPR art.
//! 17) in three steps. The admin names the person by e-mail, or by a
//! contribution's reference or id when the author gave no address (on
//! paper, at a meeting); the confirmation step lists the contributions
//! whose names and address will go, with their notes, each of which can be
//! kept, rewritten or removed; confirming erases in one transaction and
//! sends the browser to the answer, read back from the audit log, which
//! lists the references affected.
//!
//! The forms are turned into the JSON API's request body and read by its
//! parser, so that both name the same fields in the same words.

use actix_web::{web, HttpResponse, HttpResponseBuilder};
use askama::Template;
use serde_json::{json, Map, Value};

use super::forms::{see_other, Refusal};
use crate::app::audit_log;
use crate::app::erasure::{self, ErasurePreview, ErasureSubject};
use crate::db::models::ContributionRow;
use crate::db::notes::NoteRow;
use crate::domain::{FieldErrors, Reference, Role, TargetType};
use crate::error::ApiError;
use crate::http::admin::erasure::{read_request, ErasureRequest};
use crate::http::console::labels::{self, moment, pick, Moment};
use crate::http::console::{ConsoleError, ConsoleForm, ConsoleUser, Layout};
use crate::http::input::{DocumentedBody, JsonObject};
use crate::http::page;
use crate::http::AppState;
use crate::i18n::Language;

const PATH: &str = "/console/admin/cancellazioni";

/// A form's fields as posted (kept to fill the form again).
type Fields = Vec<(String, String)>;

fn posted<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, v)| n == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

/// The person named by the form: `email` or `contribution`, as the API's
/// body has them (both, or neither, is the API's own error).
fn subject_body(fields: &Fields) -> Map<String, Value> {
    let mut body = Map::new();
    for name in ["email", "contribution"] {
        if let Some(value) = posted(fields, name) {
            body.insert(name.into(), json!(value));
        }
    }
    body
}

/// Reads `body` with the API's parser.
fn parse(
    body: Map<String, Value>,
) -> Result<(ErasureSubject, Vec<erasure::NoteRedaction>), ApiError> {
    let mut errors = FieldErrors::default();
    let request = JsonObject::read(
        Value::Object(body),
        "",
        <ErasureRequest as DocumentedBody>::FIELDS,
        &mut errors,
    )
    .and_then(|object| read_request(object, &mut errors));
    Ok(errors.finish(request)?)
}

fn subject_of(fields: &Fields) -> Result<ErasureSubject, ApiError> {
    parse(subject_body(fields)).map(|(subject, _)| subject)
}

/// What the confirmation form asks for each note.
const KEEP: &str = "keep";
const EDIT: &str = "edit";
const REMOVE: &str = "remove";

fn note_action<'a>(fields: &'a Fields, id: &str) -> &'a str {
    posted(fields, &format!("azione-{id}")).unwrap_or(KEEP)
}

/// The whole request the confirmation form makes, as the API's body, and
/// the ids of the notes in its `notes` list, in order (to show a refused
/// note's message beside it).
fn request_body(fields: &Fields) -> (Map<String, Value>, Vec<String>) {
    let mut body = subject_body(fields);
    let mut notes = Vec::new();
    let mut ids = Vec::new();
    for (_, id) in fields.iter().filter(|(name, _)| name == "nota") {
        let text = fields
            .iter()
            .find(|(name, _)| *name == format!("testo-{id}"))
            .map(|(_, text)| text.as_str());
        let note = match note_action(fields, id) {
            EDIT => json!({ "id": id, "text": text.unwrap_or_default() }),
            REMOVE => json!({ "id": id, "text": null }),
            _ => continue,
        };
        notes.push(note);
        ids.push(id.clone());
    }
    if !notes.is_empty() {
        body.insert("notes".into(), Value::Array(notes));
    }
    (body, ids)
}

/// The API's `notes[2].text` as the form's `nota-{id}`.
fn form_field(field: &str, note_ids: &[String]) -> String {
    let index = field
        .strip_prefix("notes[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|index| index.parse::<usize>().ok());
    match index.and_then(|index| note_ids.get(index)) {
        Some(id) => format!("nota-{id}"),
        None => field.to_owned(),
    }
}

fn label(field: &str, language: Language) -> &'static str {
    match field {
        "email" => "E-mail",
        "contribution" => pick(language, "Contributo", "Contribution"),
        field if field.starts_with("nota-") || field.starts_with("notes") => {
            pick(language, "Nota", "Note")
        }
        _ => pick(language, "Richiesta", "Request"),
    }
}

#[derive(Template)]
#[template(path = "console/admin/erasure_request.html")]
struct RequestPage {
    layout: Layout,
    fields: Fields,
    refusal: Refusal,
}

impl RequestPage {
    fn value(&self, name: &str) -> &str {
        posted(&self.fields, name).unwrap_or("")
    }

    fn label(&self, field: &str) -> &'static str {
        label(field, self.layout.language)
    }
}

fn request_page(
    user: &ConsoleUser,
    fields: Fields,
    refusal: Refusal,
    status: HttpResponseBuilder,
) -> Result<HttpResponse, ConsoleError> {
    let page = RequestPage {
        layout: user.layout(),
        fields,
        refusal,
    };
    Ok(page::render(status, &page)?)
}

/// `GET /console/admin/cancellazioni`
pub async fn show_request_form(user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    request_page(&user, Vec::new(), Refusal::default(), HttpResponse::Ok())
}

/// A note of a contribution concerned, with what the form asks for it.
pub struct NoteChoice {
    pub id: String,
    pub author: String,
    pub at: Moment,
    pub original: String,
    pub action: String,
    /// The new text typed, or the note's own.
    pub text: String,
    pub problem: Option<String>,
}

/// A contribution concerned, as the confirmation lists it.
pub struct ContributionLine {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub received: Moment,
    pub channel: &'static str,
    pub author: Option<String>,
    pub email: Option<String>,
    pub notes: Vec<NoteChoice>,
}

impl ContributionLine {
    fn new(row: ContributionRow, notes: Vec<NoteRow>, form: &ConfirmForm<'_>) -> ContributionLine {
        let language = form.language;
        let names: Vec<&str> = [row.given_name.as_deref(), row.family_name.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        ContributionLine {
            id: row.id.to_string(),
            reference: Reference::from_sequence(row.seq).to_string(),
            received: moment(row.received_at, language),
            channel: labels::channel_label(row.channel, language),
            author: (!names.is_empty()).then(|| names.join(" ")),
            email: row.email,
            title: row.title,
            notes: notes
                .into_iter()
                .map(|note| form.note_choice(note))
                .collect(),
        }
    }
}

/// What the confirmation form was sent with, to fill it again.
struct ConfirmForm<'a> {
    fields: &'a Fields,
    refusal: &'a Refusal,
    language: Language,
}

impl ConfirmForm<'_> {
    fn note_choice(&self, note: NoteRow) -> NoteChoice {
        let id = note.id.to_string();
        let typed = self
            .fields
            .iter()
            .find(|(name, _)| *name == format!("testo-{id}"))
            .map(|(_, text)| text.clone());
        NoteChoice {
            action: note_action(self.fields, &id).to_owned(),
            problem: self
                .refusal
                .message(&format!("nota-{id}"))
                .map(str::to_owned),
            author: note.author_name,
            at: moment(note.created_at, self.language),
            text: typed.unwrap_or_else(|| note.text.clone()),
            original: note.text,
            id,
        }
    }
}

#[derive(Template)]
#[template(path = "console/admin/erasure_confirm.html")]
struct ConfirmPage {
    layout: Layout,
    /// `email` or `contribution`, and its value as typed: the hidden field
    /// that carries the request to the last step.
    subject_field: &'static str,
    subject_value: String,
    contributions: Vec<ContributionLine>,
    notes: usize,
    refusal: Refusal,
}

impl ConfirmPage {
    fn label(&self, field: &str) -> &'static str {
        label(field, self.layout.language)
    }
}

async fn confirm_page(
    state: &AppState,
    user: &ConsoleUser,
    subject: ErasureSubject,
    fields: &Fields,
    refusal: Refusal,
    status: HttpResponseBuilder,
) -> Result<HttpResponse, ConsoleError> {
    let (subject_field, subject_value) = match &subject {
        ErasureSubject::Email(email) => ("email", email.as_str().to_owned()),
        ErasureSubject::Contribution(key) => ("contribution", key.to_string()),
    };
    let ErasurePreview {
        contributions,
        mut notes,
    } = erasure::preview(&state.db, subject).await?;
    let form = ConfirmForm {
        fields,
        refusal: &refusal,
        language: user.language,
    };
    let contributions: Vec<ContributionLine> = contributions
        .into_iter()
        .map(|row| {
            let notes = notes.remove(&row.id).unwrap_or_default();
            ContributionLine::new(row, notes, &form)
        })
        .collect();
    let page = ConfirmPage {
        layout: user.layout(),
        subject_field,
        subject_value,
        notes: contributions.iter().map(|line| line.notes.len()).sum(),
        contributions,
        refusal,
    };
    Ok(page::render(status, &page)?)
}

/// The confirmation page; the request form again, with the message, when
/// the request names nobody (an unknown contribution).
async fn confirm_or_request(
    state: &AppState,
    user: &ConsoleUser,
    subject: ErasureSubject,
    fields: &Fields,
    refusal: Refusal,
    status: HttpResponseBuilder,
) -> Result<HttpResponse, ConsoleError> {
    match confirm_page(state, user, subject, fields, refusal, status).await {
        Err(ConsoleError::Api(error)) => refused_request(user, fields.clone(), error),
        shown => shown,
    }
}

/// The request form again, saying why `error` refused it.
fn refused_request(
    user: &ConsoleUser,
    fields: Fields,
    error: ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let (status, refusal) = Refusal::of(error, user.language)?;
    request_page(user, fields, refusal, status)
}

/// `POST /console/admin/cancellazioni/conferma`: what will be erased, to
/// confirm; nothing changes yet. A request that names nobody comes back
/// with the message.
pub async fn confirm(
    ConsoleForm { user, fields }: ConsoleForm<Fields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    match subject_of(&fields) {
        Ok(subject) => {
            let ok = HttpResponse::Ok();
            confirm_or_request(&state, &user, subject, &fields, Refusal::default(), ok).await
        }
        Err(error) => refused_request(&user, fields, error),
    }
}

/// `POST /console/admin/cancellazioni`: the erasure, confirmed. Done, the
/// browser goes to its answer; a note's new text refused, the confirmation
/// comes back with the message beside the note and nothing erased.
pub async fn erase(
    ConsoleForm { user, fields }: ConsoleForm<Fields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let subject = match subject_of(&fields) {
        Ok(subject) => subject,
        Err(error) => return refused_request(&user, fields, error),
    };
    let (body, note_ids) = request_body(&fields);
    let erased = match parse(body) {
        Ok((subject, notes)) => {
            let mail_files = crate::mail::files::directory(&state.config.mail);
            let actor = crate::domain::Actor::Staff(user.staff.id);
            erasure::erase(&state.db, actor, subject, notes, mail_files)
                .await
                .map_err(ApiError::from)
        }
        Err(error) => Err(error),
    };
    match erased {
        Ok(answer) => Ok(see_other(format!("{PATH}/{}", answer.operation))),
        Err(error) => {
            let (status, mut refusal) = Refusal::of(error, user.language)?;
            for refused in &mut refusal.fields {
                refused.field = form_field(&refused.field, &note_ids);
            }
            confirm_or_request(&state, &user, subject, &fields, refusal, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "console/admin/erasure_answer.html")]
struct AnswerPage {
    layout: Layout,
    at: Moment,
    actor: String,
    /// Done by the retention job rather than on request.
    retention: bool,
    report: erasure::ErasureReport,
}

/// `GET /console/admin/cancellazioni/{operation}`: what an erasure did,
/// from its audit event.
pub async fn show_answer(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let operation = uuid::Uuid::parse_str(&path).map_err(|_| ConsoleError::NotFound)?;
    let event = audit_log::find_event(&state, TargetType::PersonalData, operation.to_string())
        .await?
        .ok_or(ConsoleError::NotFound)?;
    let report = erasure::recorded_report(&event.row).ok_or(ConsoleError::NotFound)?;
    let language = user.language;
    let page = AnswerPage {
        layout: user.layout(),
        at: moment(event.row.occurred_at, language),
        actor: event
            .actor_name
            .unwrap_or_else(|| pick(language, "il sistema", "the system").to_owned()),
        retention: event.row.action == crate::domain::AuditAction::RetentionErasure,
        report,
    };
    Ok(page::render(HttpResponse::Ok(), &page)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_confirmation_becomes_the_apis_body_with_only_the_notes_that_change() {
        let form = fields(&[
            ("contribution", " RF-000042 "),
            ("email", ""),
            ("nota", "a"),
            ("azione-a", "keep"),
            ("testo-a", "kept as it is"),
            ("nota", "b"),
            ("azione-b", "edit"),
            ("testo-b", "Il cittadino chiede…"),
            ("nota", "c"),
            ("azione-c", "remove"),
        ]);
        let (body, ids) = request_body(&form);
        assert_eq!(
            Value::Object(body),
            json!({
                "contribution": "RF-000042",
                "notes": [{"id": "b", "text": "Il cittadino chiede…"}, {"id": "c", "text": null}],
            })
        );
        assert_eq!(ids, ["b", "c"]);
        assert_eq!(form_field("notes[1].id", &ids), "nota-c");
        assert_eq!(form_field("email", &ids), "email");
    }
}
