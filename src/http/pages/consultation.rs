//! The consultation window as the pages tell it: open, not yet open, or
//! closed, with its dates in Rome time.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::domain::ConsultationState;
use crate::i18n::format::italian_moment;

/// Whether the form takes contributions now, and the sentence that says so.
pub struct Consultation {
    pub open: bool,
    /// Absent when the window has no bounds at all.
    pub text: Option<String>,
}

impl Consultation {
    pub fn at(config: &Config, now: DateTime<Utc>) -> Consultation {
        let at = |moment: DateTime<Utc>| italian_moment(moment, false);
        let window = config.consultation();
        let state = window.state(now);
        let text = match (state, window.opens_at, window.closes_at) {
            (ConsultationState::NotYetOpen { opens_at }, _, closes) => Some(match closes {
                Some(closes) => format!(
                    "La consultazione non è ancora aperta: si apre il {} e si chiude il {}.",
                    at(opens_at),
                    at(closes)
                ),
                None => format!(
                    "La consultazione non è ancora aperta: si apre il {}.",
                    at(opens_at)
                ),
            }),
            (ConsultationState::Closed { closes_at }, opens, _) => Some(match opens {
                Some(opens) => format!(
                    "La consultazione è chiusa: è stata aperta dal {} al {}.",
                    at(opens),
                    at(closes_at)
                ),
                None => format!("La consultazione è chiusa dal {}.", at(closes_at)),
            }),
            (ConsultationState::Open, _, Some(closes)) => {
                Some(format!("La consultazione è aperta fino al {}.", at(closes)))
            }
            (ConsultationState::Open, Some(opens), None) => {
                Some(format!("La consultazione è aperta dal {}.", at(opens)))
            }
            (ConsultationState::Open, None, None) => None,
        };
        Consultation {
            open: state == ConsultationState::Open,
            text,
        }
    }
}
