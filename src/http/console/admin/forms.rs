//! What the admin pages' forms share: a refused form's messages (by field,
//! and the summary above the form), the redirect of a Post/Redirect/Get,
//! and the confirmation step of a destructive action.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use askama::Template;

use crate::error::ApiError;
use crate::http::console::{ConsoleError, Layout};
use crate::i18n::Language;

/// One field's message.
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

/// Why a form was refused: the problem's detail, and the message of each
/// field it names. Empty when nothing was refused.
#[derive(Default)]
pub struct Refusal {
    pub detail: String,
    pub fields: Vec<FieldMessage>,
}

impl Refusal {
    /// The refusal a page shows for `error`, with the status to answer; an
    /// error that is not the client's, or a page that does not exist, is
    /// the console's error page instead.
    pub fn of(
        error: ApiError,
        language: Language,
    ) -> Result<(HttpResponseBuilder, Refusal), ConsoleError> {
        let status = error.status_code();
        if !status.is_client_error() || status == StatusCode::NOT_FOUND {
            return Err(error.into());
        }
        let problem = error.problem(language);
        let fields = problem
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|field| FieldMessage {
                field: field.field,
                message: field.message,
            })
            .collect();
        let refusal = Refusal {
            detail: problem.detail,
            fields,
        };
        Ok((HttpResponse::build(status), refusal))
    }

    pub fn is_refused(&self) -> bool {
        !self.detail.is_empty()
    }

    /// The message of `field`, if it was refused.
    pub fn message(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.as_str())
    }
}

/// 303 to `location`: the page that shows what a change did.
pub fn see_other(location: impl Into<String>) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.into()))
        .finish()
}

/// `path?name=value&…`, the values encoded.
pub fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    match serde_urlencoded::to_string(pairs) {
        Ok(query) if !query.is_empty() => format!("{path}?{query}"),
        _ => path.to_owned(),
    }
}

/// The confirmation step of a destructive action: what it will do, a button
/// that posts it (with the CSRF token and `hidden` fields) and a way back.
/// A page rather than a script's dialog: it works without JavaScript, and
/// from the keyboard like any form.
#[derive(Template)]
#[template(path = "console/admin/confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    /// The question, as the page's heading.
    pub question: String,
    /// What will happen, one line each.
    pub consequences: Vec<String>,
    /// Where the confirming form posts.
    pub action: String,
    pub hidden: Vec<(&'static str, String)>,
    pub confirm_label: String,
    /// The page to go back to without doing anything.
    pub back: String,
}
