//! Bulk loads on PostgreSQL. A million demo contributions put sixteen
//! million rows in `similarity_bands`; inserting them into a primary-key
//! index that outgrows the server's buffers costs more than the rest of the
//! load together, while building it once at the end takes seconds. So a load
//! into a database without contributions sets the key aside and builds it
//! again when done. The key's definition is kept in `settings` in the
//! transaction that drops it, so that a load that dies leaves the next start
//! of any `rinasce` command to build it again.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::schema::contributions;
use super::{settings, DbConnection, DbError};

/// The setting holding the dropped key's definition while it is set aside.
const SIMILARITY_KEY_SET_ASIDE: &str = "similarity_key_set_aside";

#[derive(QueryableByName)]
struct PrimaryKey {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    definition: String,
}

/// Drops the primary key of `similarity_bands` when no contribution is
/// stored yet, on PostgreSQL; whether it did. While it is aside, searches
/// for near-duplicates read the whole table.
pub fn set_similarity_key_aside(conn: &mut DbConnection) -> Result<bool, DbError> {
    if !matches!(conn, DbConnection::Pg(_)) {
        return Ok(false);
    }
    // Two loads starting at once take turns; the second finds the key gone.
    conn.batch_execute("LOCK TABLE similarity_bands IN ACCESS EXCLUSIVE MODE")?;
    let any_contribution = contributions::table
        .select(contributions::seq)
        .first::<i64>(conn)
        .optional()?;
    if any_contribution.is_some() {
        return Ok(false);
    }
    let key: Option<PrimaryKey> = diesel::sql_query(
        "SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS definition \
         FROM pg_constraint WHERE conrelid = 'similarity_bands'::regclass AND contype = 'p'",
    )
    .get_result(conn)
    .optional()?;
    let Some(key) = key else {
        return Ok(false);
    };
    conn.batch_execute(&format!(
        "ALTER TABLE similarity_bands DROP CONSTRAINT {}",
        key.name
    ))?;
    settings::get_or_insert(
        conn,
        SIMILARITY_KEY_SET_ASIDE,
        &format!("CONSTRAINT {} {}", key.name, key.definition),
    )?;
    Ok(true)
}

/// Builds the primary key of `similarity_bands` again if a load set it
/// aside; whether it did.
pub fn restore_similarity_key(conn: &mut DbConnection) -> Result<bool, DbError> {
    if !matches!(conn, DbConnection::Pg(_))
        || settings::get(conn, SIMILARITY_KEY_SET_ASIDE)?.is_none()
    {
        return Ok(false);
    }
    conn.batch_execute("LOCK TABLE similarity_bands IN ACCESS EXCLUSIVE MODE")?;
    // Another process may have built it while this one waited for the lock.
    let Some(definition) = settings::get(conn, SIMILARITY_KEY_SET_ASIDE)? else {
        return Ok(false);
    };
    // Sorting sixteen keys per contribution in memory rather than on disk.
    conn.batch_execute("SET LOCAL maintenance_work_mem = '256MB'")?;
    conn.batch_execute(&format!("ALTER TABLE similarity_bands ADD {definition}"))?;
    settings::delete(conn, SIMILARITY_KEY_SET_ASIDE)?;
    Ok(true)
}
