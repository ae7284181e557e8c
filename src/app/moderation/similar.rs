//! Near-duplicates of a contribution, so that duplicates are found before
//! they are counted.

use crate::app::{AppError, Resource, Services};
use crate::db::models::ContributionRow;
use crate::domain::ContributionId;

/// Up to `limit` other contributions most alike `id`, best first, each with
/// its score in 0–1.
pub async fn similar_to(
    services: &Services,
    id: ContributionId,
    limit: usize,
) -> Result<Vec<(ContributionRow, f64)>, AppError> {
    services
        .similarity
        .similar_to(&services.db, id, limit)
        .await?
        .ok_or(AppError::NotFound(Resource::Contribution))
}
