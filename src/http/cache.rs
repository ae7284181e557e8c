//! Public JSON that caches may keep: a strong `ETag` from the body's hash,
//! `Cache-Control`, and 304 for a conditional GET that already has it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// How long the Rete Civica (or a proxy) may reuse an answer unasked.
const MAX_AGE: &str = "public, max-age=60";

pub fn cacheable_json(
    request: &HttpRequest,
    value: &impl Serialize,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&body))[..32]);
    let known = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if known {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, MAX_AGE));
    Ok(if known {
        response.finish()
    } else {
        response.content_type("application/json").body(body)
    })
}
