//! What the exports page and its downloads select: the moderation filters
//! as the form sends them (repeated checkboxes, or comma lists as in the
//! API; days as `YYYY-MM-DD` in Rome time, the "to" day included) and, for
//! admins, whether to add personal data.

use crate::db::contributions::ModerationFilter;
use crate::domain::{FieldErrors, FieldIssue, Role};
use crate::error::ApiError;
use crate::http::console::queue::QueueParams;
use crate::http::console::{ConsoleError, ConsoleUser};
use crate::http::exports::{known_filter, parse_flag};
use crate::http::AppState;
use crate::i18n::Language;

/// The filters the page offers, as the export API names them.
pub const FILTERS: [&str; 9] = [
    "status",
    "thematic_area",
    "tag",
    "quartiere",
    "channel",
    "author_kind",
    "q",
    "received_from",
    "received_to",
];

/// The parameter that adds personal data (admins only).
pub const PERSONAL_DATA: &str = "include_personal_data";

/// The filters and the personal-data choice of one request.
pub struct Selection {
    filters: QueueParams,
    pub include_personal_data: bool,
}

impl Selection {
    /// The selection in a request's query. `own` names the parameters the
    /// caller takes besides the filters (a download's `format`, and
    /// [`PERSONAL_DATA`] where personal data may be asked for); any other
    /// name is an error, as in the API, so that a mistyped link never
    /// silently exports everything.
    pub fn from_query(
        pairs: Vec<(String, String)>,
        own: &[&str],
        errors: &mut FieldErrors,
    ) -> Selection {
        reject_unknown(
            &pairs,
            |name| FILTERS.contains(&name) || own.contains(&name),
            errors,
        );
        let personal = own
            .contains(&PERSONAL_DATA)
            .then(|| pairs.iter().find(|(name, _)| name == PERSONAL_DATA))
            .flatten()
            .map(|(_, value)| value.as_str());
        let include_personal_data = parse_flag(personal, PERSONAL_DATA, errors);
        let filters = QueueParams::from_pairs(
            pairs
                .into_iter()
                .filter(|(name, _)| FILTERS.contains(&name.as_str()))
                .collect(),
        );
        Selection {
            filters,
            include_personal_data,
        }
    }

    /// The moderation filter, once every value parses (with `errors`, the
    /// query's own) and its areas and tags exist: a 422 otherwise.
    pub async fn checked_filter(
        &self,
        state: &AppState,
        mut errors: FieldErrors,
    ) -> Result<ModerationFilter, ApiError> {
        let filter = self.filters.moderation_query().filter(&mut errors);
        errors.finish(Some(()))?;
        Ok(known_filter(state, filter).await?)
    }

    /// The selection as a query string, each filter once with its values
    /// as a comma list: what every download link carries.
    pub fn query(&self) -> String {
        self.query_with(self.include_personal_data)
    }

    /// The filters alone as a query string (the report has no personal data).
    pub fn filters_query(&self) -> String {
        self.query_with(false)
    }

    fn query_with(&self, include_personal_data: bool) -> String {
        let mut pairs: Vec<(&str, String)> = FILTERS
            .iter()
            .filter_map(|name| self.filters.joined(name).map(|value| (*name, value)))
            .collect();
        if include_personal_data {
            pairs.push((PERSONAL_DATA, "true".to_owned()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The value of a single-valued field (or a comma list), for the form.
    pub fn value(&self, name: &str) -> String {
        self.filters.joined(name).unwrap_or_default()
    }

    /// Whether `value` is among the chosen values of `name`.
    pub fn chosen(&self, name: &str, value: &str) -> bool {
        self.filters
            .joined(name)
            .is_some_and(|joined| joined.split(',').any(|item| item.trim() == value))
    }

    /// Whether any filter is set.
    pub fn is_empty(&self) -> bool {
        self.filters.pairs.is_empty()
    }
}

/// The personal-data choice of a query that takes nothing else (the data
/// package descriptor describes the columns, whatever the filters).
pub fn personal_data_choice(pairs: &[(String, String)], errors: &mut FieldErrors) -> bool {
    reject_unknown(pairs, |name| name == PERSONAL_DATA, errors);
    let raw = pairs
        .iter()
        .find(|(name, _)| name == PERSONAL_DATA)
        .map(|(_, value)| value.as_str());
    parse_flag(raw, PERSONAL_DATA, errors)
}

/// 403 unless `user` may have personal data, when asked for (admins only,
/// as in the API).
pub fn require_personal_data_role(
    user: &ConsoleUser,
    include_personal_data: bool,
) -> Result<(), ConsoleError> {
    if include_personal_data {
        user.require(Role::PERSONAL_DATA_EXPORTERS)?;
    }
    Ok(())
}

/// Names, once each, the parameters of `pairs` that `known` does not take.
fn reject_unknown(
    pairs: &[(String, String)],
    known: impl Fn(&str) -> bool,
    errors: &mut FieldErrors,
) {
    let mut reported: Vec<&str> = Vec::new();
    for (name, _) in pairs {
        if !known(name) && !reported.contains(&name.as_str()) {
            errors.add(name.clone(), FieldIssue::NotAllowed);
            reported.push(name);
        }
    }
}

/// The label of a parameter on the page, for its error messages.
pub fn field_label(field: &str, language: Language) -> String {
    let (it, en) = match field {
        "status" => ("Stato", "Status"),
        "thematic_area" => ("Area tematica", "Thematic area"),
        "tag" => ("Etichette", "Tags"),
        "quartiere" => ("Quartiere", "Quartiere"),
        "channel" => ("Canale", "Channel"),
        "author_kind" => ("Tipo di autore", "Author kind"),
        "q" => ("Testo o codice", "Text or reference"),
        "received_from" => ("Ricevuti dal", "Received from"),
        "received_to" => ("Ricevuti fino al", "Received until"),
        PERSONAL_DATA => ("Dati personali", "Personal data"),
        other => return other.to_owned(),
    };
    match language {
        Language::It => it.to_owned(),
        Language::En => en.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn repeated_checkboxes_and_comma_lists_become_one_comma_list() {
        let mut errors = FieldErrors::default();
        let selection = Selection::from_query(
            pairs(&[
                ("status", "approved"),
                ("status", "pending"),
                ("quartiere", "1,3"),
                ("q", " "),
                ("format", "csv"),
            ]),
            &["format", PERSONAL_DATA],
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(
            selection.query(),
            "status=approved%2Cpending&quartiere=1%2C3"
        );
        assert!(selection.chosen("quartiere", "3"));
        assert!(!selection.chosen("quartiere", "2"));
        assert!(!selection.include_personal_data);
    }

    #[test]
    fn unknown_parameters_and_bad_flags_are_named() {
        let mut errors = FieldErrors::default();
        let selection = Selection::from_query(
            pairs(&[("area", "x"), ("area", "y"), (PERSONAL_DATA, "forse")]),
            &[PERSONAL_DATA],
            &mut errors,
        );
        assert!(errors.names("area"));
        assert!(errors.names(PERSONAL_DATA));
        assert!(selection.is_empty());
        let mut errors = FieldErrors::default();
        let report = Selection::from_query(pairs(&[(PERSONAL_DATA, "true")]), &[], &mut errors);
        assert!(errors.names(PERSONAL_DATA), "where it is not taken");
        assert!(!report.include_personal_data);
    }

    #[test]
    fn personal_data_travels_in_the_links() {
        let mut errors = FieldErrors::default();
        let selection = Selection::from_query(
            pairs(&[(PERSONAL_DATA, "true")]),
            &[PERSONAL_DATA],
            &mut errors,
        );
        assert!(selection.include_personal_data);
        assert_eq!(selection.query(), "include_personal_data=true");
        assert_eq!(selection.filters_query(), "");
    }

    #[test]
    fn the_descriptor_takes_the_personal_data_choice_alone() {
        let mut errors = FieldErrors::default();
        assert!(personal_data_choice(
            &pairs(&[(PERSONAL_DATA, "TRUE")]),
            &mut errors
        ));
        assert!(errors.is_empty());
        personal_data_choice(&pairs(&[("status", "approved")]), &mut errors);
        assert!(errors.names("status"));
    }
}
