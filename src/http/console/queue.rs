//! `/console/coda`: the moderation queue as a page. Every filter of the
//! JSON API's queue, newest or oldest first, cursor paging (stable while
//! contributions arrive), who is reviewing each row, and the bulk-action
//! form around the rows. Filtering and paging work without JavaScript.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Days, NaiveDate, TimeZone};

use super::labels::{self, moment, problem_lines, Choice, Moment};
use super::{ConsoleError, ConsoleUser, Layout};
use crate::app::moderation::{queue, tags, ContributionDetail, ModerationQuery};
use crate::app::public;
use crate::db::contribution_counts::{StatusCounts, COUNT_LIMIT};
use crate::db::contributions::Position;
use crate::domain::{Channel, ContributionStatus, FieldErrors, FieldIssue, Reference, Role};
use crate::error::ApiError;
use crate::http::page;
use crate::http::pagination;
use crate::i18n::format::{count_in, ROME};
use crate::i18n::Language;

/// Rows per page.
const PAGE_SIZE: i64 = 50;

/// The queue's query as the filter form sends it: repeated checkboxes
/// (`status=pending&status=hidden`), dates as `YYYY-MM-DD` in Rome time,
/// empty fields for "any".
#[derive(Clone, Debug, Default)]
pub struct QueueParams {
    pub pairs: Vec<(String, String)>,
}

impl QueueParams {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> QueueParams {
        QueueParams {
            pairs: pairs
                .into_iter()
                .map(|(name, value)| (name, value.trim().to_owned()))
                .filter(|(_, value)| !value.is_empty())
                .collect(),
        }
    }

    fn values(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn joined(&self, name: &str) -> Option<String> {
        let values = self.values(name);
        (!values.is_empty()).then(|| values.join(","))
    }

    pub fn value(&self, name: &str) -> String {
        self.values(name).first().copied().unwrap_or("").to_owned()
    }

    /// The parameters that are none of the queue's filters.
    fn unknown_names(&self) -> Vec<&str> {
        const KNOWN: [&str; 11] = [
            "status",
            "thematic_area",
            "tag",
            "quartiere",
            "channel",
            "author_kind",
            "q",
            "received_from",
            "received_to",
            "sort",
            "cursor",
        ];
        let mut unknown: Vec<&str> = self
            .pairs
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| !KNOWN.contains(name))
            .collect();
        unknown.dedup();
        unknown
    }

    /// The API's query: comma lists, and the day's bounds in Rome time as
    /// RFC 3339 (the "to" day included).
    pub fn moderation_query(&self) -> ModerationQuery {
        ModerationQuery {
            status: self.joined("status"),
            thematic_area: self.joined("thematic_area"),
            tag: self.joined("tag"),
            quartiere: self.joined("quartiere"),
            channel: self.joined("channel"),
            author_kind: self.joined("author_kind"),
            q: self.joined("q"),
            received_from: self
                .joined("received_from")
                .map(|day| start_of_day(&day, 0)),
            received_to: self.joined("received_to").map(|day| start_of_day(&day, 1)),
            sort: self.joined("sort"),
            cursor: self.joined("cursor"),
            limit: None,
        }
    }

    /// This query as a URL query, without `cursor`, for links and returns.
    pub fn without_cursor(&self) -> String {
        self.query_without(&["cursor"])
    }

    /// This query as a URL query without the parameters `names`.
    fn query_without(&self, names: &[&str]) -> String {
        let kept: Vec<&(String, String)> = self
            .pairs
            .iter()
            .filter(|(name, _)| !names.contains(&name.as_str()))
            .collect();
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }

    /// The queue's first page with the other filters kept and the status
    /// filter set to `status` alone (`None`: every status).
    fn href_for_status(&self, status: Option<ContributionStatus>) -> String {
        let others = self.query_without(&["cursor", "status"]);
        let status = status
            .map(|s| serde_urlencoded::to_string([("status", s.as_str())]).unwrap_or_default())
            .unwrap_or_default();
        let query = [others, status]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        queue_href(&query, None)
    }
}

/// `YYYY-MM-DD` plus `days`, at midnight in Rome, as RFC 3339; anything
/// else is passed on for the query's own check to name.
fn start_of_day(day: &str, days: u64) -> String {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.checked_add_days(Days::new(days)))
        .and_then(|date| {
            ROME.from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
                .earliest()
        })
        .map(|local| local.to_rfc3339())
        .unwrap_or_else(|| day.to_owned())
}

/// One row of the queue.
pub struct QueueRow {
    pub reference: String,
    pub title: String,
    pub area: String,
    pub received: Moment,
    pub status: &'static str,
    pub status_code: &'static str,
    /// "in revisione da Anna Bianchi", when someone is.
    pub claim: Option<String>,
}

impl QueueRow {
    pub fn new(
        detail: ContributionDetail,
        areas: &[(String, String)],
        user: &ConsoleUser,
    ) -> QueueRow {
        let language = user.language;
        let row = detail.row;
        QueueRow {
            reference: Reference::from_sequence(row.seq).to_string(),
            title: row.title,
            area: areas
                .iter()
                .find(|(code, _)| *code == row.thematic_area)
                .map_or(row.thematic_area.clone(), |(_, name)| name.clone()),
            received: moment(row.received_at, language),
            status: labels::status_label(row.status, language),
            status_code: row.status.as_str(),
            claim: detail.claim.map(|claim| claim_text(&claim, user)),
        }
    }
}

/// "in revisione da Anna Bianchi fino alle 14:05" (or "da te").
pub fn claim_text(claim: &crate::db::claims::ClaimRow, user: &ConsoleUser) -> String {
    let until = labels::clock_time(claim.claimed_until);
    match (user.language, claim.staff_id == user.staff.id) {
        (Language::It, true) => format!("in revisione da te fino alle {until}"),
        (Language::It, false) => format!("in revisione da {} fino alle {until}", claim.staff_name),
        (Language::En, true) => format!("being reviewed by you until {until}"),
        (Language::En, false) => format!("being reviewed by {} until {until}", claim.staff_name),
    }
}

/// One status with how many contributions the other filters keep in it,
/// linking to the queue of that status alone.
pub struct StatusCount {
    pub label: &'static str,
    /// `None` for the total over every status.
    pub code: Option<&'static str>,
    /// As shown; `None` when the statuses are not counted (more than
    /// `COUNT_LIMIT` match filters no running count answers).
    pub count: Option<String>,
    pub href: String,
    /// The queue shows exactly this status (or every status).
    pub current: bool,
}

/// Every status's count, after the total, as links that keep the other
/// filters; without counts when the statuses were not counted, the total
/// then saying that more than `COUNT_LIMIT` match.
fn status_count_links(
    params: &QueueParams,
    counts: Option<StatusCounts>,
    language: Language,
) -> Vec<StatusCount> {
    let chosen = params.values("status");
    let total = StatusCount {
        label: labels::pick(language, "tutti gli stati", "every status"),
        code: None,
        count: Some(match &counts {
            Some(counts) => count_in(language, counts.iter().map(|(_, count)| count).sum()),
            None => format!(
                "{} {}",
                labels::pick(language, "più di", "more than"),
                count_in(language, COUNT_LIMIT)
            ),
        }),
        href: params.href_for_status(None),
        current: chosen.is_empty(),
    };
    let counted: Vec<(ContributionStatus, Option<i64>)> = match counts {
        Some(counts) => counts.into_iter().map(|(s, n)| (s, Some(n))).collect(),
        None => ContributionStatus::ALL.iter().map(|s| (*s, None)).collect(),
    };
    let each = counted.into_iter().map(|(status, count)| StatusCount {
        label: labels::status_label(status, language),
        code: Some(status.as_str()),
        count: count.map(|count| count_in(language, count)),
        href: params.href_for_status(Some(status)),
        current: chosen == [status.as_str()],
    });
    std::iter::once(total).chain(each).collect()
}

/// What the filter form and the bulk form offer.
pub struct QueueChoices {
    pub statuses: Vec<Choice>,
    pub areas: Vec<Choice>,
    pub tags: Vec<Choice>,
    pub quartieri: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub author_kinds: Vec<Choice>,
    pub newest_first: bool,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/queue.html")]
pub struct QueuePage {
    pub layout: Layout,
    pub params: QueueParams,
    pub choices: QueueChoices,
    pub rows: Vec<QueueRow>,
    /// Empty when the filters could not be read.
    pub status_counts: Vec<StatusCount>,
    pub problems: Vec<String>,
    pub next_page: Option<String>,
    pub first_page: Option<String>,
    /// The query to come back to after a bulk action.
    pub back: String,
    /// A message after "next pending" found nothing.
    pub notice: Option<String>,
}

fn choices(
    params: &QueueParams,
    areas: &[(String, String)],
    tags: Vec<(String, i64)>,
    language: Language,
    reasons: Vec<String>,
) -> QueueChoices {
    let chosen = |name: &str, value: &str| params.values(name).contains(&value);
    QueueChoices {
        statuses: ContributionStatus::ALL
            .iter()
            .map(|s| {
                let label = labels::status_label(*s, language);
                Choice::new(s.as_str(), label, chosen("status", s.as_str()))
            })
            .collect(),
        areas: areas
            .iter()
            .map(|(code, name)| Choice::new(code, name, chosen("thematic_area", code)))
            .collect(),
        tags: tags
            .into_iter()
            .map(|(tag, count)| {
                let label = format!("{tag} ({count})");
                let selected = chosen("tag", &tag);
                Choice::new(tag, label, selected)
            })
            .collect(),
        quartieri: labels::quartiere_choices(|value| chosen("quartiere", value)),
        channels: labels::channel_choices(Channel::ALL.iter().copied(), language, |value| {
            chosen("channel", value)
        }),
        author_kinds: labels::author_kind_choices(language, |value| chosen("author_kind", value)),
        newest_first: params.value("sort") == "-received_at",
        reasons,
    }
}

/// The areas as (code, name), in display order.
pub async fn area_names(
    state: &crate::http::AppState,
) -> Result<Vec<(String, String)>, ConsoleError> {
    Ok(public::thematic_areas(state)
        .await?
        .value
        .into_iter()
        .map(|area| (area.code, area.name))
        .collect())
}

/// The queue page for `params`; `notice` tells what just happened.
pub async fn queue_page(
    state: &crate::http::AppState,
    user: &ConsoleUser,
    params: QueueParams,
    notice: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let query = params.moderation_query();
    let mut errors = FieldErrors::default();
    // A filter the page does not know is named, never silently ignored.
    for name in params.unknown_names() {
        errors.add(name, FieldIssue::NotAllowed);
    }
    let filter = query.filter(&mut errors);
    let order = query.order(&mut errors);
    let after = pagination::decode_position(query.cursor.as_deref(), order, &mut errors);
    let areas = area_names(state).await?;
    let (rows, counts, problems) = match errors.finish(Some(())) {
        Ok(()) => match queue::list(state, filter, order, after, PAGE_SIZE).await {
            Ok(page) => (
                page.details.into_iter().zip(page.positions).collect(),
                Some(page.status_counts),
                Vec::new(),
            ),
            Err(error) => {
                let error = ApiError::from(error);
                if actix_web::ResponseError::status_code(&error).is_client_error() {
                    (Vec::new(), None, problem_lines(&error, user.language))
                } else {
                    return Err(error.into());
                }
            }
        },
        Err(invalid) => (
            Vec::new(),
            None,
            problem_lines(&invalid.into(), user.language),
        ),
    };
    let status_counts = match counts {
        Some(counts) => status_count_links(&params, counts, user.language),
        None => Vec::new(),
    };
    let mut rows: Vec<(ContributionDetail, Position)> = rows;
    let has_more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let base = params.without_cursor();
    let next_page = rows.last().filter(|_| has_more).map(|(_, position)| {
        let cursor = pagination::encode_cursor(&pagination::position_cursor(position));
        queue_href(&base, Some(&cursor))
    });
    let first_page = (!params.value("cursor").is_empty()).then(|| queue_href(&base, None));
    let rows = rows
        .into_iter()
        .map(|(detail, _)| QueueRow::new(detail, &areas, user))
        .collect();
    let page = QueuePage {
        layout: user.layout(),
        choices: choices(
            &params,
            &areas,
            tags::counts(state).await?,
            user.language,
            state.config.rejection_reasons.clone(),
        ),
        next_page,
        first_page,
        back: base,
        params,
        rows,
        status_counts,
        problems,
        notice,
    };
    let status = if page.problems.is_empty() {
        HttpResponse::Ok()
    } else {
        HttpResponse::UnprocessableEntity()
    };
    Ok(page::render(status, &page)?)
}

/// The queue's address for the query `base`, at `cursor`.
pub fn queue_href(base: &str, cursor: Option<&str>) -> String {
    let cursor = cursor
        .map(|c| serde_urlencoded::to_string([("cursor", c)]).unwrap_or_default())
        .unwrap_or_default();
    match (base.is_empty(), cursor.is_empty()) {
        (true, true) => "/console/coda".to_owned(),
        (true, false) => format!("/console/coda?{cursor}"),
        (false, true) => format!("/console/coda?{base}"),
        (false, false) => format!("/console/coda?{base}&{cursor}"),
    }
}

/// `GET /console/coda`
pub async fn show_queue(
    user: ConsoleUser,
    state: web::Data<crate::http::AppState>,
    query: web::Query<Vec<(String, String)>>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Moderator])?;
    let mut pairs = query.into_inner();
    // `vuota`: "next pending" found none; a message, not a filter.
    let nothing_left = pairs.iter().any(|(name, _)| name == "vuota");
    pairs.retain(|(name, _)| name != "vuota");
    let none_left = nothing_left.then(|| {
        user.layout()
            .tr(
                "Nessun altro contributo in attesa che nessuno stia già rivedendo.",
                "No other pending contribution that nobody is already reviewing.",
            )
            .to_owned()
    });
    // What the last step saved, then that nothing is left.
    let notice = match (super::flash::message(&request), none_left) {
        (Some(saved), Some(none_left)) => Some(format!("{saved} {none_left}")),
        (saved, none_left) => saved.or(none_left),
    };
    let params = QueueParams::from_pairs(pairs);
    let mut response = queue_page(&state, &user, params, notice).await?;
    super::flash::clear(&mut response, &state.config);
    Ok(response)
}
