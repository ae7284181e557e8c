//! `GET /moderation/contributions`: the queue.

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::views::{no_store, ModerationContribution};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::moderation::{queue, ContributionDetail, ModerationQuery};
use crate::db::contributions::Position;
use crate::domain::ContributionStatus;
use crate::error::ApiError;
use crate::http::auth::Moderator;
use crate::http::input::{reject_unknown_parameters, FieldErrors};
use crate::http::pagination::{self, Page};
use crate::http::problems::{ModeratorProblems, QueryProblems};
use crate::http::AppState;

/// List the moderation queue
///
/// Every contribution, personal data included, with tags and notes. Paging
/// by cursor stays stable while new contributions arrive.
#[utoipa::path(
    get,
    path = "/moderation/contributions",
    tag = "moderazione",
    operation_id = "list_moderation_queue",
    params(ModerationQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "One page of contributions, with the counts per status.", body = QueuePage),
        ModeratorProblems,
        QueryProblems,
    )
)]
#[get("/moderation/contributions")]
pub async fn list_moderation_queue(
    _: Moderator,
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<ModerationQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut errors = FieldErrors::default();
    reject_unknown_parameters::<ModerationQuery>(&request, &mut errors);
    let filter = query.filter(&mut errors);
    let order = query.order(&mut errors);
    let limit = pagination::limit(query.limit.as_deref(), &mut errors);
    let after = pagination::decode_position(query.cursor.as_deref(), order, &mut errors);
    errors.finish(Some(()))?;
    let queue = queue::list(&state, filter, order, after, limit).await?;
    let page = Page::from_rows(
        queue.details.into_iter().zip(queue.positions).collect(),
        limit,
        |(_, position): &(ContributionDetail, Position)| pagination::position_cursor(position),
        |(detail, _)| ModerationContribution::from(detail),
    );
    let answer = QueuePage {
        items: page.items,
        next_cursor: page.next_cursor,
        status_counts: queue.status_counts.map(StatusCounts::from),
    };
    Ok(no_store(HttpResponse::Ok(), answer))
}

/// One page of the queue, with how many contributions each status holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    #[schema(max_items = 500)]
    pub items: Vec<ModerationContribution>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
    /// How many contributions the filters keep in each status, counted
    /// without the `status` filter, so that every tab shows its number.
    /// `null` when more than 1,000 contributions match filters that are not
    /// counted as they change (a text search, a tag, dates, or two of area,
    /// quartiere, channel and author kind together).
    pub status_counts: Option<StatusCounts>,
}

/// A count per status.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct StatusCounts {
    #[schema(format = Int64, minimum = 0)]
    pub pending: i64,
    #[schema(format = Int64, minimum = 0)]
    pub approved: i64,
    #[schema(format = Int64, minimum = 0)]
    pub rejected: i64,
    #[schema(format = Int64, minimum = 0)]
    pub spam: i64,
    #[schema(format = Int64, minimum = 0)]
    pub duplicate: i64,
    #[schema(format = Int64, minimum = 0)]
    pub hidden: i64,
}

impl From<Vec<(ContributionStatus, i64)>> for StatusCounts {
    fn from(counts: Vec<(ContributionStatus, i64)>) -> StatusCounts {
        let mut all = StatusCounts::default();
        for (status, count) in counts {
            let slot = match status {
                ContributionStatus::Pending => &mut all.pending,
                ContributionStatus::Approved => &mut all.approved,
                ContributionStatus::Rejected => &mut all.rejected,
                ContributionStatus::Spam => &mut all.spam,
                ContributionStatus::Duplicate => &mut all.duplicate,
                ContributionStatus::Hidden => &mut all.hidden,
            };
            *slot = count;
        }
        all
    }
}
