//! `/console/accesso`: the sign-in page.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::error::ConsoleError;
use super::layout::Layout;
use super::next::safe_next;
use crate::http::page;

pub fn routes(config: &mut web::ServiceConfig) {
    config.route("/accesso", web::get().to(show_sign_in));
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    /// Set after signing out, to say so.
    uscita: Option<String>,
}

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage {
    layout: Layout,
    next: String,
    signed_out: bool,
}

pub async fn show_sign_in(
    request: HttpRequest,
    query: web::Query<SignInQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let sign_in = SignInPage {
        layout: Layout::anonymous(&request),
        next: safe_next(query.next.as_deref()),
        signed_out: query.uscita.is_some(),
    };
    Ok(page::render(HttpResponse::Ok(), &sign_in)?)
}
