//! Writing a demo batch: one multi-row `INSERT` of contributions, one of
//! their tags and one of their meetings, counted in the indicator's
//! counters and indexed for near-duplicate search (with the keys the
//! generator worked out). The multi-backend
//! connection has no multi-row insert, so the statements run on the
//! backend's own connection (`on_backend!`), as
//! `db::contributions::insert_all` does for a group of submissions.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::generator::Batch;
use crate::db::meetings::MeetingRow;
use crate::db::schema::{contribution_meetings, contribution_tags, contributions, tags};
use crate::db::similarity_bands::{self, BandRow};
use crate::db::{indicator_counters, on_backend, DbConnection, DbError};
use crate::domain::ContributionId;

/// Creates the demo's tags that do not exist yet.
pub(super) fn ensure_tags(
    conn: &mut DbConnection,
    names: &[&str],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let rows: Vec<_> = names
        .iter()
        .map(|name| (tags::name.eq(*name), tags::created_at.eq(now)))
        .collect();
    on_backend!(conn, |conn| diesel::insert_into(tags::table)
        .values(&rows)
        .on_conflict_do_nothing()
        .execute(conn))?;
    Ok(())
}

/// The form's rows (their status and reason included) with the other
/// moderation columns beside them. On PostgreSQL
/// the commit does not wait for the disk (`synchronous_commit = off` for
/// this transaction only): a crash could lose the last batches of demo
/// data, never corrupt anything.
pub(super) fn insert_batch(conn: &mut DbConnection, batch: &Batch) -> Result<(), DbError> {
    if let DbConnection::Pg(pg) = conn {
        pg.batch_execute("SET LOCAL synchronous_commit = off")?;
    }
    let rows: Vec<_> = batch
        .contributions
        .iter()
        .map(|made| {
            (
                &made.row,
                contributions::duplicate_of.eq(made.duplicate_of),
                contributions::published_at.eq(made.published_at),
                contributions::demo.eq(true),
            )
        })
        .collect();
    let stored: HashMap<ContributionId, i64> =
        on_backend!(conn, |conn| diesel::insert_into(contributions::table)
            .values(rows)
            .returning((contributions::id, contributions::seq))
            .get_results(conn))?
        .into_iter()
        .collect();
    indicator_counters::add_new(
        conn,
        batch
            .contributions
            .iter()
            .map(|made| made.row.counted_facts()),
    )?;
    let band_rows: Vec<BandRow> = batch
        .contributions
        .iter()
        .filter_map(|made| {
            Some(BandRow::of(
                *stored.get(&made.row.id)?,
                made.band_keys.iter().copied(),
            ))
        })
        .flatten()
        .collect();
    similarity_bands::insert_new(conn, &band_rows)?;
    if !batch.tags.is_empty() {
        on_backend!(conn, |conn| diesel::insert_into(contribution_tags::table)
            .values(&batch.tags)
            .execute(conn))?;
    }
    let meetings: Vec<&MeetingRow> = batch
        .contributions
        .iter()
        .filter_map(|made| made.meeting.as_ref())
        .collect();
    if !meetings.is_empty() {
        on_backend!(conn, |conn| diesel::insert_into(
            contribution_meetings::table
        )
        .values(meetings.clone())
        .execute(conn))?;
    }
    Ok(())
}
