//! The author groups of contributions (`author_group`, see `app::authors`):
//! finding a contribution by its confirmation token, and joining an
//! address's confirmed contributions into one group.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::contributions;
use super::{DbConnection, DbError};

/// What the confirmation page needs of a contribution.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = contributions)]
pub struct ConfirmationRow {
    pub seq: i64,
    pub email_normalised: Option<String>,
    pub author_confirmed_at: Option<NaiveDateTime>,
}

/// The contribution whose confirmation token hashes to `token_hash`, while
/// it still has its address (erasure clears the token).
pub fn find_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<ConfirmationRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::confirmation_token_hash.eq(token_hash))
        .filter(contributions::email_normalised.is_not_null())
        .select(ConfirmationRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks the contribution `seq` as confirmed by its author at `now`; false
/// when it already was.
pub fn mark_confirmed(
    conn: &mut DbConnection,
    seq: i64,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        contributions::table
            .filter(contributions::seq.eq(seq))
            .filter(contributions::author_confirmed_at.is_null()),
    )
    .set(contributions::author_confirmed_at.eq(Some(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Gives every confirmed contribution of the address `normalised` the group
/// of its first confirmed one, so that they share one pseudonym. Run after
/// each confirmation, it also mends groups that two confirmations at the
/// same moment may have split.
pub fn join_address_group(conn: &mut DbConnection, normalised: &str) -> Result<(), DbError> {
    let confirmed = contributions::table
        .filter(contributions::email_normalised.eq(normalised))
        .filter(contributions::author_confirmed_at.is_not_null());
    let first: Option<Option<String>> = confirmed
        .order(contributions::seq.asc())
        .select(contributions::author_group)
        .first(conn)
        .optional()?;
    if let Some(Some(group)) = first {
        diesel::update(confirmed)
            .set(contributions::author_group.eq(group))
            .execute(conn)?;
    }
    Ok(())
}
