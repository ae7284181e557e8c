//! When the target will be reached at the current pace: the projection shown
//! by the dashboard, from the indicator's daily series.

use chrono::{Duration, NaiveDate};

use super::indicators::DailyCount;

/// Complete days the pace of the projection is averaged over.
pub const PACE_WINDOW_DAYS: i64 = 14;
/// With fewer complete days of data than this, no projection is made.
pub const MIN_DAYS_OF_DATA: i64 = 7;

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
    fn a_projection_past_the_close_is_marked_so() {
        let daily = series("2026-11-01", &[1; 10]);
        let Outlook::Projected(p) =
            project(&daily, 10, 300, day("2026-11-11"), Some(day("2026-12-31")))
        else {
            panic!("a projection")
        };
        assert!(p.after_close);
    }
}
