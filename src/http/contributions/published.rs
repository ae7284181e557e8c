//! `GET /contributions` and `GET /contributions/{id}`: what the public
//! reads, without personal data.

use actix_web::{get, web, HttpRequest, HttpResponse};
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::{listing, public};
use crate::clock;
use crate::db::contribution_counts::Total;
use crate::db::contributions::{Order, PublishedFilter};
use crate::db::models::ContributionRow;
use crate::domain::{AuthorKind, FieldIssue, Reference, ThematicAreaCode};
use crate::error::{ApiError, Problem};
use crate::http::cache::cacheable_json;
use crate::http::extract::ContributionPath;
use crate::http::input::{query_quartiere, query_text, FieldErrors};
use crate::http::pagination::{self, Page};
use crate::http::problems::{QueryProblems, Unavailable};
use crate::http::AppState;

/// A published contribution as the public sees it: no personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicContribution {
    pub id: Uuid,
    #[schema(max_length = 20, example = "RF-000042")]
    pub reference: String,
    #[schema(max_length = 64, example = "mobilita-green")]
    pub thematic_area: String,
    /// The area's name, as the Rete Civica shows it.
    #[schema(max_length = 200, example = "Mobilità green")]
    pub thematic_area_name: String,
    #[schema(max_length = 150)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub body: String,
    pub author_kind: AuthorKind,
    /// The organisation's name; always null for citizens.
    #[schema(max_length = 200)]
    pub organization_name: Option<String>,
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<u8>,
    pub published_at: Option<DateTime<Utc>>,
}

impl PublicContribution {
    fn from_row(row: ContributionRow, area_names: &HashMap<String, String>) -> PublicContribution {
        let author_kind = row.author_kind;
        PublicContribution {
            id: row.id.uuid(),
            reference: Reference::from_sequence(row.seq).to_string(),
            thematic_area_name: area_names
                .get(&row.thematic_area)
                .cloned()
                .unwrap_or_else(|| row.thematic_area.clone()),
            thematic_area: row.thematic_area,
            title: row.title,
            body: row.body,
            organization_name: row
                .organization_name
                .filter(|_| author_kind.is_organization()),
            author_kind,
            quartiere: row.quartiere.and_then(|q| u8::try_from(q).ok()),
            published_at: row.published_at.map(clock::utc),
        }
    }
}

/// One page of published contributions and how many match the filters.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicPage {
    #[serde(flatten)]
    pub page: Page<PublicContribution>,
    /// Published contributions matching the filters, on every page. When
    /// `total_exact` is false, more than this many match (a text search, or
    /// an area with a quartiere, matching more than 1,000 is not counted
    /// one by one).
    #[schema(format = Int64, minimum = 0)]
    pub total: i64,
    /// Whether `total` is the number of matches, rather than a bound they
    /// exceed.
    pub total_exact: bool,
}

impl PublicPage {
    pub fn new(page: Page<PublicContribution>, total: Total) -> PublicPage {
        let (total, total_exact) = match total {
            Total::Exact(count) => (count, true),
            Total::MoreThan(bound) => (bound, false),
        };
        PublicPage {
            page,
            total,
            total_exact,
        }
    }
}

/// Query of the public listing. Any other parameter is refused (422), as is
/// an invalid value: a typo never silently lists everything or nothing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PublicListQuery {
    /// Only this thematic area (a code such as `mobilita-green`).
    #[param(max_length = 64)]
    thematic_area: Option<String>,
    /// Only the contribution with this receipt code (`RF-000042`).
    #[param(max_length = 20, example = "RF-000042")]
    reference: Option<String>,
    /// Only this quartiere (1–5).
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 5)]
    quartiere: Option<String>,
    /// Words that must all appear (AND) in the title or text, searched
    /// through the full-text index: case and accents are ignored, each word
    /// matches its inflections (Italian stemming: `ciclabili` finds
    /// `ciclabile`), and Italian stop words (`il`, `della`, `per`…) are left
    /// out; a query of stop words only matches nothing. Text between double
    /// quotes is a phrase, its words in that order. A receipt code
    /// (`RF-000042`) finds that contribution.
    #[param(max_length = 200)]
    q: Option<String>,
    /// `-published_at` (newest publication first, the default) or
    /// `relevance` (best match of `q` first, then newest first; only with
    /// words in `q`, 422 otherwise).
    #[param(max_length = 20, example = "relevance")]
    sort: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    cursor: Option<String>,
    /// Items per page, 1–500 (default 50).
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// List published contributions
///
/// Approved contributions, newest publication first (or by relevance to a
/// search), without personal data.
#[utoipa::path(
    get,
    path = "/contributions",
    tag = "contributi",
    operation_id = "list_published_contributions",
    params(PublicListQuery),
    responses(
        (status = 200, description = "One page of published contributions. `ETag` and `Cache-Control: public, max-age=60`; a conditional GET (`If-None-Match`) gets 304 when nothing changed.", body = PublicPage),
        (status = 304, description = "Not modified since the `ETag` sent in `If-None-Match`."),
        QueryProblems,
        Unavailable,
    )
)]
#[get("/contributions")]
pub async fn list_published_contributions(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<PublicListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    let limit = pagination::limit(query.limit.as_deref(), &mut errors);
    let order = listing::order(
        query.sort.as_deref(),
        &[
            ("-published_at", Order::Publication),
            ("relevance", Order::Relevance),
        ],
        Order::Publication,
        query.q.as_deref(),
        &mut errors,
    );
    let after = pagination::decode_position(query.cursor.as_deref(), order, &mut errors);
    let text = query_text(query.q.as_deref(), "q", &mut errors);
    let (text, reference_in_q) = match text.as_deref().and_then(Reference::parse) {
        Some(reference) => (None, Some(reference)),
        None => (text, None),
    };
    let reference = query.reference.as_deref().and_then(|raw| {
        let parsed = Reference::parse(raw);
        if parsed.is_none() {
            errors.add("reference", FieldIssue::InvalidReference);
        }
        parsed
    });
    let thematic_area = query.thematic_area.as_deref().and_then(|raw| {
        ThematicAreaCode::parse(raw)
            .map_err(|issue| errors.add("thematic_area", issue))
            .ok()
    });
    let filter = PublishedFilter {
        thematic_area: thematic_area.map(|code| code.as_str().to_owned()),
        quartiere: query_quartiere(query.quartiere.as_deref(), &mut errors),
        text,
        sequence: reference.or(reference_in_q).map(Reference::sequence),
    };
    errors.finish(Some(()))?;
    let found = public::list_published(&state, filter, order, after, limit).await?;
    let names = public::area_names(&state).await?;
    let page = Page::from_rows(
        found.rows,
        limit,
        |(_, position)| pagination::position_cursor(position),
        |(row, _)| PublicContribution::from_row(row, &names),
    );
    cacheable_json(&request, &PublicPage::new(page, found.total))
}

/// Read a published contribution
///
/// One approved contribution, without personal data; 404 for any other.
#[utoipa::path(
    get,
    path = "/contributions/{id}",
    tag = "contributi",
    operation_id = "show_published_contribution",
    params(("id" = Uuid, Path, description = "Identifier of the contribution.")),
    responses(
        (status = 200, description = "The contribution.", body = PublicContribution),
        (status = 404, description = "No published contribution has this id.", body = Problem, content_type = "application/problem+json"),
        Unavailable,
    )
)]
#[get("/contributions/{id}")]
pub async fn show_published_contribution(
    state: web::Data<AppState>,
    ContributionPath(id): ContributionPath,
) -> Result<web::Json<PublicContribution>, ApiError> {
    let row = public::find_published(&state, id).await?;
    let names = public::area_names(&state).await?;
    Ok(web::Json(PublicContribution::from_row(row, &names)))
}
