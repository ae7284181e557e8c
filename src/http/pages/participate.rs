//! `/partecipa`: the reference form for the Rete Civica to link to, embed or
//! copy. Without JavaScript it posts here, and the server answers with the
//! same rules as `POST /api/v1/contributions` (the same parser and the same
//! use case, `app::public::submit`): the receipt, or the form again with
//! every failing field marked and what was typed kept. With JavaScript
//! (`assets/partecipa.js`) it posts the same JSON to the API itself.
//!
//! The form's field names are the JSON paths of the API's body
//! (`author.email`), so a field error of either names its input.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;
use serde_json::{json, Map, Value};

use super::consultation::Consultation;
use super::PageError;
use crate::app::idempotency::{IdempotencyClaim, IdempotencyScope};
use crate::app::public::{self, FormSubmission, Submitted};
use crate::app::submissions::SubmissionReceipt;
use crate::app::AppError;
use crate::clock;
use crate::domain::{
    AuthorKind, ContributionBody, ContributionTitle, FieldError, FieldErrors, OrganizationName,
    PersonName, Quartiere, ThematicAreaCode,
};
use crate::http::contributions::body::bot_signals;
use crate::http::contributions::{parse_contribution, SubmissionRules};
use crate::http::rate_limit::{AcceptedSubmission, SubmissionClient};
use crate::http::{page, AppState};
use crate::i18n::Language;

/// What the citizen typed, by field name.
type Typed = HashMap<String, String>;

/// The free-text inputs, as named in the form and in the API's body.
const TEXT_FIELDS: [&str; 7] = [
    "thematic_area",
    "title",
    "body",
    "author.given_name",
    "author.family_name",
    "author.organization_name",
    "author.email",
];
const CHECKBOXES: [&str; 2] = ["privacy_notice_accepted", "contact_consent"];
/// The API's optional bot signals: a honeypot people leave empty, and the
/// token the form was rendered with (it dates the form).
const BOT_FIELDS: [&str; 2] = ["website", "form_token"];
/// The hidden field carrying the Idempotency-Key of this filling of the form.
const KEY_FIELD: &str = "idempotency_key";

/// A choice of a `<select>` or of a radio group.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A failing field: its input's id, its label and the message.
struct FieldMessage {
    field: String,
    id: String,
    label: String,
    message: String,
}

/// An input's id: its name with `-` for `.` (`author-email`).
fn input_id(field: &str) -> String {
    field.replace('.', "-")
}

fn label_of(field: &str) -> &str {
    match field {
        "thematic_area" => "Area tematica",
        "title" => "Titolo",
        "body" => "Il suo contributo",
        "author.kind" => "Chi scrive",
        "author.given_name" => "Nome",
        "author.family_name" => "Cognome",
        "author.organization_name" => "Nome dell'associazione o organizzazione",
        "author.email" => "Indirizzo e-mail",
        "author.quartiere" => "Quartiere",
        "privacy_notice_accepted" => "Informativa sulla privacy",
        "contact_consent" => "Consenso a essere ricontattati",
        other => other,
    }
}

fn author_kind_label(kind: AuthorKind) -> &'static str {
    match kind {
        AuthorKind::Citizen => "Cittadina o cittadino",
        AuthorKind::CulturalAssociation => "Associazione culturale",
        AuthorKind::TradeAssociation => "Associazione di categoria",
        AuthorKind::OtherOrganization => "Altra organizzazione",
    }
}

/// A length rule shown beside an input and counted by the script.
struct Limit {
    min: usize,
    max: usize,
}

#[derive(Template)]
#[template(path = "pages/participate.html")]
struct FormPage {
    section: &'static str,
    consultation: Consultation,
    areas: Vec<Choice>,
    kinds: Vec<Choice>,
    quartieri: Vec<Choice>,
    typed: Typed,
    errors: Vec<FieldMessage>,
    /// A failure that is not about one field.
    notice: Option<String>,
    idempotency_key: String,
    /// Dates this rendering of the form (`GET /api/v1/form-token`).
    form_token: String,
    title_limit: Limit,
    body_limit: Limit,
    name_limit: Limit,
    organization_limit: Limit,
}

impl FormPage {
    fn value(&self, field: &str) -> &str {
        self.typed.get(field).map_or("", String::as_str)
    }

    fn checked(&self, field: &str) -> bool {
        self.typed.contains_key(field)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|error| error.field == field)
            .map(|error| error.message.as_str())
    }
}

async fn form_page(
    state: &AppState,
    typed: Typed,
    errors: &[FieldError],
    notice: Option<String>,
) -> Result<FormPage, PageError> {
    let areas = public::thematic_areas(state).await?.value;
    let chosen = |field: &str, value: &str| typed.get(field).is_some_and(|v| v == value);
    // A form shown again keeps the token of its first showing: the filling
    // began then.
    let form_token = typed
        .get("form_token")
        .cloned()
        .unwrap_or_else(|| state.form_guard.issue(clock::now()));
    Ok(FormPage {
        section: "partecipa",
        consultation: Consultation::at(&state.config, clock::now()),
        areas: areas
            .iter()
            .filter(|area| area.active)
            .map(|area| Choice {
                selected: chosen("thematic_area", &area.code),
                value: area.code.clone(),
                label: area.name.clone(),
            })
            .collect(),
        kinds: AuthorKind::ALL
            .iter()
            .map(|kind| Choice {
                selected: chosen("author.kind", kind.as_str()),
                value: kind.as_str().to_owned(),
                label: author_kind_label(*kind).to_owned(),
            })
            .collect(),
        quartieri: Quartiere::ALL
            .iter()
            .map(|q| {
                let value = q.number().to_string();
                Choice {
                    selected: chosen("author.quartiere", &value),
                    label: format!("{} – {}", q.number(), q.name()),
                    value,
                }
            })
            .collect(),
        errors: errors
            .iter()
            .map(|error| FieldMessage {
                id: input_id(&error.field),
                label: label_of(&error.field).to_owned(),
                message: error.issue.message(Language::It),
                field: error.field.clone(),
            })
            .collect(),
        typed,
        notice,
        // A fresh key for each form shown: a double submission of this one
        // is stored once, a corrected one is a new request.
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        form_token,
        title_limit: Limit {
            min: ContributionTitle::MIN_CHARS,
            max: ContributionTitle::MAX_CHARS,
        },
        body_limit: Limit {
            min: ContributionBody::MIN_CHARS,
            max: ContributionBody::MAX_CHARS,
        },
        name_limit: Limit {
            min: PersonName::MIN_CHARS,
            max: PersonName::MAX_CHARS,
        },
        organization_limit: Limit {
            min: OrganizationName::MIN_CHARS,
            max: OrganizationName::MAX_CHARS,
        },
    })
}

fn no_store(mut response: HttpResponseBuilder) -> HttpResponseBuilder {
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// `GET /partecipa`
pub async fn show_form(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let page = form_page(&state, Typed::new(), &[], None).await?;
    Ok(page::render(no_store(HttpResponse::Ok()), &page)?)
}

/// The API's JSON body for what the form posted, built as the script
/// builds it: unticked boxes are `false`, an unchosen author kind is
/// missing, an unchosen quartiere is `null`.
fn submission_body(typed: &Typed) -> Value {
    let text = |field: &str| Value::String(typed.get(field).cloned().unwrap_or_default());
    let mut author = Map::new();
    if let Some(kind) = typed.get("author.kind").filter(|k| !k.is_empty()) {
        author.insert("kind".into(), Value::String(kind.clone()));
    }
    for field in ["given_name", "family_name", "organization_name", "email"] {
        author.insert(field.into(), text(&format!("author.{field}")));
    }
    let quartiere = match typed.get("author.quartiere").map(|q| q.trim()) {
        None | Some("") => Value::Null,
        Some(raw) => raw
            .parse::<i64>()
            .map_or_else(|_| Value::String(raw.to_owned()), Value::from),
    };
    author.insert("quartiere".into(), quartiere);
    let mut body = json!({
        "thematic_area": text("thematic_area"),
        "title": text("title"),
        "body": text("body"),
        "author": author,
        "privacy_notice_accepted": typed.contains_key("privacy_notice_accepted"),
        "contact_consent": typed.contains_key("contact_consent"),
    });
    for field in BOT_FIELDS {
        if let Some(value) = typed.get(field) {
            body[field] = Value::String(value.clone());
        }
    }
    body
}

/// Keeps the form's own fields, so that nothing else is echoed back.
fn typed_fields(posted: HashMap<String, String>) -> (Typed, Option<String>) {
    let mut typed = Typed::new();
    let mut key = None;
    for (name, value) in posted {
        let known = TEXT_FIELDS.contains(&name.as_str())
            || CHECKBOXES.contains(&name.as_str())
            || BOT_FIELDS.contains(&name.as_str())
            || name == "author.kind"
            || name == "author.quartiere";
        if known {
            typed.insert(name, value);
        } else if name == KEY_FIELD {
            key = crate::app::idempotency::parse_key(&value).ok();
        }
    }
    (typed, key)
}

#[derive(Template)]
#[template(path = "pages/receipt.html")]
struct ReceiptPage {
    section: &'static str,
    reference: String,
}

/// `POST /partecipa`, without JavaScript: the receipt page, or the form
/// again (422 with every failing field, 409 when the consultation is closed).
pub async fn submit_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    posted: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, PageError> {
    let (typed, key) = typed_fields(posted.into_inner());
    let body = submission_body(&typed);
    let idempotency = key.map(|key| IdempotencyClaim::new(IdempotencyScope::Form, key, &body));
    let area = typed
        .get("thematic_area")
        .and_then(|code| ThematicAreaCode::parse(code).ok());
    let bot_signals = bot_signals(&body);
    let mut errors = FieldErrors::default();
    let parsed = parse_contribution(body, SubmissionRules::Form, &mut errors);
    let form = FormSubmission {
        input: errors.finish(parsed),
        area,
        idempotency,
        bot_signals,
        client: SubmissionClient::of(&request),
    };
    let (status, failures, notice) = match public::submit(&state, form).await {
        Ok(Submitted::New(stored)) => {
            // Only a stored submission uses the client's quota.
            let mut page = receipt_page(&stored.receipt)?;
            page.extensions_mut()
                .insert(AcceptedSubmission::of(&stored));
            return Ok(page);
        }
        Ok(Submitted::Replayed(receipt)) => return receipt_page(&receipt),
        Err(AppError::Invalid(invalid)) => (HttpResponse::UnprocessableEntity(), invalid.0, None),
        Err(AppError::ConsultationClosed(_)) => (HttpResponse::Conflict(), Vec::new(), None),
        Err(AppError::IdempotencyKeyReused) => (
            HttpResponse::Conflict(),
            Vec::new(),
            Some(
                "Questo modulo era già stato inviato con dati diversi: controlli i dati e lo invii di nuovo."
                    .to_owned(),
            ),
        ),
        Err(other) => return Err(other.into()),
    };
    let page = form_page(&state, typed, &failures, notice).await?;
    Ok(page::render(no_store(status), &page)?)
}

fn receipt_page(receipt: &SubmissionReceipt) -> Result<HttpResponse, PageError> {
    let page = ReceiptPage {
        section: "partecipa",
        reference: receipt.reference.clone(),
    };
    Ok(page::render(no_store(HttpResponse::Ok()), &page)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&str, &str)]) -> Typed {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_posted_form_becomes_the_apis_body() {
        let body = submission_body(&typed(&[
            ("thematic_area", "mobilita-green"),
            ("title", "Titolo"),
            ("author.kind", "citizen"),
            ("author.quartiere", "2"),
            ("privacy_notice_accepted", "true"),
        ]));
        assert_eq!(body["author"]["quartiere"], json!(2));
        assert_eq!(body["author"]["kind"], json!("citizen"));
        assert_eq!(body["author"]["email"], json!(""));
        assert_eq!(body["privacy_notice_accepted"], json!(true));
        assert_eq!(body["contact_consent"], json!(false));
    }

    #[test]
    fn unchosen_kind_is_missing_and_unchosen_quartiere_null() {
        let body = submission_body(&typed(&[("author.kind", ""), ("author.quartiere", "")]));
        assert!(body["author"].get("kind").is_none());
        assert_eq!(body["author"]["quartiere"], Value::Null);
    }

    #[test]
    fn unknown_fields_are_not_kept_and_the_key_is_checked() {
        let posted: HashMap<String, String> = typed(&[
            ("title", "x"),
            ("evil", "<script>"),
            (KEY_FIELD, "chiave valida"),
        ]);
        let (kept, key) = typed_fields(posted);
        assert_eq!(kept.len(), 1);
        assert_eq!(key, None, "a space is not a visible ASCII character");
    }
}
