//! The moderation queue: every contribution, personal data included, in
//! order of arrival, page by page.

use super::detail::{details_of, ContributionDetail};
use super::filter::check_known;
use crate::app::{AppError, Services};
use crate::db::contributions::{self, ModerationFilter, Position};
use crate::domain::ContributionStatus;

/// One page of the queue.
pub struct QueuePage {
    /// `limit + 1` rows at most, so that the caller knows whether another
    /// page follows.
    pub details: Vec<ContributionDetail>,
    /// Every status with how many contributions the filters keep in it,
    /// leaving out the status filter itself.
    pub status_counts: Vec<(ContributionStatus, i64)>,
}

/// One page of the queue. Staff search the author's names and e-mail too.
pub async fn list(
    services: &Services,
    mut filter: ModerationFilter,
    newest_first: bool,
    after: Option<Position>,
    limit: i64,
) -> Result<QueuePage, AppError> {
    services
        .db
        .read(move |conn| {
            check_known(conn, &filter)?;
            filter.text_matches_author = true;
            let rows =
                contributions::list_for_moderation(conn, &filter, newest_first, after, limit)?;
            let status_counts = contributions::count_by_status(conn, &filter)?;
            Ok(QueuePage {
                details: details_of(conn, rows)?,
                status_counts,
            })
        })
        .await
}
