//! Claims: who is reviewing a pending contribution, and until when.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{claims, contributions, staff};
use super::{DbConnection, DbError};
use crate::domain::{ContributionId, ContributionStatus, StaffId};

/// A claim still in force, with the holder's name.
#[derive(Clone, Debug, PartialEq, Eq, Queryable)]
pub struct ClaimRow {
    pub contribution_id: ContributionId,
    pub staff_id: StaffId,
    pub staff_name: String,
    pub claimed_until: NaiveDateTime,
}

/// The claims in force at `now` on the contributions `ids`. A claim counts
/// only while its contribution is pending: an action that moves it on ends
/// the review.
pub fn active_claims(
    conn: &mut DbConnection,
    ids: &[ContributionId],
    now: NaiveDateTime,
) -> Result<BTreeMap<ContributionId, ClaimRow>, DbError> {
    let rows: Vec<ClaimRow> = claims::table
        .inner_join(staff::table)
        .inner_join(contributions::table.on(contributions::id.eq(claims::contribution_id)))
        .filter(claims::contribution_id.eq_any(ids))
        .filter(claims::claimed_until.gt(now))
        .filter(contributions::status.eq(ContributionStatus::Pending.as_str()))
        .select((
            claims::contribution_id,
            claims::staff_id,
            staff::name,
            claims::claimed_until,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| (row.contribution_id, row))
        .collect())
}

/// Gives the claim on `id` to `holder` until `until`, replacing any other.
pub fn put(
    conn: &mut DbConnection,
    id: ContributionId,
    holder: StaffId,
    until: NaiveDateTime,
) -> Result<(), DbError> {
    let row = (
        claims::contribution_id.eq(id),
        claims::staff_id.eq(holder),
        claims::claimed_until.eq(until),
    );
    let change = (claims::staff_id.eq(holder), claims::claimed_until.eq(until));
    // Upserts are not on the multi backend: the same statement on each.
    match conn {
        DbConnection::Pg(pg) => diesel::insert_into(claims::table)
            .values(row)
            .on_conflict(claims::contribution_id)
            .do_update()
            .set(change)
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(claims::table)
            .values(row)
            .on_conflict(claims::contribution_id)
            .do_update()
            .set(change)
            .execute(sqlite)?,
    };
    Ok(())
}

/// Gives the claim on `id` to `holder` until `until`, unless another
/// holder's claim is in force at `now`: then nothing changes and the answer
/// is false. One statement, so that of two moderators claiming at once on
/// PostgreSQL the second waits for the first and then sees its claim.
pub fn put_unless_held(
    conn: &mut DbConnection,
    id: ContributionId,
    holder: StaffId,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let row = (
        claims::contribution_id.eq(id),
        claims::staff_id.eq(holder),
        claims::claimed_until.eq(until),
    );
    let change = (claims::staff_id.eq(holder), claims::claimed_until.eq(until));
    let free = claims::staff_id
        .eq(holder)
        .or(claims::claimed_until.le(now));
    // `filter` here is the upsert's WHERE, from `FilterDsl` (not in the prelude).
    use diesel::query_dsl::methods::FilterDsl;
    let written = match conn {
        DbConnection::Pg(pg) => diesel::insert_into(claims::table)
            .values(row)
            .on_conflict(claims::contribution_id)
            .do_update()
            .set(change)
            .filter(free)
            .execute(pg)?,
        DbConnection::Sqlite(sqlite) => diesel::insert_into(claims::table)
            .values(row)
            .on_conflict(claims::contribution_id)
            .do_update()
            .set(change)
            .filter(free)
            .execute(sqlite)?,
    };
    Ok(written == 1)
}

/// Ends `holder`'s claim on `id`; false when they held none.
pub fn release(
    conn: &mut DbConnection,
    id: ContributionId,
    holder: StaffId,
) -> Result<bool, DbError> {
    let removed = diesel::delete(
        claims::table
            .filter(claims::contribution_id.eq(id))
            .filter(claims::staff_id.eq(holder)),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// Ends `holder`'s claim on `id` unless it was renewed after
/// `seen_until` (by a page opened since); false when nothing ended.
pub fn release_unless_renewed(
    conn: &mut DbConnection,
    id: ContributionId,
    holder: StaffId,
    seen_until: NaiveDateTime,
) -> Result<bool, DbError> {
    let removed = diesel::delete(
        claims::table
            .filter(claims::contribution_id.eq(id))
            .filter(claims::staff_id.eq(holder))
            .filter(claims::claimed_until.le(seen_until)),
    )
    .execute(conn)?;
    Ok(removed > 0)
}

/// The oldest pending contribution, other than `skip`, that nobody but
/// `moderator` has claimed at `now`.
pub fn next_unclaimed_pending(
    conn: &mut DbConnection,
    moderator: StaffId,
    skip: Option<ContributionId>,
    now: NaiveDateTime,
) -> Result<Option<ContributionId>, DbError> {
    let claimed_by_others = claims::table
        .filter(claims::claimed_until.gt(now))
        .filter(claims::staff_id.ne(moderator))
        .select(claims::contribution_id);
    let mut query = contributions::table
        .filter(contributions::status.eq(ContributionStatus::Pending.as_str()))
        .filter(contributions::id.ne_all(claimed_by_others))
        .order((contributions::received_at.asc(), contributions::seq.asc()))
        .select(contributions::id)
        .into_boxed();
    if let Some(skip) = skip {
        query = query.filter(contributions::id.ne(skip));
    }
    Ok(query.first(conn).optional()?)
}
