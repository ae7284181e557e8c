//! Staff accounts: one path for the command line and the admin API.

use crate::app::console_sessions;
use crate::app::error::unless_taken;
use crate::app::{AppError, Resource};
use crate::clock;
use crate::db::staff::{self, NewStaffRow, StaffRow};
use crate::db::{audit, Db};
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
        // Inside the write transaction: on SQLite writers take turns, so two
        // admins cannot each deactivate the other and leave none.
        if existing.active
            && existing.role == Role::Admin
            && staff::list_active_with_roles(conn, &[Role::Admin])?.len() <= 1
        {
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

/// Every account, oldest first.
pub async fn list(db: &Db) -> Result<Vec<StaffRow>, AppError> {
    Ok(db.read(staff::list).await?)
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
