//! `/console/accesso/comune`: signing in with the Comune's identity
//! provider. The callback comes from the provider's site, so the browser
//! would not send the `SameSite=Strict` session cookie on a redirect that
//! follows it: it answers a small page that continues to the console
//! from here.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::error::ConsoleError;
use super::identity_provider::{IdentityFailure, IdentityProvider};
use super::layout::Layout;
use super::next::safe_next;
use super::session::{session_cookie, COOKIE_PATH};
use super::sign_in::client_of;
use crate::app::{oidc_flows, sign_in};
use crate::config::Config;
use crate::http::{page, AppState};

/// The cookie binding a begun sign-in to the browser that began it.
const FLOW_COOKIE: &str = "rinasce_oidc";

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/accesso/comune", web::get().to(begin))
        .route("/accesso/comune/ritorno", web::get().to(callback));
}

fn provider_of(state: &AppState) -> Result<&IdentityProvider, ConsoleError> {
    state
        .identity_provider
        .as_ref()
        .ok_or(ConsoleError::NotFound)
}

impl From<IdentityFailure> for ConsoleError {
    fn from(failure: IdentityFailure) -> ConsoleError {
        match failure {
            IdentityFailure::Unavailable(reason) => {
                tracing::warn!(%reason, "identity provider unavailable");
                ConsoleError::IdentityProviderUnavailable
            }
            IdentityFailure::Refused(reason) => ConsoleError::IdentityRefused(reason),
        }
    }
}

/// The flow cookie: sent back on the provider's top-level redirect (`Lax`),
/// to console pages only, for as long as a flow lasts.
fn flow_cookie(value: String, config: &Config) -> Cookie<'static> {
    Cookie::build(FLOW_COOKIE, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.public_url.starts_with("https://"))
        .max_age(actix_web::cookie::time::Duration::minutes(
            oidc_flows::FLOW_MINUTES,
        ))
        .finish()
}

#[derive(Deserialize)]
pub struct BeginQuery {
    next: Option<String>,
}

/// `GET /console/accesso/comune`: sends the browser to the provider.
pub async fn begin(
    state: web::Data<AppState>,
    query: web::Query<BeginQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let provider = provider_of(&state)?;
    let next = safe_next(query.next.as_deref());
    let authorization = provider.begin(next).await?;
    let browser = oidc_flows::remember(&state.db, &authorization.state, authorization.flow).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, authorization.url))
        .cookie(flow_cookie(browser.as_str().to_owned(), &state.config))
        .finish())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// The provider's refusal (`access_denied`…).
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/continue.html")]
struct ContinuePage {
    layout: Layout,
    next: String,
}

/// `GET /console/accesso/comune/ritorno`: checks the provider's answer,
/// begins the session of the staff account with its verified address, and
/// answers the page that continues to the console.
pub async fn callback(
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<CallbackQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let provider = provider_of(&state)?;
    state
        .sign_in_limits
        .attempt_from(client_of(&state, &request))?;
    let CallbackQuery {
        code,
        state: flow_state,
        error,
    } = query.into_inner();
    if let Some(error) = error {
        return Err(ConsoleError::IdentityRefused(format!(
            "provider answered {error:.100}"
        )));
    }
    let bounded = |value: Option<String>| value.filter(|v| !v.is_empty() && v.len() <= 2048);
    let (Some(flow_state), Some(code)) = (bounded(flow_state), bounded(code)) else {
        return Err(ConsoleError::IdentityRefused("no state or code".into()));
    };
    let browser = request.cookie(FLOW_COOKIE).map(|c| c.value().to_owned());
    let Some(flow) = oidc_flows::take(&state.db, &flow_state, browser.as_deref()).await? else {
        tracing::info!("OIDC sign-in refused: unknown, spent, expired or foreign state");
        return Err(ConsoleError::IdentityRefused("unknown state".into()));
    };
    let identity = provider
        .finish(flow, code)
        .await
        .inspect_err(|failure| tracing::info!(%failure, "OIDC sign-in refused"))?;
    let policy = state.config.console_sessions;
    let Some((account, session)) =
        sign_in::sign_in_with_identity(&state.db, policy, identity.email).await?
    else {
        tracing::info!("OIDC sign-in refused: no active account has the verified address");
        return Err(ConsoleError::IdentityRefused("no active account".into()));
    };
    tracing::info!(staff = %account.id, "signed in to the console with the identity provider");
    let mut forget_flow = flow_cookie(String::new(), &state.config);
    forget_flow.make_removal();
    let page_after = ContinuePage {
        layout: Layout::anonymous(&request),
        next: identity.next,
    };
    let mut response = HttpResponse::Ok();
    response
        .cookie(session_cookie(session.as_str(), &state.config))
        .cookie(forget_flow);
    Ok(page::render(response, &page_after)?)
}
