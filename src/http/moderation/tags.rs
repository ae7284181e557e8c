//! `GET /moderation/tags`.

use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::views::no_store;
use crate::app::moderation::tags;
use crate::error::ApiError;
use crate::http::auth::Moderator;
use crate::http::problems::ModeratorProblems;
use crate::http::AppState;

/// A tag and how many contributions carry it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagCount {
    #[schema(max_length = 50, example = "piste-ciclabili")]
    pub tag: String,
    #[schema(format = Int64, minimum = 0)]
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagList {
    #[schema(max_items = 10000)]
    pub items: Vec<TagCount>,
}

/// List the tags
///
/// Every tag in use or created, with the number of contributions carrying it.
#[utoipa::path(
    get,
    path = "/moderation/tags",
    tag = "moderazione",
    operation_id = "list_tags",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tags.", body = TagList),
        ModeratorProblems,
    )
)]
#[get("/moderation/tags")]
pub async fn list_tags(_: Moderator, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let items = tags::counts(&state)
        .await?
        .into_iter()
        .map(|(tag, count)| TagCount { tag, count })
        .collect();
    Ok(no_store(HttpResponse::Ok(), TagList { items }))
}
