//! `/contributi`: published contributions, filtered by area and quartiere,
//! searched and paged with plain links (no JavaScript needed), and
//! `/contributi/RF-000042`, one of them. No personal data: an
//! organisation's name is shown, a person's never.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::PageError;
use crate::app::public;
use crate::clock;
use crate::db::contributions::{Order, PublishedFilter};
use crate::db::models::{ContributionRow, ThematicAreaRow};
use crate::domain::{FieldErrors, Quartiere, Reference};
use crate::http::input::{query_quartiere, query_text};
use crate::http::pagination::{decode_position, encode_cursor, position_cursor};
use crate::http::{page, AppState};
use crate::i18n::format::italian_moment;

/// Contributions on one page of the listing.
const PER_PAGE: i64 = 20;
/// Characters of the text shown in the listing before "…".
const EXCERPT_CHARS: usize = 280;

/// A published contribution as the pages show it.
struct ContributionView {
    reference: String,
    title: String,
    body: String,
    excerpt: String,
    area_name: String,
    quartiere: Option<String>,
    organization_name: Option<String>,
    /// RFC 3339 and Italian (Rome time) forms of the publication time.
    published_iso: String,
    published_text: String,
}

impl ContributionView {
    fn new(row: ContributionRow, area_names: &HashMap<String, String>) -> ContributionView {
        let published = clock::utc(row.published_at.unwrap_or(row.received_at));
        let excerpt = match row.body.char_indices().nth(EXCERPT_CHARS) {
            Some((cut, _)) => format!("{}…", row.body[..cut].trim_end()),
            None => row.body.clone(),
        };
        ContributionView {
            reference: Reference::from_sequence(row.seq).to_string(),
            area_name: area_names
                .get(&row.thematic_area)
                .cloned()
                .unwrap_or_else(|| row.thematic_area.clone()),
            quartiere: row
                .quartiere
                .and_then(|q| Quartiere::parse(i64::from(q)).ok())
                .map(|q| q.name().to_owned()),
            organization_name: row
                .organization_name
                .filter(|_| row.author_kind.is_organization()),
            title: row.title,
            excerpt,
            body: row.body,
            published_iso: published.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            published_text: italian_moment(published, false),
        }
    }
}

/// The query of `/contributi`, in the page's own (Italian) names.
#[derive(Deserialize)]
pub struct ListQuery {
    area: Option<String>,
    quartiere: Option<String>,
    q: Option<String>,
    /// Where the previous page stopped.
    dopo: Option<String>,
}

/// An option of a filter's `<select>`.
struct FilterOption {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "pages/published_list.html")]
struct ListPage {
    section: &'static str,
    areas: Vec<FilterOption>,
    quartieri: Vec<FilterOption>,
    q: String,
    filtered: bool,
    problems: Vec<String>,
    contributions: Vec<ContributionView>,
    /// The query string of the next page, when there is one.
    next: Option<String>,
    first_page: bool,
}

async fn area_names(
    state: &AppState,
) -> Result<(Vec<ThematicAreaRow>, HashMap<String, String>), PageError> {
    let areas = public::thematic_areas(state).await?.value;
    let names = areas
        .iter()
        .map(|area| (area.code.clone(), area.name.clone()))
        .collect();
    Ok((areas, names))
}

/// An absent parameter and an empty one (the "all" option) are the same.
fn given(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().filter(|value| !value.trim().is_empty())
}

/// `GET /contributi`
pub async fn show_list(
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    // A receipt code in the search box leads to that contribution.
    if let Some(reference) = given(&query.q).and_then(Reference::parse) {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/contributi/{reference}")))
            .finish());
    }
    let mut errors = FieldErrors::default();
    let filter = PublishedFilter {
        thematic_area: query_text(given(&query.area), "area", &mut errors),
        quartiere: query_quartiere(given(&query.quartiere), &mut errors),
        text: query_text(given(&query.q), "q", &mut errors),
        // A receipt code was sent to its own page above.
        sequence: None,
    };
    let after = decode_position(given(&query.dopo), Order::Publication, &mut errors);
    let (areas, names) = area_names(&state).await?;
    let problems: Vec<String> = errors
        .into_error()
        .0
        .iter()
        .map(|error| {
            format!(
                "Il filtro «{}» non è valido: {}.",
                error.field,
                error.issue.message(crate::i18n::Language::It)
            )
        })
        .collect();
    let (mut rows, status) = if problems.is_empty() {
        let rows =
            public::list_published(&state, filter.clone(), Order::Publication, after, PER_PAGE)
                .await?
                .rows;
        (rows, HttpResponse::Ok())
    } else {
        (Vec::new(), HttpResponse::UnprocessableEntity())
    };
    let has_more = rows.len() as i64 > PER_PAGE;
    rows.truncate(PER_PAGE as usize);
    let next = has_more
        .then(|| rows.last())
        .flatten()
        .map(|(_, position)| next_page_query(&query, &encode_cursor(&position_cursor(position))));
    let area_code = given(&query.area).unwrap_or_default();
    let quartiere = filter
        .quartiere
        .map(|q| q.number().to_string())
        .unwrap_or_default();
    let page = ListPage {
        section: "contributi",
        areas: areas
            .iter()
            .map(|area| FilterOption {
                selected: area.code == area_code,
                value: area.code.clone(),
                label: area.name.clone(),
            })
            .collect(),
        quartieri: Quartiere::ALL
            .iter()
            .map(|q| FilterOption {
                value: q.number().to_string(),
                label: format!("{} – {}", q.number(), q.name()),
                selected: q.number().to_string() == quartiere,
            })
            .collect(),
        q: given(&query.q).unwrap_or_default().to_owned(),
        filtered: given(&query.area).is_some()
            || given(&query.quartiere).is_some()
            || given(&query.q).is_some(),
        problems,
        contributions: rows
            .into_iter()
            .map(|(row, _)| ContributionView::new(row, &names))
            .collect(),
        next,
        first_page: given(&query.dopo).is_none(),
    };
    let mut response = status;
    response.insert_header((header::CACHE_CONTROL, "no-cache"));
    Ok(page::render(response, &page)?)
}

/// The same filters, from `cursor` on.
fn next_page_query(query: &ListQuery, cursor: &str) -> String {
    let pairs = [
        ("area", &query.area),
        ("quartiere", &query.quartiere),
        ("q", &query.q),
    ];
    let mut parts: Vec<String> = pairs
        .iter()
        .filter_map(|(name, value)| given(value).map(|v| format!("{name}={}", encode(v))))
        .collect();
    parts.push(format!("dopo={}", encode(cursor)));
    parts.join("&")
}

/// Percent-encoding of a query value (what `application/x-www-form-urlencoded` needs).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pages/published_one.html")]
struct ContributionPage {
    section: &'static str,
    contribution: ContributionView,
}

/// `GET /contributi/{reference}`: 404 page for a malformed or unknown
/// reference, and for one that is not published.
pub async fn show_contribution(
    state: web::Data<AppState>,
    reference: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let reference = Reference::parse(&reference).ok_or(PageError::NotFound)?;
    let row = public::find_published_by_reference(&state, reference).await?;
    let (_, names) = area_names(&state).await?;
    let page = ContributionPage {
        section: "contributi",
        contribution: ContributionView::new(row, &names),
    };
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-cache"));
    Ok(page::render(response, &page)?)
}

#[cfg(test)]
mod tests {
    use super::encode;

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode("piste ciclabili"), "piste%20ciclabili");
        assert_eq!(encode("città&x=1"), "citt%C3%A0%26x%3D1");
        assert_eq!(encode("abc-_.~"), "abc-_.~");
    }
}
