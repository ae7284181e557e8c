//! Sign-ins begun with the Comune's identity provider, waiting for its
//! answer. A flow's secrets (nonce, PKCE verifier) wait in the database, not
//! in one process's memory, so that the answer may come back to any server
//! process sharing it; nothing to configure, on either backend. Stored by
//! the SHA-256 of the OAuth state, bound to the browser that began it by
//! the SHA-256 of its flow cookie, for [`FLOW_MINUTES`], and taken once:
//! the first answer naming a state deletes its flow, whatever it proves.
//!
//! (The other way, a signed and encrypted cookie, would need a key shared by
//! every process and could not be spent once.)

use chrono::Duration;

use crate::app::AppError;
use crate::clock;
use crate::db::oidc_flows::{self, OidcFlowRow};
use crate::db::Db;
use crate::domain::staff::{hashes_match, token_hash, AccessToken};

/// How long a begun sign-in waits for the provider's answer.
pub const FLOW_MINUTES: i64 = 10;
/// Flows waiting at most; beyond, the oldest are forgotten (a flood of
/// begun sign-ins cannot fill the database).
const MAX_FLOWS: i64 = 10_000;
/// Prefix of a flow cookie's value.
const BROWSER_PREFIX: &str = "rfo_";

/// What the provider's answer is checked with, and where to go after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingFlow {
    pub nonce: String,
    pub pkce_verifier: String,
    /// The console page to open after signing in.
    pub next: String,
}

/// Remembers `flow` under the OAuth `state` sent to the provider; answers
/// the value of the cookie that binds it to this browser (its only copy).
pub async fn remember(db: &Db, state: &str, flow: PendingFlow) -> Result<AccessToken, AppError> {
    let browser = AccessToken::with_prefix(BROWSER_PREFIX);
    let now = clock::now().naive_utc();
    let row = OidcFlowRow {
        state_hash: token_hash(state),
        browser_hash: browser.hash(),
        nonce: flow.nonce,
        pkce_verifier: flow.pkce_verifier,
        next_path: flow.next,
        created_at: now,
        expires_at: now + Duration::minutes(FLOW_MINUTES),
    };
    db.write(move |conn| {
        oidc_flows::delete_expired(conn, now)?;
        oidc_flows::keep_newest(conn, MAX_FLOWS - 1)?;
        oidc_flows::insert(conn, &row)?;
        Ok::<_, AppError>(())
    })
    .await?;
    Ok(browser)
}

/// Takes the flow of `state` for the browser holding `browser_token`:
/// `None` when it is unknown, already taken, expired, or was begun by
/// another browser. Either way the flow is spent.
pub async fn take(
    db: &Db,
    state: &str,
    browser_token: Option<&str>,
) -> Result<Option<PendingFlow>, AppError> {
    let state_hash = token_hash(state);
    let browser_hash = browser_token.map(token_hash);
    let flow = db
        .write(move |conn| Ok::<_, AppError>(oidc_flows::take(conn, &state_hash)?))
        .await?;
    Ok(flow
        .filter(|flow| clock::utc(flow.expires_at) > clock::now())
        .filter(|flow| {
            browser_hash
                .as_deref()
                .is_some_and(|hash| hashes_match(&flow.browser_hash, hash))
        })
        .map(|flow| PendingFlow {
            nonce: flow.nonce,
            pkce_verifier: flow.pkce_verifier,
            next: flow.next_path,
        }))
}
