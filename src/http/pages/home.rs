//! `/`: what Rinasce Firenze is, its thematic areas, and where to go next.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::consultation::Consultation;
use super::PageError;
use crate::app::public;
use crate::clock;
use crate::db::models::ThematicAreaRow;
use crate::http::{page, AppState};

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    section: &'static str,
    areas: Vec<ThematicAreaRow>,
    consultation: Consultation,
}

/// `GET /`
pub async fn show_home(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let areas = public::thematic_areas(&state)
        .await?
        .value
        .into_iter()
        .filter(|area| area.active)
        .collect();
    let page = HomePage {
        section: "home",
        areas,
        consultation: Consultation::at(&state.config, clock::now()),
    };
    let mut response = HttpResponse::Ok();
    response.insert_header((header::CACHE_CONTROL, "no-cache"));
    Ok(page::render(response, &page)?)
}
