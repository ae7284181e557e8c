//! A contribution as moderators review it: the row with its tags and notes.

use std::collections::HashMap;

use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::claims::{self, ClaimRow};
use crate::db::meetings::{self, MeetingRow};
use crate::db::models::ContributionRow;
use crate::db::notes::{self, NoteRow};
use crate::db::{contributions, tags, DbConnection, DbError};
use crate::domain::{ContributionId, ContributionRef, Reference};

/// Everything moderators see of one contribution.
#[derive(Clone, Debug)]
pub struct ContributionDetail {
    pub row: ContributionRow,
    pub tags: Vec<String>,
    pub notes: Vec<NoteRow>,
    /// Who is reviewing it, while pending.
    pub claim: Option<ClaimRow>,
    /// The meeting it was handed in at, if any.
    pub meeting: Option<MeetingRow>,
}

/// The details of `rows`, with their tags, notes, claims and meetings in
/// one query each.
pub fn details_of(
    conn: &mut DbConnection,
    rows: Vec<ContributionRow>,
) -> Result<Vec<ContributionDetail>, DbError> {
    let ids: Vec<ContributionId> = rows.iter().map(|row| row.id).collect();
    let mut tags = tags::tags_of(conn, &ids)?;
    let mut notes = notes::notes_of(conn, &ids)?;
    let mut claims = claims::active_claims(conn, &ids, clock::now().naive_utc())?;
    let mut meetings = meetings::meetings_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| ContributionDetail {
            tags: tags.remove(&row.id).unwrap_or_default(),
            notes: notes.remove(&row.id).unwrap_or_default(),
            claim: claims.remove(&row.id),
            meeting: meetings.remove(&row.id),
            row,
        })
        .collect())
}

pub fn detail_of(
    conn: &mut DbConnection,
    row: ContributionRow,
) -> Result<ContributionDetail, DbError> {
    let mut details = details_of(conn, vec![row])?;
    Ok(details.remove(0))
}

/// The contribution named by its id or reference, or `NotFound`, inside the
/// caller's transaction.
pub fn find(
    conn: &mut DbConnection,
    key: impl Into<ContributionRef>,
) -> Result<ContributionRow, AppError> {
    let found = match key.into() {
        ContributionRef::Id(id) => contributions::find_by_id(conn, id)?,
        ContributionRef::Reference(reference) => contributions::find_by_reference(conn, reference)?,
    };
    found.ok_or(AppError::NotFound(Resource::Contribution))
}

/// Whether other contributions are marked duplicates of `id`: then it cannot
/// become a duplicate itself (no chains).
pub async fn has_duplicates(services: &Services, id: ContributionId) -> Result<bool, AppError> {
    services
        .db
        .read(move |conn| Ok(contributions::has_duplicates(conn, id)?))
        .await
}

/// Read one contribution for review.
pub async fn show(
    services: &Services,
    key: impl Into<ContributionRef>,
) -> Result<ContributionDetail, AppError> {
    let key = key.into();
    services
        .db
        .read(move |conn| {
            let row = find(conn, key)?;
            Ok(detail_of(conn, row)?)
        })
        .await
}

/// The references of the contributions `ids` that exist, by id: what a page
/// shows and links for contributions it names by id (audit events, e-mails).
pub async fn references(
    services: &Services,
    ids: Vec<ContributionId>,
) -> Result<HashMap<ContributionId, Reference>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(services
        .db
        .read(move |conn| contributions::find_many(conn, &ids))
        .await?
        .into_iter()
        .map(|row| (row.id, Reference::from_sequence(row.seq)))
        .collect())
}
