//! Reading the audit log: the whole log for admins, one contribution's
//! history for moderators.

use super::moderation::detail;
use crate::app::{AppError, Services};
use crate::db::audit::{self, AuditFilter, AuditRow};
use crate::db::staff;
use crate::domain::{ContributionRef, StaffId, TargetType};

/// Events in the order they happened, `limit + 1` at most after `after_seq`.
pub async fn list(
    services: &Services,
    filter: AuditFilter,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
    Ok(services
        .db
        .read(move |conn| audit::list(conn, &filter, after_seq, limit))
        .await?)
}

/// Every audited event about contribution `id`, oldest first, each with
/// the name of the staff member who acted (`None` for the system).
pub async fn history(
    services: &Services,
    key: impl Into<ContributionRef>,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<(AuditRow, Option<String>)>, AppError> {
    let key = key.into();
    services
        .db
        .read(move |conn| {
            let id = detail::find(conn, key)?.id;
            let filter = AuditFilter {
                target_type: Some(TargetType::Contribution),
                target_id: Some(id.to_string()),
                ..AuditFilter::default()
            };
            let rows = audit::list(conn, &filter, after_seq, limit)?;
            let actors: Vec<StaffId> = rows
                .iter()
                .filter_map(|row| StaffId::parse(&row.actor))
                .collect();
            let names = staff::names_of(conn, &actors)?;
            Ok(rows
                .into_iter()
                .map(|row| {
                    let name = names
                        .iter()
                        .find(|(id, _)| Some(*id) == StaffId::parse(&row.actor))
                        .map(|(_, name)| name.clone());
                    (row, name)
                })
                .collect())
        })
        .await
}
