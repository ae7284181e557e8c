//! `/thematic-areas`: the areas of the document, for the form's menu.

use actix_web::http::header;
use actix_web::{get, web, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::app::public;
use crate::db::models::ThematicAreaRow;
use crate::error::ApiError;
use crate::http::problems::Unavailable;

#[derive(Debug, Serialize, ToSchema)]
pub struct ThematicArea {
    #[schema(max_length = 64, example = "mobilita-green")]
    pub code: String,
    #[schema(max_length = 200, example = "Mobilità green")]
    pub name: String,
    #[schema(max_length = 2000)]
    pub description: String,
    /// Display order, from 1.
    #[schema(format = Int32, minimum = 0)]
    pub position: i32,
    /// Whether the area accepts contributions.
    pub active: bool,
}

impl From<ThematicAreaRow> for ThematicArea {
    fn from(row: ThematicAreaRow) -> Self {
        ThematicArea {
            code: row.code,
            name: row.name,
            description: row.description,
            position: row.position,
            active: row.active,
        }
    }
}

/// All thematic areas.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThematicAreaList {
    #[schema(max_items = 100)]
    pub items: Vec<ThematicArea>,
}

/// List the thematic areas
///
/// Every thematic area in display order; inactive ones are listed with `active: false`.
/// While the database does not answer, the list as last read, with
/// `Last-Modified` saying when and `Warning: 110`.
#[utoipa::path(
    get,
    path = "/thematic-areas",
    tag = "aree-tematiche",
    operation_id = "list_thematic_areas",
    responses(
        (status = 200, description = "The thematic areas.", body = ThematicAreaList),
        Unavailable,
    )
)]
#[get("/thematic-areas")]
pub async fn list_thematic_areas(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let areas = public::thematic_areas(&state).await?;
    let mut response = HttpResponse::Ok();
    if let Some(read_at) = areas.stale_since {
        response
            .insert_header((
                header::LAST_MODIFIED,
                header::HttpDate::from(std::time::SystemTime::from(read_at)),
            ))
            .insert_header((header::WARNING, "110 - \"Response is Stale\""))
            .insert_header((header::CACHE_CONTROL, "no-cache"));
    }
    Ok(response.json(ThematicAreaList {
        items: areas.value.into_iter().map(ThematicArea::from).collect(),
    }))
}
