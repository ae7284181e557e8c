//! The meeting an offline contribution was handed in at: a Quartiere
//! assembly or a public event (channel `event`).

use chrono::NaiveDate;

use super::contribution::MeetingName;
use super::{FieldIssue, Quartiere};

/// A meeting as a moderator records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub name: MeetingName,
    pub held_on: NaiveDate,
    /// The quartiere that held it; none for an event of the whole city.
    pub quartiere: Option<Quartiere>,
}

/// The earliest day a meeting may have been held: as for `received_at`, an
/// earlier one is a typing slip.
pub const EARLIEST_MEETING_DAY: &str = "2000-01-01";

/// A meeting's day, `YYYY-MM-DD`, no later than `today` (in Rome): a
/// meeting that has not been held has handed in nothing.
pub fn parse_meeting_day(raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldIssue> {
    let day =
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| FieldIssue::InvalidDate)?;
    let earliest = NaiveDate::parse_from_str(EARLIEST_MEETING_DAY, "%Y-%m-%d")
        .map_err(|_| FieldIssue::InvalidDate)?;
    if day > today {
        return Err(FieldIssue::InFuture);
    }
    if day < earliest {
        return Err(FieldIssue::TooEarly {
            earliest: EARLIEST_MEETING_DAY,
        });
    }
    Ok(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_meeting_day_is_a_past_date() {
        let today = day("2026-12-05");
        assert_eq!(parse_meeting_day(" 2026-12-05 ", today), Ok(today));
        assert_eq!(
            parse_meeting_day("2026-11-20", today),
            Ok(day("2026-11-20"))
        );
        assert_eq!(
            parse_meeting_day("2026-12-06", today),
            Err(FieldIssue::InFuture)
        );
        assert_eq!(
            parse_meeting_day("1999-12-31", today),
            Err(FieldIssue::TooEarly {
                earliest: EARLIEST_MEETING_DAY
            })
        );
        for bad in ["20/11/2026", "2026-02-30", "ieri", ""] {
            assert_eq!(
                parse_meeting_day(bad, today),
                Err(FieldIssue::InvalidDate),
                "{bad}"
            );
        }
    }
}
