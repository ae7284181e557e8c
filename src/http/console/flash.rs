//! One-time messages across a Post/Redirect/Get: a change answers with a
//! redirect that sets a short-lived cookie holding the message, and the
//! page it leads to shows the message once and clears the cookie. Nothing
//! in the address: a link cannot make a page claim a change that did not
//! happen, and reloading the page does not show it again.

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::session::COOKIE_PATH;

const FLASH_COOKIE: &str = "rinasce_messaggio";
/// Long enough for the redirect to be followed.
const FLASH_SECONDS: i64 = 60;

fn cookie(value: String, config: &crate::config::Config) -> Cookie<'static> {
    Cookie::build(FLASH_COOKIE, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(config.public_url.starts_with("https://"))
        .max_age(Duration::seconds(FLASH_SECONDS))
        .finish()
}

/// 303 to `location`, whose page will say `message`.
pub fn redirect_with(
    location: &str,
    message: &str,
    config: &crate::config::Config,
) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .cookie(cookie(URL_SAFE_NO_PAD.encode(message), config))
        .finish()
}

/// The message a change left for this page, if any.
pub fn message(request: &HttpRequest) -> Option<String> {
    let value = request.cookie(FLASH_COOKIE)?;
    let bytes = URL_SAFE_NO_PAD.decode(value.value()).ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|message| !message.is_empty())
}

/// Clears the message once its page has shown it.
pub fn clear(response: &mut HttpResponse, config: &crate::config::Config) {
    let mut removal = cookie(String::new(), config);
    removal.make_removal();
    // A header that cannot be added leaves the message for one more page.
    let _ = response.add_cookie(&removal);
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_message_survives_the_redirect_once() {
        let config = crate::config::Config::from_lookup(|_| None).unwrap();
        let redirect = redirect_with("/console/etichette", "Etichetta «è» rinominata.", &config);
        assert_eq!(redirect.status(), 303);
        let set = redirect.cookies().next().unwrap().into_owned();
        assert_eq!(set.path(), Some("/console"));
        assert_eq!(set.http_only(), Some(true));
        let request = TestRequest::default().cookie(set).to_http_request();
        assert_eq!(
            message(&request).as_deref(),
            Some("Etichetta «è» rinominata.")
        );
        let mut page = HttpResponse::Ok().finish();
        clear(&mut page, &config);
        let removal = page.cookies().next().unwrap();
        assert_eq!(removal.value(), "");
        assert_eq!(removal.max_age(), Some(Duration::ZERO));
        let forged = Cookie::new(FLASH_COOKIE, "not base64 ☃");
        let request = TestRequest::default().cookie(forged).to_http_request();
        assert_eq!(message(&request), None);
    }
}
