//! Cursor paging shared by every list: `limit` (default 50, max 500) and an
//! opaque `cursor` that encodes where the previous page stopped.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use utoipa::ToSchema;

use super::input::FieldErrors;
use crate::db::contributions::{Order, Position};
use crate::domain::FieldIssue;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 500;

/// Parses the `limit` query parameter.
pub fn limit(raw: Option<&str>, errors: &mut FieldErrors) -> i64 {
    let Some(raw) = raw else {
        return DEFAULT_LIMIT;
    };
    match raw.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => n,
        Ok(_) => {
            errors.add(
                "limit",
                FieldIssue::OutOfRange {
                    min: 1,
                    max: MAX_LIMIT,
                },
            );
            DEFAULT_LIMIT
        }
        Err(_) => {
            errors.add("limit", FieldIssue::ExpectedInteger);
            DEFAULT_LIMIT
        }
    }
}

/// Encodes a page position (a few integers) as an opaque token.
pub fn encode_cursor(parts: &[i64]) -> String {
    let joined = parts
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(":");
    URL_SAFE_NO_PAD.encode(joined)
}

/// Decodes a token made by [`encode_cursor`] with `count` parts.
pub fn decode_cursor(
    raw: Option<&str>,
    count: usize,
    errors: &mut FieldErrors,
) -> Option<Vec<i64>> {
    let raw = raw?;
    let parts = URL_SAFE_NO_PAD
        .decode(raw.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| {
            text.split(':')
                .map(|p| p.parse::<i64>().ok())
                .collect::<Option<Vec<_>>>()
        })
        .filter(|parts| parts.len() == count);
    if parts.is_none() {
        errors.add("cursor", FieldIssue::InvalidCursor);
    }
    parts
}

/// Earliest and latest times a cursor may carry: every time an RFC 3339
/// input can give (four-digit years), which both backends store and compare
/// the same way (SQLite as zero-padded text), so that every cursor the
/// server issues is accepted back, even for a row stored before
/// `received_at` was bounded.
const CURSOR_YEARS: std::ops::RangeInclusive<i32> = 0..=9999;

/// The first part of a relevance cursor, which has three parts, so that a
/// time cursor (two) is never read as one.
const SCORE_CURSOR: i64 = 1;

/// The cursor parts of a row's position: its time in microseconds and its
/// sequence number, or the marker, the score's bits and the sequence number.
pub fn position_cursor(position: &Position) -> Vec<i64> {
    match *position {
        Position::Time { at, seq } => vec![at.and_utc().timestamp_micros(), seq],
        Position::Score { score, seq } => vec![SCORE_CURSOR, score.to_bits() as i64, seq],
    }
}

/// Decodes a cursor made by [`position_cursor`] for a listing in `order`.
pub fn decode_position(
    raw: Option<&str>,
    order: Order,
    errors: &mut FieldErrors,
) -> Option<Position> {
    let position = match order {
        Order::Relevance => {
            let parts = decode_cursor(raw, 3, errors)?;
            let score = f64::from_bits(parts[1] as u64);
            (parts[0] == SCORE_CURSOR && score.is_finite()).then_some(Position::Score {
                score,
                seq: parts[2],
            })
        }
        Order::Arrival { .. } | Order::Publication => {
            let parts = decode_cursor(raw, 2, errors)?;
            chrono::DateTime::<chrono::Utc>::from_timestamp_micros(parts[0])
                .map(|t| t.naive_utc())
                .filter(|t| CURSOR_YEARS.contains(&chrono::Datelike::year(t)))
                .map(|at| Position::Time { at, seq: parts[1] })
        }
    };
    if position.is_none() {
        errors.add("cursor", FieldIssue::InvalidCursor);
    }
    position
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    /// The items of this page.
    #[schema(max_items = 500)]
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(max_length = 200)]
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Page<T> {
    /// Builds a page from `limit + 1` fetched rows: the extra row only tells
    /// that another page follows.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        position: impl Fn(&R) -> Vec<i64>,
        item: impl Fn(R) -> T,
    ) -> Page<T> {
        let has_more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = has_more
            .then(|| rows.last().map(|last| encode_cursor(&position(last))))
            .flatten();
        Page {
            items: rows.into_iter().map(item).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let mut errors = FieldErrors::default();
        let token = encode_cursor(&[1_700_000_000_000_000, 42]);
        assert_eq!(
            decode_cursor(Some(&token), 2, &mut errors),
            Some(vec![1_700_000_000_000_000, 42])
        );
        assert!(errors.is_empty());
        assert_eq!(decode_cursor(Some("%%%"), 2, &mut errors), None);
        assert_eq!(
            decode_cursor(Some(&encode_cursor(&[1])), 2, &mut errors),
            None
        );
        assert!(!errors.is_empty());
    }

    #[test]
    fn positions_round_trip_in_their_own_order_only() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_micro_opt(10, 0, 0, 42)
            .unwrap();
        let time = Position::Time { at, seq: 7 };
        let score = Position::Score {
            score: 0.0607927,
            seq: 7,
        };
        let token = |position: &Position| encode_cursor(&position_cursor(position));
        let mut errors = FieldErrors::default();
        assert_eq!(
            decode_position(Some(&token(&time)), Order::Publication, &mut errors),
            Some(time)
        );
        assert_eq!(
            decode_position(Some(&token(&score)), Order::Relevance, &mut errors),
            Some(score)
        );
        assert!(errors.is_empty());
        assert_eq!(
            decode_position(Some(&token(&time)), Order::Relevance, &mut errors),
            None
        );
        assert_eq!(
            decode_position(Some(&token(&score)), Order::Publication, &mut errors),
            None
        );
        let not_a_number = encode_cursor(&[SCORE_CURSOR, f64::NAN.to_bits() as i64, 7]);
        assert_eq!(
            decode_position(Some(&not_a_number), Order::Relevance, &mut errors),
            None
        );
        assert!(!errors.is_empty());
    }

    #[test]
    fn limit_bounds() {
        let mut errors = FieldErrors::default();
        assert_eq!(limit(None, &mut errors), 50);
        assert_eq!(limit(Some("500"), &mut errors), 500);
        assert!(errors.is_empty());
        limit(Some("501"), &mut errors);
        limit(Some("abc"), &mut errors);
        assert!(!errors.is_empty());
    }
}
