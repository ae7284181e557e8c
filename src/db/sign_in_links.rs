//! Sign-in links, found by the hash of their token.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{sign_in_links, staff};
use super::staff::StaffRow;
use super::{DbConnection, DbError};
use crate::domain::StaffId;

#[derive(Clone, Debug, Queryable)]
pub struct SignInLinkRow {
    pub token_hash: String,
    pub staff_id: StaffId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert(
    conn: &mut DbConnection,
    token_hash: &str,
    staff_id: StaffId,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(sign_in_links::table)
        .values((
            sign_in_links::token_hash.eq(token_hash),
            sign_in_links::staff_id.eq(staff_id),
            sign_in_links::created_at.eq(now),
            sign_in_links::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The link with this token hash and its account.
pub fn find(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(SignInLinkRow, StaffRow)>, DbError> {
    Ok(sign_in_links::table
        .inner_join(staff::table)
        .filter(sign_in_links::token_hash.eq(token_hash))
        .select((sign_in_links::all_columns, StaffRow::as_select()))
        .first::<(SignInLinkRow, StaffRow)>(conn)
        .optional()?)
}

/// Spends the link; false when it was already spent (by a concurrent use).
pub fn mark_used(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        sign_in_links::table
            .filter(sign_in_links::token_hash.eq(token_hash))
            .filter(sign_in_links::used_at.is_null()),
    )
    .set(sign_in_links::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Deletes the links that expired before `cutoff`.
pub fn delete_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(
        diesel::delete(sign_in_links::table.filter(sign_in_links::expires_at.lt(cutoff)))
            .execute(conn)?,
    )
}
