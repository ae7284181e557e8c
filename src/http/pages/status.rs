//! `/stato/{token}`: an author's private status page, reached from the link
//! in the acknowledgement e-mail. The token is a bearer secret (256 random
//! bits, stored hashed): the page is never cached, sends no referrer (every
//! response says `no-referrer`), and the access log writes the path without
//! it ([`redact_path`]).

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::PageError;
use crate::app::author_status::{self, AuthorStatus};
use crate::domain::{ContributionStatus, Reference, StatusToken};
use crate::http::{page, AppState};
use crate::i18n::format::italian_moment;

/// Where the status pages live; the rest of the path is the secret.
pub const STATUS_PATH_PREFIX: &str = "/stato/";

/// The path as the access log may write it: a status page's secret is
/// replaced, so that the log does not open anyone's page.
pub fn redact_path(path: &str) -> std::borrow::Cow<'_, str> {
    match path.strip_prefix(STATUS_PATH_PREFIX) {
        Some(_) => format!("{STATUS_PATH_PREFIX}[link personale]").into(),
        None => path.into(),
    }
}

#[derive(Template)]
#[template(path = "pages/status.html")]
struct StatusPage {
    section: &'static str,
    reference: String,
    title: String,
    received: String,
    /// The status in a few words, and what it means.
    headline: &'static str,
    explanation: Option<String>,
    /// The published contribution, or the one it was joined to.
    link: Option<(String, String)>,
    /// Where the erasure form posts (the page's own path).
    action: String,
}

impl StatusPage {
    fn new(status: AuthorStatus, token: &StatusToken) -> StatusPage {
        let row = status.contribution;
        let reference = Reference::from_sequence(row.seq).to_string();
        let reason = row.status_reason.clone().filter(|r| !r.trim().is_empty());
        let (headline, explanation, link) = match row.status {
            ContributionStatus::Pending => (
                "Ricevuto, in revisione",
                Some("La redazione legge ogni contributo prima della pubblicazione. Riceverà un'e-mail con l'esito.".to_owned()),
                None,
            ),
            ContributionStatus::Approved => (
                "Pubblicato",
                None,
                Some((format!("/contributi/{reference}"), "Leggi il contributo pubblicato".to_owned())),
            ),
            ContributionStatus::Rejected | ContributionStatus::Hidden | ContributionStatus::Spam => (
                "Non pubblicato",
                reason.map(|reason| format!("Motivo: {reason}")),
                None,
            ),
            ContributionStatus::Duplicate => match status.original {
                Some(original) => (
                    "Unito a un altro contributo",
                    Some(format!(
                        "Il contributo è stato unito a {original}, che propone la stessa cosa."
                    )),
                    Some((format!("/contributi/{original}"), format!("Vai a {original}"))),
                ),
                None => ("Unito a un altro contributo", None, None),
            },
        };
        StatusPage {
            section: "",
            title: row.title,
            received: italian_moment(crate::clock::utc(row.received_at), false),
            reference,
            headline,
            explanation,
            link,
            action: format!("{STATUS_PATH_PREFIX}{}", token.as_str()),
        }
    }
}

/// A private page: never stored by a browser or a proxy.
fn private(status: actix_web::HttpResponseBuilder) -> actix_web::HttpResponseBuilder {
    let mut response = status;
    response.insert_header((header::CACHE_CONTROL, "no-store"));
    response
}

/// `GET /stato/{token}`: 404 page for a malformed, unknown or expired link.
pub async fn show_status(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let token = StatusToken::parse(&token).ok_or(PageError::NotFound)?;
    let status = author_status::find(&state, &token).await?;
    let page = StatusPage::new(status, &token);
    Ok(page::render(private(HttpResponse::Ok()), &page)?)
}

/// The erasure form's steps: asking shows what will be erased and asks
/// for confirmation; confirming erases.
#[derive(Deserialize)]
pub struct ErasureStep {
    passo: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/status_erasure.html")]
struct ErasurePage {
    section: &'static str,
    reference: String,
    /// The confirmation's form posts back here; `None` once erased.
    action: Option<String>,
    report: Option<ErasureView>,
}

/// What an erasure did, in words.
struct ErasureView {
    references: String,
    contributions: u64,
    emails_cancelled: u64,
}

/// `POST /stato/{token}`: the erasure of the author's personal data, in two
/// steps (`passo=conferma`, then `passo=cancella`). After it the link opens
/// nothing, so the answer itself says what was erased.
pub async fn erase_personal_data(
    state: web::Data<AppState>,
    token: web::Path<String>,
    step: web::Form<ErasureStep>,
) -> Result<HttpResponse, PageError> {
    let token = StatusToken::parse(&token).ok_or(PageError::NotFound)?;
    let status = author_status::find(&state, &token).await?;
    let reference = Reference::from_sequence(status.contribution.seq).to_string();
    let page = if step.passo.as_deref() == Some("cancella") {
        let report = author_status::erase_personal_data(&state, &token).await?;
        ErasurePage {
            section: "",
            reference,
            action: None,
            report: Some(ErasureView {
                references: report.references.join(", "),
                contributions: report.contributions_affected,
                emails_cancelled: report.emails_cancelled,
            }),
        }
    } else {
        ErasurePage {
            section: "",
            reference,
            action: Some(format!("{STATUS_PATH_PREFIX}{}", token.as_str())),
            report: None,
        }
    };
    Ok(page::render(private(HttpResponse::Ok()), &page)?)
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn the_secret_never_reaches_the_log() {
        assert_eq!(redact_path("/stato/abcdef"), "/stato/[link personale]");
        assert_eq!(redact_path("/contributi"), "/contributi");
    }
}
