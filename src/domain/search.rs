//! Full-text search terms, computed here so that SQLite and PostgreSQL index
//! and search exactly the same terms.
//!
//! A text becomes terms the way PostgreSQL's `italian` configuration reads
//! it, with accents ignored: folded to lowercase without diacritics, split
//! into runs of letters and digits, Italian stop words dropped (the Snowball
//! list, which PostgreSQL ships as `italian.stop`), each word reduced to its
//! Snowball Italian stem («ciclabili» and «ciclabile» both give `ciclabil`).
//! The author's names, organisation and e-mail are folded and split the same
//! way but neither stemmed nor filtered: a surname is not an inflected word.
//! Each backend only stores and matches these terms (`db::search`).

use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use stopwords::{Language, Stopwords, NLTK};

use super::text::search_fold;

/// Longer runs of letters are left out of the index and of queries:
/// PostgreSQL refuses lexemes over 2 KB, and no Italian word comes close.
const MAX_TERM_CHARS: usize = 100;

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Italian));

/// The Snowball Italian stop words, folded as the text is.
static STOP_WORDS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    NLTK::stopwords(Language::Italian)
        .unwrap_or_default()
        .iter()
        .map(|word| search_fold(word))
        .collect()
});

/// The folded words of `text`, in order.
fn words(text: &str) -> Vec<String> {
    search_fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty() && word.chars().count() <= MAX_TERM_CHARS)
        .map(str::to_owned)
        .collect()
}

/// The stems of `words` that are not stop words, in order.
fn stems(words: &[String]) -> Vec<String> {
    words
        .iter()
        .filter(|word| !STOP_WORDS.contains(word.as_str()))
        .map(|word| STEMMER.stem(word).into_owned())
        .collect()
}

/// The terms of a title or a text, space-separated, as stored for the index.
pub fn text_terms(text: &str) -> String {
    stems(&words(text)).join(" ")
}

/// The words of an author's names, organisation and e-mail address,
/// space-separated; `None` when there are none (an erased author without an
/// organisation).
pub fn author_terms(parts: &[Option<&str>]) -> Option<String> {
    let words: Vec<String> = parts
        .iter()
        .flatten()
        .flat_map(|part| words(part))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// What one word or quoted phrase of a query looks for: its stems in the
/// title or the text, or (for staff) its words in the author's data. Each
/// is a phrase: its terms in this order, next to one another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchItem {
    pub text: Vec<String>,
    pub author: Vec<String>,
}

/// A search: every item must match (AND).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    pub items: Vec<SearchItem>,
}

impl SearchQuery {
    /// Reads the words of a `q` parameter. Text between double quotes is one
    /// phrase (an unclosed quote runs to the end); elsewhere each word is an
    /// item, and a word that splits into several ("dell'acqua",
    /// "maria.rossi@example.org") is a phrase of its pieces. Stop words are
    /// ignored, and an item of stop words only is left out, so a query of
    /// stop words only has no item.
    pub fn parse(raw: &str) -> SearchQuery {
        let mut items = Vec::new();
        for (index, part) in raw.split('"').enumerate() {
            if index % 2 == 1 {
                items.extend(SearchQuery::item(part));
            } else {
                items.extend(part.split_whitespace().filter_map(SearchQuery::item));
            }
        }
        SearchQuery { items }
    }

    fn item(words_of_item: &str) -> Option<SearchItem> {
        let author = words(words_of_item);
        let text = stems(&author);
        (!text.is_empty()).then_some(SearchItem { text, author })
    }

    /// True when nothing is left to look for: no contribution matches.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_and_accents_give_the_same_terms() {
        assert_eq!(text_terms("Piste CICLABILI"), text_terms("pista ciclabile"));
        assert_eq!(text_terms("Città"), text_terms("citta"));
        assert_eq!(text_terms("Più alberi nella città!"), "alber citt");
        assert_eq!(text_terms("dell'acqua potabile"), "acqua potabil");
    }

    #[test]
    fn author_words_are_folded_not_stemmed() {
        assert_eq!(
            author_terms(&[Some("Niccolò"), Some("Dell'Acqua"), None, Some("n.d@x.it")]),
            Some("niccolo dell acqua n d x it".to_owned())
        );
        assert_eq!(author_terms(&[None, None]), None);
    }

    #[test]
    fn words_are_items_and_quotes_make_phrases() {
        let query = SearchQuery::parse("  Piste \"viali alberati\" maria.rossi@example.org della");
        let texts: Vec<Vec<&str>> = query
            .items
            .iter()
            .map(|item| item.text.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            texts,
            [
                vec!["pist"],
                vec!["vial", "alber"],
                vec!["mar", "ross", "exampl", "org"]
            ]
        );
        assert_eq!(query.items[2].author, ["maria", "rossi", "example", "org"]);
        assert!(SearchQuery::parse("della, il ; \"e\"").is_empty());
        assert!(SearchQuery::parse("%").is_empty());
        assert_eq!(SearchQuery::parse("\"piste ciclabili").items.len(), 1);
    }

    #[test]
    fn overlong_words_are_left_out() {
        let long = "a".repeat(MAX_TERM_CHARS + 1);
        assert_eq!(text_terms(&format!("{long} alberi")), "alber");
    }
}
