//! The PEG indicator: how many form contributions count toward the target,
//! and how they break down. Computed from the running counts kept beside
//! the contributions (see `indicator_counts`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::indicator_counts::{Counter, Counts};
use super::{AuthorKind, Quartiere};

/// An active area, in display order.
#[derive(Clone, Debug)]
pub struct AreaLabel {
    pub code: String,
    pub name: String,
    /// An inactive area is listed only while it still has counted
    /// contributions, so that the breakdown always sums to `counted`.
    pub active: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Indicators {
    /// The PEG target of contributions received through the form.
    #[schema(format = Int64, minimum = 1, example = 300)]
    pub target: i64,
    /// Form contributions not marked spam or duplicate.
    #[schema(format = Int64, minimum = 0, example = 212)]
    pub counted: i64,
    /// All form contributions.
    #[schema(format = Int64, minimum = 0, example = 230)]
    pub received: i64,
    /// `counted` as a percentage of `target`, two decimals (may exceed 100).
    #[schema(format = Double, minimum = 0, example = 70.67)]
    pub percent: f64,
    /// When `counted` first reached the target; stays set once reached.
    pub reached_at: Option<DateTime<Utc>>,
    pub window: ConsultationWindow,
    /// Every active area, zeros included.
    #[schema(max_items = 100)]
    pub by_thematic_area: Vec<AreaCount>,
    /// Quartieri 1–5, then contributions with no quartiere (`null`).
    #[schema(max_items = 6)]
    pub by_quartiere: Vec<QuartiereCount>,
    #[schema(max_items = 4)]
    pub by_author_kind: Vec<AuthorKindCount>,
    /// One entry per day (UTC) from the first contribution to the last.
    #[schema(max_items = 3660)]
    pub daily: Vec<DailyCount>,
    pub generated_at: DateTime<Utc>,
}

/// When submissions are accepted; `null` bounds are open.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConsultationWindow {
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AreaCount {
    #[schema(max_length = 64, example = "mobilita-green")]
    pub code: String,
    #[schema(max_length = 200, example = "Mobilità green")]
    pub name: String,
    #[schema(format = Int64, minimum = 0)]
    pub count: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct QuartiereCount {
    #[schema(format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<u8>,
    #[schema(format = Int64, minimum = 0)]
    pub count: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuthorKindCount {
    pub kind: AuthorKind,
    #[schema(format = Int64, minimum = 0)]
    pub count: i64,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DailyCount {
    pub date: NaiveDate,
    #[schema(format = Int64, minimum = 0)]
    pub count: i64,
    #[schema(format = Int64, minimum = 0)]
    pub cumulative: i64,
}

pub struct IndicatorInputs<'a> {
    pub counts: &'a Counts,
    pub areas: &'a [AreaLabel],
    pub target: i64,
    pub reached_at: Option<DateTime<Utc>>,
    pub window: ConsultationWindow,
    pub now: DateTime<Utc>,
}

pub fn compute(inputs: IndicatorInputs<'_>) -> Indicators {
    let counts = inputs.counts;
    let counted = counts.get(&Counter::Counted);
    let by_day: BTreeMap<NaiveDate, i64> = counts
        .iter()
        .filter_map(|(counter, count)| match counter {
            Counter::Day(day) => Some((*day, count)),
            _ => None,
        })
        .collect();
    Indicators {
        target: inputs.target,
        counted,
        received: counts.get(&Counter::Received),
        percent: percent(counted, inputs.target),
        reached_at: inputs.reached_at,
        window: inputs.window,
        by_thematic_area: inputs
            .areas
            .iter()
            .map(|area| AreaCount {
                code: area.code.clone(),
                name: area.name.clone(),
                count: counts.get(&Counter::ThematicArea(area.code.clone())),
            })
            .zip(inputs.areas)
            .filter(|(count, area)| area.active || count.count > 0)
            .map(|(count, _)| count)
            .collect(),
        by_quartiere: Quartiere::ALL
            .iter()
            .map(|q| Some(q.number()))
            .chain([None])
            .map(|quartiere| QuartiereCount {
                quartiere,
                count: counts.get(&Counter::Quartiere(quartiere.map(i16::from))),
            })
            .collect(),
        by_author_kind: AuthorKind::ALL
            .iter()
            .map(|&kind| AuthorKindCount {
                kind,
                count: counts.get(&Counter::AuthorKind(kind)),
            })
            .collect(),
        daily: daily_series(&by_day),
        generated_at: inputs.now,
    }
}

fn percent(counted: i64, target: i64) -> f64 {
    if target <= 0 {
        return 0.0;
    }
    (counted as f64 * 10_000.0 / target as f64).round() / 100.0
}

/// A continuous day-by-day series, so that charts show quiet days as zeros.
fn daily_series(by_day: &BTreeMap<NaiveDate, i64>) -> Vec<DailyCount> {
    let (Some((&first, _)), Some((&last, _))) = (by_day.first_key_value(), by_day.last_key_value())
    else {
        return Vec::new();
    };
    let mut cumulative = 0;
    first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|date| {
            let count = by_day.get(&date).copied().unwrap_or(0);
            cumulative += count;
            DailyCount {
                date,
                count,
                cumulative,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::indicator_counts::CountedFacts;
    use crate::domain::{Channel, ContributionStatus};

    /// `count` form contributions alike, as the counters hold them.
    type Tally<'a> = (&'a str, &'a str, u32, i64);

    fn counts(tallies: &[Tally<'_>]) -> Counts {
        let mut counts = Counts::default();
        for &(area, status, day, count) in tallies {
            let facts = CountedFacts {
                channel: Channel::Form,
                status: ContributionStatus::parse(status).unwrap(),
                thematic_area: area,
                quartiere: Some(2),
                author_kind: AuthorKind::Citizen,
                day: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            };
            counts.add(&facts, count);
        }
        counts
    }

    #[test]
    fn counts_all_but_spam_and_duplicates_and_fills_gaps() {
        let tallies = [
            ("mobilita-green", "pending", 1, 2),
            ("mobilita-green", "spam", 1, 5),
            ("cultura-diffusa", "approved", 3, 1),
            ("cultura-diffusa", "duplicate", 3, 1),
        ];
        let areas = [
            area("mobilita-green", true),
            area("cultura-diffusa", true),
            area("bambini-famiglie", true),
        ];
        let result = compute(inputs(&counts(&tallies), &areas));
        assert_eq!(result.received, 9);
        assert_eq!(result.counted, 3);
        assert_eq!(result.percent, 1.0);
        assert_eq!(
            result
                .by_thematic_area
                .iter()
                .map(|a| a.count)
                .collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert_eq!(
            result
                .daily
                .iter()
                .map(|d| (d.count, d.cumulative))
                .collect::<Vec<_>>(),
            [(2, 2), (0, 2), (1, 3)]
        );
        assert_eq!(result.by_quartiere[1].count, 3);
        assert_eq!(result.by_quartiere[5].quartiere, None);
    }

    fn area(code: &str, active: bool) -> AreaLabel {
        AreaLabel {
            code: code.into(),
            name: code.to_uppercase(),
            active,
        }
    }

    fn inputs<'a>(counts: &'a Counts, areas: &'a [AreaLabel]) -> IndicatorInputs<'a> {
        IndicatorInputs {
            counts,
            areas,
            target: 300,
            reached_at: None,
            window: ConsultationWindow {
                opens_at: None,
                closes_at: None,
            },
            now: Utc::now(),
        }
    }

    #[test]
    fn an_inactive_area_is_listed_while_it_has_counted_contributions() {
        let tallies = [
            ("mobilita-green", "pending", 1, 2),
            ("chiusa-con-contributi", "approved", 1, 1),
            ("chiusa-solo-spam", "spam", 1, 4),
        ];
        let areas = [
            area("mobilita-green", true),
            area("chiusa-con-contributi", false),
            area("chiusa-solo-spam", false),
            area("chiusa-vuota", false),
        ];
        let result = compute(inputs(&counts(&tallies), &areas));
        let listed: Vec<(&str, i64)> = result
            .by_thematic_area
            .iter()
            .map(|a| (a.code.as_str(), a.count))
            .collect();
        assert_eq!(
            listed,
            [("mobilita-green", 2), ("chiusa-con-contributi", 1)]
        );
        let sum: i64 = result.by_thematic_area.iter().map(|a| a.count).sum();
        assert_eq!(sum, result.counted);
    }

    #[test]
    fn percent_has_two_decimals() {
        assert_eq!(percent(212, 300), 70.67);
        assert_eq!(percent(0, 300), 0.0);
        assert_eq!(percent(450, 300), 150.0);
    }
}
