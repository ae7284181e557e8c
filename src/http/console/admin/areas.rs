//! `/console/admin/aree`: the thematic areas, for admins. Add, rename,
//! describe, deactivate (confirmed first) and reactivate; reorder with
//! "move up" and "move down" buttons (plain forms, so the keyboard and
//! browsers without JavaScript can) or, with `assets/areas-order.js`, by
//! dragging. A move names the area's new position; the service shifts the
//! others, so positions stay 1..n. The same service as
//! `/api/v1/admin/thematic-areas`; every form carries the version read.

use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;
use serde::Deserialize;

use super::forms::{see_other, with_query, ConfirmPage, Refusal};
use crate::app::areas::{self, NewArea};
use crate::db::models::ThematicAreaRow;
use crate::db::thematic_areas::AreaChanges;
use crate::domain::thematic_area::{area_description, area_name};
use crate::domain::{FieldErrors, FieldIssue, Invalid, Role, ThematicAreaCode};
use crate::error::ApiError;
use crate::http::console::labels::pick;
use crate::http::console::{flash, ConsoleError, ConsoleForm, ConsoleUser, Layout};
use crate::http::page;
use crate::http::AppState;
use crate::i18n::Language;

const AREAS_PAGE: &str = "/console/admin/aree";

/// Which way a move button moves its area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    fn parse(raw: Option<&str>) -> Option<Direction> {
        match raw? {
            "su" => Some(Direction::Up),
            "giu" => Some(Direction::Down),
            _ => None,
        }
    }
}

/// One area as the list shows it.
pub struct AreaView {
    pub code: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub active: bool,
    pub version: i64,
    /// The position a "move up" asks for; none for the first area.
    pub up: Option<i32>,
    /// The position a "move down" asks for; none for the last area.
    pub down: Option<i32>,
    /// The move button that takes the focus: the one just used (or the
    /// other, once the area reached an end of the list).
    pub focus: Option<Direction>,
}

impl AreaView {
    pub fn focus_up(&self) -> bool {
        self.focus == Some(Direction::Up)
    }

    pub fn focus_down(&self) -> bool {
        self.focus == Some(Direction::Down)
    }
}

fn area_views(rows: Vec<ThematicAreaRow>, moved: Option<(&str, Direction)>) -> Vec<AreaView> {
    let last = rows.len() as i32;
    rows.into_iter()
        .map(|row| {
            let up = (row.position > 1).then(|| row.position - 1);
            let down = (row.position < last).then(|| row.position + 1);
            let focus = match moved {
                Some((code, wanted)) if code == row.code => Some(match (wanted, up, down) {
                    (Direction::Up, None, Some(_)) => Direction::Down,
                    (Direction::Down, Some(_), None) => Direction::Up,
                    _ => wanted,
                }),
                _ => None,
            };
            AreaView {
                code: row.code,
                name: row.name,
                description: row.description,
                position: row.position,
                active: row.active,
                version: row.version,
                up,
                down,
                focus,
            }
        })
        .collect()
}

/// The new-area form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct NewAreaFields {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// What a change did, or why it was refused, as the live region says it.
pub struct Outcome {
    pub text: String,
    pub refused: bool,
}

#[derive(Template)]
#[template(path = "console/admin/areas.html")]
struct AreasPage {
    layout: Layout,
    areas: Vec<AreaView>,
    typed: NewAreaFields,
    /// Why the new area was refused.
    refusal: Refusal,
    outcome: Option<Outcome>,
}

impl AreasPage {
    /// The label of a field of the new-area form.
    fn label(&self, field: &str) -> &'static str {
        field_label(self.layout.language, field)
    }
}

fn field_label(language: Language, field: &str) -> &'static str {
    match field {
        "code" => pick(language, "Codice", "Code"),
        "name" => pick(language, "Nome", "Name"),
        "description" => pick(language, "Descrizione", "Description"),
        "position" => pick(language, "Posizione", "Position"),
        _ => pick(language, "Versione", "Version"),
    }
}

/// What the list page says besides the areas.
#[derive(Default)]
struct Feedback {
    moved: Option<(String, Direction)>,
    typed: NewAreaFields,
    refusal: Refusal,
    outcome: Option<Outcome>,
}

async fn areas_page(
    state: &AppState,
    user: &ConsoleUser,
    status: HttpResponseBuilder,
    feedback: Feedback,
) -> Result<HttpResponse, ConsoleError> {
    let rows = areas::list(state).await?;
    let moved = feedback
        .moved
        .as_ref()
        .map(|(code, direction)| (code.as_str(), *direction));
    let page = AreasPage {
        layout: user.layout(),
        areas: area_views(rows, moved),
        typed: feedback.typed,
        refusal: feedback.refusal,
        outcome: feedback.outcome,
    };
    Ok(page::render(status, &page)?)
}

/// After a move, `spostata` names the area and `verso` the button, whose
/// focus the page keeps.
#[derive(Debug, Default, Deserialize)]
pub struct AreasQuery {
    spostata: Option<String>,
    verso: Option<String>,
}

/// Where a moved area now stands; the list's order says the same.
fn moved_outcome(
    query: &AreasQuery,
    rows: &[ThematicAreaRow],
    language: Language,
) -> Option<Outcome> {
    let code = query.spostata.as_deref()?;
    let area = rows.iter().find(|row| row.code == code)?;
    let (name, position, total) = (&area.name, area.position, rows.len());
    let text = match language {
        Language::It => format!("«{name}» ora è in posizione {position} di {total}."),
        Language::En => format!("“{name}” is now at position {position} of {total}."),
    };
    Some(Outcome {
        text,
        refused: false,
    })
}

/// A change made to an area, as the list then says it.
#[derive(Clone, Copy)]
enum Done {
    Added,
    Saved,
    Deactivated,
    Reactivated,
}

impl Done {
    fn message(self, name: &str, language: Language) -> String {
        match (self, language) {
            (Done::Added, Language::It) => format!("Area «{name}» aggiunta in fondo all'elenco."),
            (Done::Added, Language::En) => format!("Area “{name}” added at the end of the list."),
            (Done::Saved, Language::It) => format!("Area «{name}» salvata."),
            (Done::Saved, Language::En) => format!("Area “{name}” saved."),
            (Done::Deactivated, Language::It) => format!(
                "Area «{name}» disattivata: il modulo non la offre più; i contributi già ricevuti restano."
            ),
            (Done::Deactivated, Language::En) => format!(
                "Area “{name}” deactivated: the form no longer offers it; contributions already received stay."
            ),
            (Done::Reactivated, Language::It) => {
                format!("Area «{name}» riattivata: il modulo la offre di nuovo.")
            }
            (Done::Reactivated, Language::En) => {
                format!("Area “{name}” reactivated: the form offers it again.")
            }
        }
    }
}

/// Back to the list, which says what was done (Post/Redirect/Get).
fn done(state: &AppState, user: &ConsoleUser, what: Done, row: &ThematicAreaRow) -> HttpResponse {
    let message = what.message(&row.name, user.language);
    flash::redirect_with(AREAS_PAGE, &message, &state.config)
}

/// `GET /console/admin/aree`
pub async fn show_areas(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<AreasQuery>,
    request: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let rows = areas::list(&state).await?;
    let moved = query.spostata.clone().map(|code| {
        let direction = Direction::parse(query.verso.as_deref()).unwrap_or(Direction::Up);
        (code, direction)
    });
    let flashed = flash::message(&request).map(|text| Outcome {
        text,
        refused: false,
    });
    let feedback = Feedback {
        moved,
        outcome: flashed.or_else(|| moved_outcome(&query, &rows, user.language)),
        ..Feedback::default()
    };
    let mut response = areas_page(&state, &user, HttpResponse::Ok(), feedback).await?;
    flash::clear(&mut response, &state.config);
    Ok(response)
}

fn parse_new_area(fields: &NewAreaFields) -> Result<NewArea, ApiError> {
    let mut errors = FieldErrors::default();
    let code = errors.check("code", ThematicAreaCode::parse_new(fields.code.trim()));
    let name = errors.check("name", area_name(&fields.name));
    let description = errors.check("description", area_description(&fields.description));
    let new = match (code, name, description) {
        (Some(code), Some(name), Some(description)) => Some(NewArea {
            code,
            name,
            description,
            position: None,
            active: true,
        }),
        _ => None,
    };
    Ok(errors.finish(new)?)
}

/// `POST /console/admin/aree`: added, the list says so; refused, the form
/// comes back with what is wrong and what was typed.
pub async fn create_area(
    ConsoleForm { user, fields }: ConsoleForm<NewAreaFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let created = match parse_new_area(&fields) {
        Ok(new) => areas::create(&state, user.staff.id, new)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    match created {
        Ok(row) => Ok(done(&state, &user, Done::Added, &row)),
        Err(error) => {
            let (status, refusal) = Refusal::of(error, user.language)?;
            let feedback = Feedback {
                typed: fields,
                refusal,
                ..Feedback::default()
            };
            areas_page(&state, &user, status, feedback).await
        }
    }
}

/// A move: the position asked for, the version read, the button used.
#[derive(Debug, Deserialize)]
pub struct MoveFields {
    posizione: Option<String>,
    versione: Option<String>,
    /// `su` or `giu` from the buttons; absent after a drag.
    verso: Option<String>,
}

/// The version a form carries, as the service expects it.
fn version_of(raw: Option<&str>, errors: &mut FieldErrors) -> Option<i64> {
    match raw.map(str::trim).filter(|v| !v.is_empty()) {
        None => {
            errors.add("versione", FieldIssue::Required);
            None
        }
        Some(raw) => raw
            .parse()
            .map_err(|_| errors.add("versione", FieldIssue::ExpectedInteger))
            .ok(),
    }
}

fn parse_move(fields: &MoveFields) -> Result<(i64, i32), Invalid> {
    let mut errors = FieldErrors::default();
    let version = version_of(fields.versione.as_deref(), &mut errors);
    let position = match fields.posizione.as_deref().map(str::trim) {
        None | Some("") => {
            errors.add("position", FieldIssue::Required);
            None
        }
        Some(raw) => raw
            .parse::<i32>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .or_else(|| {
                errors.add(
                    "position",
                    FieldIssue::OutOfRange {
                        min: 1,
                        max: 10_000,
                    },
                );
                None
            }),
    };
    errors.finish(version.zip(position))
}

/// `POST /console/admin/aree/{code}/posizione`: moved, the list with the
/// area's new position announced and the focus on its button.
pub async fn move_area(
    ConsoleForm { user, fields }: ConsoleForm<MoveFields>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let code = path.into_inner();
    let moved = match parse_move(&fields) {
        Ok((version, position)) => {
            let changes = AreaChanges {
                position: Some(position),
                ..AreaChanges::default()
            };
            areas::change(&state, user.staff.id, code.clone(), Some(version), changes)
                .await
                .map_err(ApiError::from)
        }
        Err(invalid) => Err(invalid.into()),
    };
    match moved {
        Ok(row) => {
            let direction = match Direction::parse(fields.verso.as_deref()) {
                Some(Direction::Down) => "giu",
                _ => "su",
            };
            // No `#area-…` fragment: a page opened at a fragment skips
            // `autofocus`, and the button's focus is what matters here.
            Ok(see_other(with_query(
                AREAS_PAGE,
                &[("spostata", row.code.as_str()), ("verso", direction)],
            )))
        }
        Err(error) => {
            let (status, refusal) = Refusal::of(error, user.language)?;
            let feedback = Feedback {
                outcome: Some(Outcome {
                    text: refusal_text(&refusal, user.language),
                    refused: true,
                }),
                ..Feedback::default()
            };
            areas_page(&state, &user, status, feedback).await
        }
    }
}

/// A refusal in one sentence: its detail, then each field's message.
fn refusal_text(refusal: &Refusal, language: Language) -> String {
    let mut text = refusal.detail.clone();
    for field in &refusal.fields {
        text.push_str(&format!(
            " {}: {}.",
            field_label(language, &field.field),
            field.message
        ));
    }
    text
}

/// The edit page of one area.
#[derive(Template)]
#[template(path = "console/admin/area.html")]
struct AreaPage {
    layout: Layout,
    /// The area as stored now.
    area: ThematicAreaRow,
    /// The name and description in the form: as stored, or as typed.
    name: String,
    description: String,
    /// The version the form sends back.
    version: i64,
    refusal: Refusal,
    /// Someone else saved the area since the form was read.
    stale: bool,
}

impl AreaPage {
    fn label(&self, field: &str) -> &'static str {
        field_label(self.layout.language, field)
    }
}

async fn stored_area(state: &AppState, code: &str) -> Result<ThematicAreaRow, ConsoleError> {
    areas::list(state)
        .await?
        .into_iter()
        .find(|row| row.code == code)
        .ok_or(ConsoleError::NotFound)
}

/// `GET /console/admin/aree/{code}`
pub async fn show_area(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let area = stored_area(&state, &path).await?;
    let page = AreaPage {
        layout: user.layout(),
        name: area.name.clone(),
        description: area.description.clone(),
        version: area.version,
        area,
        refusal: Refusal::default(),
        stale: false,
    };
    Ok(page::render(HttpResponse::Ok(), &page)?)
}

#[derive(Debug, Deserialize)]
pub struct AreaFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    versione: Option<String>,
}

fn parse_area_fields(fields: &AreaFields) -> Result<(i64, AreaChanges), Invalid> {
    let mut errors = FieldErrors::default();
    let version = version_of(fields.versione.as_deref(), &mut errors);
    let name = errors.check("name", area_name(&fields.name));
    let description = errors.check("description", area_description(&fields.description));
    let changes = name
        .zip(description)
        .map(|(name, description)| AreaChanges {
            name: Some(name),
            description: Some(description),
            ..AreaChanges::default()
        });
    errors.finish(version.zip(changes))
}

/// `POST /console/admin/aree/{code}`: the name and description saved, or
/// the form again with what is wrong (and, when someone else saved first,
/// what is stored now).
pub async fn save_area(
    ConsoleForm { user, fields }: ConsoleForm<AreaFields>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let code = path.into_inner();
    let saved = match parse_area_fields(&fields) {
        Ok((version, changes)) => {
            areas::change(&state, user.staff.id, code.clone(), Some(version), changes)
                .await
                .map_err(ApiError::from)
        }
        Err(invalid) => Err(invalid.into()),
    };
    let error = match saved {
        Ok(row) => return Ok(done(&state, &user, Done::Saved, &row)),
        Err(error) => error,
    };
    let stale = matches!(error, ApiError::PreconditionFailed(_));
    let (status, refusal) = Refusal::of(error, user.language)?;
    let area = stored_area(&state, &code).await?;
    let typed_version = fields
        .versione
        .as_deref()
        .and_then(|v| v.trim().parse().ok());
    let page = AreaPage {
        layout: user.layout(),
        // Saving again after a stale save overwrites what is stored now,
        // which the page shows beside the form.
        version: match typed_version {
            Some(version) if !stale => version,
            _ => area.version,
        },
        area,
        name: fields.name,
        description: fields.description,
        refusal,
        stale,
    };
    Ok(page::render(status, &page)?)
}

/// `GET /console/admin/aree/{code}/disattiva`: the confirmation step.
pub async fn confirm_deactivation(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let row = stored_area(&state, &path).await?;
    let language = user.language;
    let say = |it: &'static str, en: &'static str| pick(language, it, en).to_owned();
    let page = ConfirmPage {
        layout: user.layout(),
        question: match language {
            Language::It => format!("Disattivare l'area «{}»?", row.name),
            Language::En => format!("Deactivate the area “{}”?", row.name),
        },
        consequences: vec![
            say(
                "Il modulo non la offre più: nessun nuovo contributo potrà esservi inviato.",
                "The form no longer offers it: no new contribution can be sent to it.",
            ),
            say(
                "I contributi già ricevuti restano, con la loro area, nella coda e nelle esportazioni.",
                "Contributions already received stay, with their area, in the queue and the exports.",
            ),
            say(
                "L'area resta nell'elenco e può essere riattivata.",
                "The area stays listed and can be reactivated.",
            ),
        ],
        action: format!("{AREAS_PAGE}/{}/disattiva", row.code),
        hidden: vec![("versione", row.version.to_string())],
        confirm_label: say("Disattiva l'area", "Deactivate the area"),
        back: format!("{AREAS_PAGE}/{}", row.code),
    };
    Ok(page::render(HttpResponse::Ok(), &page)?)
}

#[derive(Debug, Deserialize)]
pub struct VersionField {
    versione: Option<String>,
}

async fn set_active(
    ConsoleForm { user, fields }: ConsoleForm<VersionField>,
    state: web::Data<AppState>,
    code: String,
    active: bool,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let mut errors = FieldErrors::default();
    let version = version_of(fields.versione.as_deref(), &mut errors);
    let changed = match errors.finish(version) {
        Ok(version) => {
            let changes = AreaChanges {
                active: Some(active),
                ..AreaChanges::default()
            };
            areas::change(&state, user.staff.id, code, Some(version), changes)
                .await
                .map_err(ApiError::from)
        }
        Err(invalid) => Err(invalid.into()),
    };
    match changed {
        Ok(row) => {
            let what = if active {
                Done::Reactivated
            } else {
                Done::Deactivated
            };
            Ok(done(&state, &user, what, &row))
        }
        Err(error) => {
            let (status, refusal) = Refusal::of(error, user.language)?;
            let feedback = Feedback {
                outcome: Some(Outcome {
                    text: refusal_text(&refusal, user.language),
                    refused: true,
                }),
                ..Feedback::default()
            };
            areas_page(&state, &user, status, feedback).await
        }
    }
}

/// `POST /console/admin/aree/{code}/disattiva`
pub async fn deactivate_area(
    form: ConsoleForm<VersionField>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    set_active(form, state, path.into_inner(), false).await
}

/// `POST /console/admin/aree/{code}/riattiva`
pub async fn reactivate_area(
    form: ConsoleForm<VersionField>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    set_active(form, state, path.into_inner(), true).await
}
