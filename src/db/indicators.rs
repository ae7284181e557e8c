//! Queries behind the indicator.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, SmallInt, Text};

use super::schema::{contributions, indicator_milestones};
use super::{DbConnection, DbError};
use crate::domain::indicator_counts::{CountedFacts, Counts};
use crate::domain::{AuthorKind, Channel, ContributionStatus};

/// Contributions alike in everything the indicator counts; `date()`
/// exists on both backends.
#[derive(QueryableByName)]
struct TallyRow {
    #[diesel(sql_type = Text)]
    channel: Channel,
    #[diesel(sql_type = Text)]
    thematic_area: String,
    #[diesel(sql_type = Nullable<SmallInt>)]
    quartiere: Option<i16>,
    #[diesel(sql_type = Text)]
    author_kind: AuthorKind,
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = Text)]
    status: ContributionStatus,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// The columns and grouping of a tally of the rows of `source` that meet
/// `condition`.
fn tally_sql(source: &str, condition: &str) -> String {
    format!(
        "SELECT channel, thematic_area, quartiere, author_kind, date(received_at) AS day, \
                status, COUNT(*) AS count \
         FROM {source} WHERE {condition} \
         GROUP BY channel, thematic_area, quartiere, author_kind, date(received_at), status"
    )
}

/// Runs a tally query: how many rows it grouped, and what they count for.
fn tally(conn: &mut DbConnection, sql: &str) -> Result<(i64, Counts), DbError> {
    let rows: Vec<TallyRow> = diesel::sql_query(sql).load(conn)?;
    let mut counts = Counts::default();
    let mut total = 0;
    for row in &rows {
        total += row.count;
        let facts = CountedFacts {
            channel: row.channel,
            status: row.status,
            thematic_area: &row.thematic_area,
            quartiere: row.quartiere,
            author_kind: row.author_kind,
            day: row.day,
        };
        counts.add(&facts, row.count);
    }
    Ok((total, counts))
}

/// The running counts recounted from the contributions themselves: a
/// scan of every contribution, for checking and rebuilding the
/// counters, never for serving the indicator.
pub fn recount(conn: &mut DbConnection) -> Result<Counts, DbError> {
    let (_, counts) = tally(conn, &tally_sql("contributions", "TRUE"))?;
    Ok(counts)
}

/// Deletes the demo contributions; answers how many went and what they
/// counted for, as one statement on PostgreSQL, so that a moderator's change
/// to a demo row cannot fall between the count and the delete (SQLite holds
/// its write lock from `BEGIN IMMEDIATE`).
pub fn delete_demo_contributions(conn: &mut DbConnection) -> Result<(i64, Counts), DbError> {
    match conn {
        DbConnection::Pg(_) => {
            let sql = format!(
                "WITH gone AS (DELETE FROM contributions WHERE demo \
                 RETURNING channel, thematic_area, quartiere, author_kind, received_at, status) {}",
                tally_sql("gone", "TRUE")
            );
            tally(conn, &sql)
        }
        DbConnection::Sqlite(_) => {
            let gone = tally(conn, &tally_sql("contributions", "demo"))?;
            diesel::delete(contributions::table.filter(contributions::demo.eq(true)))
                .execute(conn)?;
            Ok(gone)
        }
    }
}

pub fn reached_at(conn: &mut DbConnection, target: i64) -> Result<Option<NaiveDateTime>, DbError> {
    Ok(indicator_milestones::table
        .filter(indicator_milestones::target.eq(target))
        .select(indicator_milestones::reached_at)
        .first(conn)
        .optional()?)
}

const UNCOUNTED: [ContributionStatus; 2] =
    [ContributionStatus::Spam, ContributionStatus::Duplicate];

/// Records when the counted total first reached `target`, if it has and it
/// was not recorded yet. The time is when the target-th counted contribution
/// arrived, so it is exact even when noticed late. Returns the newly
/// recorded time, so that the caller can announce it once, unless a demo
/// row reached it (`None` then too: demo data never causes a notice).
pub fn record_target_reached(
    conn: &mut DbConnection,
    target: i64,
) -> Result<Option<NaiveDateTime>, DbError> {
    // The counter first: until the target is reached this costs a few
    // rows, not a scan of the counted contributions.
    if target < 1
        || reached_at(conn, target)?.is_some()
        || super::indicator_counters::counted(conn)? < target
    {
        return Ok(None);
    }
    let uncounted = UNCOUNTED.map(ContributionStatus::as_str);
    let reaching: Option<(NaiveDateTime, bool)> = contributions::table
        .filter(contributions::channel.eq(Channel::Form.as_str()))
        .filter(contributions::status.ne_all(uncounted))
        .order(contributions::seq.asc())
        .select((contributions::received_at, contributions::demo))
        .offset(target - 1)
        .first(conn)
        .optional()?;
    let Some((reached_at, by_demo)) = reaching else {
        return Ok(None);
    };
    let row = (
        indicator_milestones::target.eq(target),
        indicator_milestones::reached_at.eq(reached_at),
        indicator_milestones::demo.eq(by_demo),
    );
    // Two transactions may notice at once: the second one inserts nothing.
    let inserted = match conn {
        DbConnection::Pg(pg) => diesel::insert_into(indicator_milestones::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(indicator_milestones::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(sqlite)?,
    };
    Ok((inserted == 1 && !by_demo).then_some(reached_at))
}
