//! Headers every response carries: no MIME sniffing, no referrer, no
//! framing, and a Content-Security-Policy fitted to what the response is.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// JSON, SVG and problem documents load nothing.
const API_POLICY: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// Swagger UI: its own scripts and styles, inline style attributes, data: icons.
const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Marks a response whose own `frame-ancestors` lets listed origins frame
/// it: `X-Frame-Options`, which cannot name origins, is then left out
/// (browsers that read CSP follow `frame-ancestors` anyway).
#[derive(Clone, Copy)]
pub struct FramingByPolicy;

pub async fn add_security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let docs = request.path().starts_with("/docs");
    let mut response = next.call(request).await?.map_into_boxed_body();
    let framing_by_policy = response
        .response()
        .extensions()
        .get::<FramingByPolicy>()
        .is_some();
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The console sets `same-origin` so that its forms carry their origin.
    if !headers.contains_key(header::REFERRER_POLICY) {
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    if !framing_by_policy {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    // A page that sets its own policy (the dashboard, with hashes of its
    // inline style and script) keeps it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        let policy = if docs { DOCS_POLICY } else { API_POLICY };
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(policy),
        );
    }
    Ok(response)
}
