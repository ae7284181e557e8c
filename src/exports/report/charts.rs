//! The report's SVG charts, computed here into coordinates that
//! `templates/report/report.html` draws: stacked bars of the areas by author
//! kind, and columns of the weekly timeline. Sizes are in the charts' own
//! units (`viewBox`), scaled to the page's width.

use chrono::NaiveDate;

use super::tables::author_kind_label;
use super::Report;
use crate::domain::AuthorKind;
use crate::i18n::format::{italian_count, italian_short_date};

/// Width of every chart.
pub const WIDTH: f64 = 800.0;
const LABEL_WIDTH: f64 = 250.0;
const BAR_AREA: f64 = 470.0;
const ROW_HEIGHT: f64 = 28.0;
const LEGEND_HEIGHT: f64 = 34.0;
/// Fills of the author kinds: dark enough for 3:1 against white, and
/// distinct to colour-blind readers (Okabe–Ito hues, darkened).
const KIND_FILLS: [&str; 4] = ["#0a5a8c", "#a85400", "#1b7a5a", "#8a3b72"];

fn px(value: f64) -> String {
    format!("{value:.1}")
}

pub struct Segment {
    pub x: String,
    pub width: String,
    pub fill: &'static str,
    pub title: String,
}

/// A line of a label.
pub struct LabelLine {
    pub y: String,
    pub text: String,
}

pub struct StackedRow {
    pub label: Vec<LabelLine>,
    pub y: String,
    pub text_y: String,
    pub total: String,
    pub total_x: String,
    pub segments: Vec<Segment>,
}

pub struct LegendItem {
    pub x: String,
    pub text_x: String,
    pub fill: &'static str,
    pub label: &'static str,
}

/// Horizontal bars, one per area, split by author kind.
pub struct StackedBars {
    pub height: String,
    pub bar_height: String,
    pub legend: Vec<LegendItem>,
    pub rows: Vec<StackedRow>,
}

impl StackedBars {
    pub fn areas_by_author_kind(report: &Report) -> StackedBars {
        let max = report
            .areas_in_use()
            .iter()
            .map(|(code, _)| report.area_total(code))
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let rows = report
            .areas_in_use()
            .into_iter()
            .enumerate()
            .map(|(index, (code, name))| {
                let top = LEGEND_HEIGHT + index as f64 * ROW_HEIGHT;
                let mut x = LABEL_WIDTH;
                let segments = AuthorKind::ALL
                    .iter()
                    .zip(KIND_FILLS)
                    .filter_map(|(kind, fill)| {
                        let n = report
                            .counts
                            .iter()
                            .filter(|((a, _, k), _)| a == code && k == kind)
                            .map(|(_, n)| n)
                            .sum::<u64>();
                        (n > 0).then(|| {
                            let width = n as f64 / max * BAR_AREA;
                            let segment = Segment {
                                x: px(x),
                                width: px(width),
                                fill,
                                title: format!(
                                    "{name}, {}: {}",
                                    author_kind_label(*kind),
                                    italian_count(n as i64)
                                ),
                            };
                            x += width;
                            segment
                        })
                    })
                    .collect();
                let middle = top + ROW_HEIGHT / 2.0 + 5.0;
                let lines = label_lines(name);
                let first = middle - 7.0 * (lines.len() - 1) as f64;
                StackedRow {
                    label: lines
                        .into_iter()
                        .enumerate()
                        .map(|(i, text)| LabelLine {
                            y: px(first + 14.0 * i as f64),
                            text,
                        })
                        .collect(),
                    y: px(top + 4.0),
                    text_y: px(top + ROW_HEIGHT / 2.0 + 5.0),
                    total: italian_count(report.area_total(code) as i64),
                    total_x: px(x + 6.0),
                    segments,
                }
            })
            .collect::<Vec<_>>();
        let legend = AuthorKind::ALL
            .iter()
            .zip(KIND_FILLS)
            .enumerate()
            .map(|(index, (kind, fill))| {
                let x = index as f64 * (WIDTH / 4.0);
                LegendItem {
                    x: px(x),
                    text_x: px(x + 20.0),
                    fill,
                    label: author_kind_label(*kind),
                }
            })
            .collect();
        StackedBars {
            height: px(LEGEND_HEIGHT + rows.len() as f64 * ROW_HEIGHT + 4.0),
            bar_height: px(ROW_HEIGHT - 8.0),
            legend,
            rows,
        }
    }
}

/// Characters of a label line that fit beside the bars.
const LABEL_LINE_CHARS: usize = 34;

/// A name on one line, or two when it is long (cut at a space), so that it
/// fits left of the bars.
fn label_lines(name: &str) -> Vec<String> {
    if name.chars().count() <= LABEL_LINE_CHARS {
        return vec![name.to_owned()];
    }
    let cut = name
        .char_indices()
        .filter(|(i, c)| *c == ' ' && name[..*i].chars().count() <= LABEL_LINE_CHARS)
        .map(|(i, _)| i)
        .next_back()
        .unwrap_or(name.len() / 2);
    vec![name[..cut].trim().to_owned(), name[cut..].trim().to_owned()]
}

pub struct Column {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub title: String,
}

pub struct Tick {
    pub y: String,
    pub text_y: String,
    pub label: String,
}

pub struct AxisLabel {
    pub x: String,
    pub label: String,
}

/// Columns, one per week.
pub struct WeeklyColumns {
    pub plot_left: String,
    pub plot_right: String,
    pub axis_y: String,
    pub label_y: String,
    pub columns: Vec<Column>,
    pub ticks: Vec<Tick>,
    pub labels: Vec<AxisLabel>,
}

const PLOT_LEFT: f64 = 50.0;
const PLOT_TOP: f64 = 10.0;
const PLOT_HEIGHT: f64 = 200.0;
/// The chart's height: the plot and the week labels under it.
pub const WEEKLY_HEIGHT: f64 = PLOT_TOP + PLOT_HEIGHT + 30.0;
/// Week labels shown at most.
const MAX_LABELS: usize = 8;

/// A round step (1, 2 or 5 times a power of ten) giving at most 5 ticks.
fn tick_step(max: u64) -> u64 {
    let mut step = 1;
    loop {
        for factor in [1, 2, 5] {
            if max.div_ceil(step * factor) <= 5 {
                return step * factor;
            }
        }
        step *= 10;
    }
}

impl WeeklyColumns {
    pub fn new(weeks: &[(NaiveDate, u64)]) -> WeeklyColumns {
        let max = weeks.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let step = tick_step(max);
        let top = max.div_ceil(step) * step;
        let slot = (WIDTH - PLOT_LEFT) / weeks.len().max(1) as f64;
        let y_of = |n: u64| PLOT_TOP + PLOT_HEIGHT * (1.0 - n as f64 / top as f64);
        let columns = weeks
            .iter()
            .enumerate()
            .map(|(index, (monday, n))| Column {
                x: px(PLOT_LEFT + index as f64 * slot + slot * 0.1),
                y: px(y_of(*n)),
                width: px(slot * 0.8),
                height: px(PLOT_HEIGHT * *n as f64 / top as f64),
                title: format!(
                    "Settimana dal {}: {}",
                    italian_short_date(*monday),
                    italian_count(*n as i64)
                ),
            })
            .collect();
        let ticks = (0..=top / step)
            .map(|i| {
                let value = i * step;
                Tick {
                    y: px(y_of(value)),
                    text_y: px(y_of(value) + 4.0),
                    label: italian_count(value as i64),
                }
            })
            .collect();
        let every = weeks.len().div_ceil(MAX_LABELS).max(1);
        let labels = weeks
            .iter()
            .enumerate()
            .filter(|(index, _)| index % every == 0)
            .map(|(index, (monday, _))| AxisLabel {
                x: px(PLOT_LEFT + (index as f64 + 0.5) * slot),
                label: italian_short_date(*monday),
            })
            .collect();
        WeeklyColumns {
            plot_left: px(PLOT_LEFT),
            plot_right: px(WIDTH),
            axis_y: px(PLOT_TOP + PLOT_HEIGHT),
            label_y: px(PLOT_TOP + PLOT_HEIGHT + 20.0),
            columns,
            ticks,
            labels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_highest_week() {
        assert_eq!(tick_step(4), 1);
        assert_eq!(tick_step(9), 2);
        assert_eq!(tick_step(23), 5);
        assert_eq!(tick_step(480), 100);
        let monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let chart = WeeklyColumns::new(&[(monday, 3), (monday + chrono::Duration::weeks(1), 0)]);
        assert_eq!(chart.columns.len(), 2);
        assert_eq!(chart.columns[1].height, "0.0");
        assert_eq!(chart.ticks.last().unwrap().label, "3");
    }

    #[test]
    fn long_area_names_take_two_lines() {
        assert_eq!(label_lines("Mobilità green"), ["Mobilità green"]);
        assert_eq!(
            label_lines("Cura della persona: welfare, casa, lavoro"),
            ["Cura della persona: welfare, casa,", "lavoro"]
        );
    }
}
