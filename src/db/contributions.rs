//! Contribution queries shared by the public API, moderation and the commands.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{ContributionRow, NewContributionRow};
use super::schema::contributions;
use super::{DbConnection, DbError};
use crate::domain::text::search_fold;
use crate::domain::{ContributionStatus, Quartiere};

pub fn insert(
    conn: &mut DbConnection,
    row: &NewContributionRow,
) -> Result<ContributionRow, DbError> {
    Ok(diesel::insert_into(contributions::table)
        .values(row)
        .returning(contributions::all_columns)
        .get_result(conn)?)
}

pub fn find_by_id(conn: &mut DbConnection, id: &str) -> Result<Option<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::id.eq(id))
        .select(ContributionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_published(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::id.eq(id))
        .filter(contributions::status.eq(ContributionStatus::Approved.as_str()))
        .select(ContributionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Filters of the public listing.
#[derive(Clone, Debug, Default)]
pub struct PublishedFilter {
    pub thematic_area: Option<String>,
    pub quartiere: Option<Quartiere>,
    pub text: Option<String>,
}

/// Position after which the next page of the public listing starts
/// (newest publication first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublishedPosition {
    pub published_at: NaiveDateTime,
    pub seq: i64,
}

/// Approved contributions, newest publication first, `limit + 1` rows at most
/// so that the caller knows whether another page follows.
pub fn list_published(
    conn: &mut DbConnection,
    filter: &PublishedFilter,
    after: Option<PublishedPosition>,
    limit: i64,
) -> Result<Vec<ContributionRow>, DbError> {
    let mut query = contributions::table
        .filter(contributions::status.eq(ContributionStatus::Approved.as_str()))
        .select(ContributionRow::as_select())
        .order((
            contributions::published_at.desc(),
            contributions::seq.desc(),
        ))
        .limit(limit + 1)
        .into_boxed();
    if let Some(area) = &filter.thematic_area {
        query = query.filter(contributions::thematic_area.eq(area.clone()));
    }
    if let Some(quartiere) = filter.quartiere {
        query = query.filter(contributions::quartiere.eq(i16::from(quartiere.number())));
    }
    for pattern in text_patterns(filter.text.as_deref()) {
        query = query.filter(contributions::search_text.like(pattern).escape('\\'));
    }
    if let Some(position) = after {
        query = query.filter(
            contributions::published_at
                .lt(position.published_at)
                .or(contributions::published_at
                    .eq(position.published_at)
                    .and(contributions::seq.lt(position.seq))),
        );
    }
    Ok(query.load(conn)?)
}

/// One LIKE pattern per word of the search text, every word required.
pub fn text_patterns(text: Option<&str>) -> Vec<String> {
    let Some(text) = text else {
        return Vec::new();
    };
    search_fold(text)
        .split_whitespace()
        .map(|word| format!("%{}%", escape_like(word)))
        .collect()
}

fn escape_like(word: &str) -> String {
    let mut escaped = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::text_patterns;

    #[test]
    fn patterns_fold_and_escape_each_word() {
        assert_eq!(
            text_patterns(Some("Mobilità  50%_off")),
            vec!["%mobilita%".to_owned(), "%50\\%\\_off%".to_owned()]
        );
        assert!(text_patterns(Some("   ")).is_empty());
    }
}
