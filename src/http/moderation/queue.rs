//! `GET /moderation/contributions`: the queue.

use actix_web::{get, web, HttpRequest, HttpResponse};

use super::views::{no_store, ModerationContribution};
use crate::app::moderation::{queue, ModerationQuery};
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
        (status = 200, description = "One page of contributions.", body = Page<ModerationContribution>),
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
    let newest_first = query.newest_first(&mut errors);
    let limit = pagination::limit(query.limit.as_deref(), &mut errors);
    let after = pagination::decode_time_cursor(query.cursor.as_deref(), &mut errors);
    errors.finish(Some(()))?;
    let details = queue::list(&state, filter, newest_first, after, limit).await?;
    let page = Page::from_rows(
        details,
        limit,
        |detail| pagination::time_cursor(detail.row.received_at, detail.row.seq),
        ModerationContribution::from,
    );
    Ok(no_store(HttpResponse::Ok(), page))
}
