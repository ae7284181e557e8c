//! Internal notes on contributions, with their authors' names.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{notes, staff};
use super::{DbConnection, DbError};
use crate::domain::{ContributionId, NoteId, StaffId};

#[derive(Clone, Debug, Queryable)]
pub struct NoteRow {
    pub id: NoteId,
    pub contribution_id: ContributionId,
    pub author_id: StaffId,
    pub author_name: String,
    pub text: String,
    pub created_at: NaiveDateTime,
}

pub fn add_note(
    conn: &mut DbConnection,
    contribution_id: ContributionId,
    author_id: StaffId,
    text: &str,
    now: NaiveDateTime,
) -> Result<NoteId, DbError> {
    let id = NoteId::generate();
    diesel::insert_into(notes::table)
        .values((
            notes::id.eq(id),
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
    ids: &[ContributionId],
) -> Result<BTreeMap<ContributionId, Vec<NoteRow>>, DbError> {
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
    let mut by_contribution: BTreeMap<ContributionId, Vec<NoteRow>> = BTreeMap::new();
    for row in rows {
        by_contribution
            .entry(row.contribution_id)
            .or_default()
            .push(row);
    }
    Ok(by_contribution)
}

/// The contribution a note belongs to, if the note exists.
pub fn contribution_of(
    conn: &mut DbConnection,
    id: NoteId,
) -> Result<Option<ContributionId>, DbError> {
    Ok(notes::table
        .filter(notes::id.eq(id))
        .select(notes::contribution_id)
        .first(conn)
        .optional()?)
}

pub fn replace_text(conn: &mut DbConnection, id: NoteId, text: &str) -> Result<(), DbError> {
    diesel::update(notes::table.filter(notes::id.eq(id)))
        .set(notes::text.eq(text))
        .execute(conn)?;
    Ok(())
}

pub fn remove(conn: &mut DbConnection, id: NoteId) -> Result<(), DbError> {
    diesel::delete(notes::table.filter(notes::id.eq(id))).execute(conn)?;
    Ok(())
}
