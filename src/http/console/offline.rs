//! `/console/offline`: registering a contribution received at a Quartiere
//! meeting, by e-mail or on paper. The form is read by the same parser as
//! the JSON API's registration and stored by the same service.

use actix_web::http::header;
use actix_web::{web, HttpResponse, HttpResponseBuilder};
use askama::Template;
use chrono::{NaiveDateTime, TimeZone};
use serde_json::{json, Map, Value};

use super::labels::{self, Choice};
use super::queue::area_names;
use super::review::review_href;
use super::{ConsoleError, ConsoleForm, ConsoleUser, Layout};
use crate::app::idempotency::{parse_key, IdempotencyClaim, IdempotencyScope};
use crate::app::moderation::offline::{self, Registered};
use crate::clock;
use crate::domain::{Channel, FieldErrors, Reference, Role};
use crate::error::ApiError;
use crate::http::contributions::body::{parse_contribution, SubmissionRules};
use crate::http::page;
use crate::http::AppState;
use crate::i18n::format::{rome_time, ROME};
use crate::i18n::Language;
use uuid::Uuid;

/// The form's fields as sent (kept to fill the form again after an error).
pub type OfflineFields = Vec<(String, String)>;

/// The hidden field carrying this filling of the form's `Idempotency-Key`,
/// drawn when the form is shown: a double submission stores once.
const KEY_FIELD: &str = "idempotency_key";

#[derive(Template)]
#[template(path = "console/offline.html")]
pub struct OfflinePage {
    pub layout: Layout,
    pub fields: OfflineFields,
    pub areas: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub author_kinds: Vec<Choice>,
    pub quartieri: Vec<Choice>,
    pub meeting_quartieri: Vec<Choice>,
    pub problems: Vec<String>,
    pub idempotency_key: String,
    /// Today in Rome (`YYYY-MM-DD`) and now (`YYYY-MM-DDTHH:MM`): the
    /// latest a meeting's day and a reception may be.
    pub today: String,
    pub now: String,
}

impl OfflinePage {
    /// The value sent for `name`, or empty.
    pub fn value(&self, name: &str) -> &str {
        value_of(&self.fields, name).unwrap_or("")
    }

    pub fn checked(&self, name: &str) -> bool {
        value_of(&self.fields, name).is_some()
    }
}

fn value_of<'a>(fields: &'a OfflineFields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, v)| n == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

/// `YYYY-MM-DDTHH:MM` in Rome time (a `datetime-local` field) as RFC 3339;
/// anything else is passed on for the parser to name.
fn rome_local_to_rfc3339(raw: &str) -> String {
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|local| ROME.from_local_datetime(&local).earliest())
        .map(|at| at.to_rfc3339())
        .unwrap_or_else(|| raw.to_owned())
}

/// The form's own name for each field of the API's body, to name failing
/// fields as the moderator sees them.
fn field_label(path: &str, language: Language) -> Option<&'static str> {
    let (it, en) = match path {
        "channel" => ("Canale", "Channel"),
        "received_at" => ("Ricevuto il", "Received on"),
        "meeting" => ("Incontro", "Meeting"),
        "meeting.name" => ("Nome dell'incontro", "Name of the meeting"),
        "meeting.date" => ("Data dell'incontro", "Date of the meeting"),
        "meeting.quartiere" => ("Quartiere dell'incontro", "Quartiere of the meeting"),
        "thematic_area" => ("Area tematica", "Thematic area"),
        "title" => ("Titolo", "Title"),
        "body" => ("Testo", "Text"),
        "author.kind" => ("Tipo di autore", "Kind of author"),
        "author.given_name" => ("Nome", "Given name"),
        "author.family_name" => ("Cognome", "Family name"),
        "author.organization_name" => ("Organizzazione", "Organisation"),
        "author.email" => ("E-mail", "E-mail"),
        "author.quartiere" => ("Quartiere", "Quartiere"),
        _ => return None,
    };
    Some(match language {
        Language::It => it,
        Language::En => en,
    })
}

/// What went wrong, each field named by its label on the form.
fn form_problems(error: &ApiError, language: Language) -> Vec<String> {
    let problem = error.problem(language);
    let mut lines = vec![problem.detail];
    lines.extend(problem.errors.unwrap_or_default().into_iter().map(|field| {
        let label = field_label(&field.field, language).unwrap_or(&field.field);
        format!("{label}: {}", field.message)
    }));
    lines
}

/// The JSON body the API would receive for this form.
pub fn body_of(fields: &OfflineFields) -> Value {
    let mut body = Map::new();
    let mut author = Map::new();
    for name in ["thematic_area", "title", "body", "channel"] {
        if let Some(value) = value_of(fields, name) {
            body.insert(name.into(), json!(value));
        }
    }
    if let Some(at) = value_of(fields, "received_at") {
        body.insert("received_at".into(), json!(rome_local_to_rfc3339(at)));
    }
    for name in [
        "kind",
        "given_name",
        "family_name",
        "organization_name",
        "email",
    ] {
        if let Some(value) = value_of(fields, name) {
            author.insert(name.into(), json!(value));
        }
    }
    if let Some(quartiere) = value_of(fields, "quartiere") {
        author.insert("quartiere".into(), number_or_text(quartiere));
    }
    body.insert("author".into(), Value::Object(author));
    if let Some(meeting) = meeting_of(fields) {
        body.insert("meeting".into(), meeting);
    }
    for checkbox in ["contact_consent", "privacy_notice_accepted"] {
        body.insert(checkbox.into(), json!(value_of(fields, checkbox).is_some()));
    }
    Value::Object(body)
}

/// The meeting, when any of its fields is filled in.
fn meeting_of(fields: &OfflineFields) -> Option<Value> {
    let mut meeting = Map::new();
    for (field, name) in [("meeting_name", "name"), ("meeting_date", "date")] {
        if let Some(value) = value_of(fields, field) {
            meeting.insert(name.into(), json!(value));
        }
    }
    if let Some(quartiere) = value_of(fields, "meeting_quartiere") {
        meeting.insert("quartiere".into(), number_or_text(quartiere));
    }
    (!meeting.is_empty()).then_some(Value::Object(meeting))
}

/// A number as a number, anything else as typed, for the parser to name.
fn number_or_text(raw: &str) -> Value {
    raw.parse::<i64>().map_or(json!(raw), |n| json!(n))
}

/// The form, filled with `fields`; `idempotency_key` is the key of this
/// filling (a new one when `None`).
async fn offline_page(
    state: &AppState,
    user: &ConsoleUser,
    fields: OfflineFields,
    problems: Vec<String>,
    idempotency_key: Option<String>,
    status: HttpResponseBuilder,
) -> Result<HttpResponse, ConsoleError> {
    let language = user.language;
    let chosen = |name: &str, value: &str| value_of(&fields, name) == Some(value);
    let page = OfflinePage {
        layout: user.layout(),
        areas: area_names(state)
            .await?
            .into_iter()
            .map(|(code, name)| {
                let selected = chosen("thematic_area", &code);
                Choice::new(code, name, selected)
            })
            .collect(),
        channels: labels::channel_choices(
            Channel::ALL.iter().copied().filter(|c| *c != Channel::Form),
            language,
            |value| chosen("channel", value),
        ),
        author_kinds: labels::author_kind_choices(language, |value| chosen("kind", value)),
        quartieri: labels::quartiere_choices(|value| chosen("quartiere", value)),
        meeting_quartieri: labels::quartiere_choices(|value| chosen("meeting_quartiere", value)),
        idempotency_key: idempotency_key.unwrap_or_else(|| Uuid::new_v4().to_string()),
        today: rome_time(clock::now()).format("%Y-%m-%d").to_string(),
        now: rome_time(clock::now()).format("%Y-%m-%dT%H:%M").to_string(),
        fields,
        problems,
    };
    Ok(page::render(status, &page)?)
}

/// `GET /console/offline`
pub async fn show_offline_form(
    user: ConsoleUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let fields = vec![("channel".to_owned(), Channel::Event.as_str().to_owned())];
    offline_page(&state, &user, fields, Vec::new(), None, HttpResponse::Ok()).await
}

/// `POST /console/offline`: registered (or registered before with this
/// filling's key: a double submission), the browser goes to the new
/// contribution's review page; refused, the form comes back filled in with
/// what is wrong, under the same key (nothing was stored). A key already
/// used with other data (the form sent again after a change, through the
/// browser's Back) gets a new one, so that the moderator can send it again.
pub async fn register_offline(
    ConsoleForm { user, fields }: ConsoleForm<OfflineFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let body = body_of(&fields);
    let key = value_of(&fields, KEY_FIELD).and_then(|key| parse_key(key).ok());
    let idempotency = key
        .clone()
        .map(|key| IdempotencyClaim::new(IdempotencyScope::Staff(user.staff.id), key, &body));
    let mut errors = FieldErrors::default();
    let input = parse_contribution(body, SubmissionRules::Offline, &mut errors);
    let result = match errors.finish(input) {
        Ok(input) => offline::register(&state, user.staff.id, input, idempotency)
            .await
            .map_err(ApiError::from),
        Err(invalid) => Err(ApiError::from(invalid)),
    };
    match result {
        Ok(Registered::New(detail) | Registered::Replayed(detail)) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                review_href(Reference::from_sequence(detail.row.seq)),
            ))
            .finish()),
        Err(ApiError::IdempotencyKeyReused) => {
            let problems = vec![user
                .layout()
                .tr(
                    "Questo modulo era già stato registrato con dati diversi. Controlla i dati e registralo di nuovo: sarà un nuovo contributo.",
                    "This form was already registered with other data. Check the data and register it again: it will be a new contribution.",
                )
                .to_owned()];
            offline_page(
                &state,
                &user,
                fields,
                problems,
                None,
                HttpResponse::Conflict(),
            )
            .await
        }
        Err(error) if actix_web::ResponseError::status_code(&error).is_client_error() => {
            let status = HttpResponse::build(actix_web::ResponseError::status_code(&error));
            let problems = form_problems(&error, user.language);
            offline_page(&state, &user, fields, problems, key, status).await
        }
        Err(error) => Err(error.into()),
    }
}
