//! Text search over the `search_text` column: the title and body folded to
//! lowercase without accents, written by the service (SQLite's `lower()`
//! folds ASCII only).

use crate::domain::text::search_fold;

/// One LIKE pattern per word of the search text, every word required.
pub fn text_patterns(text: Option<&str>) -> Vec<String> {
    let Some(text) = text else {
        return Vec::new();
    };
    search_fold(text)
        .split_whitespace()
        .map(|word| format!("%{}%", escape_like(word)))
        .collect()
}

/// For staff searches that also match the author: per word of the search
/// text, the folded pattern of `search_text` and a lowercase pattern for
/// names and e-mail, which are stored as typed (SQLite's `lower()` folds
/// ASCII only, so accented letters match as typed).
pub fn author_patterns(text: Option<&str>) -> Vec<(String, String)> {
    let Some(text) = text else {
        return Vec::new();
    };
    text.split_whitespace()
        .map(|word| {
            (
                format!("%{}%", escape_like(&search_fold(word))),
                format!("%{}%", escape_like(&word.to_lowercase())),
            )
        })
        .collect()
}

pub fn escape_like(word: &str) -> String {
    let mut escaped = String::with_capacity(word.len());
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::text_patterns;

    #[test]
    fn patterns_fold_and_escape_each_word() {
        assert_eq!(
            text_patterns(Some("Mobilità  50%_off")),
            vec!["%mobilita%".to_owned(), "%50\\%\\_off%".to_owned()]
        );
        assert!(text_patterns(Some("   ")).is_empty());
    }
}
