//! A list page's filter form as typed in its query: one value per field it
//! knows, trimmed; an empty field means "any" and is dropped, as are fields
//! it does not know. Kept to fill the form again and to build the paging
//! links.

use super::forms::with_query;

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
