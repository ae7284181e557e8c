//! The tags moderators use.

use crate::app::{AppError, Services};
use crate::db::tags;

/// Every tag, in use or created, with how many contributions carry it.
pub async fn counts(services: &Services) -> Result<Vec<(String, i64)>, AppError> {
    Ok(services.db.read(tags::tag_counts).await?)
}
