//! `POST /moderation/contributions/{id}/notes`: internal notes.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::views::{no_store, NoteView};
use crate::app::moderation::notes;
use crate::domain::text::{bounded_text, Lines};
use crate::error::ApiError;
use crate::http::auth::Moderator;
use crate::http::extract::ContributionRefPath;
use crate::http::input::{text, DocumentedBody, JsonFields};
use crate::http::problems::{ContributionNotFound, JsonBodyProblems, ModeratorProblems};
use crate::http::AppState;

/// A new internal note.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewNote {
    /// 1–5000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    text: String,
}

impl DocumentedBody for NewNote {
    const FIELDS: &'static [&'static str] = &["text"];
}

/// Add an internal note
///
/// Notes are for staff only: never exported to researchers or shown to the public.
#[utoipa::path(
    post,
    path = "/moderation/contributions/{id}/notes",
    tag = "moderazione",
    operation_id = "add_note",
    params(("id" = String, Path, description = "Identifier of the contribution, or its reference such as `RF-000401`.", max_length = 36)),
    request_body(content = NewNote, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The note.", body = NoteView),
        ModeratorProblems,
        JsonBodyProblems,
        ContributionNotFound,
    )
)]
#[post("/moderation/contributions/{id}/notes")]
pub async fn add_note(
    Moderator(staff): Moderator,
    state: web::Data<AppState>,
    ContributionRefPath(id): ContributionRefPath,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<NewNote>,
) -> Result<HttpResponse, ApiError> {
    let note = object.and_then(|mut object| {
        object.required(
            "text",
            &mut errors,
            text(|raw| bounded_text(raw, 1, 5000, Lines::Multi)),
        )
    });
    let note = errors.finish(note)?;
    let note = notes::add(&state, staff.id, staff.name, id, note).await?;
    Ok(no_store(HttpResponse::Created(), NoteView::from(note)))
}
