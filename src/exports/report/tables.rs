//! The tables of the report: each chart's figures as a table, shown beside
//! the chart (for screen readers and print) and offered as a CSV file.

use std::collections::HashMap;

use base64::Engine;

use super::{sum_by, Report};
use crate::domain::{AuthorKind, Quartiere};
use crate::exports::columns::code_label;
use crate::i18n::format::{italian_count, italian_decimal};

/// One table: its CSV file name, caption, header and rows.
pub struct Table {
    /// The CSV file name without `.csv`.
    pub key: &'static str,
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// A cell: text, a count or a score.
#[derive(Clone, Debug)]
pub enum Value {
    Text(String),
    Count(u64),
    Score(f64),
}

impl Value {
    /// As the CSV holds it: digits, a dot decimal.
    fn csv(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Count(n) => n.to_string(),
            Value::Score(x) => format!("{x:.2}"),
        }
    }

    /// As the page shows it, in Italian.
    pub fn shown(&self) -> String {
        match self {
            Value::Text(text) => text.clone(),
            Value::Count(n) => italian_count(*n as i64),
            Value::Score(x) => italian_decimal(*x, 2),
        }
    }

    pub fn is_number(&self) -> bool {
        !matches!(self, Value::Text(_))
    }
}

impl Table {
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.key)
    }

    /// The CSV: UTF-8 with a BOM, semicolons, CRLF, as the exports.
    pub fn csv(&self) -> String {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let rows = std::iter::once(self.header.clone()).chain(
            self.rows
                .iter()
                .map(|row| row.iter().map(Value::csv).collect()),
        );
        for row in rows {
            writer
                .write_record(&row)
                .expect("writing to memory cannot fail");
        }
        let bytes = writer.into_inner().expect("writing to memory cannot fail");
        format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
    }

    /// The CSV as a `data:` link, so the saved page carries its tables.
    pub fn data_url(&self) -> String {
        format!(
            "data:text/csv;charset=utf-8;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(self.csv())
        )
    }
}

/// The Italian label of an author kind.
pub fn author_kind_label(kind: AuthorKind) -> &'static str {
    code_label("author_kind", kind.as_str()).unwrap_or(kind.as_str())
}

/// `1 – Centro Storico`, or `non indicato`.
pub fn quartiere_label(quartiere: Option<i16>) -> String {
    match quartiere.map(i64::from).map(Quartiere::parse) {
        Some(Ok(q)) => format!("{} – {}", q.number(), q.name()),
        _ => "non indicato".to_owned(),
    }
}

/// The quartieri as columns: 1–5, then none.
pub fn quartieri() -> Vec<Option<i16>> {
    Quartiere::ALL
        .iter()
        .map(|q| Some(i16::from(q.number())))
        .chain([None])
        .collect()
}

fn text(value: impl Into<String>) -> Value {
    Value::Text(value.into())
}

impl Report {
    /// Areas × author kinds, with totals (behind the first chart).
    pub fn areas_by_author_kind(&self) -> Table {
        let sums = sum_by(&self.counts, |(area, _, kind)| (area.clone(), *kind));
        self.area_pivot(
            "aree-per-tipo-di-autore",
            "Contributi per area tematica e tipo di autore",
            AuthorKind::ALL
                .iter()
                .map(|k| (author_kind_label(*k).to_owned(), *k))
                .collect(),
            &sums,
        )
    }

    /// Areas × quartieri, with totals.
    pub fn areas_by_quartiere(&self) -> Table {
        let sums = sum_by(&self.counts, |(area, quartiere, _)| {
            (area.clone(), *quartiere)
        });
        let columns = quartieri()
            .into_iter()
            .map(|q| match q {
                Some(n) => (format!("Quartiere {}", quartiere_label(Some(n))), q),
                None => ("Quartiere non indicato".to_owned(), q),
            })
            .collect();
        self.area_pivot(
            "aree-per-quartiere",
            "Contributi per area tematica e quartiere",
            columns,
            &sums,
        )
    }

    /// A row per area in use, a column per (title, value) of `columns`
    /// counted in `sums`, then the area's total.
    fn area_pivot<K: Copy + Eq + std::hash::Hash>(
        &self,
        key: &'static str,
        caption: &str,
        columns: Vec<(String, K)>,
        sums: &HashMap<(String, K), u64>,
    ) -> Table {
        let mut header = vec!["Area tematica".to_owned()];
        header.extend(columns.iter().map(|(title, _)| title.clone()));
        header.push("Totale".into());
        let rows = self
            .areas_in_use()
            .into_iter()
            .map(|(code, name)| {
                let mut row = vec![text(name)];
                row.extend(columns.iter().map(|(_, value)| {
                    Value::Count(sums.get(&(code.clone(), *value)).copied().unwrap_or(0))
                }));
                row.push(Value::Count(self.area_total(code)));
                row
            })
            .collect();
        Table {
            key,
            caption: caption.to_owned(),
            header,
            rows,
        }
    }

    /// Every combination of area, quartiere and author kind that occurs.
    pub fn areas_quartieri_author_kinds(&self) -> Table {
        let rows = self
            .counts
            .iter()
            .map(|((area, quartiere, kind), n)| {
                vec![
                    text(area),
                    text(self.area_name(area)),
                    quartiere.map_or(text(""), |q| Value::Count(q as u64)),
                    text(quartiere_label(*quartiere)),
                    text(kind.as_str()),
                    text(author_kind_label(*kind)),
                    Value::Count(*n),
                ]
            })
            .collect();
        Table {
            key: "aree-quartieri-tipi-di-autore",
            caption: "Contributi per area tematica, quartiere e tipo di autore".into(),
            header: [
                "thematic_area",
                "area tematica",
                "quartiere",
                "nome del quartiere",
                "author_kind",
                "tipo di autore",
                "contributi",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        }
    }

    /// Contributions by week.
    pub fn weeks_table(&self) -> Table {
        let rows = self
            .weeks
            .iter()
            .map(|(monday, n)| {
                vec![
                    text(monday.format("%Y-%m-%d").to_string()),
                    text(
                        (*monday + chrono::Duration::days(6))
                            .format("%Y-%m-%d")
                            .to_string(),
                    ),
                    Value::Count(*n),
                ]
            })
            .collect();
        Table {
            key: "settimane",
            caption: "Contributi per settimana (da lunedì a domenica, ora di Roma)".into(),
            header: ["dal", "al", "contributi"].map(str::to_owned).to_vec(),
            rows,
        }
    }

    /// Tags by area.
    pub fn tags_table(&self) -> Table {
        let mut rows: Vec<Vec<Value>> = Vec::new();
        for (code, name) in self.areas_in_use() {
            let mut tags: Vec<(&String, u64)> = self
                .tags
                .iter()
                .filter(|((area, _), _)| area == code)
                .map(|((_, tag), n)| (tag, *n))
                .collect();
            tags.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            rows.extend(
                tags.into_iter()
                    .map(|(tag, n)| vec![text(name), text(tag), Value::Count(n)]),
            );
        }
        Table {
            key: "etichette-per-area",
            caption: "Etichette per area tematica (contributi con l'etichetta)".into(),
            header: ["area tematica", "etichetta", "contributi"]
                .map(str::to_owned)
                .to_vec(),
            rows,
        }
    }

    /// The characteristic words of each area.
    pub fn words_table(&self) -> Table {
        let mut rows = Vec::new();
        for (code, name) in self.areas_in_use() {
            for (rank, word) in self.words.get(code).into_iter().flatten().enumerate() {
                rows.push(vec![
                    text(name),
                    Value::Count(rank as u64 + 1),
                    text(&word.word),
                    text(&word.stem),
                    Value::Count(word.in_area),
                    Value::Count(word.elsewhere),
                    Value::Score(word.score),
                ]);
            }
        }
        Table {
            key: "parole-caratteristiche",
            caption: "Parole caratteristiche di ogni area tematica".into(),
            header: [
                "area tematica",
                "posizione",
                "parola",
                "radice",
                "occorrenze nell'area",
                "occorrenze nelle altre aree",
                "punteggio (z)",
            ]
            .map(str::to_owned)
            .to_vec(),
            rows,
        }
    }
}
