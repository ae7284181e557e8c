//! Bearer-token authentication of staff and the role check.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use super::AppState;
use crate::db::staff::{self, StaffRow};
use crate::domain::staff::{hashes_match, token_hash};
use crate::domain::Role;
use crate::error::ApiError;

/// The staff member whose token came with the request.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

impl Staff {
    /// 403 unless this member's role is one of `allowed` (admins pass always).
    pub fn require(&self, allowed: &[Role]) -> Result<(), ApiError> {
        if self.role.may(allowed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

fn bearer_token(request: &HttpRequest) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= 200)
        .then(|| token.to_owned())
}

async fn authenticate(
    state: web::Data<AppState>,
    token: Option<String>,
) -> Result<Staff, ApiError> {
    let token = token.ok_or(ApiError::Unauthorized)?;
    let hash = token_hash(&token);
    let lookup = hash.clone();
    let row: Option<StaffRow> = state
        .db
        .read(move |conn| staff::find_active_by_token_hash(conn, &lookup))
        .await?;
    let row = row
        .filter(|row| hashes_match(&row.token_hash, &hash))
        .ok_or(ApiError::Unauthorized)?;
    let role = Role::parse(&row.role)
        .map_err(|_| ApiError::Internal(format!("stored role {:?}", row.role)))?;
    Ok(Staff {
        id: row.id,
        name: row.name,
        email: row.email,
        role,
    })
}

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Staff, ApiError>>>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(request);
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::Internal("application state missing".into()))?;
            authenticate(state, token).await
        })
    }
}
