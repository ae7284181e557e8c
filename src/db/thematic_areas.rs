//! Thematic area queries.

use chrono::Utc;
use diesel::prelude::*;

use super::models::{NewThematicAreaRow, ThematicAreaRow};
use super::schema::thematic_areas;
use super::{DbConnection, DbError};
use crate::domain::thematic_area::SEED_AREAS;

/// Inserts the nine areas of the document when the table is empty; a second
/// run, or a run after admins changed the areas, does nothing.
pub fn seed(conn: &mut DbConnection) -> Result<usize, DbError> {
    let existing: i64 = thematic_areas::table.count().get_result(conn)?;
    if existing > 0 {
        return Ok(0);
    }
    let now = Utc::now().naive_utc();
    let mut inserted = 0;
    for (position, (code, name, description)) in SEED_AREAS.iter().enumerate() {
        inserted += diesel::insert_into(thematic_areas::table)
            .values(NewThematicAreaRow {
                code,
                name,
                description,
                position: position as i32 + 1,
                active: true,
                version: 1,
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
    }
    Ok(inserted)
}

/// All areas in display order; only the active ones when asked.
pub fn list(conn: &mut DbConnection, only_active: bool) -> Result<Vec<ThematicAreaRow>, DbError> {
    let mut query = thematic_areas::table
        .select(ThematicAreaRow::as_select())
        .order((thematic_areas::position.asc(), thematic_areas::code.asc()))
        .into_boxed();
    if only_active {
        query = query.filter(thematic_areas::active.eq(true));
    }
    Ok(query.load(conn)?)
}

/// The area named `code` when it accepts contributions.
pub fn find_active(
    conn: &mut DbConnection,
    code: &str,
) -> Result<Option<ThematicAreaRow>, DbError> {
    Ok(thematic_areas::table
        .filter(thematic_areas::code.eq(code))
        .filter(thematic_areas::active.eq(true))
        .select(ThematicAreaRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find(conn: &mut DbConnection, code: &str) -> Result<Option<ThematicAreaRow>, DbError> {
    Ok(thematic_areas::table
        .filter(thematic_areas::code.eq(code))
        .select(ThematicAreaRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert(
    conn: &mut DbConnection,
    row: &NewThematicAreaRow<'_>,
) -> Result<ThematicAreaRow, DbError> {
    Ok(diesel::insert_into(thematic_areas::table)
        .values(row)
        .returning(thematic_areas::all_columns)
        .get_result(conn)?)
}

/// What an admin changes in an area; `None` leaves a column as it is.
#[derive(Clone, Debug, Default, AsChangeset)]
#[diesel(table_name = thematic_areas)]
pub struct AreaChanges {
    pub name: Option<String>,
    pub description: Option<String>,
    pub position: Option<i32>,
    pub active: Option<bool>,
}

/// Applies `changes` if the area is still at `version`.
pub fn update_if_version(
    conn: &mut DbConnection,
    code: &str,
    version: i64,
    changes: &AreaChanges,
    now: chrono::NaiveDateTime,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        thematic_areas::table
            .filter(thematic_areas::code.eq(code))
            .filter(thematic_areas::version.eq(version)),
    )
    .set((
        changes,
        thematic_areas::version.eq(version + 1),
        thematic_areas::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Moves an area to `position`, as a new version.
pub fn set_position(
    conn: &mut DbConnection,
    code: &str,
    position: i32,
    now: chrono::NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(thematic_areas::table.filter(thematic_areas::code.eq(code)))
        .set((
            thematic_areas::position.eq(position),
            thematic_areas::version.eq(thematic_areas::version + 1),
            thematic_areas::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}
