//! The near-duplicate index: each contribution's band keys (see
//! `domain::similarity`), written in the transaction that stores it
//! (`contributions::insert`, `insert_all`, the demo data's batches), so that
//! a search reads candidates through the primary key's index and never
//! rebuilds anything. Contributions stored before the index existed are
//! added by [`backfill_batch`], newest first.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::schema::{contributions, similarity_bands};
use super::{on_backend, settings, DbConnection, DbError};
use crate::domain::similarity::Fingerprint;

/// Rows per insert: two parameters each, under SQLite's 32,766.
const INSERT_CHUNK: usize = 10_000;

/// The setting that holds the sequence number below which contributions
/// still lack their keys; absent once every one has them.
const BACKFILL_BELOW: &str = "similarity_backfill_below";

/// Writes the band keys of contributions, given as `(seq, title, body)`.
pub fn insert_for<'a>(
    conn: &mut DbConnection,
    texts: impl IntoIterator<Item = (i64, &'a str, &'a str)>,
) -> Result<(), DbError> {
    let rows: Vec<BandRow> = texts
        .into_iter()
        .flat_map(|(seq, title, body)| {
            BandRow::of(seq, Fingerprint::of_contribution(title, body).band_keys())
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        // A contribution indexed twice (two processes backfilling the same
        // batch) keeps one copy of each key.
        on_backend!(conn, |conn| diesel::insert_into(similarity_bands::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(conn))?;
    }
    Ok(())
}

/// One band key of one contribution, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Insertable)]
#[diesel(table_name = similarity_bands, treat_none_as_default_value = false)]
pub struct BandRow {
    pub band_key: i64,
    pub contribution_seq: i64,
}

impl BandRow {
    /// The rows of a contribution of sequence number `seq` and band keys `keys`.
    pub fn of(seq: i64, keys: impl IntoIterator<Item = i64>) -> impl Iterator<Item = BandRow> {
        keys.into_iter().map(move |band_key| BandRow {
            band_key,
            contribution_seq: seq,
        })
    }
}

/// Writes the band keys of contributions stored in this transaction, which
/// have none yet, so no key can conflict. On PostgreSQL through `COPY`:
/// sixteen rows per contribution are the largest part of a bulk load, and
/// `COPY` neither parses their values as a statement nor looks each one up
/// in the primary key first, as `ON CONFLICT` does.
pub fn insert_new(conn: &mut DbConnection, rows: &[BandRow]) -> Result<(), DbError> {
    match conn {
        DbConnection::Pg(pg) => {
            diesel::copy_from(similarity_bands::table)
                .from_insertable(rows)
                .execute(pg)?;
        }
        DbConnection::Sqlite(sqlite) => {
            for chunk in rows.chunks(INSERT_CHUNK) {
                diesel::insert_into(similarity_bands::table)
                    .values(chunk)
                    .execute(sqlite)?;
            }
        }
    }
    Ok(())
}

/// Contributions read per band key at most. A key stands for a tenth of a
/// text or less, and some are shared by thousands of alike texts (at a
/// million demo contributions, one by 28,477): those add little but cost
/// the whole search, so only the oldest of them (where an original is) are
/// read. A near-duplicate shares many keys, and is found through the others.
const PER_KEY: i64 = 1_000;

#[derive(QueryableByName)]
struct Candidate {
    #[diesel(sql_type = BigInt)]
    contribution_seq: i64,
}

/// The contributions other than `except_seq` sharing at least one of
/// `keys`, those sharing the most first (then the oldest), `limit` at most.
/// Reads only the primary key's index, [`PER_KEY`] entries per key at most.
pub fn candidates(
    conn: &mut DbConnection,
    keys: &[i64],
    except_seq: i64,
    limit: i64,
) -> Result<Vec<i64>, DbError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    // Numbers only, written into the statement: one round trip for all
    // keys, each its own bounded range of the index.
    let per_key: Vec<String> = keys
        .iter()
        .enumerate()
        .map(|(index, key)| {
            format!(
                "SELECT * FROM (SELECT contribution_seq FROM similarity_bands \
                 WHERE band_key = {key} AND contribution_seq <> {except_seq} \
                 ORDER BY contribution_seq LIMIT {PER_KEY}) AS key_{index}"
            )
        })
        .collect();
    let sql = format!(
        "SELECT contribution_seq FROM ({}) AS shared_keys \
         GROUP BY contribution_seq ORDER BY COUNT(*) DESC, contribution_seq LIMIT {limit}",
        per_key.join(" UNION ALL ")
    );
    let found: Vec<Candidate> = diesel::sql_query(sql).load(conn)?;
    Ok(found.into_iter().map(|c| c.contribution_seq).collect())
}

/// Deletes the keys of the demo contributions (before they go).
pub fn delete_demo(conn: &mut DbConnection) -> Result<(), DbError> {
    let demo = contributions::table
        .filter(contributions::demo.eq(true))
        .select(contributions::seq);
    diesel::delete(similarity_bands::table.filter(similarity_bands::contribution_seq.eq_any(demo)))
        .execute(conn)?;
    Ok(())
}

/// How a backfill stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backfill {
    /// Every contribution has its keys.
    Done,
    /// This many more contributions got their keys; others may remain.
    Indexed(usize),
}

#[derive(QueryableByName)]
struct Remaining {
    #[diesel(sql_type = BigInt)]
    remaining: i64,
}

/// Gives up to `batch` of the newest contributions still without keys
/// their keys, in the caller's transaction. The batch is claimed first by
/// moving the setting down (compare-and-set), so processes backfilling at
/// once take turns rather than repeating each other's work.
pub fn backfill_batch(conn: &mut DbConnection, batch: i64) -> Result<Backfill, DbError> {
    let Some(stored) = settings::get(conn, BACKFILL_BELOW)? else {
        return Ok(Backfill::Done);
    };
    let below: i64 = stored.parse().map_err(|_| DbError::StoredValue {
        row: format!("settings {BACKFILL_BELOW}"),
        problem: format!("{stored:?} is not a sequence number"),
    })?;
    let texts: Vec<(i64, String, String)> = contributions::table
        .filter(contributions::seq.lt(below))
        .order(contributions::seq.desc())
        .limit(batch)
        .select((
            contributions::seq,
            contributions::title,
            contributions::body,
        ))
        .load(conn)?;
    let Some(lowest) = texts.last().map(|(seq, ..)| *seq) else {
        settings::delete(conn, BACKFILL_BELOW)?;
        return Ok(Backfill::Done);
    };
    if !settings::compare_and_set(conn, BACKFILL_BELOW, &stored, &lowest.to_string())? {
        // Another process took this batch.
        return Ok(Backfill::Indexed(0));
    }
    insert_for(
        conn,
        texts
            .iter()
            .map(|(seq, title, body)| (*seq, title.as_str(), body.as_str())),
    )?;
    Ok(Backfill::Indexed(texts.len()))
}

/// How many contributions still wait for their keys.
pub fn backfill_remaining(conn: &mut DbConnection) -> Result<i64, DbError> {
    let Some(stored) = settings::get(conn, BACKFILL_BELOW)? else {
        return Ok(0);
    };
    let below = stored.parse::<i64>().unwrap_or(i64::MAX);
    let row: Remaining = diesel::sql_query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS remaining FROM contributions WHERE seq < $1",
    )
    .bind::<BigInt, _>(below)
    .get_result(conn)?;
    Ok(row.remaining)
}
