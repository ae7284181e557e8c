//! Query parameters of listings and exports, read from their text.

use super::{FieldErrors, FieldIssue, Quartiere};

/// Longest free-text query parameter accepted.
const MAX_QUERY_TEXT: usize = 200;

/// A free-text query parameter: at most 200 characters, no control
/// characters (PostgreSQL refuses NUL bytes, SQLite would match anything).
pub fn query_text(raw: Option<&str>, field: &str, errors: &mut FieldErrors) -> Option<String> {
    let raw = raw?;
    if raw.chars().any(char::is_control) {
        errors.add(field, FieldIssue::ControlCharacters);
        None
    } else if raw.chars().count() > MAX_QUERY_TEXT {
        errors.add(
            field,
            FieldIssue::TooLong {
                max: MAX_QUERY_TEXT,
            },
        );
        None
    } else {
        Some(raw.to_owned())
    }
}

/// The `quartiere` query parameter.
pub fn query_quartiere(raw: Option<&str>, errors: &mut FieldErrors) -> Option<Quartiere> {
    let parsed = raw?
        .trim()
        .parse::<i64>()
        .map_err(|_| FieldIssue::ExpectedInteger)
        .and_then(Quartiere::parse);
    match parsed {
        Ok(quartiere) => Some(quartiere),
        Err(issue) => {
            errors.add("quartiere", issue);
            None
        }
    }
}
