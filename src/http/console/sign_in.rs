//! `/console/accesso`: signing in by e-mail link. The form answers the same
//! whether or not the address has an account; the link leads to a page
//! whose button spends it (so that mail scanners opening links do not), and
//! the session cookie is set on that same-site answer.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::csrf::SameOrigin;
use super::error::ConsoleError;
use super::layout::Layout;
use super::next::safe_next;
use super::session::session_cookie;
use crate::app::sign_in::{self, LINK_MINUTES};
use crate::domain::EmailAddress;
use crate::http::rate_limit::forwarded_for;
use crate::http::{page, AppState};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/accesso", web::get().to(show_sign_in))
        .route("/accesso", web::post().to(request_link))
        .route("/accesso/link", web::get().to(show_link))
        .route("/accesso/link", web::post().to(redeem_link));
}

/// The client address of `request`, as the submissions' limit sees it
/// (behind trusted proxies, the forwarded one).
pub(super) fn client_of(state: &AppState, request: &HttpRequest) -> Option<std::net::IpAddr> {
    let forwarded = forwarded_for(request.headers());
    state
        .submissions
        .client_address(request.peer_addr().map(|a| a.ip()), forwarded.as_deref())
}

#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    /// Set after signing out, to say so.
    uscita: Option<String>,
}

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage {
    layout: Layout,
    next: String,
    signed_out: bool,
    email: String,
    /// The address given is not an e-mail address.
    invalid_email: bool,
}

impl SignInPage {
    fn new(request: &HttpRequest, next: &str) -> SignInPage {
        SignInPage {
            layout: Layout::anonymous(request),
            next: safe_next(Some(next)),
            signed_out: false,
            email: String::new(),
            invalid_email: false,
        }
    }
}

pub async fn show_sign_in(
    request: HttpRequest,
    query: web::Query<SignInQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let mut sign_in = SignInPage::new(&request, query.next.as_deref().unwrap_or(""));
    sign_in.signed_out = query.uscita.is_some();
    Ok(page::render(HttpResponse::Ok(), &sign_in)?)
}

#[derive(Deserialize)]
pub struct LinkRequest {
    email: String,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "console/link_sent.html")]
struct LinkSentPage {
    layout: Layout,
    minutes: i64,
}

/// `POST /console/accesso`: sends the link when the address has an active
/// account, and answers the same page in any case.
pub async fn request_link(
    request: HttpRequest,
    state: web::Data<AppState>,
    _: SameOrigin,
    form: web::Form<LinkRequest>,
) -> Result<HttpResponse, ConsoleError> {
    let LinkRequest { email, next } = form.into_inner();
    let next = safe_next(next.as_deref());
    let Ok(address) = EmailAddress::parse(email.trim()) else {
        let mut sign_in = SignInPage::new(&request, &next);
        sign_in.email = email;
        sign_in.invalid_email = true;
        return Ok(page::render(HttpResponse::UnprocessableEntity(), &sign_in)?);
    };
    state
        .sign_in_limits
        .attempt_from(client_of(&state, &request))?;
    state.sign_in_limits.link_for(address.as_str())?;
    sign_in::send_link(&state.db, &state.mail, address, next).await?;
    let sent = LinkSentPage {
        layout: Layout::anonymous(&request),
        minutes: LINK_MINUTES,
    };
    Ok(page::render(HttpResponse::Ok(), &sent)?)
}

#[derive(Deserialize)]
pub struct LinkFields {
    token: Option<String>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "console/link.html")]
struct LinkPage {
    layout: Layout,
    token: String,
    next: String,
}

/// `GET /console/accesso/link?token=…`: the page with the button that spends
/// the link.
pub async fn show_link(
    request: HttpRequest,
    query: web::Query<LinkFields>,
) -> Result<HttpResponse, ConsoleError> {
    let LinkFields { token, next } = query.into_inner();
    let link = LinkPage {
        layout: Layout::anonymous(&request),
        token: token.unwrap_or_default(),
        next: safe_next(next.as_deref()),
    };
    Ok(page::render(HttpResponse::Ok(), &link)?)
}

/// `POST /console/accesso/link`: spends the link, begins the session, sets
/// its cookie and goes on to the page asked for.
pub async fn redeem_link(
    request: HttpRequest,
    state: web::Data<AppState>,
    _: SameOrigin,
    form: web::Form<LinkFields>,
) -> Result<HttpResponse, ConsoleError> {
    let LinkFields { token, next } = form.into_inner();
    state
        .sign_in_limits
        .attempt_from(client_of(&state, &request))?;
    let token = token
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or(ConsoleError::LinkRefused)?;
    let (account, session) =
        match sign_in::redeem_link(&state.db, state.config.console_sessions, token).await? {
            Ok(signed_in) => signed_in,
            Err(refused) => {
                tracing::info!(?refused, "sign-in link refused");
                return Err(ConsoleError::LinkRefused);
            }
        };
    tracing::info!(staff = %account.id, "signed in to the console by e-mail link");
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, safe_next(next.as_deref())))
        .cookie(session_cookie(session.as_str(), &state.config))
        .finish())
}
