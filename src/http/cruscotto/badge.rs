//! `/cruscotto/progress.svg`: the badge embedded in the Rete Civica page,
//! "Rinasce Firenze | 212 su 300 contributi · 70,67%" over a progress bar.

use askama::Template;

use crate::domain::indicators::Indicators;
use crate::i18n::format::{italian_count, italian_moment, italian_percent};

#[derive(Template)]
#[template(path = "cruscotto/progress.svg")]
pub(super) struct Badge {
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

/// The colours of the badge's right half and of its progress bar.
struct Colours {
    fill: &'static str,
    progress: &'static str,
}

const IN_PROGRESS: Colours = Colours {
    fill: "#0066cc",
    progress: "#8cc2f2",
};
const REACHED: Colours = Colours {
    fill: "#00703c",
    progress: "#8fd9b3",
};
/// No figures: grey, with contrast for white text.
const UNKNOWN: Colours = Colours {
    fill: "#5c5c5c",
    progress: "#5c5c5c",
};

impl Badge {
    pub(super) fn new(indicators: &Indicators) -> Badge {
        let reached = indicators.counted >= indicators.target;
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
        let fraction = (indicators.percent / 100.0).clamp(0.0, 1.0);
        let colours = if reached { REACHED } else { IN_PROGRESS };
        Badge::layout(title, right_text, fraction, colours)
    }

    /// The badge when the database is down and no figures were ever read:
    /// still an image, saying so.
    pub(super) fn unavailable() -> Badge {
        Badge::layout(
            "Rinasce Firenze: dati momentaneamente non disponibili".into(),
            "dati non disponibili".into(),
            0.0,
            UNKNOWN,
        )
    }

    fn layout(title: String, right_text: String, fraction: f64, colours: Colours) -> Badge {
        const PADDING: i64 = 10;
        let left_text = "Rinasce Firenze";
        let left_text_width = text_width(left_text);
        let right_text_width = text_width(&right_text);
        let left_width = left_text_width + 2 * PADDING;
        let right_width = right_text_width + 2 * PADDING;
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
            right_fill: colours.fill,
            progress_fill: colours.progress,
            progress_width: (right_width as f64 * fraction).round() as i64,
            left_center: left_width / 2,
            right_center: left_width + right_width / 2,
        }
    }
}
