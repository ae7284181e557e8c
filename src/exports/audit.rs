//! The audit event of an export with personal data (SPEC §5).

use chrono::NaiveDateTime;
use uuid::Uuid;

use super::ExportRequest;
use crate::db::audit::{self, AuditEntry};
use crate::db::{DbConnection, DbError};

/// The audit action of an export with personal data.
pub const PERSONAL_EXPORT_ACTION: &str = "personal_data_exported";

/// Writes the audit event of an export with personal data: who, which
/// filters, how many rows, and whether the export ran to its end.
pub fn record_personal_export(
    conn: &mut DbConnection,
    actor: &str,
    request: &ExportRequest,
    rows: u64,
    complete: bool,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let details = serde_json::json!({
        "format": request.format.as_str(),
        "filters": request.filters_json(),
        "rows": rows,
        "complete": complete,
    });
    audit::record(
        conn,
        AuditEntry {
            actor,
            action: PERSONAL_EXPORT_ACTION,
            target_type: "export",
            target_id: &Uuid::now_v7().to_string(),
            to: Some(rows.to_string()),
            details: Some(details.to_string()),
            ..AuditEntry::default()
        },
        now,
    )
}
