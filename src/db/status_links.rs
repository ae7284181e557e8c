//! The authors' private status links, kept as hashes of their secrets.

use diesel::prelude::*;

use super::models::{ContributionRow, StatusLinkRow};
use super::schema::{contributions, status_links};
use super::{on_backend, DbConnection, DbError};
use crate::domain::ContributionId;

/// Stores the links of new contributions, in their transaction.
pub fn insert_all(conn: &mut DbConnection, rows: &[StatusLinkRow]) -> Result<(), DbError> {
    if !rows.is_empty() {
        on_backend!(conn, |conn| diesel::insert_into(status_links::table)
            .values(rows)
            .execute(conn))?;
    }
    Ok(())
}

/// The contribution a link opens: only while its author's personal data is
/// kept, since a link outliving the erasure would follow no one.
pub fn find_contribution(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<ContributionRow>, DbError> {
    let linked = status_links::table
        .filter(status_links::token_hash.eq(token_hash.to_owned()))
        .select(status_links::contribution_id);
    Ok(contributions::table
        .filter(contributions::id.eq_any(linked))
        .filter(contributions::personal_data_erased_at.is_null())
        .select(ContributionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Forgets every link of a contribution (after its author's erasure).
pub fn delete_for(conn: &mut DbConnection, id: ContributionId) -> Result<usize, DbError> {
    Ok(
        diesel::delete(status_links::table.filter(status_links::contribution_id.eq(id)))
            .execute(conn)?,
    )
}
