//! Tags, and the tags of each contribution.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{contribution_tags, tags};
use super::{DbConnection, DbError};
use crate::domain::ContributionId;

/// The tags of each contribution in `ids`, sorted.
pub fn tags_of(
    conn: &mut DbConnection,
    ids: &[ContributionId],
) -> Result<BTreeMap<ContributionId, Vec<String>>, DbError> {
    let rows: Vec<(ContributionId, String)> = contribution_tags::table
        .filter(contribution_tags::contribution_id.eq_any(ids))
        .order((contribution_tags::contribution_id, contribution_tags::tag))
        .select((contribution_tags::contribution_id, contribution_tags::tag))
        .load(conn)?;
    let mut by_contribution: BTreeMap<ContributionId, Vec<String>> = BTreeMap::new();
    for (id, tag) in rows {
        by_contribution.entry(id).or_default().push(tag);
    }
    Ok(by_contribution)
}

/// Creates the tags that do not exist yet; concurrent creators do not clash.
fn ensure_tags(
    conn: &mut DbConnection,
    names: &[String],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    for name in names {
        let row = (tags::name.eq(name), tags::created_at.eq(now));
        match conn {
            DbConnection::Pg(pg) => diesel::insert_into(tags::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(pg)?,
            DbConnection::Sqlite(sqlite) => diesel::insert_into(tags::table)
                .values(row)
                .on_conflict_do_nothing()
                .execute(sqlite)?,
        };
    }
    Ok(())
}

pub fn add_tags(
    conn: &mut DbConnection,
    id: ContributionId,
    names: &[String],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    ensure_tags(conn, names, now)?;
    for name in names {
        diesel::insert_into(contribution_tags::table)
            .values((
                contribution_tags::contribution_id.eq(id),
                contribution_tags::tag.eq(name),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn remove_tags(
    conn: &mut DbConnection,
    id: ContributionId,
    names: &[String],
) -> Result<(), DbError> {
    diesel::delete(
        contribution_tags::table
            .filter(contribution_tags::contribution_id.eq(id))
            .filter(contribution_tags::tag.eq_any(names)),
    )
    .execute(conn)?;
    Ok(())
}

/// Which of `names` exist as tags.
pub fn existing(conn: &mut DbConnection, names: &[String]) -> Result<Vec<String>, DbError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(tags::table
        .filter(tags::name.eq_any(names))
        .select(tags::name)
        .load(conn)?)
}

/// Every tag with the number of contributions carrying it.
pub fn tag_counts(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, DbError> {
    let used: Vec<(String, i64)> = contribution_tags::table
        .group_by(contribution_tags::tag)
        .select((contribution_tags::tag, count_star()))
        .load(conn)?;
    let used: BTreeMap<String, i64> = used.into_iter().collect();
    let all: Vec<String> = tags::table
        .order(tags::name)
        .select(tags::name)
        .load(conn)?;
    Ok(all
        .into_iter()
        .map(|name| {
            let count = used.get(&name).copied().unwrap_or(0);
            (name, count)
        })
        .collect())
}

/// The tags among `names` that exist, with when each was created, in name
/// order. On PostgreSQL their rows are locked until the transaction ends
/// (in name order, so two renames never wait for each other in a circle):
/// a concurrent tagging with one of them waits, and then sees the change.
pub fn lock(
    conn: &mut DbConnection,
    names: &[&str],
) -> Result<BTreeMap<String, NaiveDateTime>, DbError> {
    let query = tags::table
        .filter(tags::name.eq_any(names))
        .order(tags::name)
        .select((tags::name, tags::created_at));
    let rows: Vec<(String, NaiveDateTime)> = match conn {
        DbConnection::Pg(pg) => query.for_update().load(pg)?,
        // A write transaction on SQLite holds the whole database already.
        DbConnection::Sqlite(sqlite) => query.load(sqlite)?,
    };
    Ok(rows.into_iter().collect())
}

/// Creates the tag `name`; a unique violation when it exists.
pub fn create(
    conn: &mut DbConnection,
    name: &str,
    created_at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(tags::table)
        .values((tags::name.eq(name), tags::created_at.eq(created_at)))
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, name: &str) -> Result<(), DbError> {
    diesel::delete(tags::table.filter(tags::name.eq(name))).execute(conn)?;
    Ok(())
}

/// The contributions carrying `tag`.
pub fn carriers(conn: &mut DbConnection, tag: &str) -> Result<Vec<ContributionId>, DbError> {
    Ok(contribution_tags::table
        .filter(contribution_tags::tag.eq(tag))
        .order(contribution_tags::contribution_id)
        .select(contribution_tags::contribution_id)
        .load(conn)?)
}

/// On the contributions `ids`, the tag `from` becomes `into`; one that
/// already carries `into` just loses `from`, so none carries it twice.
pub fn retag(
    conn: &mut DbConnection,
    ids: &[ContributionId],
    from: &str,
    into: &str,
) -> Result<(), DbError> {
    let already: Vec<ContributionId> = contribution_tags::table
        .filter(contribution_tags::contribution_id.eq_any(ids))
        .filter(contribution_tags::tag.eq(into))
        .select(contribution_tags::contribution_id)
        .load(conn)?;
    diesel::delete(
        contribution_tags::table
            .filter(contribution_tags::contribution_id.eq_any(&already))
            .filter(contribution_tags::tag.eq(from)),
    )
    .execute(conn)?;
    diesel::update(
        contribution_tags::table
            .filter(contribution_tags::contribution_id.eq_any(ids))
            .filter(contribution_tags::tag.eq(from)),
    )
    .set(contribution_tags::tag.eq(into))
    .execute(conn)?;
    Ok(())
}

/// How many contributions carry `tag`.
pub fn count(conn: &mut DbConnection, tag: &str) -> Result<i64, DbError> {
    Ok(contribution_tags::table
        .filter(contribution_tags::tag.eq(tag))
        .count()
        .get_result(conn)?)
}
