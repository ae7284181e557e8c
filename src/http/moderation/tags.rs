//! `GET /moderation/tags`, `PATCH /moderation/tags/{tag}` (rename) and
//! `POST /moderation/tags/{tag}/merge`.

use std::future::{ready, Ready};

use actix_web::{get, patch, post, web, FromRequest, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::views::no_store;
use crate::app::moderation::tags::{self, TagChange};
use crate::app::Resource;
use crate::domain::TagName;
use crate::error::{ApiError, Problem};
use crate::http::auth::Moderator;
use crate::http::input::{text, DocumentedBody, JsonFields};
use crate::http::problems::{JsonBodyProblems, ModeratorProblems};
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

/// `{tag}` of a tag's paths; a malformed name names no tag, so it is a 404.
pub struct TagPath(pub TagName);

impl FromRequest for TagPath {
    type Error = ApiError;
    type Future = Ready<Result<TagPath, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(
            request
                .match_info()
                .get("tag")
                .and_then(|raw| TagName::parse(raw).ok())
                .map(TagPath)
                .ok_or(ApiError::NoSuch(Resource::Tag)),
        )
    }
}

/// A tag after a rename or a merge.
#[derive(Debug, Serialize, ToSchema)]
pub struct TagChanged {
    /// The tag the contributions now carry.
    #[schema(max_length = 50, example = "mercati-rionali")]
    pub tag: String,
    /// How many contributions carry it.
    #[schema(format = Int64, minimum = 0)]
    pub count: i64,
    /// How many contributions changed (each with a new version).
    #[schema(format = Int64, minimum = 0)]
    pub contributions_changed: usize,
}

impl From<TagChange> for TagChanged {
    fn from(change: TagChange) -> TagChanged {
        TagChanged {
            tag: change.tag,
            count: change.count,
            contributions_changed: change.changed,
        }
    }
}

/// A tag's new name.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TagPatch {
    /// The new name; words become a slug, as tags typed as words do
    /// (`Mercati Rionali` → `mercati-rionali`).
    #[schema(min_length = 1, max_length = 200, example = "Mercati Rionali")]
    name: String,
}

impl DocumentedBody for TagPatch {
    const FIELDS: &'static [&'static str] = &["name"];
}

/// The tag to merge into.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TagMerge {
    /// An existing tag, other than the one merged (words become a slug).
    #[schema(min_length = 1, max_length = 200, example = "mercati-rionali")]
    into: String,
}

impl DocumentedBody for TagMerge {
    const FIELDS: &'static [&'static str] = &["into"];
}

/// The problems of a route about one tag.
#[derive(utoipa::IntoResponses)]
pub enum TagNotFound {
    #[response(
        status = 404,
        description = "No such tag.",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
}

/// Rename a tag
///
/// Every contribution carrying the tag carries the new name instead, with a
/// new version (`ETag`); one audit event names the old and the new name,
/// and each contribution's history records its change. A name that is
/// already a tag is a 409: merge the two instead. The same name changes
/// nothing.
#[utoipa::path(
    patch,
    path = "/moderation/tags/{tag}",
    tag = "moderazione",
    operation_id = "rename_tag",
    params(("tag" = String, Path, description = "The tag's name.", max_length = 50)),
    request_body(content = TagPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tag under its new name.", body = TagChanged),
        ModeratorProblems,
        JsonBodyProblems,
        TagNotFound,
        (status = 409, description = "A tag with the new name exists: merge instead (`/problems/tag-exists`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/moderation/tags/{tag}")]
pub async fn rename_tag(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    TagPath(from): TagPath,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<TagPatch>,
) -> Result<HttpResponse, ApiError> {
    let to = object.and_then(|mut o| o.required("name", &mut errors, text(TagName::from_words)));
    let to = errors.finish(to)?;
    let change = tags::rename(&state, staff.id, from, to).await?;
    Ok(no_store(HttpResponse::Ok(), TagChanged::from(change)))
}

/// Merge a tag into another
///
/// Every contribution carrying the tag carries `into` instead (once, if it
/// had both), with a new version (`ETag`); the tag is then deleted. One
/// audit event names both tags, and each contribution's history records its
/// change.
#[utoipa::path(
    post,
    path = "/moderation/tags/{tag}/merge",
    tag = "moderazione",
    operation_id = "merge_tag",
    params(("tag" = String, Path, description = "The tag to merge and delete.", max_length = 50)),
    request_body(content = TagMerge, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The tag kept.", body = TagChanged),
        ModeratorProblems,
        JsonBodyProblems,
        TagNotFound,
    )
)]
#[post("/moderation/tags/{tag}/merge")]
pub async fn merge_tag(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    TagPath(from): TagPath,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<TagMerge>,
) -> Result<HttpResponse, ApiError> {
    let into = object.and_then(|mut o| o.required("into", &mut errors, text(TagName::from_words)));
    let into = errors.finish(into)?;
    let change = tags::merge(&state, staff.id, from, into).await?;
    Ok(no_store(HttpResponse::Ok(), TagChanged::from(change)))
}
