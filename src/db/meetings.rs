//! The meetings offline contributions were handed in at, one row per
//! contribution collected at one.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::contribution_meetings;
use super::{DbConnection, DbError};
use crate::domain::{ContributionId, Meeting};

#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = contribution_meetings, treat_none_as_default_value = false)]
pub struct MeetingRow {
    pub contribution_id: ContributionId,
    pub name: String,
    pub held_on: NaiveDate,
    pub quartiere: Option<i16>,
}

impl MeetingRow {
    pub fn of(contribution_id: ContributionId, meeting: &Meeting) -> MeetingRow {
        MeetingRow {
            contribution_id,
            name: meeting.name.as_str().to_owned(),
            held_on: meeting.held_on,
            quartiere: meeting.quartiere.map(|q| i16::from(q.number())),
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &MeetingRow) -> Result<(), DbError> {
    diesel::insert_into(contribution_meetings::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The meeting of each contribution in `ids` that came from one.
pub fn meetings_of(
    conn: &mut DbConnection,
    ids: &[ContributionId],
) -> Result<BTreeMap<ContributionId, MeetingRow>, DbError> {
    let rows: Vec<MeetingRow> = contribution_meetings::table
        .filter(contribution_meetings::contribution_id.eq_any(ids))
        .select(MeetingRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| (row.contribution_id, row))
        .collect())
}
