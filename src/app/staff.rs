//! Staff accounts: one path for the command line and the admin API.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::app::console_sessions;
use crate::app::error::unless_taken;
use crate::app::{AppError, Resource};
use crate::clock;
use crate::db::staff::{self, NewStaffRow, StaffChanges, StaffRow};
use crate::db::{audit, Db, DbError};
use crate::domain::staff::{hashes_match, token_hash, AccessToken};
use crate::domain::{Actor, AuditEvent, EmailAddress, FieldIssue, PersonName, Role, StaffId};

pub struct NewStaff {
    pub email: EmailAddress,
    pub name: PersonName,
    pub role: Role,
}

/// Creates the account and returns it with its token, which exists only here:
/// the database keeps its hash.
pub async fn create(
    db: &Db,
    actor: Actor,
    new: NewStaff,
) -> Result<(StaffRow, AccessToken), AppError> {
    db.write(move |conn| {
        let now = clock::now().naive_utc();
        let email = new.email.as_str().to_lowercase();
        if staff::email_taken(conn, &email)? {
            return Err(AppError::invalid("email", FieldIssue::AlreadyExists));
        }
        let token = AccessToken::generate();
        let row = NewStaffRow {
            id: StaffId::generate(),
            email: &email,
            name: new.name.as_str(),
            role: new.role,
            token_hash: &token.hash(),
            active: true,
            created_at: now,
        };
        let row = unless_taken(staff::insert(conn, &row), "email")?;
        audit::record(
            conn,
            actor,
            AuditEvent::staff_created(row.id, row.role),
            now,
        )?;
        Ok((row, token))
    })
    .await
}

/// Deactivates an account; its token stops working and its console
/// sessions end at once.
pub async fn deactivate(db: &Db, actor: Actor, id: StaffId) -> Result<StaffRow, AppError> {
    db.write(move |conn| {
        let now = clock::now().naive_utc();
        let existing = staff::find(conn, id)?.ok_or(AppError::NotFound(Resource::Staff))?;
        if matches!(actor, Actor::Staff(me) if me == id) {
            return Err(AppError::invalid("id", FieldIssue::CannotDeactivateSelf));
        }
        if is_last_active_admin(conn, &existing)? {
            return Err(AppError::invalid("id", FieldIssue::LastActiveAdmin));
        }
        if staff::deactivate(conn, id, now)? {
            console_sessions::end_all_in(conn, id)?;
            let event = AuditEvent::staff_deactivated(id, existing.role);
            audit::record(conn, actor, event, now)?;
        }
        staff::find(conn, id)?.ok_or(AppError::NotFound(Resource::Staff))
    })
    .await
}

/// An admin's changes to an account; `None` leaves a field as it is.
#[derive(Debug, Default)]
pub struct StaffChange {
    pub name: Option<PersonName>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// Renames, changes the role of, deactivates or reactivates an account.
/// Nobody deactivates themself, and the last active admin stays an active
/// admin. A reactivated account gets its old token back; issue a new one
/// if that may have leaked.
pub async fn change(
    db: &Db,
    actor: Actor,
    id: StaffId,
    change: StaffChange,
) -> Result<StaffRow, AppError> {
    db.write(move |conn| {
        let now = clock::now().naive_utc();
        let existing = staff::find(conn, id)?.ok_or(AppError::NotFound(Resource::Staff))?;
        let deactivating = change.active == Some(false) && existing.active;
        if deactivating && matches!(actor, Actor::Staff(me) if me == id) {
            return Err(AppError::invalid(
                "active",
                FieldIssue::CannotDeactivateSelf,
            ));
        }
        let stops_being_admin = deactivating || change.role.is_some_and(|role| role != Role::Admin);
        if stops_being_admin && is_last_active_admin(conn, &existing)? {
            let field = if deactivating { "active" } else { "role" };
            return Err(AppError::invalid(field, FieldIssue::LastActiveAdmin));
        }
        let changes = StaffChanges {
            name: change.name.map(|name| name.as_str().to_owned()),
            role: change.role,
            active: change.active,
            deactivated_at: change
                .active
                .filter(|active| *active != existing.active)
                .map(|active| (!active).then_some(now)),
        };
        staff::update(conn, id, &changes)?;
        if deactivating {
            console_sessions::end_all_in(conn, id)?;
        }
        let updated = staff::find(conn, id)?.ok_or(AppError::NotFound(Resource::Staff))?;
        if summary(&existing) != summary(&updated) {
            let event = AuditEvent::staff_updated(id, summary(&existing), summary(&updated));
            audit::record(conn, actor, event, now)?;
        }
        Ok(updated)
    })
    .await
}

fn is_last_active_admin(
    conn: &mut crate::db::DbConnection,
    row: &StaffRow,
) -> Result<bool, AppError> {
    // Inside the write transaction: on SQLite writers take turns, so two
    // admins cannot each demote the other and leave none.
    Ok(row.active
        && row.role == Role::Admin
        && staff::list_active_with_roles(conn, &[Role::Admin])?.len() <= 1)
}

/// The fields an admin can change, as JSON, for the audit log.
fn summary(row: &StaffRow) -> String {
    serde_json::json!({ "name": row.name, "role": row.role, "active": row.active }).to_string()
}

/// Replaces the account's token; the old one stops working at once. The
/// new token exists only here: the database keeps its hash.
pub async fn issue_token(
    db: &Db,
    actor: Actor,
    id: StaffId,
) -> Result<(StaffRow, AccessToken), AppError> {
    db.write(move |conn| {
        let now = clock::now().naive_utc();
        let row = staff::find(conn, id)?.ok_or(AppError::NotFound(Resource::Staff))?;
        let token = AccessToken::generate();
        staff::set_token_hash(conn, id, &token.hash())?;
        audit::record(conn, actor, AuditEvent::staff_token_issued(id), now)?;
        Ok((row, token))
    })
    .await
}

/// Ends every console session of an account (a lost laptop, a role that
/// must apply now); audited with how many ended. Returns the account and
/// that number.
pub async fn end_sessions(
    db: &Db,
    actor: Actor,
    id: StaffId,
) -> Result<(StaffRow, usize), AppError> {
    db.write(move |conn| {
        let now = clock::now().naive_utc();
        let row = staff::find(conn, id)?.ok_or(AppError::NotFound(Resource::Staff))?;
        let ended = console_sessions::end_all_in(conn, id)?;
        audit::record(
            conn,
            actor,
            AuditEvent::staff_sessions_ended(id, ended),
            now,
        )?;
        Ok((row, ended))
    })
    .await
}

/// Every account, oldest first.
pub async fn list(db: &Db) -> Result<Vec<StaffRow>, AppError> {
    Ok(db.read(staff::list).await?)
}

/// One account, active or not.
pub async fn find(db: &Db, id: StaffId) -> Result<StaffRow, AppError> {
    db.read(move |conn| staff::find(conn, id))
        .await?
        .ok_or(AppError::NotFound(Resource::Staff))
}

/// An account as the console's staff page lists it.
pub struct StaffOverview {
    pub row: StaffRow,
    /// The last console sign-in the audit log records, if any.
    pub last_signed_in: Option<NaiveDateTime>,
}

/// Every account, oldest first, with its last console sign-in.
pub async fn overview(db: &Db) -> Result<Vec<StaffOverview>, AppError> {
    let (rows, sign_ins) = db
        .read(|conn| Ok::<_, DbError>((staff::list(conn)?, audit::last_sign_ins(conn)?)))
        .await?;
    let sign_ins: HashMap<String, NaiveDateTime> = sign_ins.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|row| StaffOverview {
            last_signed_in: sign_ins.get(&row.id.to_string()).copied(),
            row,
        })
        .collect())
}

/// The active account holding `token`, if any; compared in constant time.
pub async fn authenticate(db: &Db, token: String) -> Result<Option<StaffRow>, AppError> {
    let hash = token_hash(&token);
    let lookup = hash.clone();
    let row = db
        .read(move |conn| staff::find_active_by_token_hash(conn, &lookup))
        .await?;
    Ok(row.filter(|row| hashes_match(&row.token_hash, &hash)))
}
