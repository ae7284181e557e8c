//! Near-duplicates of a contribution, so that duplicates are found before
//! they are counted.

use super::detail;
use crate::app::{similarity, AppError, Services};
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
    services
        .db
        .read(move |conn| {
            let target = detail::find(conn, key)?;
            Ok(similarity::similar_to(conn, &target, limit)?)
        })
        .await
}
