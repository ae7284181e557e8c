//! The signed-in staff member of a console request, from the session
//! cookie; and the cookie itself.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::error::ConsoleError;
use super::language::language_of;
use super::layout::{here, Layout};
use super::next::safe_next;
use crate::app::console_sessions;
use crate::config::Config;
use crate::domain::console_session::csrf_token;
use crate::domain::Role;
use crate::http::auth::Staff;
use crate::http::AppState;
use crate::i18n::Language;

/// The cookie that holds the session's token.
pub const SESSION_COOKIE: &str = "rinasce_sessione";
/// Cookies of the console are sent to its pages only.
pub const COOKIE_PATH: &str = "/console";

/// The staff member signed in to the console. As an extractor: a GET
/// without a live session is sent to the sign-in page (303, coming back
/// here afterwards), any other method gets 403.
#[derive(Clone, Debug)]
pub struct ConsoleUser {
    pub staff: Staff,
    /// The session's CSRF token, for forms (`csrf_token`) and scripts
    /// (`X-CSRF-Token`).
    pub csrf_token: String,
    pub language: Language,
    /// This request's path and query.
    pub here: String,
    /// The session's cookie token, to end it.
    pub(super) session_token: String,
}

impl ConsoleUser {
    /// A 403 page unless this member's role is one of `allowed` (admins
    /// pass always).
    pub fn require(&self, allowed: &[Role]) -> Result<(), ConsoleError> {
        if self.staff.role.may(allowed) {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    /// What the base template needs to draw this member's page.
    pub fn layout(&self) -> Layout {
        Layout::for_user(self)
    }
}

/// The session cookie carrying `token`: script cannot read it, other sites'
/// requests do not carry it, and it is `Secure` when the service is https.
pub fn session_cookie(token: &str, config: &Config) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token.to_owned())
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(config.public_url.starts_with("https://"))
        .finish()
}

/// A cookie that makes the browser forget the session's.
pub fn expired_session_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION_COOKIE, "")
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    cookie.make_removal();
    cookie
}

/// The application state of a request.
pub(super) fn state_of(request: &HttpRequest) -> Result<web::Data<AppState>, ConsoleError> {
    request
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ConsoleError::internal("application state missing"))
}

type UserFuture = Pin<Box<dyn Future<Output = Result<ConsoleUser, ConsoleError>>>>;

impl FromRequest for ConsoleUser {
    type Error = ConsoleError;
    type Future = UserFuture;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> UserFuture {
        let request = request.clone();
        Box::pin(async move {
            if let Some(user) = request.extensions().get::<ConsoleUser>() {
                return Ok(user.clone());
            }
            let state = state_of(&request)?;
            let here = here(&request);
            let token = request
                .cookie(SESSION_COOKIE)
                .map(|c| c.value().to_owned())
                .filter(|token| !token.is_empty() && token.len() <= 200);
            let account = match token.clone() {
                Some(token) => {
                    console_sessions::resume(&state.db, state.config.console_sessions, token)
                        .await?
                }
                None => None,
            };
            let (Some(account), Some(token)) = (account, token) else {
                return Err(no_session(request.method(), &here));
            };
            let user = ConsoleUser {
                staff: Staff {
                    id: account.id,
                    name: account.name,
                    email: account.email,
                    role: account.role,
                },
                csrf_token: csrf_token(&token),
                language: language_of(&request),
                here,
                session_token: token,
            };
            // Kept for the error pages, which show who is signed in.
            request.extensions_mut().insert(user.clone());
            Ok(user)
        })
    }
}

fn no_session(method: &Method, here: &str) -> ConsoleError {
    if method == Method::GET || method == Method::HEAD {
        ConsoleError::SignInRequired {
            next: safe_next(Some(here)),
        }
    } else {
        ConsoleError::SessionRequired
    }
}
