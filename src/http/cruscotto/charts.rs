//! The dashboard's SVG charts: horizontal bars for each breakdown, and the
//! cumulative timeline with the target. Each is computed here into the
//! strings and coordinates that `templates/cruscotto/page.html` draws.

use crate::domain::indicators::DailyCount;
use crate::i18n::format::{italian_count, italian_date, italian_decimal, italian_short_date};

pub(super) struct Bar {
    /// `area:mobilita-green`, `quartiere:1`, `quartiere:nessuno`, `autore:citizen`.
    pub(super) figure: String,
    pub(super) label: String,
    pub(super) count: String,
    pub(super) share: String,
    pub(super) width: String,
}

pub(super) struct BarChart {
    pub(super) key: &'static str,
    pub(super) title: &'static str,
    pub(super) column: &'static str,
    pub(super) total: String,
    pub(super) bars: Vec<Bar>,
}

impl BarChart {
    /// `rows` are (figure, label, count), in display order.
    pub(super) fn new(
        key: &'static str,
        title: &'static str,
        column: &'static str,
        rows: Vec<(String, String, i64)>,
    ) -> BarChart {
        let total: i64 = rows.iter().map(|(_, _, count)| count).sum();
        let max = rows.iter().map(|(_, _, count)| *count).max().unwrap_or(0);
        let share = |count: i64| {
            if total == 0 {
                "0%".to_owned()
            } else {
                format!(
                    "{}%",
                    italian_decimal(count as f64 * 100.0 / total as f64, 1)
                )
            }
        };
        BarChart {
            key,
            title,
            column,
            total: italian_count(total),
            bars: rows
                .into_iter()
                .map(|(figure, label, count)| Bar {
                    figure,
                    label,
                    count: italian_count(count),
                    share: share(count),
                    width: svg_percent(count as f64, max as f64),
                })
                .collect(),
        }
    }
}

/// A percentage for an SVG length, dot decimal.
fn svg_percent(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        return "0%".to_owned();
    }
    format!("{:.2}%", (part / whole * 100.0).clamp(0.0, 100.0))
}

const PLOT_TOP: i64 = 28;
const PLOT_HEIGHT: i64 = 200;
const PLOT_BOTTOM: i64 = 30;
/// Width of the line's own coordinate system, stretched to the chart's width.
const PLOT_WIDTH: f64 = 1000.0;

pub(super) struct Tick {
    pub(super) y: i64,
    pub(super) label_y: i64,
    pub(super) label: String,
}

pub(super) struct AxisLabel {
    pub(super) x: String,
    pub(super) anchor: &'static str,
    pub(super) label: String,
}

/// The cumulative line. Text and markers are positioned in pixels vertically
/// and in percentages horizontally, so that the chart fills any width with
/// text of a constant size; the line itself is drawn in a stretched inner
/// coordinate system with non-scaling strokes.
pub(super) struct Timeline {
    pub(super) height: i64,
    pub(super) plot_top: i64,
    pub(super) plot_height: i64,
    pub(super) view_box: String,
    pub(super) line: String,
    pub(super) area: String,
    pub(super) target_y: i64,
    pub(super) target_label_y: i64,
    pub(super) target_label: String,
    pub(super) ticks: Vec<Tick>,
    pub(super) x_labels: Vec<AxisLabel>,
    pub(super) last_x: String,
    pub(super) last_y: i64,
    pub(super) description: String,
}

/// A round step (1, 2 or 5 times a power of ten) of at least `raw`.
fn nice_step(raw: f64) -> i64 {
    let raw = raw.max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    (nice * magnitude).round() as i64
}

impl Timeline {
    /// None without any day to draw.
    pub(super) fn new(daily: &[DailyCount], target: i64) -> Option<Timeline> {
        let (first, last) = (daily.first()?, daily.last()?);
        let highest = daily.iter().map(|d| d.cumulative).max().unwrap_or(0);
        let step = nice_step(highest.max(target) as f64 / 4.0);
        let top = ((highest.max(target) + step - 1) / step).max(1) * step;
        let y_of = |value: i64| PLOT_HEIGHT - value * PLOT_HEIGHT / top;
        let y_exact =
            |value: i64| PLOT_HEIGHT as f64 - value as f64 * PLOT_HEIGHT as f64 / top as f64;
        let n = daily.len();
        let x_fraction = |i: usize| {
            if n == 1 {
                0.5
            } else {
                i as f64 / (n - 1) as f64
            }
        };
        let points: Vec<String> = daily
            .iter()
            .enumerate()
            .map(|(i, d)| {
                format!(
                    "{:.1},{:.1}",
                    x_fraction(i) * PLOT_WIDTH,
                    y_exact(d.cumulative)
                )
            })
            .collect();
        let line = points.join(" ");
        let area = if n > 1 {
            format!("0,{PLOT_HEIGHT} {line} {:.1},{PLOT_HEIGHT}", PLOT_WIDTH)
        } else {
            String::new()
        };
        let target_y = PLOT_TOP + y_of(target);
        let ticks = (0..=top / step)
            .map(|k| {
                let value = k * step;
                let y = PLOT_TOP + y_of(value);
                Tick {
                    y,
                    label_y: y - 5,
                    // The target's label takes the place of a label too close to it.
                    label: if value > 0 && (y - target_y).abs() >= 16 {
                        italian_count(value)
                    } else {
                        String::new()
                    },
                }
            })
            .collect();
        let percent_x = |i: usize| format!("{:.2}%", x_fraction(i) * 100.0);
        let x_labels = if n == 1 {
            vec![AxisLabel {
                x: percent_x(0),
                anchor: "middle",
                label: italian_short_date(first.date),
            }]
        } else {
            let mut labels = vec![AxisLabel {
                x: percent_x(0),
                anchor: "start",
                label: italian_short_date(first.date),
            }];
            if n >= 5 {
                let middle = (n - 1) / 2;
                labels.push(AxisLabel {
                    x: percent_x(middle),
                    anchor: "middle",
                    label: italian_short_date(daily[middle].date),
                });
            }
            labels.push(AxisLabel {
                x: percent_x(n - 1),
                anchor: "end",
                label: italian_short_date(last.date),
            });
            labels
        };
        Some(Timeline {
            height: PLOT_TOP + PLOT_HEIGHT + PLOT_BOTTOM,
            plot_top: PLOT_TOP,
            plot_height: PLOT_HEIGHT,
            view_box: format!("0 0 {PLOT_WIDTH} {PLOT_HEIGHT}"),
            line,
            area,
            target_y,
            target_label_y: target_y - 6,
            target_label: format!("Obiettivo: {}", italian_count(target)),
            ticks,
            x_labels,
            last_x: percent_x(n - 1),
            last_y: PLOT_TOP + y_of(last.cumulative),
            description: format!(
                "Linea dei contributi conteggiati, cumulati giorno per giorno: {} il {}, {} il {}. \
                 La linea tratteggiata è l'obiettivo di {} contributi.",
                italian_count(first.cumulative),
                italian_date(first.date),
                italian_count(last.cumulative),
                italian_date(last.date),
                italian_count(target),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: &str, count: i64, cumulative: i64) -> DailyCount {
        DailyCount {
            date: date.parse().unwrap(),
            count,
            cumulative,
        }
    }

    #[test]
    fn chart_scale_has_round_steps_and_includes_the_target() {
        assert_eq!(nice_step(75.0), 100);
        assert_eq!(nice_step(82.5), 100);
        assert_eq!(nice_step(30.0), 50);
        assert_eq!(nice_step(0.5), 1);
        let daily = [day("2026-11-01", 10, 10), day("2026-11-02", 20, 30)];
        let timeline = Timeline::new(&daily, 300).unwrap();
        let labels: Vec<&str> = timeline.ticks.iter().map(|t| t.label.as_str()).collect();
        // No label at 0, and the target's own label at 300.
        assert_eq!(labels, ["", "100", "200", ""]);
        assert_eq!(timeline.target_y, PLOT_TOP);
        assert!(Timeline::new(&[], 300).is_none());
    }

    #[test]
    fn bars_are_scaled_to_the_longest_and_shared_of_the_total() {
        let chart = BarChart::new(
            "autori",
            "Contributi per tipo di autore",
            "Tipo di autore",
            vec![
                (
                    "autore:citizen".into(),
                    "Cittadine e cittadini".into(),
                    1500,
                ),
                ("autore:other".into(), "Altre".into(), 500),
            ],
        );
        assert_eq!(chart.total, "2.000");
        let bars: Vec<(&str, &str, &str)> = chart
            .bars
            .iter()
            .map(|b| (b.count.as_str(), b.share.as_str(), b.width.as_str()))
            .collect();
        assert_eq!(
            bars,
            [("1.500", "75%", "100.00%"), ("500", "25%", "33.33%")]
        );
        assert_eq!(svg_percent(1.0, 0.0), "0%");
    }
}
