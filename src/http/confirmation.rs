//! `/conferma/{token}`: the page where an author confirms the address of a
//! contribution, from the link in the acknowledgement (see `app::authors`).
//! GET only shows a button, which POSTs: mail scanners that open links
//! confirm nothing.

use actix_web::{web, HttpResponse, HttpResponseBuilder};
use askama::Template;

use super::page;
use super::AppState;
use crate::app::authors::{self, AddressConfirmation};
use crate::app::{AppError, Resource};
use crate::domain::ConfirmationToken;
use crate::error::ApiError;

/// What the page says.
enum ConfirmationState {
    /// Not yet confirmed: the button, with the receipt code.
    Ask(String),
    Done(String),
    /// No contribution has this token (or its address was erased).
    Unknown,
}

#[derive(Template)]
#[template(path = "conferma/page.html")]
struct ConfirmationPage<'a> {
    heading: &'static str,
    token: &'a str,
    state: ConfirmationState,
}

/// `GET /conferma/{token}`
pub async fn show_confirmation(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Some(parsed) = ConfirmationToken::parse(&token) else {
        return unknown(&token);
    };
    answer(&token, authors::show(&state.db, parsed).await)
}

/// `POST /conferma/{token}`
pub async fn confirm_address(
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let Some(parsed) = ConfirmationToken::parse(&token) else {
        return unknown(&token);
    };
    answer(&token, authors::confirm(&state.db, parsed).await)
}

fn answer(
    token: &str,
    found: Result<AddressConfirmation, AppError>,
) -> Result<HttpResponse, ApiError> {
    match found {
        Ok(AddressConfirmation {
            reference,
            confirmed: false,
        }) => render(
            HttpResponse::Ok(),
            token,
            "Conferma il tuo contributo",
            ConfirmationState::Ask(reference),
        ),
        Ok(AddressConfirmation {
            reference,
            confirmed: true,
        }) => render(
            HttpResponse::Ok(),
            token,
            "Contributo confermato",
            ConfirmationState::Done(reference),
        ),
        Err(AppError::NotFound(Resource::Contribution)) => unknown(token),
        Err(other) => Err(other.into()),
    }
}

fn unknown(token: &str) -> Result<HttpResponse, ApiError> {
    render(
        HttpResponse::NotFound(),
        token,
        "Collegamento non valido",
        ConfirmationState::Unknown,
    )
}

fn render(
    mut response: HttpResponseBuilder,
    token: &str,
    heading: &'static str,
    state: ConfirmationState,
) -> Result<HttpResponse, ApiError> {
    // A capability in the URL: not to be cached (no page sends a referrer).
    response.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    page::render(
        response,
        &ConfirmationPage {
            heading,
            token,
            state,
        },
    )
}
