//! Contributions received at a Quartiere meeting, by e-mail or on paper,
//! registered by a moderator. They never count toward the form indicator.
//!
//! As on the form, an `Idempotency-Key` makes a retry safe: the same key
//! with the same body answers the contribution registered the first time
//! (as it is now: no copy of its personal data is kept with the key, so an
//! erasure reaches everything), the same key with another body is refused.
//! Keys are the moderator's own (see `app::idempotency`).

use super::detail::{self, ContributionDetail};
use crate::app::idempotency::{self, IdempotencyClaim};
use crate::app::submissions::{new_row, new_status_link, ContributionInput};
use crate::app::{authors, AppError, Services};
use crate::clock;
use crate::db::meetings::{self, MeetingRow};
use crate::db::{audit, contributions, status_links, thematic_areas, DbConnection};
use crate::domain::{Actor, AuditEvent, FieldIssue, StaffId};
use crate::mail::notices::{self, Acknowledged};
use crate::mail::MailContext;

/// How a registration was answered.
pub enum Registered {
    /// Stored now.
    New(ContributionDetail),
    /// Registered before with this key and body: that contribution, as it is now.
    Replayed(ContributionDetail),
}

/// Registers an offline contribution, with its meeting, its audit event and
/// (when the author gave an address) its acknowledgement, in one
/// transaction. `idempotency` is the moderator's key for this request.
pub async fn register(
    services: &Services,
    moderator: StaffId,
    input: ContributionInput,
    idempotency: Option<IdempotencyClaim>,
) -> Result<Registered, AppError> {
    let mail = services.mail.clone();
    let claim = idempotency.clone();
    let written = services
        .db
        .write(move |conn| {
            if let Some(earlier) = replay(conn, claim.as_ref())? {
                return Ok(Registered::Replayed(earlier));
            }
            let detail = store(conn, &mail, moderator, &input)?;
            if let Some(claim) = &claim {
                let row = claim.row(detail.row.id, None, detail.row.updated_at);
                match crate::db::idempotency::remember(conn, &[row]) {
                    // A concurrent request with this key stored first: roll
                    // back, then answer as it did (below).
                    Err(error) if error.is_unique_violation() => {
                        return Err(AppError::IdempotencyKeyReused)
                    }
                    other => other?,
                }
            }
            Ok(Registered::New(detail))
        })
        .await;
    match (written, idempotency) {
        (Err(AppError::IdempotencyKeyReused), Some(claim)) => services
            .db
            .read(move |conn| replay(conn, Some(&claim)))
            .await?
            .map(Registered::Replayed)
            .ok_or_else(|| AppError::Internal("idempotency key vanished".into())),
        (written, _) => written,
    }
}

/// The contribution registered before with the claim's key and body.
fn replay(
    conn: &mut DbConnection,
    claim: Option<&IdempotencyClaim>,
) -> Result<Option<ContributionDetail>, AppError> {
    let Some(claim) = claim else {
        return Ok(None);
    };
    let Some(earlier) = idempotency::earlier(conn, claim)? else {
        return Ok(None);
    };
    let row = detail::find(conn, earlier.contribution_id)?;
    Ok(Some(detail::detail_of(conn, row)?))
}

/// The contribution, its meeting, its audit event and its acknowledgement.
fn store(
    conn: &mut DbConnection,
    mail: &MailContext,
    moderator: StaffId,
    input: &ContributionInput,
) -> Result<ContributionDetail, AppError> {
    let Some(area) = thematic_areas::find_active(conn, input.thematic_area.as_str())? else {
        return Err(AppError::invalid(
            "thematic_area",
            FieldIssue::UnknownThematicArea,
        ));
    };
    let now = clock::now().naive_utc();
    let row = contributions::insert(conn, &new_row(input, Some(moderator), now))?;
    let meeting = input
        .meeting
        .as_ref()
        .map(|meeting| MeetingRow::of(row.id, meeting));
    if let Some(meeting) = &meeting {
        meetings::insert(conn, meeting)?;
    }
    if let Some(email) = &input.email {
        // No acknowledgement asks an offline author to confirm: the
        // moderator who registers the address vouches for it.
        authors::confirm_contribution(conn, row.seq, Some(&email.normalised()))?;
        let (link, status_link) = new_status_link(row.id, &mail.public_url, now);
        status_links::insert_all(conn, &[link])?;
        let acknowledged = Acknowledged {
            row: &row,
            thematic_area_name: &area.name,
            confirmation: None,
            status_link: Some(status_link),
            meeting: meeting.as_ref(),
        };
        notices::acknowledge_all(conn, mail, &[acknowledged], now)?;
    }
    let event = AuditEvent::offline_registered(row.id, row.channel);
    audit::record(conn, Actor::Staff(moderator), event, now)?;
    Ok(detail::detail_of(conn, row)?)
}
