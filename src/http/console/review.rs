//! `/console/coda/{id}`: one contribution under review. Opening a pending
//! one claims it; the page shows the text beside its near-duplicates with
//! the shared passages marked, the author, the history with names and the
//! notes, and one form per action. Each form carries the version read and
//! the last history event seen, so that a stale edit is refused and shown
//! as what changed and who changed it.
//!
//! The console names a contribution by its reference (`/console/coda/RF-000401`):
//! the name moderators read, say and search. The id works too, and
//! redirects there.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;

use super::labels::{self, moment, problem_lines_naming, Choice, Moment};
use super::queue::{area_names, claim_text};
use super::{flash, ConsoleError, ConsoleUser, Layout};
use crate::app::moderation::claims::{self, ClaimOutcome};
use crate::app::moderation::{detail, similar, tags, ContributionDetail};
use crate::app::{audit_log, staff};
use crate::db::audit::AuditRow;
use crate::db::meetings::MeetingRow;
use crate::domain::shared_passages::{shared_segments, Segment};
use crate::domain::{
    AuditAction, ContributionId, ContributionRef, ContributionStatus, Quartiere, Reference, Role,
};
use crate::error::ApiError;
use crate::http::page;
use crate::http::AppState;
use crate::i18n::format::italian_date;
use crate::i18n::Language;

/// Near-duplicates shown beside the text.
const SIMILAR_SHOWN: usize = 3;
/// History events shown (the oldest first).
const HISTORY_SHOWN: i64 = 200;

/// The contribution as the page shows it.
pub struct ContributionView {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub body: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub status_reason: Option<String>,
    /// The original's reference.
    pub duplicate_of: Option<String>,
    pub area: String,
    pub area_code: String,
    pub channel: &'static str,
    pub received: Moment,
    pub author_kind: &'static str,
    pub author_name: String,
    pub organization: Option<String>,
    pub email: Option<String>,
    /// "Quartiere 2 – Campo di Marte".
    pub quartiere: Option<String>,
    pub contact_consent: bool,
    pub privacy_notice_accepted: bool,
    /// The meeting it was handed in at.
    pub meeting: Option<MeetingLine>,
    pub tags: Vec<String>,
    pub notes: Vec<NoteLine>,
    pub version: i64,
}

/// "Quartiere 4 – Isolotto-Legnaia", for a stored quartiere number.
fn quartiere_text(number: i16) -> Option<String> {
    let quartiere = Quartiere::parse(number.into()).ok()?;
    Some(format!(
        "Quartiere {} – {}",
        quartiere.number(),
        quartiere.name()
    ))
}

/// A meeting as the page names it.
pub struct MeetingLine {
    pub name: String,
    /// `YYYY-MM-DD`, for `<time datetime>`.
    pub date_iso: String,
    pub date: String,
    /// "Quartiere 4 – Isolotto-Legnaia"; none for the whole city.
    pub quartiere: Option<String>,
}

impl MeetingLine {
    fn of(meeting: MeetingRow, language: Language) -> MeetingLine {
        MeetingLine {
            date_iso: meeting.held_on.format("%Y-%m-%d").to_string(),
            date: match language {
                Language::It => italian_date(meeting.held_on),
                Language::En => meeting.held_on.format("%-d %b %Y").to_string(),
            },
            quartiere: meeting.quartiere.and_then(quartiere_text),
            name: meeting.name,
        }
    }
}

pub struct NoteLine {
    pub author: String,
    pub text: String,
    pub at: Moment,
}

/// One line of the history.
pub struct HistoryLine {
    pub at: Moment,
    pub actor: String,
    pub what: String,
}

/// A near-duplicate beside this contribution's text.
pub struct SimilarView {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub status: &'static str,
    /// A duplicate cannot be an original: no "mark as duplicate of this one".
    pub is_duplicate: bool,
    pub score: String,
    /// This contribution's text, the passages it shares with that one marked.
    pub ours: Vec<Segment>,
    /// That one's text, the shared passages marked.
    pub theirs: Vec<Segment>,
}

/// Which one-step actions the status allows.
pub struct Actions {
    pub approve: bool,
    pub decide: bool,
    /// Pending, and no other contribution is a duplicate of this one (a
    /// duplicate cannot have duplicates of its own).
    pub mark_duplicate: bool,
    /// Pending, but others are duplicates of this one: said instead.
    pub is_original: bool,
    pub hide: bool,
    /// The status "restore" leads back to.
    pub restore_to: Option<&'static str>,
}

impl Actions {
    fn new(status: ContributionStatus, has_duplicates: bool) -> Actions {
        use ContributionStatus::*;
        Actions {
            approve: status.can_become(Approved),
            decide: status == Pending,
            mark_duplicate: status == Pending && !has_duplicates,
            is_original: status == Pending && has_duplicates,
            hide: status.can_become(Hidden),
            restore_to: match status {
                Hidden => Some("approved"),
                Rejected | Spam | Duplicate => Some("pending"),
                _ => None,
            },
        }
    }
}

/// A stale edit: what others changed meanwhile.
pub struct Conflict {
    pub changes: Vec<HistoryLine>,
}

#[derive(Template)]
#[template(path = "console/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub c: ContributionView,
    pub actions: Actions,
    /// Another moderator's claim, as the warning reads.
    pub claimed_by_other: Option<String>,
    /// This moderator's claim, until when (RFC 3339, for the renewal script).
    pub own_claim_until: Option<String>,
    pub history: Vec<HistoryLine>,
    /// The last history event shown: a stale edit lists those after it.
    pub history_seq: i64,
    pub similar: Vec<SimilarView>,
    pub areas: Vec<Choice>,
    pub tag_suggestions: Vec<String>,
    pub reasons: Vec<String>,
    pub conflict: Option<Conflict>,
    pub problems: Vec<String>,
    pub notice: Option<String>,
}

/// What else the page says besides the contribution.
#[derive(Default)]
pub struct Feedback {
    pub conflict: Option<Conflict>,
    pub problems: Vec<String>,
    pub notice: Option<String>,
}

fn staff_names(rows: Vec<crate::db::staff::StaffRow>) -> HashMap<String, String> {
    rows.into_iter()
        .map(|row| (row.id.to_string(), row.name))
        .collect()
}

fn actor_name(actor: &str, names: &HashMap<String, String>, language: Language) -> String {
    match (names.get(actor), actor, language) {
        (Some(name), _, _) => name.clone(),
        (None, crate::domain::audit::SYSTEM_ACTOR, Language::It) => "il sistema".into(),
        (None, crate::domain::audit::SYSTEM_ACTOR, Language::En) => "the system".into(),
        (None, _, Language::It) => "riga di comando".into(),
        (None, _, Language::En) => "command line".into(),
    }
}

fn status_word(raw: Option<&str>, language: Language) -> String {
    raw.map(|raw| match ContributionStatus::parse(raw) {
        Ok(status) => labels::status_label(status, language).to_owned(),
        Err(_) => raw.to_owned(),
    })
    .unwrap_or_else(|| "—".into())
}

/// What one audit event did, in words (`names` name the staff it mentions).
fn describe(row: &AuditRow, names: &HashMap<String, String>, language: Language) -> String {
    let it = language == Language::It;
    let from = row.from_value.as_deref().unwrap_or("—");
    let to = row.to_value.as_deref().unwrap_or("—");
    let reason = row
        .reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    match row.action {
        AuditAction::StatusChanged => format!(
            "{}: {} → {}{reason}",
            if it { "stato" } else { "status" },
            status_word(row.from_value.as_deref(), language),
            status_word(row.to_value.as_deref(), language)
        ),
        AuditAction::StatusReasonChanged => {
            format!("{}: {from} → {to}", if it { "motivo" } else { "reason" })
        }
        AuditAction::ContributionAreaChanged => format!("area: {from} → {to}"),
        AuditAction::TagsChanged => {
            format!("{}: {from} → {to}", if it { "etichette" } else { "tags" })
        }
        AuditAction::NoteAdded => (if it { "nota aggiunta" } else { "note added" }).into(),
        AuditAction::ClaimTakenOver => {
            let displaced = actor_name(from, names, language);
            if it {
                format!("ha preso la revisione al posto di {displaced}")
            } else {
                format!("took over the review from {displaced}")
            }
        }
        AuditAction::OfflineRegistered => (if it {
            "registrato offline"
        } else {
            "registered offline"
        })
        .into(),
        other => other.as_str().replace('_', " "),
    }
}

/// The contribution's events after `after_seq` (actor names come from the
/// staff list, in the page's language).
async fn history_rows(
    state: &AppState,
    key: ContributionRef,
    after_seq: Option<i64>,
) -> Result<Vec<AuditRow>, ConsoleError> {
    let events = audit_log::history(state, key, after_seq, HISTORY_SHOWN).await?;
    Ok(events.into_iter().map(|event| event.row).collect())
}

fn history_lines(
    rows: &[AuditRow],
    names: &HashMap<String, String>,
    language: Language,
) -> Vec<HistoryLine> {
    rows.iter()
        .map(|row| HistoryLine {
            at: moment(row.occurred_at, language),
            actor: actor_name(&row.actor, names, language),
            what: describe(row, names, language),
        })
        .collect()
}

fn contribution_view(
    detail: ContributionDetail,
    original: Option<Reference>,
    areas: &[(String, String)],
    language: Language,
) -> ContributionView {
    let row = detail.row;
    let author_name = [row.given_name.as_deref(), row.family_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    ContributionView {
        id: row.id.to_string(),
        reference: Reference::from_sequence(row.seq).to_string(),
        status: labels::status_label(row.status, language),
        status_code: row.status.as_str(),
        status_reason: row.status_reason,
        duplicate_of: original.map(|reference| reference.to_string()),
        area: areas
            .iter()
            .find(|(code, _)| *code == row.thematic_area)
            .map_or(row.thematic_area.clone(), |(_, name)| name.clone()),
        area_code: row.thematic_area,
        channel: labels::channel_label(row.channel, language),
        received: moment(row.received_at, language),
        author_kind: labels::author_kind_label(row.author_kind, language),
        author_name,
        organization: row.organization_name,
        email: row.email,
        quartiere: row.quartiere.and_then(quartiere_text),
        contact_consent: row.contact_consent,
        privacy_notice_accepted: row.privacy_notice_accepted,
        meeting: detail.meeting.map(|m| MeetingLine::of(m, language)),
        title: row.title,
        body: row.body,
        tags: detail.tags,
        notes: detail
            .notes
            .into_iter()
            .map(|note| NoteLine {
                author: note.author_name,
                text: note.text,
                at: moment(note.created_at, language),
            })
            .collect(),
        version: row.version,
    }
}

async fn similar_views(
    state: &AppState,
    id: ContributionId,
    body: &str,
    language: Language,
) -> Result<Vec<SimilarView>, ConsoleError> {
    Ok(similar::similar_to(state, id, SIMILAR_SHOWN)
        .await?
        .into_iter()
        .map(|(row, score)| SimilarView {
            id: row.id.to_string(),
            reference: Reference::from_sequence(row.seq).to_string(),
            status: labels::status_label(row.status, language),
            is_duplicate: row.status == ContributionStatus::Duplicate,
            score: format!("{:.0}%", score * 100.0),
            ours: shared_segments(body, &row.body),
            theirs: shared_segments(&row.body, body),
            title: row.title,
        })
        .collect())
}

/// The reference of the contribution `id`.
async fn reference_of(state: &AppState, id: ContributionId) -> Result<Reference, ConsoleError> {
    Ok(Reference::from_sequence(
        detail::show(state, id).await?.row.seq,
    ))
}

/// The review page of the contribution `key` names, for `user`, with
/// `feedback`; claims the contribution when it is pending and nobody else
/// is reviewing it.
pub async fn review_page(
    state: &AppState,
    user: &ConsoleUser,
    key: ContributionRef,
    status: HttpResponseBuilder,
    feedback: Feedback,
) -> Result<HttpResponse, ConsoleError> {
    let language = user.language;
    let mut detail = detail::show(state, key).await?;
    let id = detail.row.id;
    let (mut claimed_by_other, mut own_claim_until) = (None, None);
    if detail.row.status == ContributionStatus::Pending {
        match claims::claim(state, user.staff.id, id).await? {
            ClaimOutcome::Held(claim) => {
                own_claim_until = Some(crate::clock::utc(claim.claimed_until).to_rfc3339());
                detail.claim = Some(claim);
            }
            ClaimOutcome::HeldByAnother(claim) => {
                claimed_by_other = Some(claim_text(&claim, user));
            }
        }
    }
    let names = staff_names(staff::list(&state.db).await?);
    let events = history_rows(state, id.into(), None).await?;
    let history_seq = events.last().map_or(0, |row| row.seq);
    let areas = area_names(state).await?;
    let similar = similar_views(state, id, &detail.row.body, language).await?;
    let has_duplicates = detail.row.status == ContributionStatus::Pending
        && detail::has_duplicates(state, id).await?;
    let actions = Actions::new(detail.row.status, has_duplicates);
    let original = match detail.row.duplicate_of {
        Some(original) => Some(reference_of(state, original).await?),
        None => None,
    };
    let c = contribution_view(detail, original, &areas, language);
    let page = ReviewPage {
        layout: user.layout(),
        areas: areas
            .iter()
            .map(|(code, name)| Choice::new(code, name, *code == c.area_code))
            .collect(),
        tag_suggestions: tags::counts(state)
            .await?
            .into_iter()
            .map(|(tag, _)| tag)
            .collect(),
        reasons: state.config.rejection_reasons.clone(),
        history: history_lines(&events, &names, language),
        history_seq,
        similar,
        actions,
        claimed_by_other,
        own_claim_until,
        c,
        conflict: feedback.conflict,
        problems: feedback.problems,
        notice: feedback.notice,
    };
    Ok(page::render(status, &page)?)
}

/// The contribution named by the path (reference or id), or the console's
/// 404 page.
pub fn contribution_in_path(raw: &str) -> Result<ContributionRef, ConsoleError> {
    ContributionRef::parse(raw).ok_or(ConsoleError::NotFound)
}

/// The review page's address: the contribution's reference.
pub fn review_href(reference: Reference) -> String {
    format!("/console/coda/{reference}")
}

/// The review page's address of the contribution `key` names.
pub async fn canonical_href(
    state: &AppState,
    key: ContributionRef,
) -> Result<String, ConsoleError> {
    Ok(review_href(reference_of_key(state, key).await?))
}

/// The reference of the contribution `key` names.
pub async fn reference_of_key(
    state: &AppState,
    key: ContributionRef,
) -> Result<Reference, ConsoleError> {
    match key {
        ContributionRef::Reference(reference) => Ok(reference),
        ContributionRef::Id(id) => reference_of(state, id).await,
    }
}

/// Whether `raw` is the reference exactly as the console writes it.
fn is_canonical(raw: &str, key: ContributionRef) -> bool {
    matches!(key, ContributionRef::Reference(reference) if reference.to_string() == raw)
}

#[derive(serde::Deserialize)]
pub struct ReviewQuery {
    /// Set after a step was saved.
    fatto: Option<String>,
}

/// `GET /console/coda/{id}`: the review page at `RF-000401`; an id or a
/// reference written otherwise (`rf-401`) redirects there, permanently,
/// with its query.
pub async fn show_review(
    user: ConsoleUser,
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<String>,
    query: web::Query<ReviewQuery>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let key = contribution_in_path(&path)?;
    if !is_canonical(&path, key) {
        let mut location = canonical_href(&state, key).await?;
        if !request.query_string().is_empty() {
            location = format!("{location}?{}", request.query_string());
        }
        return Ok(HttpResponse::PermanentRedirect()
            .insert_header((header::LOCATION, location))
            .finish());
    }
    let notice = query
        .fatto
        .as_ref()
        .map(|_| user.language)
        .map(|language| match language {
            Language::It => "Modifica salvata.".to_owned(),
            Language::En => "Change saved.".to_owned(),
        });
    let feedback = Feedback {
        notice: flash::message(&request).or(notice),
        ..Feedback::default()
    };
    let mut response = review_page(&state, &user, key, HttpResponse::Ok(), feedback).await?;
    flash::clear(&mut response, &state.config);
    Ok(response)
}

/// What went wrong with a step, shown on the page with the right status.
pub async fn refused_step(
    state: &AppState,
    user: &ConsoleUser,
    key: ContributionRef,
    error: ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let status = actix_web::ResponseError::status_code(&error);
    if !status.is_client_error() || status == actix_web::http::StatusCode::NOT_FOUND {
        return Err(error.into());
    }
    let feedback = Feedback {
        problems: problem_lines_naming(&error, user.language, |field| {
            labels::moderation_field_label(field, user.language)
        }),
        ..Feedback::default()
    };
    review_page(state, user, key, HttpResponse::build(status), feedback).await
}

/// A stale edit: the page again, at the current version, with what others
/// changed since `seen_seq` and by whom; nothing of this edit is written.
pub async fn stale_step(
    state: &AppState,
    user: &ConsoleUser,
    key: ContributionRef,
    seen_seq: i64,
) -> Result<HttpResponse, ConsoleError> {
    let names = staff_names(staff::list(&state.db).await?);
    let events = history_rows(state, key, Some(seen_seq)).await?;
    let feedback = Feedback {
        conflict: Some(Conflict {
            changes: history_lines(&events, &names, user.language),
        }),
        ..Feedback::default()
    };
    review_page(state, user, key, HttpResponse::Conflict(), feedback).await
}
