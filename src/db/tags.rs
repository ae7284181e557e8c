//! Tags and notes of contributions.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{contribution_tags, notes, staff, tags};
use super::{DbConnection, DbError};

/// The tags of each contribution in `ids`, sorted.
pub fn tags_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<BTreeMap<String, Vec<String>>, DbError> {
    let rows: Vec<(String, String)> = contribution_tags::table
        .filter(contribution_tags::contribution_id.eq_any(ids))
        .order((contribution_tags::contribution_id, contribution_tags::tag))
        .select((contribution_tags::contribution_id, contribution_tags::tag))
        .load(conn)?;
    let mut by_contribution: BTreeMap<String, Vec<String>> = BTreeMap::new();
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
    id: &str,
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

pub fn remove_tags(conn: &mut DbConnection, id: &str, names: &[String]) -> Result<(), DbError> {
    diesel::delete(
        contribution_tags::table
            .filter(contribution_tags::contribution_id.eq(id))
            .filter(contribution_tags::tag.eq_any(names)),
    )
    .execute(conn)?;
    Ok(())
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

#[derive(Clone, Debug, Queryable)]
pub struct NoteRow {
    pub id: String,
    pub contribution_id: String,
    pub author_id: String,
    pub author_name: String,
    pub text: String,
    pub created_at: NaiveDateTime,
}

pub fn add_note(
    conn: &mut DbConnection,
    contribution_id: &str,
    author_id: &str,
    text: &str,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    let id = Uuid::now_v7().to_string();
    diesel::insert_into(notes::table)
        .values((
            notes::id.eq(&id),
            notes::contribution_id.eq(contribution_id),
            notes::author_id.eq(author_id),
            notes::text.eq(text),
            notes::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// The notes of each contribution in `ids`, oldest first.
pub fn notes_of(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<BTreeMap<String, Vec<NoteRow>>, DbError> {
    let rows: Vec<NoteRow> = notes::table
        .inner_join(staff::table)
        .filter(notes::contribution_id.eq_any(ids))
        .order((notes::created_at.asc(), notes::id.asc()))
        .select((
            notes::id,
            notes::contribution_id,
            notes::author_id,
            staff::name,
            notes::text,
            notes::created_at,
        ))
        .load(conn)?;
    let mut by_contribution: BTreeMap<String, Vec<NoteRow>> = BTreeMap::new();
    for row in rows {
        by_contribution
            .entry(row.contribution_id.clone())
            .or_default()
            .push(row);
    }
    Ok(by_contribution)
}
