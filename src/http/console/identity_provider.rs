//! The Comune's OpenID Connect provider, through the `openidconnect` crate:
//! the authorization-code flow with PKCE and a nonce. The provider is
//! discovered from its issuer on every sign-in (so a provider that comes
//! back needs no restart), and each flow begun here is kept in memory until
//! its answer comes back, bound to the browser that began it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse,
};

use crate::config::{Config, OidcConfig};
use crate::domain::staff::{hashes_match, token_hash};
use crate::domain::{normalise_email, EmailAddress};

/// The path the provider sends browsers back to, under the public URL.
pub const CALLBACK_PATH: &str = "/console/accesso/comune/ritorno";
/// How long a begun sign-in waits for the provider's answer.
const FLOW_LIFETIME: Duration = Duration::from_secs(600);
/// Flows remembered at most; the oldest are forgotten first.
const MAX_FLOWS: usize = 10_000;
/// Every request to the provider gives up after this long.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in through the provider opened no session.
#[derive(Debug, thiserror::Error)]
pub enum IdentityFailure {
    /// The provider could not be reached or answered nonsense.
    #[error("identity provider unavailable: {0}")]
    Unavailable(String),
    /// The provider's answer does not prove a verified address.
    #[error("{0}")]
    Refused(String),
}

/// A sign-in sent to the provider, waiting for its answer.
struct PendingFlow {
    /// Hash of the cookie the browser that began it holds.
    browser_hash: String,
    nonce: Nonce,
    verifier: PkceCodeVerifier,
    /// The console page to open afterwards.
    next: String,
    begun: Instant,
}

/// Where to send the browser, and what it must hold to come back.
pub struct Authorization {
    pub url: String,
    /// The value of the browser's flow cookie.
    pub browser_token: String,
}

/// A flow's answer, checked: the provider's verified address and the page to
/// open.
pub struct VerifiedIdentity {
    pub email: EmailAddress,
    pub next: String,
}

pub struct IdentityProvider {
    config: OidcConfig,
    redirect_url: RedirectUrl,
    http: openidconnect::reqwest::Client,
    flows: Mutex<HashMap<String, PendingFlow>>,
}

impl IdentityProvider {
    /// The provider of `config`, when the three `RINASCE_OIDC_*` are set.
    pub fn from_config(config: &Config) -> Option<IdentityProvider> {
        let oidc = config.oidc.clone()?;
        let redirect_url = RedirectUrl::new(format!("{}{CALLBACK_PATH}", config.public_url))
            .map_err(|e| tracing::error!(error = %e, "no OIDC redirect URL"))
            .ok()?;
        let http = openidconnect::reqwest::ClientBuilder::new()
            // The flow follows no redirects (SSRF, per the crate's advice).
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| tracing::error!(error = %e, "no HTTP client for OIDC"))
            .ok()?;
        Some(IdentityProvider {
            config: oidc,
            redirect_url,
            http,
            flows: Mutex::new(HashMap::new()),
        })
    }

    async fn client(&self) -> Result<DiscoveredClient, IdentityFailure> {
        let issuer = IssuerUrl::new(self.config.issuer.clone())
            .map_err(|e| IdentityFailure::Unavailable(e.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|e| IdentityFailure::Unavailable(format!("discovery: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.config.client_id.clone()),
            Some(ClientSecret::new(self.config.client_secret.clone())),
        )
        .set_redirect_uri(self.redirect_url.clone()))
    }

    /// Begins a sign-in that comes back to `next`: the provider's
    /// authorization URL, with a new state, nonce and PKCE challenge.
    pub async fn begin(&self, next: String) -> Result<Authorization, IdentityFailure> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .set_pkce_challenge(challenge)
            .url();
        let browser_token = CsrfToken::new_random().secret().clone();
        let flow = PendingFlow {
            browser_hash: token_hash(&browser_token),
            nonce,
            verifier,
            next,
            begun: Instant::now(),
        };
        self.remember(state.secret().clone(), flow);
        Ok(Authorization {
            url: url.to_string(),
            browser_token,
        })
    }

    fn remember(&self, state: String, flow: PendingFlow) {
        let mut flows = self.flows.lock().unwrap_or_else(|e| e.into_inner());
        flows.retain(|_, flow| flow.begun.elapsed() < FLOW_LIFETIME);
        if flows.len() >= MAX_FLOWS {
            let oldest = flows
                .iter()
                .min_by_key(|(_, flow)| flow.begun)
                .map(|(state, _)| state.clone());
            if let Some(oldest) = oldest {
                flows.remove(&oldest);
            }
        }
        flows.insert(state, flow);
    }

    /// The flow of `state`, forgotten as it is taken, when it is live and
    /// the browser holds its cookie.
    fn take(&self, state: &str, browser_token: Option<&str>) -> Option<PendingFlow> {
        let mut flows = self.flows.lock().unwrap_or_else(|e| e.into_inner());
        let flow = flows.remove(state)?;
        let browser = token_hash(browser_token?);
        (flow.begun.elapsed() < FLOW_LIFETIME && hashes_match(&flow.browser_hash, &browser))
            .then_some(flow)
    }

    /// Finishes the flow of `state` with the provider's `code`: exchanges it
    /// (with the PKCE verifier) and verifies the ID token (signature,
    /// issuer, audience, expiry, nonce). The address must be present and
    /// verified.
    pub async fn finish(
        &self,
        state: &str,
        browser_token: Option<&str>,
        code: String,
    ) -> Result<VerifiedIdentity, IdentityFailure> {
        let flow = self
            .take(state, browser_token)
            .ok_or_else(|| refused("unknown, expired or foreign state"))?;
        let client = self.client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| IdentityFailure::Unavailable(e.to_string()))?
            .set_pkce_verifier(flow.verifier)
            .request_async(&self.http)
            .await
            .map_err(|e| match e {
                RequestTokenError::Request(e) => {
                    IdentityFailure::Unavailable(format!("token request: {e}"))
                }
                other => refused(format!("token exchange refused: {other}")),
            })?;
        let id_token = response.id_token().ok_or_else(|| refused("no ID token"))?;
        let claims = id_token
            .claims(&client.id_token_verifier(), &flow.nonce)
            .map_err(|e| refused(format!("ID token: {e}")))?;
        let email = claims.email().ok_or_else(|| refused("no email claim"))?;
        if claims.email_verified() != Some(true) {
            return Err(refused("email not verified"));
        }
        let email = EmailAddress::parse(&normalise_email(email.as_str()))
            .map_err(|_| refused("email claim is not an address"))?;
        Ok(VerifiedIdentity {
            email,
            next: flow.next,
        })
    }
}

fn refused(reason: impl Into<String>) -> IdentityFailure {
    IdentityFailure::Refused(reason.into())
}
