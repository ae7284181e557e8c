//! Creating staff accounts: one path for the command line and the admin API.

use chrono::NaiveDateTime;
use uuid::Uuid;

use crate::db::audit::{self, AuditEntry};
use crate::db::staff::{self, NewStaffRow, StaffRow};
use crate::db::DbConnection;
use crate::domain::staff::AccessToken;
use crate::domain::{EmailAddress, FieldIssue, PersonName, Role};
use crate::error::ApiError;

/// Actor recorded for changes made with the `rinasce` command line.
pub const COMMAND_LINE_ACTOR: &str = "command-line";

pub struct NewStaff {
    pub email: EmailAddress,
    pub name: PersonName,
    pub role: Role,
}

/// Creates the account and returns it with its token, which exists only here:
/// the database keeps its hash.
pub fn create(
    conn: &mut DbConnection,
    actor: &str,
    new: &NewStaff,
    now: NaiveDateTime,
) -> Result<(StaffRow, AccessToken), ApiError> {
    let email = new.email.as_str().to_lowercase();
    if staff::email_taken(conn, &email)? {
        return Err(ApiError::validation("email", FieldIssue::AlreadyExists));
    }
    let token = AccessToken::generate();
    let id = Uuid::now_v7().to_string();
    let inserted = staff::insert(
        conn,
        &NewStaffRow {
            id: &id,
            email: &email,
            name: new.name.as_str(),
            role: new.role.as_str(),
            token_hash: &token.hash(),
            active: true,
            created_at: now,
        },
    );
    let row = match inserted {
        // Another request created the same account meanwhile.
        Err(error) if error.is_unique_violation() => {
            return Err(ApiError::validation("email", FieldIssue::AlreadyExists))
        }
        other => other?,
    };
    audit::record(
        conn,
        AuditEntry {
            actor,
            action: "staff_created",
            target_type: "staff",
            target_id: &id,
            to: Some(new.role.as_str().to_owned()),
            ..AuditEntry::default()
        },
        now,
    )?;
    Ok((row, token))
}

/// Deactivates an account; its token stops working at once.
pub fn deactivate(
    conn: &mut DbConnection,
    actor: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<StaffRow, ApiError> {
    let existing = staff::find(conn, id)?.ok_or(ApiError::NotFound)?;
    if staff::deactivate(conn, id, now)? {
        audit::record(
            conn,
            AuditEntry {
                actor,
                action: "staff_deactivated",
                target_type: "staff",
                target_id: id,
                from: Some(existing.role.clone()),
                ..AuditEntry::default()
            },
            now,
        )?;
    }
    staff::find(conn, id)?.ok_or(ApiError::NotFound)
}
