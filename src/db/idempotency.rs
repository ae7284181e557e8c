//! Stored answers of requests made with an `Idempotency-Key`, by scope.

use diesel::prelude::*;

use super::models::IdempotencyRow;
use super::schema::idempotency_keys;
use super::{on_backend, DbConnection, DbError};

pub fn find(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, DbError> {
    Ok(idempotency_keys::table
        .filter(idempotency_keys::scope.eq(scope))
        .filter(idempotency_keys::key.eq(key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records the answers; fails with a unique violation when another request
/// stored the same key in the same scope first, which rolls the whole
/// request back.
pub fn remember(conn: &mut DbConnection, rows: &[IdempotencyRow]) -> Result<(), DbError> {
    if !rows.is_empty() {
        on_backend!(conn, |conn| diesel::insert_into(idempotency_keys::table)
            .values(rows)
            .execute(conn))?;
    }
    Ok(())
}
