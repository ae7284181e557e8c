//! The consultation window as the pages tell it: open, not yet open, or
//! closed, with its dates in Rome time.

use chrono::{DateTime, Utc};

use crate::config::Config;
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
        let open = config.consultation_open(now);
        let text = match (config.opens_at, config.closes_at) {
            (Some(opens), closes) if now < opens => Some(match closes {
                Some(closes) => format!(
                    "La consultazione non è ancora aperta: si apre il {} e si chiude il {}.",
                    at(opens),
                    at(closes)
                ),
                None => format!(
                    "La consultazione non è ancora aperta: si apre il {}.",
                    at(opens)
                ),
            }),
            (opens, Some(closes)) if now >= closes => Some(match opens {
                Some(opens) => format!(
                    "La consultazione è chiusa: è stata aperta dal {} al {}.",
                    at(opens),
                    at(closes)
                ),
                None => format!("La consultazione è chiusa dal {}.", at(closes)),
            }),
            (_, Some(closes)) => Some(format!("La consultazione è aperta fino al {}.", at(closes))),
            (Some(opens), None) => Some(format!("La consultazione è aperta dal {}.", at(opens))),
            (None, None) => None,
        };
        Consultation { open, text }
    }
}
