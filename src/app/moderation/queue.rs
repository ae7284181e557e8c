//! The moderation queue: every contribution, personal data included, in
//! order of arrival, page by page.

use super::detail::{details_of, ContributionDetail};
use super::filter::check_known;
use crate::app::{AppError, Services};
use crate::db::contribution_counts::{self, StatusCounts};
use crate::db::contributions::{self, ModerationFilter, Order, Position};

/// One page of the queue.
pub struct QueuePage {
    /// `limit + 1` rows at most, so that the caller knows whether another
    /// page follows.
    pub details: Vec<ContributionDetail>,
    /// Where each row stands in the order, for the next page's cursor.
    pub positions: Vec<Position>,
    /// Every status with how many contributions the filters keep in it,
    /// leaving out the status filter itself; `None` when more than
    /// `COUNT_LIMIT` match filters that no running count answers.
    pub status_counts: Option<StatusCounts>,
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
    let many = services.many_matches.clone();
    services
        .db
        .read(move |conn| {
            check_known(conn, &filter)?;
            filter.text_matches_author = true;
            let probe = many.probe(conn, &filter)?;
            let any_status = ModerationFilter {
                statuses: Vec::new(),
                ..filter.clone()
            };
            let any_status_probe = if any_status == filter {
                probe.clone()
            } else {
                many.probe(conn, &any_status)?
            };
            let (rows, positions) =
                contributions::list(conn, &filter, probe.as_ref(), order, after, limit)?
                    .into_iter()
                    .unzip();
            let status_counts =
                contribution_counts::count_by_status(conn, &filter, any_status_probe.as_ref())?;
            Ok(QueuePage {
                details: details_of(conn, rows)?,
                positions,
                status_counts,
            })
        })
        .await
}
