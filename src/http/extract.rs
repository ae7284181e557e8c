//! Typed pieces of a request: a contribution id from the path, the version
//! from `If-Match`.

use std::future::{ready, Ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

use crate::app::Resource;
use crate::domain::{ContributionId, MessageId, StaffId};
use crate::error::ApiError;

/// Declares an extractor of the `{id}` path segment as a typed id; a
/// malformed id names nothing that exists, so it is a 404.
macro_rules! id_path {
    ($(#[$doc:meta])* $name:ident($id:ty), $resource:expr) => {
        $(#[$doc])*
        pub struct $name(pub $id);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Ready<Result<$name, ApiError>>;

            fn from_request(
                request: &HttpRequest,
                _: &mut actix_web::dev::Payload,
            ) -> Self::Future {
                let id = request
                    .match_info()
                    .get("id")
                    .and_then(<$id>::parse)
                    .map($name)
                    .ok_or(ApiError::NoSuch($resource));
                ready(id)
            }
        }
    };
}

id_path!(
    /// `{id}` of a contribution.
    ContributionPath(ContributionId),
    Resource::Contribution
);
id_path!(
    /// `{id}` of a staff account.
    StaffPath(StaffId),
    Resource::Staff
);
id_path!(
    /// `{id}` of an e-mail in the outbox.
    MessagePath(MessageId),
    Resource::OutboxMessage
);

/// `If-Match` as a version: 428 when missing, 412 when it names no version,
/// `None` for `*`.
pub fn expected_version(
    request: &HttpRequest,
    resource: Resource,
) -> Result<Option<i64>, ApiError> {
    let raw = request
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired(resource))?
        .to_str()
        .map_err(|_| ApiError::PreconditionFailed(resource))?
        .trim();
    if raw == "*" {
        return Ok(None);
    }
    raw.trim_start_matches("W/")
        .trim_matches('"')
        .trim_start_matches('v')
        .parse::<i64>()
        .map(Some)
        .map_err(|_| ApiError::PreconditionFailed(resource))
}

/// `If-Match` when sent; nothing when absent.
pub fn optional_expected_version(
    request: &HttpRequest,
    resource: Resource,
) -> Result<Option<i64>, ApiError> {
    match request.headers().get(header::IF_MATCH) {
        None => Ok(None),
        Some(_) => expected_version(request, resource),
    }
}
