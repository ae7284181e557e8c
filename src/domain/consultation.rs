//! The consultation window: when contributions are accepted.

use chrono::{DateTime, Utc};

/// When the consultation opens and closes; either end may be open-ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsultationWindow {
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
}

/// Where `now` falls in the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConsultationState {
    Open,
    NotYetOpen { opens_at: DateTime<Utc> },
    Closed { closes_at: DateTime<Utc> },
}

impl ConsultationWindow {
    pub fn state(&self, now: DateTime<Utc>) -> ConsultationState {
        match (self.opens_at, self.closes_at) {
            (Some(opens_at), _) if now < opens_at => ConsultationState::NotYetOpen { opens_at },
            (_, Some(closes_at)) if now >= closes_at => ConsultationState::Closed { closes_at },
            _ => ConsultationState::Open,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn before_during_and_after() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let window = ConsultationWindow {
            opens_at: Some(at("2026-01-01T00:00:00Z")),
            closes_at: Some(at("2026-02-01T00:00:00Z")),
        };
        assert_eq!(
            window.state(at("2025-12-31T23:59:59Z")),
            ConsultationState::NotYetOpen {
                opens_at: at("2026-01-01T00:00:00Z")
            }
        );
        assert_eq!(
            window.state(at("2026-01-01T00:00:00Z")),
            ConsultationState::Open
        );
        assert_eq!(
            window.state(at("2026-02-01T00:00:00Z")),
            ConsultationState::Closed {
                closes_at: at("2026-02-01T00:00:00Z")
            }
        );
        let endless = ConsultationWindow {
            opens_at: None,
            closes_at: None,
        };
        assert_eq!(
            endless.state(at("2000-01-01T00:00:00Z")),
            ConsultationState::Open
        );
    }
}
