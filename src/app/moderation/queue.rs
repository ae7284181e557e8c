//! The moderation queue: every contribution, personal data included, in
//! order of arrival, page by page.

use super::detail::{details_of, ContributionDetail};
use super::filter::check_known;
use crate::app::{AppError, Services};
use crate::db::contributions::{self, ModerationFilter, Order, Position};
use crate::domain::ContributionStatus;

/// One page of the queue.
pub struct QueuePage {
    /// `limit + 1` rows at most, so that the caller knows whether another
    /// page follows.
    pub details: Vec<ContributionDetail>,
    /// Where each row stands in the order, for the next page's cursor.
    pub positions: Vec<Position>,
    /// Every status with how many contributions the filters keep in it,
    /// leaving out the status filter itself.
    pub status_counts: Vec<(ContributionStatus, i64)>,
}

/// One page of the queue in `order`. Staff search the author's names,
/// organisation and e-mail too.
pub async fn list(
    services: &Services,
    mut filter: ModerationFilter,
    order: Order,
    after: Option<Position>,
    limit: i64,
) -> Result<QueuePage, AppError> {
    services
        .db
        .read(move |conn| {
            check_known(conn, &filter)?;
            filter.text_matches_author = true;
            let (rows, positions) = contributions::list(conn, &filter, order, after, limit)?
                .into_iter()
                .unzip();
            let status_counts = contributions::count_by_status(conn, &filter)?;
            Ok(QueuePage {
                details: details_of(conn, rows)?,
                positions,
                status_counts,
            })
        })
        .await
}
