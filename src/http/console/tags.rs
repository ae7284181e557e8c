//! `/console/etichette`: the tags with how many contributions carry each,
//! a rename form and a merge form per tag. A merge is confirmed on a page
//! of its own before anything changes. Both call the services of the JSON
//! API (`app::moderation::tags`), audited the same way; a done change comes
//! back to the list with a message (Post/Redirect/Get).

use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;
use serde::Deserialize;

use super::labels::problem_lines;
use super::{flash, ConsoleError, ConsoleForm, ConsoleUser, Layout};
use crate::app::moderation::tags::{self, TagChange};
use crate::app::AppError;
use crate::domain::{Role, TagName};
use crate::error::ApiError;
use crate::http::page;
use crate::http::AppState;
use crate::i18n::Language;

const TAGS_PAGE: &str = "/console/etichette";

/// A tag as the list shows it.
pub struct TagLine {
    pub name: String,
    pub count: i64,
    /// The queue filtered by this tag.
    pub queue: String,
}

/// A rename refused because the new name is a tag already: the page offers
/// the merge instead.
pub struct MergeOffer {
    pub from: String,
    pub into: String,
}

#[derive(Template)]
#[template(path = "console/tags.html")]
pub struct TagsPage {
    pub layout: Layout,
    pub tags: Vec<TagLine>,
    pub notice: Option<String>,
    pub problems: Vec<String>,
    /// The tag the problems are about, to say which form failed.
    pub failed: Option<String>,
    pub merge_offer: Option<MergeOffer>,
}

#[derive(Template)]
#[template(path = "console/tags_merge.html")]
pub struct MergePage {
    pub layout: Layout,
    pub from: TagLine,
    pub into: TagLine,
}

impl TagLine {
    /// "12 contributi", "1 contribution".
    pub fn count_label(&self, language: &Language) -> String {
        match (self.count, *language) {
            (1, Language::It) => "1 contributo".to_owned(),
            (n, Language::It) => format!("{n} contributi"),
            (1, Language::En) => "1 contribution".to_owned(),
            (n, Language::En) => format!("{n} contributions"),
        }
    }
}

fn line(name: String, count: i64) -> TagLine {
    let queue = format!(
        "/console/coda?{}",
        serde_urlencoded::to_string([("tag", name.as_str())]).unwrap_or_default()
    );
    TagLine { name, count, queue }
}

async fn tag_lines(state: &AppState) -> Result<Vec<TagLine>, ConsoleError> {
    Ok(tags::counts(state)
        .await?
        .into_iter()
        .map(|(name, count)| line(name, count))
        .collect())
}

/// What went wrong with one tag's form, and what to offer instead.
#[derive(Default)]
struct Feedback {
    notice: Option<String>,
    problems: Vec<String>,
    failed: Option<String>,
    merge_offer: Option<MergeOffer>,
}

async fn tags_page(
    state: &AppState,
    user: &ConsoleUser,
    status: HttpResponseBuilder,
    feedback: Feedback,
) -> Result<HttpResponse, ConsoleError> {
    let page = TagsPage {
        layout: user.layout(),
        tags: tag_lines(state).await?,
        notice: feedback.notice,
        problems: feedback.problems,
        failed: feedback.failed,
        merge_offer: feedback.merge_offer,
    };
    Ok(page::render(status, &page)?)
}

/// `GET /console/etichette`
pub async fn show_tags(
    user: ConsoleUser,
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let feedback = Feedback {
        notice: flash::message(&request),
        ..Feedback::default()
    };
    let mut response = tags_page(&state, &user, HttpResponse::Ok(), feedback).await?;
    flash::clear(&mut response, &state.config);
    Ok(response)
}

/// The tag named by the path, or the console's 404 page.
fn tag_in_path(raw: &str) -> Result<TagName, ConsoleError> {
    TagName::parse(raw).map_err(|_| ConsoleError::NotFound)
}

/// A tag typed in a form: words become a slug, as everywhere.
fn typed_tag(raw: Option<&str>, field: &str) -> Result<TagName, AppError> {
    TagName::from_words(raw.unwrap_or_default()).map_err(|issue| AppError::invalid(field, issue))
}

/// The list again with what went wrong with `tag`'s form; a missing tag is
/// the 404 page.
async fn refused(
    state: &AppState,
    user: &ConsoleUser,
    tag: &TagName,
    error: AppError,
) -> Result<HttpResponse, ConsoleError> {
    let merge_offer = match &error {
        AppError::TagExists { from, name } => Some(MergeOffer {
            from: from.clone(),
            into: name.clone(),
        }),
        _ => None,
    };
    let error = ApiError::from(error);
    let status = actix_web::ResponseError::status_code(&error);
    if !status.is_client_error() || status == actix_web::http::StatusCode::NOT_FOUND {
        return Err(error.into());
    }
    let feedback = Feedback {
        problems: problem_lines(&error, user.language),
        failed: Some(tag.as_str().to_owned()),
        merge_offer,
        ..Feedback::default()
    };
    tags_page(state, user, HttpResponse::build(status), feedback).await
}

/// Back to the list, which says what was done.
fn done(state: &AppState, message: String) -> HttpResponse {
    flash::redirect_with(TAGS_PAGE, &message, &state.config)
}

fn contributions_updated(count: usize, language: Language) -> String {
    match (count, language) {
        (1, Language::It) => "1 contributo aggiornato".to_owned(),
        (n, Language::It) => format!("{n} contributi aggiornati"),
        (1, Language::En) => "1 contribution updated".to_owned(),
        (n, Language::En) => format!("{n} contributions updated"),
    }
}

#[derive(Debug, Deserialize)]
pub struct RenameForm {
    pub nome: Option<String>,
}

/// `POST /console/etichette/{tag}/rinomina`
pub async fn rename_tag(
    ConsoleForm { user, fields }: ConsoleForm<RenameForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let from = tag_in_path(&path)?;
    let renamed = match typed_tag(fields.nome.as_deref(), "nome") {
        Ok(to) => tags::rename(&state, user.staff.id, from.clone(), to).await,
        Err(error) => Err(error),
    };
    let language = user.language;
    match renamed {
        Ok(TagChange { tag, .. }) if tag == from.as_str() => {
            let message = user.layout().tr(
                "Il nome è lo stesso: nulla è cambiato.",
                "The name is the same: nothing changed.",
            );
            Ok(done(&state, message.to_owned()))
        }
        Ok(TagChange { tag, changed, .. }) => {
            let updated = contributions_updated(changed, language);
            let from = from.as_str();
            let message = match language {
                Language::It => format!("Etichetta «{from}» rinominata in «{tag}»: {updated}."),
                Language::En => format!("Tag \"{from}\" renamed to \"{tag}\": {updated}."),
            };
            Ok(done(&state, message))
        }
        Err(error) => refused(&state, &user, &from, error).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct MergeForm {
    pub in_etichetta: Option<String>,
    /// Set by the confirmation page's button.
    pub conferma: Option<String>,
}

/// `POST /console/etichette/{tag}/unisci`: without `conferma`, the page
/// that asks to confirm (nothing changes yet); with it, the merge.
pub async fn merge_tag(
    ConsoleForm { user, fields }: ConsoleForm<MergeForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let from = tag_in_path(&path)?;
    let into = match typed_tag(fields.in_etichetta.as_deref(), "in_etichetta") {
        Ok(into) => into,
        Err(error) => return refused(&state, &user, &from, error).await,
    };
    if fields.conferma.as_deref() != Some("1") {
        return confirmation(&state, &user, &from, into).await;
    }
    match tags::merge(&state, user.staff.id, from.clone(), into).await {
        Ok(TagChange { tag, changed, .. }) => {
            let updated = contributions_updated(changed, user.language);
            let from = from.as_str();
            let message = match user.language {
                Language::It => {
                    format!("Etichetta «{from}» unita a «{tag}» ed eliminata: {updated}.")
                }
                Language::En => {
                    format!("Tag \"{from}\" merged into \"{tag}\" and deleted: {updated}.")
                }
            };
            Ok(done(&state, message))
        }
        Err(error) => refused(&state, &user, &from, error).await,
    }
}

/// The page asking to confirm the merge of `from` into `into`, with both
/// counts; a merge that would be refused is refused now.
async fn confirmation(
    state: &AppState,
    user: &ConsoleUser,
    from: &TagName,
    into: TagName,
) -> Result<HttpResponse, ConsoleError> {
    match tags::merge_preview(state, from.clone(), into).await {
        Ok((from, into)) => {
            let page = MergePage {
                layout: user.layout(),
                from: line(from.tag, from.count),
                into: line(into.tag, into.count),
            };
            Ok(page::render(HttpResponse::Ok(), &page)?)
        }
        Err(error) => refused(state, user, from, error).await,
    }
}
