//! `GET /contributions` and `GET /contributions/{id}`: what the public
//! reads, without personal data.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::app::public;
use crate::clock;
use crate::db::contributions::PublishedFilter;
use crate::db::models::ContributionRow;
use crate::domain::{AuthorKind, Reference};
use crate::error::{ApiError, Problem};
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
    fn from_row(row: ContributionRow) -> PublicContribution {
        let author_kind = row.author_kind;
        PublicContribution {
            id: row.id.uuid(),
            reference: Reference::from_sequence(row.seq).to_string(),
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

/// Query of the public listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicListQuery {
    /// Only this thematic area.
    #[param(max_length = 64)]
    thematic_area: Option<String>,
    /// Only this quartiere (1–5).
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 5)]
    quartiere: Option<String>,
    /// Words that must all appear in the title or text (case and accents ignored).
    #[param(max_length = 200)]
    q: Option<String>,
    /// `next_cursor` of the previous page.
    #[param(max_length = 200)]
    cursor: Option<String>,
    /// Items per page, 1–500 (default 50).
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    limit: Option<String>,
}

/// List published contributions
///
/// Approved contributions, newest publication first, without personal data.
#[utoipa::path(
    get,
    path = "/contributions",
    tag = "contributi",
    operation_id = "list_published_contributions",
    params(PublicListQuery),
    responses(
        (status = 200, description = "One page of published contributions.", body = Page<PublicContribution>),
        QueryProblems,
        Unavailable,
    )
)]
#[get("/contributions")]
pub async fn list_published_contributions(
    state: web::Data<AppState>,
    query: web::Query<PublicListQuery>,
) -> Result<web::Json<Page<PublicContribution>>, ApiError> {
    let mut errors = FieldErrors::default();
    let limit = pagination::limit(query.limit.as_deref(), &mut errors);
    let after = pagination::decode_time_cursor(query.cursor.as_deref(), &mut errors);
    let filter = PublishedFilter {
        thematic_area: query_text(query.thematic_area.as_deref(), "thematic_area", &mut errors),
        quartiere: query_quartiere(query.quartiere.as_deref(), &mut errors),
        text: query_text(query.q.as_deref(), "q", &mut errors),
    };
    errors.finish(Some(()))?;
    let rows = public::list_published(&state, filter, after, limit).await?;
    Ok(web::Json(Page::from_rows(
        rows,
        limit,
        |row| pagination::time_cursor(row.published_at.unwrap_or(row.received_at), row.seq),
        PublicContribution::from_row,
    )))
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
    Ok(web::Json(PublicContribution::from_row(row)))
}
