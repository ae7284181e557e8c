//! `GET /console/esportazioni`: the filter form, the count of the rows it
//! selects, and the downloads with how to load each.

use actix_web::{web, HttpResponse, ResponseError};
use askama::Template;

use super::guides::{downloads, Download, DownloadContext};
use super::selection::{field_label, require_personal_data_role, Selection, PERSONAL_DATA};
use crate::app::moderation::tags;
use crate::clock;
use crate::domain::{Channel, ContributionStatus, FieldErrors, Role};
use crate::exports;
use crate::http::console::labels::{self, problem_lines_naming, Choice};
use crate::http::console::queue::area_names;
use crate::http::console::{ConsoleError, ConsoleUser, Layout};
use crate::http::{page, AppState};
use crate::i18n::format::count_in;
use crate::i18n::format::rome_date;
use crate::i18n::Language;

/// The filter form as the page draws it.
pub struct FilterForm {
    pub statuses: Vec<Choice>,
    pub areas: Vec<Choice>,
    pub quartieri: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub author_kinds: Vec<Choice>,
    /// The tags typed, a comma list.
    pub tags: String,
    /// Every tag, for the field's suggestions.
    pub known_tags: Vec<String>,
    pub q: String,
    pub received_from: String,
    pub received_to: String,
    /// Admins may add personal data.
    pub offers_personal_data: bool,
    pub include_personal_data: bool,
    /// Whether any filter is set (a link clears them).
    pub filtered: bool,
}

/// What valid filters select.
pub struct Selected {
    pub count: u64,
    /// "1.234 contributi selezionati"
    pub count_text: String,
    pub downloads: Vec<Download>,
}

#[derive(Template)]
#[template(path = "console/exports.html")]
struct ExportsPage {
    layout: Layout,
    form: FilterForm,
    /// Why the filters are invalid, when they are.
    problems: Vec<String>,
    selected: Option<Selected>,
}

fn count_text(count: u64, language: Language) -> String {
    let number = count_in(language, i64::try_from(count).unwrap_or(i64::MAX));
    match (language, count) {
        (Language::It, 1) => "1 contributo selezionato".to_owned(),
        (Language::It, _) => format!("{number} contributi selezionati"),
        (Language::En, 1) => "1 contribution selected".to_owned(),
        (Language::En, _) => format!("{number} contributions selected"),
    }
}

async fn filter_form(
    state: &AppState,
    user: &ConsoleUser,
    selection: &Selection,
) -> Result<FilterForm, ConsoleError> {
    let language = user.language;
    let chosen = |name: &'static str| move |value: &str| selection.chosen(name, value);
    Ok(FilterForm {
        statuses: ContributionStatus::ALL
            .iter()
            .map(|s| {
                let label = labels::status_label(*s, language);
                Choice::new(s.as_str(), label, selection.chosen("status", s.as_str()))
            })
            .collect(),
        areas: area_names(state)
            .await?
            .into_iter()
            .map(|(code, name)| {
                let selected = selection.chosen("thematic_area", &code);
                Choice::new(code, name, selected)
            })
            .collect(),
        quartieri: labels::quartiere_choices(chosen("quartiere")),
        channels: labels::channel_choices(
            Channel::ALL.iter().copied(),
            language,
            chosen("channel"),
        ),
        author_kinds: labels::author_kind_choices(language, chosen("author_kind")),
        tags: selection.value("tag"),
        known_tags: tags::counts(state)
            .await?
            .into_iter()
            .map(|(tag, _)| tag)
            .collect(),
        q: selection.value("q"),
        received_from: selection.value("received_from"),
        received_to: selection.value("received_to"),
        offers_personal_data: user.staff.role.may(Role::PERSONAL_DATA_EXPORTERS),
        include_personal_data: selection.include_personal_data,
        filtered: !selection.is_empty() || selection.include_personal_data,
    })
}

/// `GET /console/esportazioni`
pub async fn show_exports(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(Role::EXPORTERS)?;
    let mut errors = FieldErrors::default();
    let selection = Selection::from_query(query.into_inner(), &[PERSONAL_DATA], &mut errors);
    require_personal_data_role(&user, selection.include_personal_data)?;
    let language = user.language;
    let counted = match selection.checked_filter(&state, errors).await {
        Ok(filter) => exports::count(&state.db, filter)
            .await
            .map_err(crate::error::ApiError::from),
        Err(error) => Err(error),
    };
    let (selected, problems) = match counted {
        Ok(count) => {
            let query = selection.query();
            let filters_query = selection.filters_query();
            let context = DownloadContext {
                query: &query,
                filters_query: &filters_query,
                include_personal_data: selection.include_personal_data,
                today: rome_date(clock::now()),
                language,
            };
            let selected = Selected {
                count,
                count_text: count_text(count, language),
                downloads: downloads(&context),
            };
            (Some(selected), Vec::new())
        }
        Err(error) if error.status_code().is_client_error() => (
            None,
            problem_lines_naming(&error, language, |field| field_label(field, language)),
        ),
        Err(error) => return Err(error.into()),
    };
    let page = ExportsPage {
        layout: user.layout(),
        form: filter_form(&state, &user, &selection).await?,
        problems,
        selected,
    };
    let status = if page.problems.is_empty() {
        HttpResponse::Ok()
    } else {
        HttpResponse::UnprocessableEntity()
    };
    Ok(page::render(status, &page)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_in_the_page_language() {
        assert_eq!(count_text(1, Language::It), "1 contributo selezionato");
        assert_eq!(
            count_text(1234, Language::It),
            "1.234 contributi selezionati"
        );
        assert_eq!(count_text(0, Language::En), "0 contributions selected");
        assert_eq!(
            count_text(1234, Language::En),
            "1,234 contributions selected"
        );
    }
}
