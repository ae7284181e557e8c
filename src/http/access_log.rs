//! One structured log line per request (AgID RAC_GEN_LOG_01): request id
//! (echoed in `X-Request-Id`), UTC time, method, path, status, latency and
//! client address (the peer, or what a trusted proxy forwards). Query strings and bodies are never logged: they can carry
//! names and e-mail addresses.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use uuid::Uuid;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A request id sent by the proxy is kept when it is short and plain.
fn incoming_request_id(request: &ServiceRequest) -> Option<String> {
    let value = request.headers().get(REQUEST_ID)?.to_str().ok()?;
    let plain = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    plain.then(|| value.to_owned())
}

pub async fn log_request(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let request_id = incoming_request_id(&request).unwrap_or_else(|| Uuid::new_v4().to_string());
    let method = request.method().to_string();
    // A status page's path holds its secret: never logged.
    let path = super::pages::redact_path(request.path()).into_owned();
    // The peer, unless it is a trusted proxy: then the address it forwards,
    // exactly as the rate limit reads it. `Forwarded` is never believed.
    let client = request
        .app_data::<actix_web::web::Data<super::AppState>>()
        .and_then(|state| state.submissions.client_of(&request))
        .or_else(|| request.peer_addr().map(|a| a.ip()))
        .map_or_else(|| "-".to_owned(), |ip| ip.to_string());
    let mut response = next.call(request).await?.map_into_boxed_body();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    let status = response.status().as_u16();
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    tracing::info!(
        target: "access",
        request_id = %request_id,
        method = %method,
        path = %path,
        status,
        latency_ms = format_args!("{latency_ms:.2}"),
        client = %client,
        "request"
    );
    Ok(response)
}
