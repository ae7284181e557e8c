//! The authors' private status links, kept as hashes of their secrets.

use diesel::prelude::*;

use super::models::{ContributionRow, StatusLinkRow};
use super::schema::{contributions, status_links};
use super::{on_backend, DbConnection, DbError};

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

/// Forgets the links of contributions whose personal data was erased:
/// they no longer open anything, and their hashes need not be kept.
pub fn delete_erased(conn: &mut DbConnection) -> Result<usize, DbError> {
    let erased = contributions::table
        .filter(contributions::personal_data_erased_at.is_not_null())
        .select(contributions::id);
    Ok(
        diesel::delete(status_links::table.filter(status_links::contribution_id.eq_any(erased)))
            .execute(conn)?,
    )
}
