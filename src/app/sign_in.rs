//! Signing in to the console by e-mail link: a single-use link, valid for
//! [`LINK_MINUTES`], sent to an active account's address (or printed by the
//! command line for the first admin); redeeming it begins a session.

use chrono::Duration;

use crate::app::console_sessions::{self, SignInMethod};
use crate::app::{AppError, Resource};
use crate::clock;
use crate::db::staff::{self, StaffRow};
use crate::db::{sign_in_links, Db, DbConnection, DbError};
use crate::domain::console_session::SessionPolicy;
use crate::domain::staff::{hashes_match, token_hash, AccessToken};
use crate::domain::EmailAddress;
use crate::mail::{notices, MailContext};

/// How long a sign-in link works.
pub const LINK_MINUTES: i64 = 15;
/// Prefix of a sign-in link's token.
const LINK_PREFIX: &str = "rfl_";

/// A new link for `account` in the caller's transaction: the URL to open,
/// which holds the only copy of the token.
fn new_link(
    conn: &mut DbConnection,
    public_url: &str,
    account: &StaffRow,
    next: &str,
) -> Result<String, DbError> {
    let now = clock::now();
    // Links past their time are useless: cleared as new ones are made.
    sign_in_links::delete_expired(conn, now.naive_utc())?;
    let token = AccessToken::with_prefix(LINK_PREFIX);
    let expires_at = now + Duration::minutes(LINK_MINUTES);
    sign_in_links::insert(
        conn,
        &token.hash(),
        account.id,
        now.naive_utc(),
        expires_at.naive_utc(),
    )?;
    let query = serde_urlencoded::to_string([("token", token.as_str()), ("next", next)])
        .unwrap_or_else(|_| format!("token={}", token.as_str()));
    Ok(format!("{public_url}/console/accesso/link?{query}"))
}

/// Sends a sign-in link to `email` when it is an active account's address;
/// otherwise does nothing. The caller answers the same either way, so the
/// form tells no one which addresses have accounts.
pub async fn send_link(
    db: &Db,
    mail: &MailContext,
    email: EmailAddress,
    next: String,
) -> Result<(), AppError> {
    let mail = mail.clone();
    let address = email.as_str().to_lowercase();
    db.write(move |conn| {
        let Some(account) = staff::find_active_by_email(conn, &address)? else {
            return Ok(());
        };
        let link = new_link(conn, &mail.public_url, &account, &next)?;
        let now = clock::now().naive_utc();
        notices::sign_in_link(conn, &mail, &account, &link, LINK_MINUTES, now)?;
        Ok(())
    })
    .await
}

/// A sign-in link for the active account `email`, for the command line.
pub async fn link_for(db: &Db, public_url: &str, email: EmailAddress) -> Result<String, AppError> {
    let public_url = public_url.to_owned();
    let address = email.as_str().to_lowercase();
    db.write(move |conn| {
        let account = staff::find_active_by_email(conn, &address)?
            .ok_or(AppError::NotFound(Resource::Staff))?;
        Ok(new_link(conn, &public_url, &account, "/console/")?)
    })
    .await
}

/// Why a link opened no session (for the log; people are told only that
/// the link does not work).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRefused {
    Unknown,
    Used,
    Expired,
    AccountInactive,
}

/// Spends the link holding `token` and begins a session for its account:
/// the account and the session's token, or why not. A refused link changes
/// nothing.
pub async fn redeem_link(
    db: &Db,
    policy: SessionPolicy,
    token: String,
) -> Result<Result<(StaffRow, AccessToken), LinkRefused>, AppError> {
    let hash = token_hash(&token);
    db.write(move |conn| {
        let Some((link, account)) = sign_in_links::find(conn, &hash)? else {
            return Ok(Err(LinkRefused::Unknown));
        };
        let now = clock::now();
        let refused = if !hashes_match(&link.token_hash, &hash) {
            Some(LinkRefused::Unknown)
        } else if link.used_at.is_some() {
            Some(LinkRefused::Used)
        } else if clock::utc(link.expires_at) <= now {
            Some(LinkRefused::Expired)
        } else if !account.active {
            Some(LinkRefused::AccountInactive)
        } else {
            None
        };
        if let Some(refused) = refused {
            return Ok(Err(refused));
        }
        if !sign_in_links::mark_used(conn, &hash, now.naive_utc())? {
            return Ok(Err(LinkRefused::Used));
        }
        let session = console_sessions::begin_in(conn, policy, &account, SignInMethod::EmailLink)?;
        Ok(Ok((account, session)))
    })
    .await
}
