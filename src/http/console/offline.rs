//! `/console/offline`: registering a contribution received at a Quartiere
//! meeting, by e-mail or on paper. The form is read by the same parser as
//! the JSON API's registration and stored by the same service.

use actix_web::http::header;
use actix_web::{web, HttpResponse, HttpResponseBuilder};
use askama::Template;
use chrono::{NaiveDateTime, TimeZone};
use serde_json::{json, Map, Value};

use super::labels::{self, problem_lines, Choice};
use super::queue::area_names;
use super::review::review_href;
use super::{ConsoleError, ConsoleForm, ConsoleUser, Layout};
use crate::app::moderation::offline;
use crate::domain::{Channel, FieldErrors, Reference, Role};
use crate::error::ApiError;
use crate::http::contributions::body::{parse_contribution, SubmissionRules};
use crate::http::page;
use crate::http::AppState;
use crate::i18n::format::ROME;

/// The form's fields as sent (kept to fill the form again after an error).
pub type OfflineFields = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "console/offline.html")]
pub struct OfflinePage {
    pub layout: Layout,
    pub fields: OfflineFields,
    pub areas: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub author_kinds: Vec<Choice>,
    pub quartieri: Vec<Choice>,
    pub problems: Vec<String>,
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
        let number = quartiere
            .parse::<i64>()
            .map_or(json!(quartiere), |n| json!(n));
        author.insert("quartiere".into(), number);
    }
    body.insert("author".into(), Value::Object(author));
    body.insert(
        "contact_consent".into(),
        json!(value_of(fields, "contact_consent").is_some()),
    );
    Value::Object(body)
}

async fn offline_page(
    state: &AppState,
    user: &ConsoleUser,
    fields: OfflineFields,
    problems: Vec<String>,
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
    offline_page(&state, &user, Vec::new(), Vec::new(), HttpResponse::Ok()).await
}

/// `POST /console/offline`: registered, the browser goes to the new
/// contribution's review page; refused, the form comes back filled in with
/// what is wrong.
pub async fn register_offline(
    ConsoleForm { user, fields }: ConsoleForm<OfflineFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let mut errors = FieldErrors::default();
    let input = parse_contribution(body_of(&fields), SubmissionRules::Offline, &mut errors);
    let result = match errors.finish(input) {
        Ok(input) => offline::register(&state, user.staff.id, input)
            .await
            .map_err(ApiError::from),
        Err(invalid) => Err(ApiError::from(invalid)),
    };
    match result {
        Ok(detail) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                review_href(Reference::from_sequence(detail.row.seq)),
            ))
            .finish()),
        Err(error) if actix_web::ResponseError::status_code(&error).is_client_error() => {
            let status = HttpResponse::build(actix_web::ResponseError::status_code(&error));
            let problems = problem_lines(&error, user.language);
            offline_page(&state, &user, fields, problems, status).await
        }
        Err(error) => Err(error.into()),
    }
}
