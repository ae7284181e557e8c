//! An author confirms the address of a contribution (issue 16 item 3).
//!
//! A contribution gets a random author group when it is stored, so its
//! export pseudonym says nothing about the address: someone who sends a
//! contribution with another person's address learns nothing about that
//! person's pseudonym. The acknowledgement carries a link; whoever opens it
//! has the mailbox, and confirming joins the contribution to the group of
//! the address's other confirmed contributions. Pseudonyms are derived from
//! the stored group, so they survive the erasure of the address.

use crate::app::{AppError, Resource};
use crate::clock;
use crate::db::{author_groups, Db, DbConnection, DbError};
use crate::domain::{ConfirmationToken, Reference};

/// A contribution as its confirmation page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressConfirmation {
    /// The receipt code, which the author has from the acknowledgement.
    pub reference: String,
    pub confirmed: bool,
}

impl AddressConfirmation {
    fn of(row: &author_groups::ConfirmationRow, confirmed: bool) -> AddressConfirmation {
        AddressConfirmation {
            reference: Reference::from_sequence(row.seq).to_string(),
            confirmed,
        }
    }
}

fn find(
    conn: &mut DbConnection,
    token: &ConfirmationToken,
) -> Result<author_groups::ConfirmationRow, AppError> {
    author_groups::find_by_token_hash(conn, &token.hash())?
        .ok_or(AppError::NotFound(Resource::Contribution))
}

/// The contribution of the link's token, and whether it is confirmed.
pub async fn show(db: &Db, token: ConfirmationToken) -> Result<AddressConfirmation, AppError> {
    db.read(move |conn| {
        let row = find(conn, &token)?;
        Ok(AddressConfirmation::of(
            &row,
            row.author_confirmed_at.is_some(),
        ))
    })
    .await
}

/// Confirms the contribution of the link's token (once: a second time
/// changes nothing) and joins it to its address's group.
pub async fn confirm(db: &Db, token: ConfirmationToken) -> Result<AddressConfirmation, AppError> {
    db.write(move |conn| {
        let row = find(conn, &token)?;
        confirm_contribution(conn, row.seq, row.email_normalised.as_deref())?;
        Ok(AddressConfirmation::of(&row, true))
    })
    .await
}

/// Confirms the contribution `seq`, sent from the address `normalised`, and
/// regroups the address's contributions. Also for an offline contribution:
/// the moderator who registers it vouches for the address it came with.
pub fn confirm_contribution(
    conn: &mut DbConnection,
    seq: i64,
    normalised: Option<&str>,
) -> Result<(), DbError> {
    if author_groups::mark_confirmed(conn, seq, clock::now().naive_utc())? {
        if let Some(normalised) = normalised {
            author_groups::join_address_group(conn, normalised)?;
        }
    }
    Ok(())
}
