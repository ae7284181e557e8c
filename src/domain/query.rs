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
    match parse_quartiere(raw?.trim()) {
        Ok(quartiere) => Some(quartiere),
        Err(issue) => {
            errors.add("quartiere", issue);
            None
        }
    }
}

/// A multi-valued query parameter: a comma list, each item trimmed and
/// parsed. Every item must parse (an empty item too), so a typo is named
/// instead of silently matching nothing. Absent, it is an empty list.
pub fn query_list<T>(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
    parse: impl Fn(&str) -> Result<T, FieldIssue>,
) -> Vec<T> {
    let Some(raw) = query_text(raw, field, errors) else {
        return Vec::new();
    };
    let parsed: Result<Vec<T>, FieldIssue> =
        raw.split(',').map(|item| parse(item.trim())).collect();
    parsed.unwrap_or_else(|issue| {
        errors.add(field, issue);
        Vec::new()
    })
}

/// One quartiere of a `quartiere` list.
pub fn parse_quartiere(raw: &str) -> Result<Quartiere, FieldIssue> {
    raw.parse::<i64>()
        .map_err(|_| FieldIssue::ExpectedInteger)
        .and_then(Quartiere::parse)
}

/// Which end of a period a date stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodEdge {
    /// A date means its first instant.
    Start,
    /// A date means its last instant.
    End,
}

/// An RFC 3339 time, or a date (`2026-12-04`, UTC) taken as the first or
/// last instant of that day, as UTC without offset.
pub fn query_instant(
    raw: Option<&str>,
    field: &str,
    edge: PeriodEdge,
    errors: &mut FieldErrors,
) -> Option<chrono::NaiveDateTime> {
    let raw = raw?.trim();
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(raw) {
        return Some(time.naive_utc());
    }
    match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) => match edge {
            PeriodEdge::Start => date.and_hms_opt(0, 0, 0),
            PeriodEdge::End => date.and_hms_micro_opt(23, 59, 59, 999_999),
        },
        Err(_) => {
            errors.add(field, FieldIssue::InvalidDateOrTime);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_comma_separated_and_every_item_must_parse() {
        let mut errors = FieldErrors::default();
        let quartieri = query_list(Some("1, 3"), "quartiere", &mut errors, parse_quartiere);
        assert_eq!(
            quartieri.iter().map(|q| q.number()).collect::<Vec<_>>(),
            [1, 3]
        );
        assert!(errors.is_empty());
        assert!(query_list(Some("1,,3"), "quartiere", &mut errors, parse_quartiere).is_empty());
        assert!(query_list(Some("1,9"), "quartiere", &mut errors, parse_quartiere).is_empty());
        assert_eq!(errors.finish(Some(())).unwrap_err().0.len(), 2);
        assert!(query_list(
            None,
            "quartiere",
            &mut FieldErrors::default(),
            parse_quartiere
        )
        .is_empty());
    }

    #[test]
    fn a_date_stands_for_the_first_or_last_instant_of_its_day() {
        let mut errors = FieldErrors::default();
        let start = query_instant(Some("2026-12-04"), "since", PeriodEdge::Start, &mut errors);
        let end = query_instant(Some("2026-12-04"), "until", PeriodEdge::End, &mut errors);
        let time = query_instant(
            Some("2026-12-04T10:00:00+01:00"),
            "since",
            PeriodEdge::Start,
            &mut errors,
        );
        assert!(errors.is_empty());
        assert_eq!(start.unwrap().to_string(), "2026-12-04 00:00:00");
        assert_eq!(end.unwrap().to_string(), "2026-12-04 23:59:59.999999");
        assert_eq!(time.unwrap().to_string(), "2026-12-04 09:00:00");
        for bad in ["04/12/2026", "2026-13-01", "ieri"] {
            let mut errors = FieldErrors::default();
            assert_eq!(
                query_instant(Some(bad), "until", PeriodEdge::End, &mut errors),
                None
            );
            assert!(!errors.is_empty(), "{bad}");
        }
    }
}
