//! A small OpenID Connect provider for the tests, on a loopback port:
//! discovery, keys, an authorization endpoint that answers at once for the
//! address the test chose, and a token endpoint that checks the client's
//! secret and the PKCE verifier before signing an ID token (RS256, with a
//! key kept for the tests in `oidc_test_key.pem`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use openidconnect::core::{
    CoreGenderClaim, CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm,
    CoreRsaPrivateSigningKey,
};
use openidconnect::{
    Audience, EmptyAdditionalClaims, EndUserEmail, IssuerUrl, JsonWebKeyId, Nonce,
    PrivateSigningKey, StandardClaims, SubjectIdentifier,
};
use rinasce::config::OidcConfig;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

const KEY: &str = include_str!("oidc_test_key.pem");
pub const CLIENT_ID: &str = "rinasce-console";
pub const CLIENT_SECRET: &str = "console-secret";

/// What the authorization endpoint granted, until the code is exchanged.
#[derive(Clone)]
struct Grant {
    nonce: String,
    code_challenge: String,
    email: String,
}

#[derive(Default)]
struct State {
    /// The address the next authorization vouches for.
    email: String,
    grants: HashMap<String, Grant>,
    /// Token requests answered with an ID token.
    exchanged: usize,
}

struct Provider {
    issuer: String,
    state: Mutex<State>,
}

pub struct MockProvider {
    pub issuer: String,
    shared: Arc<Provider>,
}

impl MockProvider {
    /// Starts the provider; see [`MockProvider::vouch_for`].
    pub async fn start() -> MockProvider {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Provider {
            issuer: issuer.clone(),
            state: Mutex::new(State::default()),
        });
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route(
                    "/.well-known/openid-configuration",
                    web::get().to(discovery),
                )
                .route("/jwks", web::get().to(keys))
                .route("/authorize", web::get().to(authorize))
                .route("/token", web::post().to(token))
        })
        .workers(1)
        .listen(listener)
        .expect("the provider listens")
        .run();
        actix_web::rt::spawn(server);
        MockProvider { issuer, shared }
    }

    /// The service's configuration for this provider.
    pub fn config(&self) -> OidcConfig {
        OidcConfig {
            issuer: self.issuer.clone(),
            client_id: CLIENT_ID.to_owned(),
            client_secret: CLIENT_SECRET.to_owned(),
        }
    }

    /// The next sign-ins vouch for `email`, verified.
    pub fn vouch_for(&self, email: &str) {
        self.shared.state.lock().unwrap().email = email.to_owned();
    }

    /// How many codes were exchanged for an ID token.
    pub fn exchanged(&self) -> usize {
        self.shared.state.lock().unwrap().exchanged
    }
}

fn signing_key() -> CoreRsaPrivateSigningKey {
    CoreRsaPrivateSigningKey::from_pem(KEY, Some(JsonWebKeyId::new("test".into())))
        .expect("the test key reads")
}

async fn discovery(provider: web::Data<Provider>) -> HttpResponse {
    let issuer = &provider.issuer;
    HttpResponse::Ok().json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }))
}

async fn keys() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "keys": [signing_key().as_verification_key()] }))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
}

/// Signs the user in at once and sends the browser back with a code.
async fn authorize(
    provider: web::Data<Provider>,
    query: web::Query<AuthorizeQuery>,
) -> HttpResponse {
    if query.code_challenge_method != "S256" {
        return HttpResponse::BadRequest().body("PKCE S256 expected");
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    let mut state = provider.state.lock().unwrap();
    let grant = Grant {
        nonce: query.nonce.clone(),
        code_challenge: query.code_challenge.clone(),
        email: state.email.clone(),
    };
    state.grants.insert(code.clone(), grant);
    let back = serde_urlencoded::to_string([("code", &code), ("state", &query.state)]).unwrap();
    HttpResponse::Found()
        .insert_header(("Location", format!("{}?{back}", query.redirect_uri)))
        .finish()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    code_verifier: Option<String>,
}

fn token_error(error: &str) -> HttpResponse {
    HttpResponse::BadRequest().json(json!({ "error": error }))
}

/// Exchanges a code once, for the client that proves its secret and the
/// verifier of the code's challenge.
async fn token(
    provider: web::Data<Provider>,
    request: HttpRequest,
    form: web::Form<TokenForm>,
) -> HttpResponse {
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    let authorized = request
        .headers()
        .get("authorization")
        .is_some_and(|value| value.as_bytes() == basic.as_bytes());
    if !authorized {
        return HttpResponse::Unauthorized().json(json!({ "error": "invalid_client" }));
    }
    if form.grant_type != "authorization_code" {
        return token_error("unsupported_grant_type");
    }
    let mut state = provider.state.lock().unwrap();
    let Some(grant) = state.grants.remove(&form.code) else {
        return token_error("invalid_grant");
    };
    let verifier = form.code_verifier.as_deref().unwrap_or_default();
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.code_challenge {
        return token_error("invalid_grant");
    }
    state.exchanged += 1;
    drop(state);
    let now = chrono::Utc::now();
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(provider.issuer.clone()).unwrap(),
        vec![Audience::new(CLIENT_ID.into())],
        now + chrono::Duration::minutes(5),
        now,
        StandardClaims::<CoreGenderClaim>::new(SubjectIdentifier::new("utente-1".into()))
            .set_email(Some(EndUserEmail::new(grant.email)))
            .set_email_verified(Some(true)),
        EmptyAdditionalClaims {},
    )
    .set_nonce(Some(Nonce::new(grant.nonce)));
    let id_token = CoreIdToken::new(
        claims,
        &signing_key(),
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        None,
        None,
    )
    .expect("the ID token is signed");
    HttpResponse::Ok().json(json!({
        "access_token": uuid::Uuid::new_v4().simple().to_string(),
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    }))
}
