//! The audit event of an export with personal data (SPEC §5).

use chrono::NaiveDateTime;

use super::ExportRequest;
use crate::db::{audit, DbConnection, DbError};
use crate::domain::{Actor, AuditEvent};

/// Writes the audit event of an export with personal data: who, which
/// filters, how many rows, and whether the export ran to its end.
pub fn record_personal_export(
    conn: &mut DbConnection,
    actor: Actor,
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
    let event = AuditEvent::personal_data_exported(rows, details.to_string());
    audit::record(conn, actor, event, now)
}
