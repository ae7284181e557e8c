//! `POST /console/esci`: ends the session and forgets its cookie.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::csrf::ConsoleForm;
use super::error::ConsoleError;
use super::session::expired_session_cookie;
use crate::app::console_sessions;

/// The sign-out form has no field but its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

pub async fn sign_out(
    state: web::Data<crate::http::AppState>,
    form: ConsoleForm<NoFields>,
) -> Result<HttpResponse, ConsoleError> {
    console_sessions::end(&state.db, form.user.session_token.clone()).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/console/accesso?uscita=1"))
        .cookie(expired_session_cookie())
        .finish())
}
