//! The dashboard page: the indicator's figures turned into the Italian text
//! and charts of `templates/cruscotto/page.html`.

use askama::Template;
use chrono::{DateTime, Utc};

use super::charts::{BarChart, Timeline};
use super::{SCRIPT, STYLE};
use crate::domain::indicators::Indicators;
use crate::domain::projection::{project, Outlook, MIN_DAYS_OF_DATA, PACE_WINDOW_DAYS};
use crate::domain::{AuthorKind, Quartiere};
use crate::i18n::format::{
    italian_count, italian_date, italian_decimal, italian_moment, italian_percent,
};

/// A moment shown to people, with its machine-readable form.
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

/// A row of the timeline's table alternative.
struct DailyRow {
    iso: String,
    date: String,
    count: String,
    cumulative: String,
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

#[derive(Template)]
#[template(path = "cruscotto/page.html")]
pub(super) struct DashboardPage {
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
    /// The database does not answer: these are the last figures read.
    stale: bool,
    window: Option<String>,
    bar_charts: Vec<BarChart>,
    timeline: Option<Timeline>,
    daily_rows: Vec<DailyRow>,
    badge_url: String,
}

impl DashboardPage {
    pub(super) fn new(indicators: &Indicators, public_url: &str, stale: bool) -> DashboardPage {
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
            stale,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::projection::Projection;

    #[test]
    fn a_projection_after_the_close_says_so() {
        let projection = Projection {
            date: "2027-01-15".parse().unwrap(),
            per_day: 1.0,
            days_averaged: 10,
            after_close: true,
        };
        let closes_at = "2026-12-31T22:59:00Z".parse().unwrap();
        let view = ProjectionView::new(&Outlook::Projected(projection), Some(closes_at)).unwrap();
        assert!(
            view.text
                .contains("dopo la chiusura della consultazione (31 dicembre 2026 alle 23:59)"),
            "{}",
            view.text
        );
        assert_eq!(
            view.estimate,
            Some(("2027-01-15".to_owned(), "15 gennaio 2027".to_owned()))
        );
    }

    #[test]
    fn quartieri_and_author_kinds_have_italian_names() {
        assert_eq!(quartiere_label(None), "Non indicato");
        assert_eq!(quartiere_label(Some(9)), "Non indicato");
        assert_eq!(
            author_kind_label(AuthorKind::TradeAssociation),
            "Associazioni di categoria"
        );
    }
}
