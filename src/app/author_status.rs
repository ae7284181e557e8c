//! What an author sees through the private link of their acknowledgement:
//! where their contribution stands. The link opens it only while the
//! author's personal data is kept (see `db::status_links`).

use crate::app::{AppError, Resource, Services};
use crate::db::contributions;
use crate::db::models::ContributionRow;
use crate::db::status_links;
use crate::domain::{Reference, StatusToken};

/// A contribution as its author follows it.
pub struct AuthorStatus {
    pub contribution: ContributionRow,
    /// For a duplicate: the contribution it joins.
    pub original: Option<Reference>,
}

/// The contribution behind a status link; an unknown or expired link is
/// not found, with nothing to tell the two apart.
pub async fn find(services: &Services, token: &StatusToken) -> Result<AuthorStatus, AppError> {
    let hash = token.hash();
    services
        .db
        .read(move |conn| {
            let Some(contribution) = status_links::find_contribution(conn, &hash)? else {
                return Ok(None);
            };
            let original = match contribution.duplicate_of {
                Some(id) => contributions::find_by_id(conn, id)?
                    .map(|original| Reference::from_sequence(original.seq)),
                None => None,
            };
            Ok::<_, AppError>(Some(AuthorStatus {
                contribution,
                original,
            }))
        })
        .await?
        .ok_or(AppError::NotFound(Resource::Contribution))
}
