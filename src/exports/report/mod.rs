//! The descriptive report of the selected contributions (issue 17 §3): the
//! same rows as the pseudonymised export, counted by area × quartiere ×
//! author kind, by week, by tag and area, with the characteristic words of
//! each area and a sample of texts; written as one self-contained HTML page
//! (`page`) with SVG charts (`charts`) and a CSV table behind each chart.

mod charts;
mod page;
mod tables;
mod words;

use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sha2::{Digest, Sha256};

use super::{area_names, Export, ExportError, ExportRecord, ExportRequest};
use crate::db::Db;
use crate::domain::AuthorKind;
use crate::i18n::format::rome_date;
pub use page::content_security_policy;
pub use words::{Characteristic, WordCounts};

/// Characteristic words shown for each area.
pub const WORDS_PER_AREA: usize = 10;
/// Texts shown for each area.
pub const SAMPLES_PER_AREA: usize = 3;

/// A text of the sample.
#[derive(Clone, Debug)]
pub struct Sample {
    /// SHA-256 of the id: a stable draw, the same at every report.
    draw: [u8; 32],
    pub reference: String,
    pub received: NaiveDate,
    pub author_kind: AuthorKind,
    pub quartiere: Option<i16>,
    pub title: String,
    pub body: String,
}

/// The figures of the report.
pub struct Report {
    pub generated_at: DateTime<Utc>,
    /// The filters as given (name, value), for the first page.
    pub filters: Vec<(String, String)>,
    /// Every thematic area as (code, name), in display order.
    pub areas: Vec<(String, String)>,
    pub total: u64,
    /// (area, quartiere, author kind) → contributions.
    pub counts: BTreeMap<(String, Option<i16>, AuthorKind), u64>,
    /// Monday of the week (Rome date of receipt) → contributions; every week
    /// from the first to the last, empty ones too.
    pub weeks: BTreeMap<NaiveDate, u64>,
    /// (area, tag) → contributions.
    pub tags: BTreeMap<(String, String), u64>,
    pub words: BTreeMap<String, Vec<Characteristic>>,
    /// Area → sampled texts, in order of reference.
    pub samples: BTreeMap<String, Vec<Sample>>,
}

impl Report {
    fn new(
        generated_at: DateTime<Utc>,
        filters: Vec<(String, String)>,
        areas: Vec<(String, String)>,
    ) -> Report {
        Report {
            generated_at,
            filters,
            areas,
            total: 0,
            counts: BTreeMap::new(),
            weeks: BTreeMap::new(),
            tags: BTreeMap::new(),
            words: BTreeMap::new(),
            samples: BTreeMap::new(),
        }
    }

    fn add(&mut self, record: &ExportRecord, words: &mut WordCounts) {
        let area = &record.thematic_area;
        self.total += 1;
        *self
            .counts
            .entry((area.clone(), record.quartiere, record.author_kind))
            .or_default() += 1;
        *self.weeks.entry(week_of(record)).or_default() += 1;
        for tag in &record.tags {
            *self.tags.entry((area.clone(), tag.clone())).or_default() += 1;
        }
        words.add(area, &record.title);
        words.add(area, &record.body);
        self.sample(record);
    }

    /// Keeps the `SAMPLES_PER_AREA` records of smallest draw in each area.
    fn sample(&mut self, record: &ExportRecord) {
        let draw: [u8; 32] = Sha256::digest(record.id.as_bytes()).into();
        let kept = self
            .samples
            .entry(record.thematic_area.clone())
            .or_default();
        if kept.len() == SAMPLES_PER_AREA && kept.iter().all(|s| s.draw < draw) {
            return;
        }
        kept.push(Sample {
            draw,
            reference: record.reference.clone(),
            received: rome_date(record.received_at.and_utc()),
            author_kind: record.author_kind,
            quartiere: record.quartiere,
            title: record.title.clone(),
            body: record.body.clone(),
        });
        kept.sort_by_key(|s| s.draw);
        kept.truncate(SAMPLES_PER_AREA);
    }

    /// Fills the weeks without contributions, orders the samples.
    fn finish(&mut self, words: &WordCounts) {
        if let (Some(first), Some(last)) = (
            self.weeks.keys().next().copied(),
            self.weeks.keys().last().copied(),
        ) {
            let mut week = first;
            while week < last {
                self.weeks.entry(week).or_default();
                week += Duration::weeks(1);
            }
        }
        self.words = words.characteristic(WORDS_PER_AREA);
        for kept in self.samples.values_mut() {
            kept.sort_by(|a, b| a.reference.cmp(&b.reference));
        }
    }

    /// Contributions of an area, over every quartiere and author kind.
    pub fn area_total(&self, area: &str) -> u64 {
        self.counts
            .iter()
            .filter(|((a, _, _), _)| a == area)
            .map(|(_, n)| n)
            .sum()
    }

    /// The areas with at least one contribution, in display order.
    pub fn areas_in_use(&self) -> Vec<&(String, String)> {
        self.areas
            .iter()
            .filter(|(code, _)| self.area_total(code) > 0)
            .collect()
    }

    /// The name of an area.
    pub fn area_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.areas
            .iter()
            .find(|(c, _)| c == code)
            .map_or(code, |(_, name)| name.as_str())
    }
}

/// The Monday of the week the record arrived in, on Rome's calendar.
fn week_of(record: &ExportRecord) -> NaiveDate {
    let day = rome_date(record.received_at.and_utc());
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

impl Export {
    /// The report of the rows this export selects, as HTML, to `out`.
    pub fn write_report(
        &mut self,
        db: &Db,
        generated_at: DateTime<Utc>,
        out: impl Write,
    ) -> Result<(), ExportError> {
        let report = self.report(db, generated_at)?;
        page::write(&report, out)
    }

    /// The figures of the report.
    pub fn report(&mut self, db: &Db, generated_at: DateTime<Utc>) -> Result<Report, ExportError> {
        let areas = db.read_blocking(area_names)?;
        let filters = filter_lines(self.request());
        let mut report = Report::new(generated_at, filters, areas.clone());
        let mut words = WordCounts::default();
        self.each_record(db, &areas, |record| {
            report.add(record, &mut words);
            Ok(())
        })?;
        report.finish(&words);
        Ok(report)
    }
}

/// The filters of `request` in Italian, as (name, values), those in use.
fn filter_lines(request: &ExportRequest) -> Vec<(String, String)> {
    const NAMES: [(&str, &str); 10] = [
        ("status", "Stato"),
        ("excluded_status", "Stati esclusi"),
        ("thematic_area", "Area tematica"),
        ("tag", "Etichetta"),
        ("quartiere", "Quartiere"),
        ("channel", "Canale"),
        ("author_kind", "Tipo di autore"),
        ("q", "Testo cercato"),
        ("received_from", "Ricevuti dal (UTC)"),
        ("received_to", "Ricevuti prima del (UTC)"),
    ];
    let filters = request.filters_json();
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    NAMES
        .iter()
        .filter_map(|(key, name)| {
            let shown = match &filters[*key] {
                serde_json::Value::Null => return None,
                serde_json::Value::Array(items) if items.is_empty() => return None,
                serde_json::Value::Array(items) => {
                    items.iter().map(text).collect::<Vec<_>>().join(", ")
                }
                other => text(other),
            };
            Some(((*name).to_owned(), shown))
        })
        .collect()
}

/// The file name of a report made at `at` (Rome date).
pub fn file_name(at: DateTime<Utc>) -> String {
    format!("rinasce-rapporto-{}.html", rome_date(at).format("%Y-%m-%d"))
}

/// Counts keyed by one part of the key.
fn sum_by<K: Eq + std::hash::Hash>(
    counts: &BTreeMap<(String, Option<i16>, AuthorKind), u64>,
    key: impl Fn(&(String, Option<i16>, AuthorKind)) -> K,
) -> HashMap<K, u64> {
    let mut sums = HashMap::new();
    for (k, n) in counts {
        *sums.entry(key(k)).or_default() += n;
    }
    sums
}
