//! `/assets/{path}`: the stylesheets, scripts, fonts and icons that the pages
//! load, compiled into the binary from `assets/` so that no page loads
//! anything from another origin (the pages' policy is `'self'` only).

use actix_web::http::header::{self, EntityTag, Header, IfNoneMatch};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;

#[derive(rust_embed::Embed)]
#[folder = "assets/"]
struct Assets;

/// `GET /assets/{path}`: the file, revalidated by its content hash.
pub async fn serve_asset(
    request: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let file = Assets::get(&path).ok_or(ApiError::NotFound)?;
    let tag = EntityTag::new_strong(hex::encode(file.metadata.sha256_hash()));
    let fresh = match IfNoneMatch::parse(&request) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        Err(_) => false,
    };
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header(header::ETag(tag))
        // Assets change only with a new release; revalidating is one 304.
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .content_type(file.metadata.mimetype());
    Ok(if fresh {
        response.finish()
    } else {
        response.body(file.data.into_owned())
    })
}
