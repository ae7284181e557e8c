//! Near-duplicates of a contribution, so that duplicates are found before
//! they are counted.

use super::detail;
use crate::app::{AppError, Resource, Services};
use crate::db::models::ContributionRow;
use crate::domain::ContributionRef;

/// Up to `limit` other contributions most alike `id`, best first, each with
/// its score in 0–1.
pub async fn similar_to(
    services: &Services,
    key: impl Into<ContributionRef>,
    limit: usize,
) -> Result<Vec<(ContributionRow, f64)>, AppError> {
    let key = key.into();
    let id = services
        .db
        .read(move |conn| detail::find(conn, key).map(|row| row.id))
        .await?;
    services
        .similarity
        .similar_to(&services.db, id, limit)
        .await?
        .ok_or(AppError::NotFound(Resource::Contribution))
}
