//! Contributions received at a Quartiere meeting, by e-mail or on paper,
//! registered by a moderator. They never count toward the form indicator.

use super::detail::{self, ContributionDetail};
use crate::app::submissions::{new_row, ContributionInput};
use crate::app::{authors, AppError, Services};
use crate::clock;
use crate::db::{audit, contributions, thematic_areas};
use crate::domain::{Actor, AuditEvent, FieldIssue, StaffId};

pub async fn register(
    services: &Services,
    moderator: StaffId,
    input: ContributionInput,
) -> Result<ContributionDetail, AppError> {
    services
        .db
        .write(move |conn| {
            if thematic_areas::find_active(conn, input.thematic_area.as_str())?.is_none() {
                return Err(AppError::invalid(
                    "thematic_area",
                    FieldIssue::UnknownThematicArea,
                ));
            }
            let now = clock::now().naive_utc();
            let row = contributions::insert(conn, &new_row(&input, Some(moderator), now))?;
            if let Some(email) = &input.email {
                // No acknowledgement asks an offline author to confirm: the
                // moderator who registers the address vouches for it.
                authors::confirm_contribution(conn, row.seq, Some(&email.normalised()))?;
            }
            let event = AuditEvent::offline_registered(row.id, row.channel);
            audit::record(conn, Actor::Staff(moderator), event, now)?;
            Ok(detail::detail_of(conn, row)?)
        })
        .await
}
