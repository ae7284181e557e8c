//! The quota of accepted submissions per client, shared by the processes
//! on one PostgreSQL database (see migration `2026-12-05-000080`). On SQLite
//! the quota lives in the process and this table does not exist, hence
//! these queries take the PostgreSQL connection itself.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::Timestamp;
use diesel::upsert::excluded;

use super::schema::submission_quotas;

/// The database's clock, in UTC like every stored time: every process
/// reads the same clock, whatever its own machine's says.
fn database_now() -> diesel::expression::SqlLiteral<Timestamp> {
    sql::<Timestamp>("(clock_timestamp() AT TIME ZONE 'UTC')")
}

/// A client's row as read, with the database's time of the reading.
#[derive(Debug, Queryable)]
pub struct ClientQuota {
    pub client: String,
    pub full_at: NaiveDateTime,
    pub now: NaiveDateTime,
}

/// Locks the rows of `clients` until the transaction ends, creating the
/// missing ones (a full quota), and reads them. Rows are taken in the
/// order of their keys, so two transactions that share clients never wait
/// on each other in a cycle; an expiry that deleted a row meanwhile does
/// not lose the update, because the upsert then inserts it.
pub fn lock(conn: &mut PgConnection, clients: &[&str]) -> QueryResult<Vec<ClientQuota>> {
    let mut clients = clients.to_vec();
    clients.sort_unstable();
    clients.dedup();
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    let full_quota = chrono::DateTime::UNIX_EPOCH.naive_utc();
    let rows: Vec<_> = clients
        .iter()
        .map(|client| {
            (
                submission_quotas::client.eq(*client),
                submission_quotas::full_at.eq(full_quota),
            )
        })
        .collect();
    // The update that changes nothing is what locks an existing row.
    diesel::insert_into(submission_quotas::table)
        .values(&rows)
        .on_conflict(submission_quotas::client)
        .do_update()
        .set(submission_quotas::full_at.eq(submission_quotas::full_at))
        .returning((
            submission_quotas::client,
            submission_quotas::full_at,
            database_now(),
        ))
        .load(conn)
}

/// Writes the new times of rows locked by [`lock`] in this transaction.
pub fn set(conn: &mut PgConnection, full_at: &[(&str, NaiveDateTime)]) -> QueryResult<()> {
    if full_at.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = full_at
        .iter()
        .map(|(client, at)| {
            (
                submission_quotas::client.eq(*client),
                submission_quotas::full_at.eq(*at),
            )
        })
        .collect();
    diesel::insert_into(submission_quotas::table)
        .values(&rows)
        .on_conflict(submission_quotas::client)
        .do_update()
        .set(submission_quotas::full_at.eq(excluded(submission_quotas::full_at)))
        .execute(conn)?;
    Ok(())
}

/// A client's row as it stands, without locking it; `None` for a client
/// with a full quota and no row.
pub fn read(conn: &mut PgConnection, client: &str) -> QueryResult<Option<ClientQuota>> {
    submission_quotas::table
        .find(client)
        .select((
            submission_quotas::client,
            submission_quotas::full_at,
            database_now(),
        ))
        .first(conn)
        .optional()
}

/// The rows of `clients` as they stand, without locking them; a client
/// with a full quota may have none.
pub fn read_all(conn: &mut PgConnection, clients: &[&str]) -> QueryResult<Vec<ClientQuota>> {
    if clients.is_empty() {
        return Ok(Vec::new());
    }
    submission_quotas::table
        .filter(submission_quotas::client.eq_any(clients))
        .select((
            submission_quotas::client,
            submission_quotas::full_at,
            database_now(),
        ))
        .load(conn)
}

/// Deletes the rows of clients whose quota is full again. Rows locked by a
/// submission in progress are skipped (they are in use), so the expiry
/// never waits for a submission nor makes one wait.
pub fn expire(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::sql_query(
        "DELETE FROM submission_quotas WHERE client IN (
             SELECT client FROM submission_quotas
             WHERE full_at < (clock_timestamp() AT TIME ZONE 'UTC')
             FOR UPDATE SKIP LOCKED)",
    )
    .execute(conn)
}
