//! Italian dates, times and numbers: the one place that writes them, for the
//! dashboard, its badge and the e-mails alike.
//!
//! Times are stored in UTC and shown in Italian civil time (Europe/Rome);
//! the IANA rules of `chrono-tz` say when summer time starts and ends.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;

/// Italian civil time.
pub const ROME: Tz = chrono_tz::Europe::Rome;

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

/// The moment on the clocks of Rome.
pub fn rome_time(at: DateTime<Utc>) -> DateTime<Tz> {
    at.with_timezone(&ROME)
}

/// The calendar day in Rome at that moment.
pub fn rome_date(at: DateTime<Utc>) -> NaiveDate {
    rome_time(at).date_naive()
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
pub fn italian_short_date(date: NaiveDate) -> String {
    format!("{} {}", date.day(), &MONTHS[date.month0() as usize][..3])
}

/// `3 novembre 2026 alle 14:05` (or `14:05:09` with seconds), Rome time.
pub fn italian_moment(at: DateTime<Utc>, with_seconds: bool) -> String {
    let local = rome_time(at);
    let time = if with_seconds {
        local.format("%H:%M:%S")
    } else {
        local.format("%H:%M")
    };
    format!("{} alle {time}", italian_date(local.date_naive()))
}

/// `1.234`: Italian digit grouping.
pub fn italian_count(n: i64) -> String {
    grouped_count(n, '.')
}

/// A count as the page's language writes it: `1.234` in Italian, `1,234`
/// in English.
pub fn count_in(language: super::Language, n: i64) -> String {
    match language {
        super::Language::It => italian_count(n),
        super::Language::En => grouped_count(n, ','),
    }
}

fn grouped_count(n: i64, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(separator);
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

/// `70,67%`: at most two decimals.
pub fn italian_percent(value: f64) -> String {
    format!("{}%", italian_decimal(value, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn rome_time_follows_summer_time() {
        let offset = |s: &str| {
            use chrono::Offset;
            rome_time(at(s)).offset().fix().local_minus_utc()
        };
        assert_eq!(offset("2026-01-15T12:00:00Z"), 3600);
        assert_eq!(offset("2026-07-15T12:00:00Z"), 7200);
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(offset("2026-03-29T00:59:59Z"), 3600);
        assert_eq!(offset("2026-03-29T01:00:00Z"), 7200);
        assert_eq!(offset("2026-10-25T00:59:59Z"), 7200);
        assert_eq!(offset("2026-10-25T01:00:00Z"), 3600);
    }

    #[test]
    fn moments_across_the_changes_of_2026() {
        // Spring: the clocks jump from 02:00 to 03:00.
        assert_eq!(
            italian_moment(at("2026-03-29T00:59:59Z"), true),
            "29 marzo 2026 alle 01:59:59"
        );
        assert_eq!(
            italian_moment(at("2026-03-29T01:00:00Z"), true),
            "29 marzo 2026 alle 03:00:00"
        );
        // Autumn: 02:00–03:00 happens twice, first in summer time.
        assert_eq!(
            italian_moment(at("2026-10-25T00:30:00Z"), false),
            "25 ottobre 2026 alle 02:30"
        );
        assert_eq!(
            italian_moment(at("2026-10-25T01:30:00Z"), false),
            "25 ottobre 2026 alle 02:30"
        );
        assert_eq!(
            italian_moment(at("2026-10-25T02:30:00Z"), false),
            "25 ottobre 2026 alle 03:30"
        );
        assert_eq!(
            italian_moment(at("2026-11-03T13:05:09Z"), true),
            "3 novembre 2026 alle 14:05:09"
        );
    }

    #[test]
    fn the_rome_day_can_differ_from_the_utc_day() {
        assert_eq!(
            italian_moment(at("2026-12-31T23:30:00Z"), false),
            "1 gennaio 2027 alle 00:30"
        );
        assert_eq!(
            rome_date(at("2026-06-30T22:30:00Z")),
            NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()
        );
        assert_eq!(
            rome_date(at("2026-06-30T21:59:59Z")),
            NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
        );
    }

    #[test]
    fn dates_are_written_the_italian_way() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
        assert_eq!(italian_date(date), "3 novembre 2026");
        assert_eq!(italian_short_date(date), "3 nov");
    }

    #[test]
    fn numbers_are_written_the_italian_way() {
        assert_eq!(italian_count(0), "0");
        assert_eq!(italian_count(999), "999");
        assert_eq!(italian_count(1234), "1.234");
        assert_eq!(italian_count(1_234_567), "1.234.567");
        assert_eq!(italian_count(-1234), "-1.234");
        assert_eq!(italian_percent(70.67), "70,67%");
        assert_eq!(italian_percent(1.0), "1%");
        assert_eq!(italian_percent(150.5), "150,5%");
        assert_eq!(italian_percent(1234.5), "1.234,5%");
        assert_eq!(italian_decimal(4.26, 1), "4,3");
        assert_eq!(italian_decimal(3.0, 1), "3");
    }
}
