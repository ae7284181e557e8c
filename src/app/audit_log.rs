//! Reading the audit log: the whole log for admins, one contribution's
//! history for moderators.

use super::moderation::detail;
use crate::app::{AppError, Services};
use crate::db::audit::{self, AuditFilter, AuditRow};
use crate::domain::{ContributionRef, TargetType};

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

/// Every audited event about contribution `id`, oldest first.
pub async fn history(
    services: &Services,
    key: impl Into<ContributionRef>,
    after_seq: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
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
            Ok(audit::list(conn, &filter, after_seq, limit)?)
        })
        .await
}
