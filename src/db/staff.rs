//! Staff accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::staff;
use super::stored::naming_row;
use super::{DbConnection, DbError};
use crate::domain::{Role, StaffId};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    pub id: StaffId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub token_hash: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub deactivated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = staff)]
pub struct NewStaffRow<'a> {
    pub id: StaffId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub token_hash: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &NewStaffRow<'_>) -> Result<StaffRow, DbError> {
    Ok(diesel::insert_into(staff::table)
        .values(row)
        .returning(staff::all_columns)
        .get_result(conn)?)
}

/// The active account holding the token with this hash.
pub fn find_active_by_token_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<StaffRow>, DbError> {
    Ok(staff::table
        .filter(staff::token_hash.eq(hash))
        .filter(staff::active.eq(true))
        .select(StaffRow::as_select())
        .first(conn)
        .optional()?)
}

/// The active account with this (lowercase) address.
pub fn find_active_by_email(
    conn: &mut DbConnection,
    email: &str,
) -> Result<Option<StaffRow>, DbError> {
    Ok(staff::table
        .filter(staff::email.eq(email))
        .filter(staff::active.eq(true))
        .select(StaffRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut DbConnection, id: StaffId) -> Result<Option<StaffRow>, DbError> {
    let found = staff::table
        .filter(staff::id.eq(id))
        .select(StaffRow::as_select())
        .first(conn)
        .optional();
    naming_row(found, "staff", id)
}

pub fn email_taken(conn: &mut DbConnection, email: &str) -> Result<bool, DbError> {
    let count: i64 = staff::table
        .filter(staff::email.eq(email))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<StaffRow>, DbError> {
    Ok(staff::table
        .order(staff::created_at.asc())
        .select(StaffRow::as_select())
        .load(conn)?)
}

/// Deactivates an account; its token stops working at once.
pub fn deactivate(
    conn: &mut DbConnection,
    id: StaffId,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let changed = diesel::update(
        staff::table
            .filter(staff::id.eq(id))
            .filter(staff::active.eq(true)),
    )
    .set((staff::active.eq(false), staff::deactivated_at.eq(Some(now))))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Active accounts with one of `roles`, for notices.
pub fn list_active_with_roles(
    conn: &mut DbConnection,
    roles: &[Role],
) -> Result<Vec<StaffRow>, DbError> {
    Ok(staff::table
        .filter(staff::active.eq(true))
        .filter(staff::role.eq_any(roles.to_vec()))
        .order(staff::created_at.asc())
        .select(StaffRow::as_select())
        .load(conn)?)
}

/// What an admin may change on an account; `None` leaves a field as it is.
#[derive(Clone, Debug, Default, AsChangeset)]
#[diesel(table_name = staff)]
pub struct StaffChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    /// `Some(None)` clears it on reactivation.
    pub deactivated_at: Option<Option<NaiveDateTime>>,
}

pub fn update(conn: &mut DbConnection, id: StaffId, changes: &StaffChanges) -> Result<(), DbError> {
    diesel::update(staff::table.filter(staff::id.eq(id)))
        .set(changes)
        .execute(conn)?;
    Ok(())
}

pub fn set_token_hash(conn: &mut DbConnection, id: StaffId, hash: &str) -> Result<(), DbError> {
    diesel::update(staff::table.filter(staff::id.eq(id)))
        .set(staff::token_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}
