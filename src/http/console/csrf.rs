//! Protection of the console's changes against other sites: each carries
//! the session's CSRF token (a form field or the `X-CSRF-Token` header) and
//! comes from the service's own origin (`Origin`, or `Referer` without it).
//! A refused request reaches no handler, so nothing changes.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::error::ConsoleError;
use super::session::{state_of, ConsoleUser};
use crate::domain::staff::hashes_match;

/// The header that fetch() calls of the console's scripts send the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field that carries the token.
pub const CSRF_FIELD: &str = "csrf_token";

/// `scheme://host[:port]` of the public URL: what browsers send as `Origin`.
fn origin_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(slash) => &url[..after_scheme + slash],
        None => url,
    }
}

/// Whether the request comes from a page of this service: its `Origin`, or
/// without one its `Referer`, is the public URL's origin.
pub fn same_origin(request: &HttpRequest, public_url: &str) -> bool {
    let expected = origin_of(public_url);
    let header_text = |name| {
        request
            .headers()
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    if let Some(origin) = header_text(header::ORIGIN) {
        return origin.eq_ignore_ascii_case(expected);
    }
    match header_text(header::REFERER) {
        Some(referer) => {
            origin_of(referer).eq_ignore_ascii_case(expected)
                && (referer.len() == expected.len()
                    || referer.as_bytes().get(expected.len()) == Some(&b'/'))
        }
        None => false,
    }
}

fn check_origin(request: &HttpRequest) -> Result<(), ConsoleError> {
    let state = state_of(request)?;
    if same_origin(request, &state.config.public_url) {
        Ok(())
    } else {
        Err(ConsoleError::CsrfRejected)
    }
}

fn check_token(user: &ConsoleUser, sent: Option<&str>) -> Result<(), ConsoleError> {
    match sent {
        Some(sent) if hashes_match(sent, &user.csrf_token) => Ok(()),
        _ => Err(ConsoleError::CsrfRejected),
    }
}

#[derive(Deserialize)]
struct CsrfField {
    csrf_token: Option<String>,
}

/// An urlencoded form posted from a console page, with its signed-in
/// member: the `csrf_token` field and the origin are checked before `T` is
/// read. `T` may ignore the `csrf_token` field (unknown fields are ignored
/// unless `T` says otherwise). For a field sent several times (checkboxes),
/// read `T = Vec<(String, String)>`.
pub struct ConsoleForm<T> {
    pub user: ConsoleUser,
    pub fields: T,
}

type FormFuture<T> = Pin<Box<dyn Future<Output = Result<T, ConsoleError>>>>;

impl<T: DeserializeOwned + 'static> FromRequest for ConsoleForm<T> {
    type Error = ConsoleError;
    type Future = FormFuture<ConsoleForm<T>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let user = ConsoleUser::from_request(request, payload);
        let body = web::Bytes::from_request(request, payload);
        let request = request.clone();
        Box::pin(async move {
            let user = user.await?;
            check_origin(&request)?;
            if request.content_type() != "application/x-www-form-urlencoded" {
                return Err(ConsoleError::BadForm(format!(
                    "content type {:?}",
                    request.content_type()
                )));
            }
            let body = body
                .await
                .map_err(|e| ConsoleError::BadForm(e.to_string()))?;
            let token: CsrfField = serde_urlencoded::from_bytes(&body)
                .map_err(|e| ConsoleError::BadForm(e.to_string()))?;
            check_token(&user, token.csrf_token.as_deref())?;
            let fields = serde_urlencoded::from_bytes(&body)
                .map_err(|e| ConsoleError::BadForm(e.to_string()))?;
            Ok(ConsoleForm { user, fields })
        })
    }
}

/// A fetch() call from a console script, with its signed-in member: the
/// `X-CSRF-Token` header and the origin are checked. Read the body with
/// another extractor (`web::Json<T>`) beside it.
pub struct CsrfHeader(pub ConsoleUser);

impl FromRequest for CsrfHeader {
    type Error = ConsoleError;
    type Future = FormFuture<CsrfHeader>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let user = ConsoleUser::from_request(request, payload);
        let request = request.clone();
        Box::pin(async move {
            let user = user.await?;
            check_origin(&request)?;
            let sent = request
                .headers()
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok());
            check_token(&user, sent)?;
            Ok(CsrfHeader(user))
        })
    }
}

/// A form posted before anyone is signed in (the sign-in forms): only its
/// origin can be checked.
pub struct SameOrigin;

impl FromRequest for SameOrigin {
    type Error = ConsoleError;
    type Future = std::future::Ready<Result<SameOrigin, ConsoleError>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(check_origin(request).map(|()| SameOrigin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_origin_of_a_url_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://x.example/base/path"),
            "https://x.example"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    #[test]
    fn origin_wins_and_referer_stands_in_for_it() {
        let public = "https://partecipa.example/rinasce";
        let check = |headers: &[(&str, &str)]| {
            let mut request = TestRequest::post();
            for (name, value) in headers {
                request = request.insert_header((*name, *value));
            }
            same_origin(&request.to_http_request(), public)
        };
        assert!(check(&[("Origin", "https://partecipa.example")]));
        assert!(!check(&[("Origin", "https://evil.example")]));
        assert!(!check(&[("Origin", "null")]));
        assert!(!check(&[
            ("Origin", "https://evil.example"),
            ("Referer", "https://partecipa.example/console/")
        ]));
        assert!(check(&[(
            "Referer",
            "https://partecipa.example/console/coda"
        )]));
        assert!(!check(&[(
            "Referer",
            "https://partecipa.example.evil.example/console/"
        )]));
        assert!(!check(&[("Referer", "http://partecipa.example/console/")]));
        assert!(!check(&[]));
    }
}
