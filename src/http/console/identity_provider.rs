//! The Comune's OpenID Connect provider, through the `openidconnect` crate:
//! the authorization-code flow with PKCE and a nonce. The provider is
//! discovered from its issuer on every sign-in (so a provider that comes
//! back needs no restart). What a begun flow must remember until its answer
//! comes back is kept by `app::oidc_flows`, in the database.

use std::time::Duration;

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse,
};

use crate::app::oidc_flows::PendingFlow;
use crate::config::{Config, OidcConfig};
use crate::domain::{normalise_email, EmailAddress};

/// The path the provider sends browsers back to, under the public URL.
pub const CALLBACK_PATH: &str = "/console/accesso/comune/ritorno";
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

/// Where to send the browser, and what to remember until it comes back.
pub struct Authorization {
    pub url: String,
    /// The OAuth state the provider's answer names the flow by.
    pub state: String,
    pub flow: PendingFlow,
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
        Ok(Authorization {
            url: url.to_string(),
            state: state.secret().clone(),
            flow: PendingFlow {
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                next,
            },
        })
    }

    /// Finishes `flow` with the provider's `code`: exchanges it (with the
    /// PKCE verifier) and verifies the ID token (signature, issuer,
    /// audience, expiry, nonce). The address must be present and verified.
    pub async fn finish(
        &self,
        flow: PendingFlow,
        code: String,
    ) -> Result<VerifiedIdentity, IdentityFailure> {
        let client = self.client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| IdentityFailure::Unavailable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier))
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
            .claims(&client.id_token_verifier(), &Nonce::new(flow.nonce))
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
