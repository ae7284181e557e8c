//! Console sessions: begun by a sign-in, resumed on every console request,
//! ended by sign-out, expiry or the account's deactivation.

use crate::app::{AppError, Resource};
use crate::clock;
use crate::db::console_sessions;
use crate::db::staff::{self, StaffRow};
use crate::db::{audit, Db, DbConnection, DbError};
use crate::domain::console_session::{new_session_token, SessionPolicy};
use crate::domain::staff::{hashes_match, token_hash, AccessToken};
use crate::domain::{Actor, AuditEvent, StaffId};

/// A session is marked as used at most this often, so that reading pages
/// does not write on every request.
const TOUCH_EVERY_SECONDS: i64 = 30;

/// How a staff member proved who they are, as the audit log records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    EmailLink,
    Oidc,
}

impl SignInMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            SignInMethod::EmailLink => "email_link",
            SignInMethod::Oidc => "oidc",
        }
    }
}

/// Begins a session for an active account inside the caller's transaction
/// and audits the sign-in; the token exists only in the answer (the cookie).
/// Sessions that can no longer be resumed are cleared on the way.
pub fn begin_in(
    conn: &mut DbConnection,
    policy: SessionPolicy,
    account: &StaffRow,
    method: SignInMethod,
) -> Result<AccessToken, DbError> {
    let now = clock::now();
    console_sessions::delete_expired(
        conn,
        (now - policy.idle).naive_utc(),
        (now - policy.absolute).naive_utc(),
    )?;
    let now = now.naive_utc();
    let token = new_session_token();
    console_sessions::insert(conn, &token.hash(), account.id, now)?;
    audit::record(
        conn,
        Actor::Staff(account.id),
        AuditEvent::console_signed_in(account.id, method.as_str()),
        now,
    )?;
    Ok(token)
}

/// Begins a session for the active account `staff_id` (tests, and fronts
/// that verified the account themselves).
pub async fn begin(
    db: &Db,
    policy: SessionPolicy,
    staff_id: StaffId,
    method: SignInMethod,
) -> Result<AccessToken, AppError> {
    db.write(move |conn| {
        let account = staff::find(conn, staff_id)?
            .filter(|account| account.active)
            .ok_or(AppError::NotFound(Resource::Staff))?;
        Ok(begin_in(conn, policy, &account, method)?)
    })
    .await
}

/// The account of the live session holding `token`. An expired session, or
/// one whose account was deactivated, is deleted and gives `None`.
pub async fn resume(
    db: &Db,
    policy: SessionPolicy,
    token: String,
) -> Result<Option<StaffRow>, AppError> {
    let hash = token_hash(&token);
    let lookup = hash.clone();
    let found = db
        .read(move |conn| console_sessions::find(conn, &lookup))
        .await?;
    let Some((session, account)) = found else {
        return Ok(None);
    };
    if !hashes_match(&session.token_hash, &hash) {
        return Ok(None);
    }
    let now = clock::now();
    let created = clock::utc(session.created_at);
    let last_seen = clock::utc(session.last_seen_at);
    if !account.active || policy.expired(created, last_seen, now) {
        db.write(move |conn| console_sessions::delete(conn, &hash))
            .await?;
        return Ok(None);
    }
    if (now - last_seen).num_seconds() >= TOUCH_EVERY_SECONDS {
        let now = now.naive_utc();
        db.write(move |conn| console_sessions::touch(conn, &hash, now))
            .await?;
    }
    Ok(Some(account))
}

/// Signs out: ends the session holding `token` and audits it. Nothing
/// happens for a session that already ended.
pub async fn end(db: &Db, token: String) -> Result<(), AppError> {
    let hash = token_hash(&token);
    db.write(move |conn| {
        if let Some((_, account)) = console_sessions::find(conn, &hash)? {
            if console_sessions::delete(conn, &hash)? {
                let now = clock::now().naive_utc();
                let event = AuditEvent::console_signed_out(account.id);
                audit::record(conn, Actor::Staff(account.id), event, now)?;
            }
        }
        Ok(())
    })
    .await
}

/// Ends every session of an account (deactivation, an admin's action), in
/// the caller's transaction; how many there were.
pub fn end_all_in(conn: &mut DbConnection, staff_id: StaffId) -> Result<usize, DbError> {
    console_sessions::delete_for_staff(conn, staff_id)
}

/// Ends every session of an account; how many there were.
pub async fn end_all(db: &Db, staff_id: StaffId) -> Result<usize, AppError> {
    Ok(db.write(move |conn| end_all_in(conn, staff_id)).await?)
}

/// How many sessions an account has open.
pub async fn count(db: &Db, staff_id: StaffId) -> Result<i64, AppError> {
    Ok(db
        .read(move |conn| console_sessions::count_for_staff(conn, staff_id))
        .await?)
}
