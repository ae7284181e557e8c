//! Typed pieces of a request: a contribution id from the path, the version
//! from `If-Match`.

use std::future::{ready, Ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

use crate::app::Resource;
use crate::domain::{ContributionId, ContributionRef, MessageId, StaffId};
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
    /// `{id}` of a contribution in the moderators' paths: its id or its
    /// receipt reference (`RF-000401`).
    ContributionRefPath(ContributionRef),
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

/// `If-Match` as the version it names. Strict, so that no edit goes through
/// without the version it was made on: missing or `*` is a 428 (a version is
/// required); a weak tag is a 412 (RFC 9110 compares `If-Match` strongly, so
/// it never matches); anything but one quoted tag is a 400; a strong tag
/// this server never issued cannot match, a 412.
pub fn expected_version(request: &HttpRequest, resource: Resource) -> Result<i64, ApiError> {
    let raw = request
        .headers()
        .get(header::IF_MATCH)
        .ok_or(ApiError::PreconditionRequired(resource))?
        .to_str()
        .map_err(|_| ApiError::MalformedIfMatch)?
        .trim();
    if raw == "*" {
        return Err(ApiError::PreconditionRequired(resource));
    }
    if raw.starts_with("W/") {
        return Err(ApiError::WeakIfMatch);
    }
    let tag = raw
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|tag| !tag.contains('"'))
        .ok_or(ApiError::MalformedIfMatch)?;
    tag.strip_prefix('v')
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|digits| digits.parse::<i64>().ok())
        .ok_or(ApiError::PreconditionFailed(resource))
}

/// `If-Match` when sent, as strict as [`expected_version`]; nothing when absent.
pub fn optional_expected_version(
    request: &HttpRequest,
    resource: Resource,
) -> Result<Option<i64>, ApiError> {
    match request.headers().get(header::IF_MATCH) {
        None => Ok(None),
        Some(_) => expected_version(request, resource).map(Some),
    }
}
