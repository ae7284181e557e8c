//! `/cruscotto`: the public monitoring dashboard of the PEG indicator, and
//! `/cruscotto/progress.svg`, its embeddable badge for the Rete Civica page.
//!
//! Both render the figures of `GET /api/v1/indicators`, taken from the same
//! cached computation ([`crate::indicators::IndicatorCache`]), so the page,
//! the badge and the API never disagree and many viewers cost about one.
//! Pages are server-rendered by askama, which HTML-escapes every value.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;
use base64::Engine;
use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Timelike, Utc};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::domain::indicators::{DailyCount, Indicators};
use crate::domain::{AuthorKind, Quartiere};
use crate::error::ApiError;

/// Complete days the pace of the projection is averaged over.
pub const PACE_WINDOW_DAYS: i64 = 14;
/// With fewer complete days of data than this, no projection is made.
pub const MIN_DAYS_OF_DATA: i64 = 7;

/// The page's one inline style block and one inline script.
const STYLE: &str = include_str!("../../templates/cruscotto/cruscotto.css");
const SCRIPT: &str = include_str!("../../templates/cruscotto/cruscotto.js");

/// The page's own policy: its style and script by their hashes, the refresh
/// fetch to this origin, and the empty `data:` icon (which spares the browser
/// a request for /favicon.ico).
pub fn content_security_policy() -> &'static str {
    static POLICY: OnceLock<String> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = |text: &str| {
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
            )
        };
        format!(
            "default-src 'none'; style-src {}; script-src {}; connect-src 'self'; \
             img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            hash(STYLE),
            hash(SCRIPT)
        )
    })
}

/// `GET /cruscotto`
pub async fn show_dashboard(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let indicators = state
        .indicators
        .current(&state.db, &state.config, &state.mail)
        .await?;
    let page = DashboardPage::new(&indicators, &state.config.public_url);
    let body = page
        .render()
        .map_err(|e| ApiError::Internal(format!("rendering the dashboard: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // The figures change with every contribution; the computation behind
        // them is cached, so revalidating costs little.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::CONTENT_SECURITY_POLICY, content_security_policy()))
        .body(body))
}

/// `GET /cruscotto/progress.svg`
pub async fn show_badge(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let indicators = state
        .indicators
        .current(&state.db, &state.config, &state.mail)
        .await?;
    let body = Badge::new(&indicators)
        .render()
        .map_err(|e| ApiError::Internal(format!("rendering the badge: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(body))
}

// ---------------------------------------------------------------------------
// The projection

/// What can honestly be said about when the target will be reached.
#[derive(Clone, Debug, PartialEq)]
pub enum Outlook {
    /// The target is reached.
    Reached,
    /// The consultation is closed: no pace to speak of.
    Closed,
    /// Fewer than [`MIN_DAYS_OF_DATA`] complete days since the first contribution.
    TooLittleData,
    /// No counted contribution in the last [`PACE_WINDOW_DAYS`] complete days.
    NoRecentPace,
    Projected(Projection),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    /// The day the target is reached if the pace holds.
    pub date: NaiveDate,
    /// Counted contributions per day, on average over `days_averaged`.
    pub per_day: f64,
    pub days_averaged: i64,
    /// The date falls after the consultation closes.
    pub after_close: bool,
}

/// The day the target will be reached at the current pace: the average of the
/// last [`PACE_WINDOW_DAYS`] complete days (today, still running, is left
/// out of the average), quiet days included. `daily` is the indicator's
/// series (UTC days, first to last contribution); `today` is the UTC day of
/// the figures.
pub fn project(
    daily: &[DailyCount],
    counted: i64,
    target: i64,
    today: NaiveDate,
    closes_on: Option<NaiveDate>,
) -> Outlook {
    if counted >= target {
        return Outlook::Reached;
    }
    if closes_on.is_some_and(|close| today > close) {
        return Outlook::Closed;
    }
    let Some(first) = daily.first() else {
        return Outlook::TooLittleData;
    };
    let complete_days = (today - first.date).num_days();
    if complete_days < MIN_DAYS_OF_DATA {
        return Outlook::TooLittleData;
    }
    let days_averaged = complete_days.min(PACE_WINDOW_DAYS);
    let window_start = today - Duration::days(days_averaged);
    let in_window: i64 = daily
        .iter()
        .filter(|day| day.date >= window_start && day.date < today)
        .map(|day| day.count)
        .sum();
    if in_window <= 0 {
        return Outlook::NoRecentPace;
    }
    let remaining = target - counted;
    // ceil(remaining / (in_window / days_averaged)), in integers.
    let days_needed = (remaining * days_averaged + in_window - 1) / in_window;
    let Some(date) = today.checked_add_signed(Duration::days(days_needed)) else {
        return Outlook::NoRecentPace;
    };
    Outlook::Projected(Projection {
        date,
        per_day: in_window as f64 / days_averaged as f64,
        days_averaged,
        after_close: closes_on.is_some_and(|close| date > close),
    })
}

// ---------------------------------------------------------------------------
// Italian formatting

const MONTHS: [&str; 12] = [
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
];

/// Italian civil time: CET, and CEST from the last Sunday of March to the
/// last Sunday of October, switching at 01:00 UTC (EU rule).
pub fn rome_offset(at: DateTime<Utc>) -> FixedOffset {
    let year = at.year();
    let switch = |month| {
        last_sunday(year, month)
            .and_hms_opt(1, 0, 0)
            .expect("01:00 exists")
            .and_utc()
    };
    let hours = if at >= switch(3) && at < switch(10) {
        2
    } else {
        1
    };
    FixedOffset::east_opt(hours * 3600).expect("a valid offset")
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let next_month = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .expect("a valid month");
    let last = next_month.pred_opt().expect("a previous day");
    last - Duration::days(i64::from(last.weekday().num_days_from_sunday()))
}

/// `3 novembre 2026`
pub fn italian_date(date: NaiveDate) -> String {
    format!(
        "{} {} {}",
        date.day(),
        MONTHS[date.month0() as usize],
        date.year()
    )
}

/// `3 nov`
fn short_date(date: NaiveDate) -> String {
    format!("{} {}", date.day(), &MONTHS[date.month0() as usize][..3])
}

/// `3 novembre 2026 alle 14:05`, Italian time.
pub fn italian_moment(at: DateTime<Utc>, with_seconds: bool) -> String {
    let local = at.with_timezone(&rome_offset(at));
    let time = if with_seconds {
        format!(
            "{:02}:{:02}:{:02}",
            local.hour(),
            local.minute(),
            local.second()
        )
    } else {
        format!("{:02}:{:02}", local.hour(), local.minute())
    };
    format!("{} alle {}", italian_date(local.date_naive()), time)
}

/// `1.234`: Italian digit grouping.
pub fn italian_count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// `70,67`: at most `decimals` decimals, trailing zeros dropped.
pub fn italian_decimal(value: f64, decimals: usize) -> String {
    let fixed = format!("{value:.decimals$}");
    let (whole, fraction) = match fixed.split_once('.') {
        Some((whole, fraction)) => (whole, fraction.trim_end_matches('0')),
        None => (fixed.as_str(), ""),
    };
    let whole = italian_count(whole.parse().unwrap_or(0));
    if fraction.is_empty() {
        whole
    } else {
        format!("{whole},{fraction}")
    }
}

fn italian_percent(value: f64) -> String {
    format!("{}%", italian_decimal(value, 2))
}

fn author_kind_label(kind: AuthorKind) -> &'static str {
    match kind {
        AuthorKind::Citizen => "Cittadine e cittadini",
        AuthorKind::CulturalAssociation => "Associazioni culturali",
        AuthorKind::TradeAssociation => "Associazioni di categoria",
        AuthorKind::OtherOrganization => "Altre organizzazioni",
    }
}

fn quartiere_label(number: Option<u8>) -> String {
    match number.map(i64::from).map(Quartiere::parse) {
        Some(Ok(q)) => format!("{} – {}", q.number(), q.name()),
        _ => "Non indicato".to_owned(),
    }
}

/// A percentage for an SVG length, dot decimal.
fn svg_percent(part: f64, whole: f64) -> String {
    if whole <= 0.0 {
        return "0%".to_owned();
    }
    format!("{:.2}%", (part / whole * 100.0).clamp(0.0, 100.0))
}

// ---------------------------------------------------------------------------
// The page

struct Moment {
    /// RFC 3339, for `<time datetime>`.
    iso: String,
    text: String,
}

impl Moment {
    fn new(at: DateTime<Utc>, with_seconds: bool) -> Moment {
        Moment {
            iso: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            text: italian_moment(at, with_seconds),
        }
    }
}

struct Bar {
    /// `area:mobilita-green`, `quartiere:1`, `quartiere:nessuno`, `autore:citizen`.
    figure: String,
    label: String,
    count: String,
    share: String,
    width: String,
}

struct BarChart {
    key: &'static str,
    title: &'static str,
    column: &'static str,
    total: String,
    bars: Vec<Bar>,
}

impl BarChart {
    fn new(
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

const PLOT_TOP: i64 = 28;
const PLOT_HEIGHT: i64 = 200;
const PLOT_BOTTOM: i64 = 30;
/// Width of the line's own coordinate system, stretched to the chart's width.
const PLOT_WIDTH: f64 = 1000.0;

struct Tick {
    y: i64,
    label_y: i64,
    label: String,
}

struct AxisLabel {
    x: String,
    anchor: &'static str,
    label: String,
}

struct DailyRow {
    iso: String,
    date: String,
    count: String,
    cumulative: String,
}

/// The cumulative line. Text and markers are positioned in pixels vertically
/// and in percentages horizontally, so that the chart fills any width with
/// text of a constant size; the line itself is drawn in a stretched inner
/// coordinate system with non-scaling strokes.
struct Timeline {
    height: i64,
    plot_top: i64,
    plot_height: i64,
    view_box: String,
    line: String,
    area: String,
    target_y: i64,
    target_label_y: i64,
    target_label: String,
    ticks: Vec<Tick>,
    x_labels: Vec<AxisLabel>,
    last_x: String,
    last_y: i64,
    description: String,
}

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
    fn new(daily: &[DailyCount], target: i64) -> Option<Timeline> {
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
                label: short_date(first.date),
            }]
        } else {
            let mut labels = vec![AxisLabel {
                x: percent_x(0),
                anchor: "start",
                label: short_date(first.date),
            }];
            if n >= 5 {
                let middle = (n - 1) / 2;
                labels.push(AxisLabel {
                    x: percent_x(middle),
                    anchor: "middle",
                    label: short_date(daily[middle].date),
                });
            }
            labels.push(AxisLabel {
                x: percent_x(n - 1),
                anchor: "end",
                label: short_date(last.date),
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

/// The sentence about when the target will be reached.
struct ProjectionView {
    /// Shown as the estimate, with its date.
    estimate: Option<(String, String)>,
    text: String,
}

impl ProjectionView {
    fn new(outlook: &Outlook, closes_at: Option<DateTime<Utc>>) -> Option<ProjectionView> {
        let needed =
            format!("La stima compare dopo almeno {MIN_DAYS_OF_DATA} giorni completi di raccolta.");
        match outlook {
            Outlook::Reached | Outlook::Closed => None,
            Outlook::TooLittleData => Some(ProjectionView {
                estimate: None,
                text: format!("Data prevista per l'obiettivo: ancora pochi dati. {needed}"),
            }),
            Outlook::NoRecentPace => Some(ProjectionView {
                estimate: None,
                text: format!(
                    "Data prevista per l'obiettivo: non stimabile, nessun contributo conteggiato \
                     negli ultimi {PACE_WINDOW_DAYS} giorni completi."
                ),
            }),
            Outlook::Projected(p) => {
                let pace = format!(
                    "al ritmo attuale di {} contributi al giorno (media degli ultimi {} giorni completi)",
                    italian_decimal(p.per_day, 1),
                    p.days_averaged
                );
                let text = match (p.after_close, closes_at) {
                    (true, Some(close)) => format!(
                        "{pace}: l'obiettivo sarebbe raggiunto dopo la chiusura della \
                         consultazione ({}).",
                        italian_moment(close, false)
                    ),
                    _ => format!("{pace}."),
                };
                Some(ProjectionView {
                    estimate: Some((p.date.to_string(), italian_date(p.date))),
                    text,
                })
            }
        }
    }
}

#[derive(Template)]
#[template(path = "cruscotto/page.html")]
struct DashboardPage {
    style: &'static str,
    script: &'static str,
    target: String,
    target_value: i64,
    counted: String,
    received: String,
    excluded: String,
    missing: Option<String>,
    percent: String,
    /// The counted total, capped at the target: the `<progress>` value.
    progress_value: i64,
    reached: Option<Moment>,
    projection: Option<ProjectionView>,
    updated: Moment,
    window: Option<String>,
    bar_charts: Vec<BarChart>,
    timeline: Option<Timeline>,
    daily_rows: Vec<DailyRow>,
    badge_url: String,
}

impl DashboardPage {
    fn new(indicators: &Indicators, public_url: &str) -> DashboardPage {
        let now = indicators.generated_at;
        let outlook = project(
            &indicators.daily,
            indicators.counted,
            indicators.target,
            now.date_naive(),
            indicators.window.closes_at.map(|at| at.date_naive()),
        );
        let areas = BarChart::new(
            "aree",
            "Contributi per area tematica",
            "Area tematica",
            indicators
                .by_thematic_area
                .iter()
                .map(|a| (format!("area:{}", a.code), a.name.clone(), a.count))
                .collect(),
        );
        let quartieri = BarChart::new(
            "quartieri",
            "Contributi per quartiere",
            "Quartiere",
            indicators
                .by_quartiere
                .iter()
                .map(|q| {
                    let key = q.quartiere.map_or("nessuno".to_owned(), |n| n.to_string());
                    (
                        format!("quartiere:{key}"),
                        quartiere_label(q.quartiere),
                        q.count,
                    )
                })
                .collect(),
        );
        let authors = BarChart::new(
            "autori",
            "Contributi per tipo di autore",
            "Tipo di autore",
            indicators
                .by_author_kind
                .iter()
                .map(|k| {
                    (
                        format!("autore:{}", k.kind.as_str()),
                        author_kind_label(k.kind).to_owned(),
                        k.count,
                    )
                })
                .collect(),
        );
        let at = |moment: DateTime<Utc>| italian_moment(moment, false);
        let window = match (indicators.window.opens_at, indicators.window.closes_at) {
            (Some(opens), Some(closes)) => Some(format!(
                "Consultazione aperta dal {} al {}.",
                at(opens),
                at(closes)
            )),
            (Some(opens), None) => Some(format!("Consultazione aperta dal {}.", at(opens))),
            (None, Some(closes)) => Some(format!("Consultazione aperta fino al {}.", at(closes))),
            (None, None) => None,
        };
        DashboardPage {
            style: STYLE,
            script: SCRIPT,
            target: italian_count(indicators.target),
            target_value: indicators.target,
            counted: italian_count(indicators.counted),
            received: italian_count(indicators.received),
            excluded: italian_count(indicators.received - indicators.counted),
            missing: (indicators.counted < indicators.target)
                .then(|| italian_count(indicators.target - indicators.counted)),
            percent: italian_percent(indicators.percent),
            progress_value: indicators.counted.min(indicators.target),
            reached: indicators.reached_at.map(|at| Moment::new(at, false)),
            projection: ProjectionView::new(&outlook, indicators.window.closes_at),
            updated: Moment::new(now, true),
            window,
            bar_charts: vec![areas, quartieri, authors],
            timeline: Timeline::new(&indicators.daily, indicators.target),
            daily_rows: indicators
                .daily
                .iter()
                .map(|d| DailyRow {
                    iso: d.date.to_string(),
                    date: italian_date(d.date),
                    count: italian_count(d.count),
                    cumulative: italian_count(d.cumulative),
                })
                .collect(),
            badge_url: format!("{public_url}/cruscotto/progress.svg"),
        }
    }
}

// ---------------------------------------------------------------------------
// The badge

#[derive(Template)]
#[template(path = "cruscotto/progress.svg")]
struct Badge {
    title: String,
    width: i64,
    left_width: i64,
    left_text: &'static str,
    left_text_width: i64,
    right_x: i64,
    right_width: i64,
    right_text: String,
    right_text_width: i64,
    right_fill: &'static str,
    progress_fill: &'static str,
    progress_width: i64,
    left_center: i64,
    right_center: i64,
}

/// Rough width of bold 13 px sans-serif text; `textLength` makes it exact.
fn text_width(text: &str) -> i64 {
    (text.chars().count() as f64 * 7.6).ceil() as i64
}

impl Badge {
    fn new(indicators: &Indicators) -> Badge {
        const PADDING: i64 = 10;
        let reached = indicators.counted >= indicators.target;
        let left_text = "Rinasce Firenze";
        let right_text = if reached {
            format!(
                "{} su {} · obiettivo raggiunto",
                italian_count(indicators.counted),
                italian_count(indicators.target)
            )
        } else {
            format!(
                "{} su {} contributi · {}",
                italian_count(indicators.counted),
                italian_count(indicators.target),
                italian_percent(indicators.percent)
            )
        };
        let left_text_width = text_width(left_text);
        let right_text_width = text_width(&right_text);
        let left_width = left_text_width + 2 * PADDING;
        let right_width = right_text_width + 2 * PADDING;
        let fraction = (indicators.percent / 100.0).clamp(0.0, 1.0);
        let mut title = format!(
            "Rinasce Firenze: {} contributi conteggiati su un obiettivo di {} ({})",
            italian_count(indicators.counted),
            italian_count(indicators.target),
            italian_percent(indicators.percent)
        );
        if let Some(at) = indicators.reached_at {
            title.push_str(&format!(
                "; obiettivo raggiunto il {}",
                italian_moment(at, false)
            ));
        }
        Badge {
            title,
            width: left_width + right_width,
            left_width,
            left_text,
            left_text_width,
            right_x: left_width,
            right_width,
            right_text,
            right_text_width,
            right_fill: if reached { "#00703c" } else { "#0066cc" },
            progress_fill: if reached { "#8fd9b3" } else { "#8cc2f2" },
            progress_width: (right_width as f64 * fraction).round() as i64,
            left_center: left_width / 2,
            right_center: left_width + right_width / 2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: &str) -> NaiveDate {
        d.parse().unwrap()
    }

    /// A continuous series from `first`, as the indicator builds it.
    fn series(first: &str, counts: &[i64]) -> Vec<DailyCount> {
        let mut cumulative = 0;
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| {
                cumulative += count;
                DailyCount {
                    date: day(first) + Duration::days(i as i64),
                    count,
                    cumulative,
                }
            })
            .collect()
    }

    #[test]
    fn no_projection_with_fewer_than_seven_complete_days() {
        let daily = series("2026-11-01", &[10; 7]);
        // 1–6 November are complete on the 7th: six days.
        assert_eq!(
            project(&daily, 70, 300, day("2026-11-07"), None),
            Outlook::TooLittleData
        );
        assert_eq!(
            project(&[], 0, 300, day("2026-11-07"), None),
            Outlook::TooLittleData
        );
        assert!(matches!(
            project(&daily, 70, 300, day("2026-11-08"), None),
            Outlook::Projected(_)
        ));
    }

    #[test]
    fn projects_from_the_average_of_the_last_fourteen_complete_days() {
        // 20 days: 1 a day for the first 6, then 2 a day; today is the 21st
        // day and its 5 contributions (so far) are left out of the pace.
        let mut counts = vec![1; 6];
        counts.extend([2; 14]);
        counts.push(5);
        let daily = series("2026-11-01", &counts);
        let counted = daily.last().unwrap().cumulative; // 6 + 28 + 5 = 39
        let Outlook::Projected(p) = project(&daily, counted, 100, day("2026-11-21"), None) else {
            panic!("a projection")
        };
        assert_eq!(p.days_averaged, 14);
        assert_eq!(p.per_day, 2.0);
        // 61 missing at 2 a day: 31 days (rounded up).
        assert_eq!(p.date, day("2026-12-22"));
        assert!(!p.after_close);
    }

    #[test]
    fn quiet_days_since_the_last_contribution_slow_the_pace() {
        // Ten days of 7 a day, then nothing for the four days up to today.
        let daily = series("2026-11-01", &[7; 10]);
        let Outlook::Projected(p) = project(&daily, 70, 300, day("2026-11-15"), None) else {
            panic!("a projection")
        };
        assert_eq!(p.days_averaged, 14);
        assert_eq!(p.per_day, 5.0);
        assert_eq!(p.date, day("2026-11-15") + Duration::days(46));
    }

    #[test]
    fn fewer_than_fourteen_days_average_over_the_days_there_are() {
        let daily = series("2026-11-01", &[3; 8]);
        let Outlook::Projected(p) = project(&daily, 24, 30, day("2026-11-09"), None) else {
            panic!("a projection")
        };
        assert_eq!((p.days_averaged, p.per_day), (8, 3.0));
        assert_eq!(p.date, day("2026-11-11"));
    }

    #[test]
    fn no_projection_without_pace_once_reached_or_closed() {
        let mut counts = vec![5; 3];
        counts.extend([0; 20]);
        let daily = series("2026-11-01", &counts);
        assert_eq!(
            project(&daily, 15, 300, day("2026-11-24"), None),
            Outlook::NoRecentPace
        );
        let daily = series("2026-11-01", &[20; 20]);
        assert_eq!(
            project(&daily, 400, 300, day("2026-11-21"), None),
            Outlook::Reached
        );
        assert_eq!(
            project(&daily, 200, 300, day("2026-11-21"), Some(day("2026-11-20"))),
            Outlook::Closed
        );
    }

    #[test]
    fn a_projection_after_the_close_says_so() {
        let daily = series("2026-11-01", &[1; 10]);
        let Outlook::Projected(p) =
            project(&daily, 10, 300, day("2026-11-11"), Some(day("2026-12-31")))
        else {
            panic!("a projection")
        };
        assert!(p.after_close);
        let closes_at = "2026-12-31T22:59:00Z".parse().unwrap();
        let view = ProjectionView::new(&Outlook::Projected(p), Some(closes_at)).unwrap();
        assert!(
            view.text
                .contains("dopo la chiusura della consultazione (31 dicembre 2026 alle 23:59)"),
            "{}",
            view.text
        );
    }

    #[test]
    fn italian_time_follows_summer_time() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert_eq!(
            rome_offset(at("2026-01-15T12:00:00Z")).local_minus_utc(),
            3600
        );
        assert_eq!(
            rome_offset(at("2026-07-15T12:00:00Z")).local_minus_utc(),
            7200
        );
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(
            rome_offset(at("2026-03-29T00:59:59Z")).local_minus_utc(),
            3600
        );
        assert_eq!(
            rome_offset(at("2026-03-29T01:00:00Z")).local_minus_utc(),
            7200
        );
        assert_eq!(
            rome_offset(at("2026-10-25T00:59:59Z")).local_minus_utc(),
            7200
        );
        assert_eq!(
            rome_offset(at("2026-10-25T01:00:00Z")).local_minus_utc(),
            3600
        );
        assert_eq!(
            italian_moment(at("2026-11-03T13:05:09Z"), true),
            "3 novembre 2026 alle 14:05:09"
        );
        assert_eq!(
            italian_moment(at("2026-12-31T23:30:00Z"), false),
            "1 gennaio 2027 alle 00:30"
        );
    }

    #[test]
    fn numbers_are_written_the_italian_way() {
        assert_eq!(italian_count(0), "0");
        assert_eq!(italian_count(999), "999");
        assert_eq!(italian_count(1234), "1.234");
        assert_eq!(italian_count(1_234_567), "1.234.567");
        assert_eq!(italian_percent(70.67), "70,67%");
        assert_eq!(italian_percent(1.0), "1%");
        assert_eq!(italian_percent(150.5), "150,5%");
        assert_eq!(italian_percent(1234.5), "1.234,5%");
        assert_eq!(italian_decimal(4.26, 1), "4,3");
        assert_eq!(italian_decimal(3.0, 1), "3");
    }

    #[test]
    fn chart_scale_has_round_steps_and_includes_the_target() {
        assert_eq!(nice_step(75.0), 100);
        assert_eq!(nice_step(82.5), 100);
        assert_eq!(nice_step(30.0), 50);
        assert_eq!(nice_step(0.5), 1);
        let timeline = Timeline::new(&series("2026-11-01", &[10, 20]), 300).unwrap();
        let labels: Vec<&str> = timeline.ticks.iter().map(|t| t.label.as_str()).collect();
        // No label at 0, and the target's own label at 300.
        assert_eq!(labels, ["", "100", "200", ""]);
        assert_eq!(timeline.target_y, PLOT_TOP);
        assert!(Timeline::new(&[], 300).is_none());
    }
}
