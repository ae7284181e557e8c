//! Sign-ins begun with the identity provider, found by the hash of their
//! OAuth state.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::oidc_flows;
use super::{DbConnection, DbError};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = oidc_flows)]
pub struct OidcFlowRow {
    pub state_hash: String,
    pub browser_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub next_path: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, flow: &OidcFlowRow) -> Result<(), DbError> {
    diesel::insert_into(oidc_flows::table)
        .values(flow.clone())
        .execute(conn)?;
    Ok(())
}

/// The flow with this state hash, deleted as it is read: `None` when there
/// is none, or when another request took it first.
pub fn take(conn: &mut DbConnection, state_hash: &str) -> Result<Option<OidcFlowRow>, DbError> {
    let Some(flow) = oidc_flows::table
        .filter(oidc_flows::state_hash.eq(state_hash))
        .select(oidc_flows::all_columns)
        .first::<OidcFlowRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let deleted = diesel::delete(oidc_flows::table.filter(oidc_flows::state_hash.eq(state_hash)))
        .execute(conn)?;
    Ok((deleted == 1).then_some(flow))
}

/// Deletes the flows that expired before `cutoff`.
pub fn delete_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(oidc_flows::table.filter(oidc_flows::expires_at.lt(cutoff)))
            .execute(conn)?,
    )
}

/// Deletes the oldest flows so that at most `keep` remain.
pub fn keep_newest(conn: &mut DbConnection, keep: i64) -> Result<usize, DbError> {
    let stored: i64 = oidc_flows::table.count().get_result(conn)?;
    if stored <= keep {
        return Ok(0);
    }
    let oldest: Vec<String> = oidc_flows::table
        .order((oidc_flows::created_at.asc(), oidc_flows::state_hash.asc()))
        .select(oidc_flows::state_hash)
        .limit(stored - keep)
        .load(conn)?;
    Ok(
        diesel::delete(oidc_flows::table.filter(oidc_flows::state_hash.eq_any(oldest)))
            .execute(conn)?,
    )
}
