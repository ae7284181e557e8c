//! The running counts of the indicator and of the moderation queue (see
//! `domain::indicator_counts`), kept in
//! the transaction of every write that changes what they count: the
//! contributions' inserts (`contributions::insert`, `insert_all`, the demo
//! data's batches), moderation (`contributions::update_if_version`) and the
//! removal of demo data. Erasure and retention change no counted fact.
//!
//! On PostgreSQL a counter's row stays locked until its transaction
//! commits, so each counter is split over [`STRIPES`] rows, summed when
//! read: a transaction adds to one stripe drawn at random, and concurrent
//! writers seldom wait for each other. SQLite has one writer at a time and
//! uses stripe 0 only.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::upsert::excluded;

use super::schema::indicator_counters;
use super::{on_backend, DbConnection, DbError};
use crate::domain::indicator_counts::{CountedFacts, Counter, CounterCheck, Counts};

/// Rows per counter on PostgreSQL: with the two submission writers of each
/// process and a few moderators, two transactions rarely draw the same one.
pub const STRIPES: i16 = 16;

/// Rows per statement when the counters are rewritten, well under every
/// backend's parameter limit.
const CHUNK: usize = 1_000;

/// Adds `change` to the counters. Rows are written in the counters' order,
/// so two transactions on the same stripe never wait for each other in a
/// cycle.
pub fn add(conn: &mut DbConnection, change: &Counts) -> Result<(), DbError> {
    let stripe = match conn {
        DbConnection::Pg(_) => rand::random_range(0..STRIPES),
        DbConnection::Sqlite(_) => 0,
    };
    let rows = rows_of(change, stripe);
    if rows.is_empty() {
        return Ok(());
    }
    on_backend!(conn, |conn| diesel::insert_into(indicator_counters::table)
        .values(&rows)
        .on_conflict((
            indicator_counters::dimension,
            indicator_counters::value,
            indicator_counters::stripe,
        ))
        .do_update()
        .set(
            indicator_counters::tally
                .eq(indicator_counters::tally + excluded(indicator_counters::tally))
        )
        .execute(conn))?;
    Ok(())
}

/// Counts `facts` in: one new contribution each.
pub fn add_new<'a>(
    conn: &mut DbConnection,
    facts: impl IntoIterator<Item = CountedFacts<'a>>,
) -> Result<(), DbError> {
    let mut change = Counts::default();
    for facts in facts {
        change.add(&facts, 1);
    }
    add(conn, &change)
}

type CounterRow = (
    diesel::dsl::Eq<indicator_counters::dimension, &'static str>,
    diesel::dsl::Eq<indicator_counters::value, String>,
    diesel::dsl::Eq<indicator_counters::stripe, i16>,
    diesel::dsl::Eq<indicator_counters::tally, i64>,
);

fn rows_of(counts: &Counts, stripe: i16) -> Vec<CounterRow> {
    counts
        .iter()
        .map(|(counter, amount)| {
            (
                indicator_counters::dimension.eq(counter.dimension()),
                indicator_counters::value.eq(counter.value()),
                indicator_counters::stripe.eq(stripe),
                indicator_counters::tally.eq(amount),
            )
        })
        .collect()
}

#[derive(QueryableByName)]
struct TotalRow {
    #[diesel(sql_type = Text)]
    dimension: String,
    #[diesel(sql_type = Text)]
    value: String,
    #[diesel(sql_type = BigInt)]
    tally: i64,
}

/// Every counter's total: a few hundred rows, whatever the number of
/// contributions (one per area, quartiere, kind and day, and per status
/// with each of those, times the stripes).
pub fn totals(conn: &mut DbConnection) -> Result<Counts, DbError> {
    totals_where(conn, "TRUE")
}

/// The indicator's counters alone (see `Counter::is_indicator`).
pub fn indicator_totals(conn: &mut DbConnection) -> Result<Counts, DbError> {
    totals_where(conn, "dimension NOT LIKE 'status%'")
}

/// The moderation queue's counters of one kind: `dimension` is one of the
/// `status…` dimensions of `Counter`.
pub fn status_totals(conn: &mut DbConnection, dimension: &'static str) -> Result<Counts, DbError> {
    debug_assert!(dimension.starts_with("status"));
    totals_where(conn, &format!("dimension = '{dimension}'"))
}

/// `condition` is a constant of this module, never a caller's text.
fn totals_where(conn: &mut DbConnection, condition: &str) -> Result<Counts, DbError> {
    // SUM of a BIGINT is NUMERIC on PostgreSQL: cast back.
    let rows: Vec<TotalRow> = diesel::sql_query(format!(
        "SELECT dimension, value, CAST(SUM(tally) AS BIGINT) AS tally \
         FROM indicator_counters WHERE {condition} GROUP BY dimension, value"
    ))
    .load(conn)?;
    rows.into_iter()
        .map(|row| match Counter::parse(&row.dimension, &row.value) {
            Some(counter) => Ok((counter, row.tally)),
            None => Err(DbError::StoredValue {
                row: format!("indicator_counters {} {:?}", row.dimension, row.value),
                problem: "not a known counter".to_owned(),
            }),
        })
        .collect()
}

#[derive(QueryableByName)]
struct CountedRow {
    #[diesel(sql_type = BigInt)]
    counted: i64,
}

/// The `counted` total alone.
pub fn counted(conn: &mut DbConnection) -> Result<i64, DbError> {
    let row: CountedRow = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(tally), 0) AS BIGINT) AS counted \
         FROM indicator_counters WHERE dimension = 'counted'",
    )
    .get_result(conn)?;
    Ok(row.counted)
}

/// Recounts from the contributions and rewrites every counter with the
/// result (one stripe each); answers where the kept counters differed.
/// Concurrent writers wait meanwhile: on PostgreSQL the table is locked
/// against writes before the recount reads, so a transaction that already
/// counted commits first and is recounted, and one that has not yet counted
/// adds to the rebuilt counters after.
pub fn rebuild(conn: &mut DbConnection) -> Result<CounterCheck, DbError> {
    if let DbConnection::Pg(_) = conn {
        diesel::sql_query("LOCK TABLE indicator_counters IN EXCLUSIVE MODE").execute(conn)?;
    }
    let kept = totals(conn)?;
    let recounted = super::indicators::recount(conn)?;
    diesel::delete(indicator_counters::table).execute(conn)?;
    for chunk in rows_of(&recounted, 0).chunks(CHUNK) {
        on_backend!(conn, |conn| diesel::insert_into(indicator_counters::table)
            .values(chunk)
            .execute(conn))?;
    }
    Ok(CounterCheck::of(&kept, recounted))
}

/// Compares the counters with a recount from the contributions; both reads
/// should see one snapshot (see `Db::read_snapshot`).
pub fn check(conn: &mut DbConnection) -> Result<CounterCheck, DbError> {
    let kept = totals(conn)?;
    let recounted = super::indicators::recount(conn)?;
    Ok(CounterCheck::of(&kept, recounted))
}
