//! Stored answers of submissions made with an `Idempotency-Key`.

use diesel::prelude::*;

use super::models::IdempotencyRow;
use super::schema::idempotency_keys;
use super::{on_backend, DbConnection, DbError};

pub fn find(conn: &mut DbConnection, key: &str) -> Result<Option<IdempotencyRow>, DbError> {
    Ok(idempotency_keys::table
        .filter(idempotency_keys::key.eq(key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records the answer; fails with a unique violation when another request
/// stored the same key first, which rolls the whole submission back.
pub fn remember(conn: &mut DbConnection, rows: &[IdempotencyRow]) -> Result<(), DbError> {
    if !rows.is_empty() {
        on_backend!(conn, |conn| diesel::insert_into(idempotency_keys::table)
            .values(rows)
            .execute(conn))?;
    }
    Ok(())
}
