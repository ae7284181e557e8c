//! `GET /moderation/contributions/{id}/similar`: near-duplicates.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::moderation::similar;
use crate::db::models::ContributionRow;
use crate::domain::{ContributionStatus, Reference};
use crate::error::ApiError;
use crate::http::auth::Moderator;
use crate::http::extract::ContributionRefPath;
use crate::http::problems::{ContributionNotFound, ModeratorProblems};
use crate::http::AppState;

/// A contribution alike the one asked about.
#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarContribution {
    pub id: Uuid,
    #[schema(max_length = 20)]
    pub reference: String,
    #[schema(max_length = 150)]
    pub title: String,
    pub status: ContributionStatus,
    #[schema(max_length = 64)]
    pub thematic_area: String,
    /// Share of three-letter sequences the two texts have in common (0–1),
    /// ignoring case, accents and punctuation.
    #[schema(format = Double, minimum = 0, maximum = 1)]
    pub score: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarList {
    #[schema(max_items = 10)]
    pub items: Vec<SimilarContribution>,
}

impl From<(ContributionRow, f64)> for SimilarContribution {
    fn from((row, score): (ContributionRow, f64)) -> SimilarContribution {
        SimilarContribution {
            id: row.id.uuid(),
            reference: Reference::from_sequence(row.seq).to_string(),
            title: row.title,
            status: row.status,
            thematic_area: row.thematic_area,
            score,
        }
    }
}

/// Find near-duplicates
///
/// Up to 10 other contributions whose title and text are most alike, best
/// first, so that duplicates are found before they are counted.
#[utoipa::path(
    get,
    path = "/moderation/contributions/{id}/similar",
    tag = "moderazione",
    operation_id = "list_similar_contributions",
    params(("id" = String, Path, description = "Identifier of the contribution, or its reference such as `RF-000401`.", max_length = 36)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The most alike contributions.", body = SimilarList),
        ModeratorProblems,
        ContributionNotFound,
    )
)]
#[get("/moderation/contributions/{id}/similar")]
pub async fn list_similar_contributions(
    _: Moderator,
    state: web::Data<AppState>,
    ContributionRefPath(id): ContributionRefPath,
) -> Result<web::Json<SimilarList>, ApiError> {
    let matches = similar::similar_to(&state, id, 10).await?;
    Ok(web::Json(SimilarList {
        items: matches.into_iter().map(SimilarContribution::from).collect(),
    }))
}
