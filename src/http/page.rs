//! What every server-rendered page shares: HTML with a policy that lets it
//! load only this server's own assets (`/assets/…`), no inline script or
//! style, and forms that post back to this server.

use actix_web::http::header;
use actix_web::{HttpResponse, HttpResponseBuilder};
use askama::Template;

use crate::error::ApiError;

/// The pages' Content-Security-Policy.
pub const PAGE_POLICY: &str = "default-src 'none'; style-src 'self'; script-src 'self'; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// Renders `page` into `response` (for example `HttpResponse::Ok()`) as HTML
/// under [`PAGE_POLICY`].
pub fn render(
    mut response: HttpResponseBuilder,
    page: &impl Template,
) -> Result<HttpResponse, ApiError> {
    let body = page
        .render()
        .map_err(|e| ApiError::Internal(format!("rendering a page: {e}")))?;
    Ok(response
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CONTENT_SECURITY_POLICY, PAGE_POLICY))
        .body(body))
}
