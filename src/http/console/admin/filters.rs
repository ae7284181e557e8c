//! A list page's filter form as typed in its query: one value per field it
//! knows, trimmed; an empty field means "any" and is dropped, as are fields
//! it does not know. Kept to fill the form again and to build the paging
//! links.

use actix_web::{HttpResponse, HttpResponseBuilder};

use super::forms::{with_query, Refusal};
use crate::error::ApiError;
use crate::http::console::ConsoleError;
use crate::http::pagination;
use crate::i18n::Language;

#[derive(Debug, Default)]
pub struct TypedFilters {
    pairs: Vec<(String, String)>,
}

impl TypedFilters {
    /// The first value of each of `known` in `pairs`.
    pub fn from_query(pairs: &[(String, String)], known: &[&str]) -> TypedFilters {
        let mut kept: Vec<(String, String)> = Vec::new();
        for (name, value) in pairs {
            let value = value.trim();
            let first = !kept.iter().any(|(n, _)| n == name);
            if known.contains(&name.as_str()) && !value.is_empty() && first {
                kept.push((name.clone(), value.to_owned()));
            }
        }
        TypedFilters { pairs: kept }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value typed for `name`, or empty.
    pub fn value(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    pub fn owned(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }

    /// `path` with these filters, at `cursor` (the first page without one).
    pub fn href(&self, path: &str, cursor: Option<&str>) -> String {
        let mut query: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(name, _)| name != "cursor")
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        query.extend(cursor.map(|cursor| ("cursor", cursor)));
        with_query(path, &query)
    }
}

/// One page of a filtered list, as its page shows it.
pub struct ListPage<T> {
    pub status: HttpResponseBuilder,
    pub rows: Vec<T>,
    /// Why the filters were refused; the list is then empty.
    pub refusal: Refusal,
    pub next_page: Option<String>,
    /// Back to the first page, from a later one.
    pub first_page: Option<String>,
}

impl<T> ListPage<T> {
    /// `found` (at most `page_size + 1` rows: one more tells there is a next
    /// page, whose cursor is `cursor_of` the last row shown), or the refusal
    /// of the filters typed.
    pub fn of(
        found: Result<Vec<T>, ApiError>,
        filters: &TypedFilters,
        path: &str,
        page_size: i64,
        cursor_of: impl Fn(&T) -> i64,
        language: Language,
    ) -> Result<ListPage<T>, ConsoleError> {
        let (status, mut rows, refusal) = match found {
            Ok(rows) => (HttpResponse::Ok(), rows, Refusal::default()),
            Err(error) => {
                let (status, refusal) = Refusal::of(error, language)?;
                (status, Vec::new(), refusal)
            }
        };
        let has_more = rows.len() as i64 > page_size;
        rows.truncate(page_size as usize);
        let next_page = rows.last().filter(|_| has_more).map(|last| {
            let cursor = pagination::encode_cursor(&[cursor_of(last)]);
            filters.href(path, Some(&cursor))
        });
        let first_page = filters.get("cursor").map(|_| filters.href(path, None));
        Ok(ListPage {
            status,
            rows,
            refusal,
            next_page,
            first_page,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_first_value_of_each_known_field_is_kept_trimmed() {
        let typed = TypedFilters::from_query(
            &pairs(&[
                ("actor", " anna "),
                ("actor", "marco"),
                ("action", ""),
                ("other", "x"),
                ("cursor", "old"),
            ]),
            &["actor", "action", "cursor"],
        );
        assert_eq!(typed.value("actor"), "anna");
        assert_eq!(typed.get("action"), None);
        assert_eq!(typed.get("other"), None);
        assert_eq!(typed.href("/p", None), "/p?actor=anna");
        assert_eq!(typed.href("/p", Some("new")), "/p?actor=anna&cursor=new");
        assert_eq!(TypedFilters::default().href("/p", None), "/p");
    }
}
