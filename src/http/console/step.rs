//! `POST /console/coda/{id}`: one step on the contribution under review,
//! from one of the review page's forms. The form carries the version read
//! (`versione`) and the last history event seen (`storia`): a stale step
//! writes nothing and shows who changed what meanwhile.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::review::{
    canonical_href, contribution_in_path, reference_of_key, refused_step, review_href, stale_step,
};
use super::{flash, ConsoleError, ConsoleForm, ConsoleUser};
use crate::app::moderation::{claims, notes, review, ModerationRequest};
use crate::app::AppError;
use crate::domain::text::{bounded_text, Lines};
use crate::domain::{
    ContributionId, ContributionRef, ContributionStatus, FieldIssue, Invalid, Reference, Role,
    TagName, ThematicAreaCode,
};
use crate::error::ApiError;
use crate::http::AppState;
use crate::i18n::Language;

/// The fields of the review page's forms; each action reads its own.
#[derive(Debug, Default, Deserialize)]
pub struct StepForm {
    /// `status`, `move`, `add_tag`, `remove_tag`, `note`.
    pub azione: String,
    /// The status asked for, with `azione=status`.
    pub stato: Option<String>,
    pub versione: Option<i64>,
    pub storia: Option<i64>,
    /// A standard reason picked from the list.
    pub motivo: Option<String>,
    /// A reason written by the moderator; wins over the standard one.
    pub motivo_scritto: Option<String>,
    /// The original, by id or reference (`RF-000042`).
    pub duplicato_di: Option<String>,
    pub area: Option<String>,
    pub tag: Option<String>,
    pub nota: Option<String>,
    /// `successivo`: go on to the next pending contribution.
    pub poi: Option<String>,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// The written reason, else the standard one.
pub fn reason_of(written: &Option<String>, standard: &Option<String>) -> Option<String> {
    filled(written).or(filled(standard)).map(str::to_owned)
}

/// A contribution named by its id or its reference (`RF-000042`).
pub fn contribution_ref(raw: &str, field: &str) -> Result<ContributionRef, AppError> {
    ContributionRef::parse(raw.trim()).ok_or_else(|| invalid(field, FieldIssue::DuplicateOfUnknown))
}

fn invalid(field: &str, issue: FieldIssue) -> AppError {
    AppError::Invalid(Invalid::field(field, issue))
}

/// The moderation request a status form asks for.
pub fn status_request(
    status: &str,
    reason: Option<String>,
    original: Option<&str>,
) -> Result<ModerationRequest, AppError> {
    let status = ContributionStatus::parse(status).map_err(|issue| invalid("stato", issue))?;
    let reason = match reason {
        Some(raw) => Some(
            bounded_text(&raw, 1, 1000, Lines::Multi).map_err(|issue| invalid("motivo", issue))?,
        ),
        None => None,
    };
    let duplicate_of = match (status, original) {
        (ContributionStatus::Duplicate, Some(raw)) => {
            Some(Some(contribution_ref(raw, "duplicato_di")?))
        }
        _ => None,
    };
    Ok(ModerationRequest {
        status: Some(status),
        status_reason: reason.map(Some),
        duplicate_of,
        ..ModerationRequest::default()
    })
}

/// A move (`area`) or a tag added or removed (`tag`): what `action` asks
/// for, the same from the review page and from the queue's bulk form.
pub fn edit_request(
    action: &str,
    area: Option<&str>,
    tag: Option<&str>,
) -> Result<ModerationRequest, AppError> {
    // Words become a tag as in the API ("Mercati Rionali" is mercati-rionali).
    let tag = || match tag.map(str::trim).unwrap_or_default() {
        "" => Err(invalid("tag", FieldIssue::Required)),
        words => TagName::from_words(words).map_err(|issue| invalid("tag", issue)),
    };
    let mut request = ModerationRequest::default();
    match action {
        "move" => {
            request.thematic_area = Some(
                ThematicAreaCode::parse(area.unwrap_or_default())
                    .map_err(|issue| invalid("area", issue))?,
            )
        }
        "add_tag" => request.add_tags = vec![tag()?],
        _ => request.remove_tags = vec![tag()?],
    }
    Ok(request)
}

/// The request one form of the review page asks for; `None` for a note.
fn request_of(form: &StepForm) -> Result<ModerationRequest, AppError> {
    match form.azione.as_str() {
        "status" => status_request(
            filled(&form.stato).unwrap_or_default(),
            reason_of(&form.motivo_scritto, &form.motivo),
            filled(&form.duplicato_di),
        ),
        "move" | "add_tag" | "remove_tag" => {
            edit_request(&form.azione, filled(&form.area), filled(&form.tag))
        }
        _ => Err(invalid(
            "azione",
            FieldIssue::UnknownValue {
                allowed: ["status", "move", "add_tag", "remove_tag", "note"]
                    .map(String::from)
                    .to_vec(),
            },
        )),
    }
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Where to go after a step on the contribution `key` names (whose id is
/// `id`): the same page, or the next pending one.
pub async fn after_step(
    state: &AppState,
    user: &ConsoleUser,
    key: ContributionRef,
    id: ContributionId,
    go_on: bool,
) -> Result<HttpResponse, ConsoleError> {
    if !go_on {
        let page = canonical_href(state, key).await?;
        return Ok(see_other(format!("{page}?fatto=1")));
    }
    // The next page names the contribution just saved, which is no longer in sight.
    let done = reference_of_key(state, key).await?;
    let message = match user.language {
        Language::It => format!("{done}: modifica salvata."),
        Language::En => format!("{done}: change saved."),
    };
    let next = next_pending_location(state, user, Some(id)).await?;
    Ok(flash::redirect_with(&next, &message, &state.config))
}

/// Claims the next pending contribution and sends the browser there, or
/// back to the queue saying none is left.
pub async fn next_pending_answer(
    state: &AppState,
    user: &ConsoleUser,
    skip: Option<ContributionId>,
) -> Result<HttpResponse, ConsoleError> {
    Ok(see_other(next_pending_location(state, user, skip).await?))
}

/// Where "next pending" leads, once its contribution is claimed.
async fn next_pending_location(
    state: &AppState,
    user: &ConsoleUser,
    skip: Option<ContributionId>,
) -> Result<String, ConsoleError> {
    Ok(
        match claims::claim_next_pending(state, user.staff.id, skip).await? {
            Some(next) => review_href(Reference::from_sequence(next.row.seq)),
            None => "/console/coda?status=pending&vuota=1".to_owned(),
        },
    )
}

/// `POST /console/coda/{id}`
pub async fn take_step(
    ConsoleForm { user, fields }: ConsoleForm<StepForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let key = contribution_in_path(&path)?;
    let go_on = fields.poi.as_deref() == Some("successivo");
    let outcome = if fields.azione == "note" {
        let text = bounded_text(
            filled(&fields.nota).unwrap_or_default(),
            1,
            5000,
            Lines::Multi,
        )
        .map_err(|issue| invalid("nota", issue));
        match text {
            Ok(text) => notes::add(&state, user.staff.id, user.staff.name.clone(), key, text)
                .await
                .map(|note| note.contribution_id),
            Err(error) => Err(error),
        }
    } else {
        // Without the version read, a step could overwrite another's.
        let version = fields
            .versione
            .ok_or_else(|| invalid("versione", FieldIssue::Required));
        match (request_of(&fields), version) {
            (Ok(request), Ok(version)) => {
                review::moderate(&state, user.staff.id, key, Some(version), request)
                    .await
                    .map(|detail| detail.row.id)
            }
            (Err(error), _) | (_, Err(error)) => Err(error),
        }
    };
    match outcome {
        Ok(id) => after_step(&state, &user, key, id, go_on).await,
        Err(AppError::StaleVersion(_)) => {
            stale_step(&state, &user, key, fields.storia.unwrap_or(0)).await
        }
        Err(error) => refused_step(&state, &user, key, ApiError::from(error)).await,
    }
}
