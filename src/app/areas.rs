//! The document's thematic areas, as admins manage them.

use crate::app::error::unless_taken;
use crate::app::{AppError, Resource, Services};
use chrono::NaiveDateTime;

use crate::clock;
use crate::db::models::{NewThematicAreaRow, ThematicAreaRow};
use crate::db::thematic_areas::{self, AreaChanges};
use crate::db::{audit, DbConnection};
use crate::domain::{Actor, AuditEvent, FieldIssue, StaffId, ThematicAreaCode};

/// Every area in display order, inactive ones included, as stored now
/// (the admin pages change them: no list remembered from before).
pub async fn list(services: &Services) -> Result<Vec<ThematicAreaRow>, AppError> {
    Ok(services
        .db
        .read(|conn| thematic_areas::list(conn, false))
        .await?)
}

/// A new area; `position` after the last area when absent. Positions stay
/// 1..n: the areas from `position` on move down one.
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
            let now = clock::now().naive_utc();
            let position = place(conn, new.code.as_str(), new.position, now)?;
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

/// Keeps positions a sequence 1..n: puts area `code` (new, or moving) at
/// `position` (last when `None` or past the end; an area keeps its place
/// when `None`), renumbers the others from 1 as new versions, and returns the
/// position `code` must take. Run in the caller's transaction.
fn place(
    conn: &mut DbConnection,
    code: &str,
    position: Option<i32>,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let mut order: Vec<(String, i32)> = thematic_areas::list(conn, false)?
        .into_iter()
        .map(|area| (area.code, area.position))
        .collect();
    let current = order.iter().position(|(c, _)| c == code);
    let at = match (position, current) {
        (None, Some(index)) => index,
        (None, None) => order.len(),
        (Some(position), _) => usize::try_from(position - 1).unwrap_or(0),
    };
    if let Some(index) = current {
        order.remove(index);
    }
    let at = at.min(order.len());
    order.insert(at, (code.to_owned(), 0));
    for (index, (other, old)) in order.iter().enumerate() {
        let new = index as i32 + 1;
        if other != code && *old != new {
            thematic_areas::set_position(conn, other, new, now)?;
        }
    }
    Ok(at as i32 + 1)
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
                return Err(AppError::StaleVersion(Resource::ThematicArea));
            }
            let now = clock::now().naive_utc();
            let mut changes = changes;
            if changes.position.is_some() {
                changes.position = Some(place(conn, &code, changes.position, now)?);
            }
            if !thematic_areas::update_if_version(conn, &code, current.version, &changes, now)? {
                return Err(AppError::StaleVersion(Resource::ThematicArea));
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
