//! `POST /admin/erasure-requests`.

use actix_web::{post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app::erasure::{self, ErasureReport};
use crate::domain::{Actor, EmailAddress};
use crate::error::ApiError;
use crate::http::auth::Admin;
use crate::http::input::{text, DocumentedBody, JsonFields};
use crate::http::moderation::views::no_store;
use crate::http::problems::{AdminProblems, JsonBodyProblems};
use crate::http::AppState;

/// A request to erase a person's data.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ErasureRequest {
    /// The address the person used.
    #[schema(max_length = 254, example = "maria.rossi@example.org")]
    email: String,
}

impl DocumentedBody for ErasureRequest {
    const FIELDS: &'static [&'static str] = &["email"];
}

/// Erase a person's personal data
///
/// GDPR art. 17: removes the name and e-mail from every contribution sent
/// from this address (the text stays) and cancels the e-mails queued to it.
/// Answers how many contributions were affected. Audited, without the address.
#[utoipa::path(
    post,
    path = "/admin/erasure-requests",
    tag = "amministrazione",
    operation_id = "erase_personal_data",
    request_body(content = ErasureRequest, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "What was erased.", body = ErasureReport),
        AdminProblems,
        JsonBodyProblems,
    )
)]
#[post("/admin/erasure-requests")]
pub async fn erase_personal_data(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<ErasureRequest>,
) -> Result<HttpResponse, ApiError> {
    let email = object
        .and_then(|mut object| object.required("email", &mut errors, text(EmailAddress::parse)));
    let email = errors.finish(email)?;
    let mail_files = crate::mail::files::directory(&state.config.mail);
    let report = erasure::erase_email(&state.db, Actor::Staff(admin.id), email, mail_files).await?;
    Ok(no_store(HttpResponse::Ok(), report))
}
