//! Small values the service keeps for itself (last digest time, generated keys).

use diesel::prelude::*;

use super::schema::settings;
use super::{DbConnection, DbError};

pub fn get(conn: &mut DbConnection, key: &str) -> Result<Option<String>, DbError> {
    Ok(settings::table
        .filter(settings::key.eq(key))
        .select(settings::value)
        .first(conn)
        .optional()?)
}

/// Stores `value` unless the key exists; returns the value now stored.
pub fn get_or_insert(conn: &mut DbConnection, key: &str, value: &str) -> Result<String, DbError> {
    let row = (settings::key.eq(key), settings::value.eq(value));
    match conn {
        DbConnection::Pg(pg) => diesel::insert_into(settings::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(settings::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(sqlite)?,
    };
    get(conn, key)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
}

/// Replaces `expected` by `value`; false when another process changed it first.
pub fn compare_and_set(
    conn: &mut DbConnection,
    key: &str,
    expected: &str,
    value: &str,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        settings::table
            .filter(settings::key.eq(key))
            .filter(settings::value.eq(expected)),
    )
    .set(settings::value.eq(value))
    .execute(conn)?;
    Ok(updated == 1)
}

pub fn delete(conn: &mut DbConnection, key: &str) -> Result<(), DbError> {
    diesel::delete(settings::table.filter(settings::key.eq(key))).execute(conn)?;
    Ok(())
}
