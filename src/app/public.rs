//! What the public side asks of the service: submitting through the form,
//! and reading published contributions and the thematic areas.

use crate::app::submissions::{Submission, SubmissionReceipt, SubmitFailure};
use crate::app::{AppError, Resource, Services};
use crate::db::contributions::{self, Position, PublishedFilter};
use crate::db::models::{ContributionRow, IdempotencyRow, ThematicAreaRow};
use crate::db::{idempotency, thematic_areas};
use crate::domain::{ContributionId, ThematicAreaCode};

/// Stores a valid submission (grouped with concurrent ones, see
/// `submissions`); the indicator counts it at once.
pub async fn submit(
    services: &Services,
    submission: Submission,
) -> Result<SubmissionReceipt, SubmitFailure> {
    let receipt = services.submission_writer.store(submission).await?;
    services.indicators.invalidate();
    Ok(receipt)
}

/// What was stored for an Idempotency-Key, if anything.
pub async fn stored_answer(
    services: &Services,
    key: String,
) -> Result<Option<IdempotencyRow>, AppError> {
    Ok(services
        .db
        .read(move |conn| idempotency::find(conn, &key))
        .await?)
}

/// Whether contributions may be sent to `area` now.
pub async fn is_active_area(services: &Services, area: ThematicAreaCode) -> Result<bool, AppError> {
    let found = services
        .db
        .read(move |conn| thematic_areas::find_active(conn, area.as_str()))
        .await?;
    Ok(found.is_some())
}

/// Every thematic area in display order, inactive ones included.
pub async fn thematic_areas(services: &Services) -> Result<Vec<ThematicAreaRow>, AppError> {
    Ok(services
        .db
        .read(|conn| thematic_areas::list(conn, false))
        .await?)
}

/// Published contributions, newest first, `limit + 1` at most.
pub async fn list_published(
    services: &Services,
    filter: PublishedFilter,
    after: Option<Position>,
    limit: i64,
) -> Result<Vec<ContributionRow>, AppError> {
    Ok(services
        .db
        .read(move |conn| contributions::list_published(conn, &filter, after, limit))
        .await?)
}

/// One published contribution; any other is not found.
pub async fn find_published(
    services: &Services,
    id: ContributionId,
) -> Result<ContributionRow, AppError> {
    services
        .db
        .read(move |conn| contributions::find_published(conn, id))
        .await?
        .ok_or(AppError::NotFound(Resource::Contribution))
}
