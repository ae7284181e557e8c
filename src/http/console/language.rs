//! The console's language: the switch's cookie, else `Accept-Language`,
//! else Italian.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::error::ConsoleError;
use super::next::safe_next;
use crate::i18n::Language;

/// The cookie that keeps the language picked with the switch.
pub const LANGUAGE_COOKIE: &str = "rinasce_lingua";

/// The language a console page is shown in.
pub fn language_of(request: &HttpRequest) -> Language {
    match request.cookie(LANGUAGE_COOKIE).as_ref().map(Cookie::value) {
        Some("it") => Language::It,
        Some("en") => Language::En,
        _ => crate::http::problems::language_of(request),
    }
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// `GET /console/lingua/{it|en}?next=…`: remembers the language and goes
/// back to the page. A link, so that it works without JavaScript and
/// without a session; it changes nothing but the browser's own cookie.
pub async fn switch_language(
    code: web::Path<String>,
    query: web::Query<SwitchQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let language = match code.as_str() {
        "it" => Language::It,
        "en" => Language::En,
        _ => return Err(ConsoleError::NotFound),
    };
    let cookie = Cookie::build(LANGUAGE_COOKIE, language.code())
        .path("/console")
        .same_site(SameSite::Lax)
        .http_only(true)
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, safe_next(query.next.as_deref())))
        .cookie(cookie)
        .finish())
}
