//! What an author sees through the private link of their acknowledgement:
//! where their contribution stands. The link opens it only while the
//! author's personal data is kept (see `db::status_links`).

use crate::app::erasure::{self, ErasureReport};
use crate::app::{AppError, Resource, Services};
use crate::db::contributions;
use crate::db::models::ContributionRow;
use crate::db::status_links;
use crate::domain::{Actor, ContributionRef, Reference, StatusToken};

/// A contribution as its author follows it.
pub struct AuthorStatus {
    pub contribution: ContributionRow,
    /// For a duplicate: the contribution it joins.
    pub original: Option<Reference>,
}

/// The author's erasure request from their status page: their names and
/// address leave this contribution and every other sent from the same
/// address, queued e-mails to them are cancelled, and the request is
/// audited (actor `author`, no address). The link stops working with it.
pub async fn erase_personal_data(
    services: &Services,
    token: &StatusToken,
) -> Result<ErasureReport, AppError> {
    let contribution = find(services, token).await?.contribution;
    let mail_files = crate::mail::files::directory(&services.config.mail);
    let report = erasure::erase_contribution(
        &services.db,
        Actor::Author,
        ContributionRef::Id(contribution.id),
        mail_files,
    )
    .await?;
    services.db.write(status_links::delete_erased).await?;
    Ok(report)
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
