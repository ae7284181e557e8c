//! How the moderation pages name statuses, channels, author kinds and
//! moments, in the console's language.

use chrono::NaiveDateTime;

use crate::clock;
use crate::domain::{AuthorKind, Channel, ContributionStatus};
use crate::i18n::format::{italian_moment, rome_time};
use crate::i18n::Language;

/// The text in `language`.
pub fn pick(language: Language, it: &'static str, en: &'static str) -> &'static str {
    match language {
        Language::It => it,
        Language::En => en,
    }
}

pub fn status_label(status: ContributionStatus, language: Language) -> &'static str {
    use ContributionStatus::*;
    match status {
        Pending => pick(language, "in attesa", "pending"),
        Approved => pick(language, "approvato", "approved"),
        Rejected => pick(language, "respinto", "rejected"),
        Spam => pick(language, "spam", "spam"),
        Duplicate => pick(language, "duplicato", "duplicate"),
        Hidden => pick(language, "nascosto", "hidden"),
    }
}

pub fn channel_label(channel: Channel, language: Language) -> &'static str {
    match channel {
        Channel::Form => pick(language, "modulo online", "online form"),
        Channel::Event => pick(language, "incontro di Quartiere", "Quartiere meeting"),
        Channel::Email => pick(language, "e-mail", "e-mail"),
        Channel::Paper => pick(language, "cartaceo", "paper"),
    }
}

pub fn author_kind_label(kind: AuthorKind, language: Language) -> &'static str {
    match kind {
        AuthorKind::Citizen => pick(language, "cittadina o cittadino", "citizen"),
        AuthorKind::CulturalAssociation => {
            pick(language, "associazione culturale", "cultural association")
        }
        AuthorKind::TradeAssociation => {
            pick(language, "associazione di categoria", "trade association")
        }
        AuthorKind::OtherOrganization => {
            pick(language, "altra organizzazione", "other organisation")
        }
    }
}

/// A stored moment as people read it, Rome time, with its machine form
/// for `<time datetime>`.
pub struct Moment {
    pub iso: String,
    pub text: String,
}

pub fn moment(at: NaiveDateTime, language: Language) -> Moment {
    let utc = clock::utc(at);
    Moment {
        iso: utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        text: match language {
            Language::It => italian_moment(utc, false),
            Language::En => rome_time(utc).format("%-d %b %Y, %H:%M").to_string(),
        },
    }
}

/// `14:05`, Rome time.
pub fn clock_time(at: NaiveDateTime) -> String {
    rome_time(clock::utc(at)).format("%H:%M").to_string()
}

/// A `<select>` option.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Choice {
        Choice {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

/// What went wrong, as lines a moderator reads: the problem's detail and
/// each invalid field with its message.
pub fn problem_lines(error: &crate::error::ApiError, language: Language) -> Vec<String> {
    problem_lines_naming(error, language, str::to_owned)
}

/// [`problem_lines`], each field called by the name `name` gives it (the
/// label of its input, say).
pub fn problem_lines_naming(
    error: &crate::error::ApiError,
    language: Language,
    name: impl Fn(&str) -> String,
) -> Vec<String> {
    let problem = error.problem(language);
    let mut lines = vec![problem.detail];
    lines.extend(
        problem
            .errors
            .unwrap_or_default()
            .into_iter()
            .map(|field| format!("{}: {}", name(&field.field), field.message)),
    );
    lines
}

/// The label of a moderation form's field, for the messages of a refusal
/// (the problem names fields as the forms post them).
pub fn moderation_field_label(field: &str, language: Language) -> String {
    let label = match field {
        "tag" => pick(language, "Etichetta", "Tag"),
        "area" => pick(language, "Area di destinazione", "Destination area"),
        "nota" => pick(language, "Nota", "Note"),
        "stato" | "status" => pick(language, "Stato", "Status"),
        "motivo" | "status_reason" => pick(language, "Motivo", "Reason"),
        "duplicate_of" | "originale" => pick(language, "Originale", "Original"),
        "ids" => pick(language, "Contributi selezionati", "Selected contributions"),
        other => return other.to_owned(),
    };
    label.to_owned()
}

/// The five Quartieri as options; `selected` says which are chosen.
pub fn quartiere_choices(selected: impl Fn(&str) -> bool) -> Vec<Choice> {
    (1..=5)
        .map(|n: u8| {
            let value = n.to_string();
            let chosen = selected(&value);
            Choice::new(value, format!("Quartiere {n}"), chosen)
        })
        .collect()
}

/// `channels` as options in `language`.
pub fn channel_choices(
    channels: impl Iterator<Item = Channel>,
    language: Language,
    selected: impl Fn(&str) -> bool,
) -> Vec<Choice> {
    channels
        .map(|c| Choice::new(c.as_str(), channel_label(c, language), selected(c.as_str())))
        .collect()
}

/// Every author kind as options in `language`.
pub fn author_kind_choices(language: Language, selected: impl Fn(&str) -> bool) -> Vec<Choice> {
    AuthorKind::ALL
        .iter()
        .map(|k| {
            Choice::new(
                k.as_str(),
                author_kind_label(*k, language),
                selected(k.as_str()),
            )
        })
        .collect()
}
