//! Bearer-token authentication of staff, and one extractor per role so that
//! a handler states who may call it in its signature.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use super::AppState;
use crate::app::staff;
use crate::domain::{Role, StaffId};
use crate::error::ApiError;

/// The staff member whose token came with the request.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: StaffId,
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
    let row = staff::authenticate(&state.db, token)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    Ok(Staff {
        id: row.id,
        name: row.name,
        email: row.email,
        role: row.role,
    })
}

type StaffFuture<T> = Pin<Box<dyn Future<Output = Result<T, ApiError>>>>;

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = StaffFuture<Staff>;

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

/// Declares an extractor that admits staff of the given roles (admins
/// always): 401 without a valid token, 403 for another role.
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $roles:expr) => {
        $(#[$doc])*
        pub struct $name(pub Staff);

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = StaffFuture<$name>;

            fn from_request(
                request: &HttpRequest,
                payload: &mut actix_web::dev::Payload,
            ) -> Self::Future {
                let staff = Staff::from_request(request, payload);
                Box::pin(async move {
                    let staff = staff.await?;
                    staff.require($roles)?;
                    Ok($name(staff))
                })
            }
        }
    };
}

role_extractor!(
    /// A moderator (or an admin).
    Moderator,
    &[Role::Moderator]
);
role_extractor!(
    /// An admin.
    Admin,
    &[Role::Admin]
);
role_extractor!(
    /// Who may export: researchers and moderators (and admins).
    Exporter,
    Role::EXPORTERS
);
