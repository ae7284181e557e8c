//! `/cruscotto`: the public monitoring dashboard of the PEG indicator, and
//! `/cruscotto/progress.svg`, its embeddable badge for the Rete Civica page.
//!
//! Both render the figures of `GET /api/v1/indicators`, taken from the same
//! cached computation ([`crate::app::indicators::IndicatorCache`]), so the page,
//! the badge and the API never disagree and many viewers cost about one.
//! Pages are server-rendered by askama, which HTML-escapes every value.
//!
//! This file holds the handlers; the page, its charts and the badge each
//! have their own module. The projection is domain logic
//! ([`crate::domain::projection`]) and Italian formatting lives in
//! [`crate::i18n::format`].

mod badge;
mod charts;
mod page;

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse, ResponseError};
use askama::Template;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::security::FramingByPolicy;
use super::AppState;
use crate::error::ApiError;
use badge::Badge;
use page::DashboardPage;

/// The page's one inline style block and one inline script.
const STYLE: &str = include_str!("../../../templates/cruscotto/cruscotto.css");
const SCRIPT: &str = include_str!("../../../templates/cruscotto/cruscotto.js");

/// The page's own policy: its style and script by their hashes, the refresh
/// fetch to this origin, the empty `data:` icon (which spares the browser a
/// request for /favicon.ico), and the origins of `RINASCE_FRAME_ANCESTORS`
/// that may frame it (none by default).
pub fn content_security_policy(frame_ancestors: &[String]) -> String {
    let ancestors = if frame_ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        frame_ancestors.join(" ")
    };
    format!("{}; frame-ancestors {ancestors}", page_sources())
}

fn page_sources() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = |text: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
            )
        };
        format!(
            "default-src 'none'; style-src {}; script-src {}; connect-src 'self'; \
             img-src 'self' data:; base-uri 'none'; form-action 'none'",
            hash(STYLE),
            hash(SCRIPT)
        )
    })
}

/// `GET /cruscotto`: while the database does not answer, the last figures
/// with a notice saying so.
pub async fn show_dashboard(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let figures = state
        .indicators
        .current_or_last(&state.db, &state.config, &state.mail)
        .await?;
    let page = DashboardPage::new(&figures.indicators, &state.config.public_url, figures.stale);
    let body = page
        .render()
        .map_err(|e| ApiError::Internal(format!("rendering the dashboard: {e}")))?;
    let frame_ancestors = &state.config.frame_ancestors;
    let mut response = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // The figures change with every contribution; the computation behind
        // them is cached, so revalidating costs little.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            content_security_policy(frame_ancestors),
        ))
        .body(body);
    if !frame_ancestors.is_empty() {
        response.extensions_mut().insert(FramingByPolicy);
    }
    Ok(response)
}

/// `GET /cruscotto/progress.svg`: always an image. While the database does
/// not answer, the last figures; with none, a badge saying so, kept out of
/// caches.
pub async fn show_badge(state: web::Data<AppState>) -> HttpResponse {
    let figures = state
        .indicators
        .current_or_last(&state.db, &state.config, &state.mail)
        .await;
    let (badge, cache) = match &figures {
        Ok(figures) if !figures.stale => (Badge::new(&figures.indicators), "public, max-age=60"),
        Ok(figures) => (Badge::new(&figures.indicators), "no-cache"),
        Err(error) => {
            tracing::warn!(%error, "badge without figures");
            (Badge::unavailable(), "no-store")
        }
    };
    match badge.render() {
        Ok(body) => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header((header::CACHE_CONTROL, cache))
            .body(body),
        Err(error) => ApiError::Internal(format!("rendering the badge: {error}")).error_response(),
    }
}
