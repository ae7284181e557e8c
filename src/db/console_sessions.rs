//! Sessions of the staff console, found by the hash of their cookie's token.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{console_sessions, staff};
use super::staff::StaffRow;
use super::{DbConnection, DbError};
use crate::domain::StaffId;

#[derive(Clone, Debug, Queryable)]
pub struct SessionRow {
    pub token_hash: String,
    pub staff_id: StaffId,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    token_hash: &str,
    staff_id: StaffId,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(console_sessions::table)
        .values((
            console_sessions::token_hash.eq(token_hash),
            console_sessions::staff_id.eq(staff_id),
            console_sessions::created_at.eq(now),
            console_sessions::last_seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The session with this token hash and its account, whether or not the
/// account is still active.
pub fn find(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(SessionRow, StaffRow)>, DbError> {
    Ok(console_sessions::table
        .inner_join(staff::table)
        .filter(console_sessions::token_hash.eq(token_hash))
        .select((console_sessions::all_columns, StaffRow::as_select()))
        .first::<(SessionRow, StaffRow)>(conn)
        .optional()?)
}

/// Records that the session was used at `now`.
pub fn touch(conn: &mut DbConnection, token_hash: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(console_sessions::table.filter(console_sessions::token_hash.eq(token_hash)))
        .set(console_sessions::last_seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Ends one session; whether it existed.
pub fn delete(conn: &mut DbConnection, token_hash: &str) -> Result<bool, DbError> {
    let deleted =
        diesel::delete(console_sessions::table.filter(console_sessions::token_hash.eq(token_hash)))
            .execute(conn)?;
    Ok(deleted == 1)
}

/// Ends every session of one account; how many there were.
pub fn delete_for_staff(conn: &mut DbConnection, staff_id: StaffId) -> Result<usize, DbError> {
    Ok(
        diesel::delete(console_sessions::table.filter(console_sessions::staff_id.eq(staff_id)))
            .execute(conn)?,
    )
}

/// Deletes the sessions idle since before `idle_since` or started before
/// `started_since`: they can no longer be resumed.
pub fn delete_expired(
    conn: &mut DbConnection,
    idle_since: NaiveDateTime,
    started_since: NaiveDateTime,
) -> Result<usize, DbError> {
    Ok(diesel::delete(
        console_sessions::table.filter(
            console_sessions::last_seen_at
                .lt(idle_since)
                .or(console_sessions::created_at.lt(started_since)),
        ),
    )
    .execute(conn)?)
}

/// How many sessions an account has open, for the tests and the admin pages.
pub fn count_for_staff(conn: &mut DbConnection, staff_id: StaffId) -> Result<i64, DbError> {
    Ok(console_sessions::table
        .filter(console_sessions::staff_id.eq(staff_id))
        .count()
        .get_result(conn)?)
}
