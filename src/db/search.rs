//! Text search through each backend's full-text index, over the terms the
//! service stores with each contribution (`domain::search`): PostgreSQL
//! matches a `tsquery` against the generated `search_vector` (GIN index),
//! SQLite an FTS5 query against `contributions_fts`. Both are built here
//! from the same parsed query, so they look for the same terms.

use crate::domain::search::{SearchItem, SearchQuery};

/// Whose words a search reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The title and the text: the public, and exports.
    Text,
    /// The title and the text, or the author's names, organisation and
    /// e-mail: staff only.
    TextAndAuthor,
}

/// The author's lexemes carry this mark in the tsvector (see the migration
/// `2026-12-05-000060_full_text_search`): a term is alphanumeric, so no
/// title or text lexeme starts with it.
const AUTHOR_MARK: &str = "~";

/// The query as a PostgreSQL `tsquery` literal: items ANDed, each a phrase
/// (`<->`), and for staff either the text's phrase or the author's. Terms
/// are letters and digits only, so quoting them needs no escape.
pub fn tsquery(query: &SearchQuery, reach: Reach) -> String {
    let item = |item: &SearchItem| {
        let text = ts_phrase(&item.text, "");
        match reach {
            Reach::Text => text,
            Reach::TextAndAuthor => {
                format!("({text} | {})", ts_phrase(&item.author, AUTHOR_MARK))
            }
        }
    };
    query.items.iter().map(item).collect::<Vec<_>>().join(" & ")
}

fn ts_phrase(terms: &[String], mark: &str) -> String {
    let lexemes: Vec<String> = terms.iter().map(|t| format!("'{mark}{t}'")).collect();
    format!("({})", lexemes.join(" <-> "))
}

/// The query as an FTS5 expression: items ANDed, each a phrase (a quoted
/// string) in the title or text columns, and for staff either that or the
/// author's phrase in its own column.
pub fn fts5_match(query: &SearchQuery, reach: Reach) -> String {
    let item = |item: &SearchItem| {
        let text = format!("{{search_title search_body}} : \"{}\"", item.text.join(" "));
        match reach {
            Reach::Text => text,
            Reach::TextAndAuthor => {
                format!("({text} OR search_author : \"{}\")", item.author.join(" "))
            }
        }
    };
    query
        .items
        .iter()
        .map(item)
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A column of the terms stored with each contribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermColumn {
    Title,
    Body,
    Author,
}

/// One phrase to find in one row's stored terms, without the full-text
/// index: `needle` (the phrase's terms between single spaces, with a space
/// either side) is in that column's terms, also with a space either side.
/// The terms are stored space-separated, so this matches exactly where the
/// FTS5 phrase does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowPhrase {
    pub column: TermColumn,
    pub needle: String,
}

/// The query as phrases to look for in one row's terms: every inner list
/// must have a phrase found (items ANDed), any of its phrases will do. The
/// same matches as [`fts5_match`], for a walk through another index that
/// keeps the rows matching as it reads them (see `db::contributions`).
pub fn row_phrases(query: &SearchQuery, reach: Reach) -> Vec<Vec<RowPhrase>> {
    let needle = |terms: &[String]| format!(" {} ", terms.join(" "));
    query
        .items
        .iter()
        .map(|item| {
            let text = needle(&item.text);
            let mut phrases = vec![
                RowPhrase {
                    column: TermColumn::Title,
                    needle: text.clone(),
                },
                RowPhrase {
                    column: TermColumn::Body,
                    needle: text,
                },
            ];
            if reach == Reach::TextAndAuthor {
                phrases.push(RowPhrase {
                    column: TermColumn::Author,
                    needle: needle(&item.author),
                });
            }
            phrases
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_get_the_same_phrases() {
        let query = SearchQuery::parse("Piste dell'Acqua");
        assert_eq!(tsquery(&query, Reach::Text), "('pist') & ('acqua')");
        assert_eq!(
            tsquery(&query, Reach::TextAndAuthor),
            "(('pist') | ('~piste')) & (('acqua') | ('~dell' <-> '~acqua'))"
        );
        assert_eq!(
            fts5_match(&query, Reach::Text),
            "{search_title search_body} : \"pist\" AND {search_title search_body} : \"acqua\""
        );
        assert_eq!(
            fts5_match(&query, Reach::TextAndAuthor),
            "({search_title search_body} : \"pist\" OR search_author : \"piste\") AND \
             ({search_title search_body} : \"acqua\" OR search_author : \"dell acqua\")"
        );
        let phrases = row_phrases(&query, Reach::TextAndAuthor);
        let needles: Vec<Vec<(TermColumn, &str)>> = phrases
            .iter()
            .map(|item| {
                item.iter()
                    .map(|phrase| (phrase.column, phrase.needle.as_str()))
                    .collect()
            })
            .collect();
        assert_eq!(
            needles,
            [
                vec![
                    (TermColumn::Title, " pist "),
                    (TermColumn::Body, " pist "),
                    (TermColumn::Author, " piste ")
                ],
                vec![
                    (TermColumn::Title, " acqua "),
                    (TermColumn::Body, " acqua "),
                    (TermColumn::Author, " dell acqua ")
                ],
            ]
        );
        assert_eq!(row_phrases(&query, Reach::Text)[1].len(), 2);
    }
}
