//! Queries behind the indicator.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, SmallInt, Text};

use super::schema::{contributions, indicator_milestones};
use super::{DbConnection, DbError};
use crate::domain::indicators::FormTally;
use crate::domain::{AuthorKind, Channel, ContributionStatus};

/// One group of form contributions; `date()` exists on both backends.
#[derive(QueryableByName)]
struct TallyRow {
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

/// Form contributions grouped by everything the indicator breaks down by.
pub fn form_tallies(conn: &mut DbConnection) -> Result<Vec<FormTally>, DbError> {
    let rows: Vec<TallyRow> = diesel::sql_query(
        "SELECT thematic_area, quartiere, author_kind, date(received_at) AS day, status, \
                COUNT(*) AS count \
         FROM contributions WHERE channel = 'form' \
         GROUP BY thematic_area, quartiere, author_kind, date(received_at), status",
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| FormTally {
            thematic_area: row.thematic_area,
            quartiere: row.quartiere,
            author_kind: row.author_kind,
            day: row.day,
            status: row.status,
            count: row.count,
        })
        .collect())
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
    if target < 1 || reached_at(conn, target)?.is_some() {
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
