//! The report as one self-contained HTML page: its stylesheet inline (with
//! a print stylesheet for PDF), its charts as inline SVG, no script, each
//! chart's table beside it and as a CSV file in a `data:` link.

use std::io::Write;
use std::sync::OnceLock;

use askama::Template;
use base64::Engine;
use sha2::{Digest, Sha256};

use super::charts::{StackedBars, WeeklyColumns, WEEKLY_HEIGHT, WIDTH};
use super::tables::{author_kind_label, quartiere_label, Table};
use super::{Report, SAMPLES_PER_AREA, WORDS_PER_AREA};
use crate::exports::ExportError;
use crate::i18n::format::{italian_count, italian_date, italian_moment};

const STYLE: &str = include_str!("../../../templates/report/report.css");

/// A sampled text, as shown.
struct SampleView {
    reference: String,
    received: String,
    author_kind: &'static str,
    quartiere: String,
    title: String,
    body: String,
}

/// One area's samples and words.
struct AreaView {
    name: String,
    total: String,
    words: String,
    samples: Vec<SampleView>,
}

#[derive(Template)]
#[template(path = "report/report.html")]
struct ReportPage<'a> {
    style: &'static str,
    generated: String,
    filters: &'a [(String, String)],
    total: String,
    areas_used: usize,
    width: String,
    weekly_height: String,
    words_per_area: usize,
    samples_per_area: usize,
    by_kind_chart: StackedBars,
    by_kind: Table,
    by_quartiere: Table,
    crossed: Table,
    weekly_chart: WeeklyColumns,
    weekly: Table,
    tags: Table,
    words: Table,
    areas: Vec<AreaView>,
}

/// The page's policy: its one style block by its hash, nothing else.
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE));
        format!(
            "default-src 'none'; style-src 'sha256-{hash}'; img-src data:; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
    })
}

/// Texts longer than this are cut in the sample (the export has them whole).
const SAMPLE_CHARS: usize = 700;

fn shortened(text: &str) -> String {
    match text.char_indices().nth(SAMPLE_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Writes the page of `report` to `out`.
pub fn write(report: &Report, mut out: impl Write) -> Result<(), ExportError> {
    let weeks: Vec<_> = report.weeks.iter().map(|(w, n)| (*w, *n)).collect();
    let areas = report
        .areas_in_use()
        .into_iter()
        .map(|(code, name)| AreaView {
            name: name.clone(),
            total: italian_count(report.area_total(code) as i64),
            words: report
                .words
                .get(code)
                .into_iter()
                .flatten()
                .map(|w| w.word.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            samples: report
                .samples
                .get(code)
                .into_iter()
                .flatten()
                .map(|s| SampleView {
                    reference: s.reference.clone(),
                    received: italian_date(s.received),
                    author_kind: author_kind_label(s.author_kind),
                    quartiere: quartiere_label(s.quartiere),
                    title: s.title.clone(),
                    body: shortened(&s.body),
                })
                .collect(),
        })
        .collect();
    let page = ReportPage {
        style: STYLE,
        generated: italian_moment(report.generated_at, false),
        filters: &report.filters,
        total: italian_count(report.total as i64),
        areas_used: report.areas_in_use().len(),
        width: format!("{WIDTH:.0}"),
        weekly_height: format!("{WEEKLY_HEIGHT:.0}"),
        words_per_area: WORDS_PER_AREA,
        samples_per_area: SAMPLES_PER_AREA,
        by_kind_chart: StackedBars::areas_by_author_kind(report),
        by_kind: report.areas_by_author_kind(),
        by_quartiere: report.areas_by_quartiere(),
        crossed: report.areas_quartieri_author_kinds(),
        weekly_chart: WeeklyColumns::new(&weeks),
        weekly: report.weeks_table(),
        tags: report.tags_table(),
        words: report.words_table(),
        areas,
    };
    let html = page
        .render()
        .map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))?;
    out.write_all(html.as_bytes())?;
    out.flush()?;
    Ok(())
}
