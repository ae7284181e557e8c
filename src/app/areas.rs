//! The document's thematic areas, as admins manage them.

use crate::app::error::unless_taken;
use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::models::{NewThematicAreaRow, ThematicAreaRow};
use crate::db::thematic_areas::{self, AreaChanges};
use crate::db::{audit, DbConnection};
use crate::domain::{Actor, AuditEvent, FieldIssue, StaffId, ThematicAreaCode};

/// A new area; `position` after the last area when absent.
pub struct NewArea {
    pub code: ThematicAreaCode,
    pub name: String,
    pub description: String,
    pub position: Option<i32>,
    pub active: bool,
}

pub async fn create(
    services: &Services,
    actor: StaffId,
    new: NewArea,
) -> Result<ThematicAreaRow, AppError> {
    let row = services
        .db
        .write(move |conn| {
            if thematic_areas::find(conn, new.code.as_str())?.is_some() {
                return Err(AppError::invalid("code", FieldIssue::AlreadyExists));
            }
            let position = match new.position {
                Some(position) => position,
                None => next_position(conn)?,
            };
            let now = clock::now().naive_utc();
            let row = NewThematicAreaRow {
                code: new.code.as_str(),
                name: &new.name,
                description: &new.description,
                position,
                active: new.active,
                version: 1,
                created_at: now,
                updated_at: now,
            };
            let row = unless_taken(thematic_areas::insert(conn, &row), "code")?;
            let event = AuditEvent::thematic_area_created(&row.code, &row.name);
            audit::record(conn, Actor::Staff(actor), event, now)?;
            Ok(row)
        })
        .await?;
    services.indicators.invalidate();
    Ok(row)
}

fn next_position(conn: &mut DbConnection) -> Result<i32, AppError> {
    let last = thematic_areas::list(conn, false)?
        .iter()
        .map(|area| area.position)
        .max();
    Ok(last.unwrap_or(0) + 1)
}

/// Renames, describes, reorders, deactivates or reactivates an area, if it
/// is still at `expected_version` (any version when `None`).
pub async fn change(
    services: &Services,
    actor: StaffId,
    code: String,
    expected_version: Option<i64>,
    changes: AreaChanges,
) -> Result<ThematicAreaRow, AppError> {
    let row = services
        .db
        .write(move |conn| {
            let not_found = || AppError::NotFound(Resource::ThematicArea);
            let current = thematic_areas::find(conn, &code)?.ok_or_else(not_found)?;
            if expected_version.is_some_and(|version| version != current.version) {
                return Err(AppError::StaleVersion);
            }
            let now = clock::now().naive_utc();
            if !thematic_areas::update_if_version(conn, &code, current.version, &changes, now)? {
                return Err(AppError::StaleVersion);
            }
            let updated = thematic_areas::find(conn, &code)?.ok_or_else(not_found)?;
            let event =
                AuditEvent::thematic_area_updated(&code, summary(&current), summary(&updated));
            audit::record(conn, Actor::Staff(actor), event, now)?;
            Ok(updated)
        })
        .await?;
    services.indicators.invalidate();
    Ok(row)
}

/// The fields an admin can change, as JSON, for the audit log.
fn summary(row: &ThematicAreaRow) -> String {
    serde_json::json!({
        "name": row.name,
        "description": row.description,
        "position": row.position,
        "active": row.active,
    })
    .to_string()
}
