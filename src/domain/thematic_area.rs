//! Thematic areas of the "Rinasce Firenze" document.

use super::text::{bounded_text, Lines};
use super::FieldIssue;

/// An area code: a lowercase ASCII slug such as `mobilita-green`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ThematicAreaCode(String);

impl ThematicAreaCode {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, FieldIssue> {
        let valid_shape = !raw.is_empty()
            && raw.len() <= Self::MAX_CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-');
        if valid_shape {
            Ok(ThematicAreaCode(raw.to_owned()))
        } else {
            Err(FieldIssue::UnknownThematicArea)
        }
    }

    /// The area a citizen chose on the form: an empty choice (the select
    /// left on its prompt) is "choose an area", not an unknown one.
    pub fn parse_choice(raw: &str) -> Result<Self, FieldIssue> {
        match raw.trim() {
            "" => Err(FieldIssue::AreaNotChosen),
            code => Self::parse(code),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code of a new area as an admin types it: a slug, or a message
    /// saying what a slug is.
    pub fn parse_new(raw: &str) -> Result<Self, FieldIssue> {
        Self::parse(raw).map_err(|_| FieldIssue::InvalidSlug {
            max: Self::MAX_CHARS,
        })
    }
}

/// An area's name: 2–200 characters on one line.
pub fn area_name(raw: &str) -> Result<String, FieldIssue> {
    bounded_text(raw, 2, 200, Lines::Single)
}

/// An area's description: at most 2000 characters, paragraphs allowed.
pub fn area_description(raw: &str) -> Result<String, FieldIssue> {
    bounded_text(raw, 0, 2000, Lines::Multi)
}

/// The areas seeded on first start: code, Italian name, description.
pub const SEED_AREAS: [(&str, &str, &str); 9] = [
    (
        "citta-policentrica",
        "Città policentrica",
        "Una città fatta di centri: i quartieri come luoghi di vita, servizi e identità.",
    ),
    (
        "centro-storico-nuovo",
        "Un Centro storico nuovo",
        "Un centro storico da riabitare, oltre il turismo di massa.",
    ),
    (
        "vivere-spazi-urbani",
        "Vivere gli spazi urbani",
        "Piazze, parchi e spazi pubblici da vivere in sicurezza.",
    ),
    (
        "mobilita-green",
        "Mobilità green",
        "Tramvia, piste ciclabili, mobilità condivisa e pedonalità.",
    ),
    (
        "sviluppo-economia-cittadina",
        "Sviluppo dell'economia cittadina",
        "Commercio, artigianato, impresa e lavoro dopo la pandemia.",
    ),
    (
        "cultura-diffusa",
        "Cultura diffusa",
        "Cultura in tutti i quartieri, non solo nei luoghi simbolo.",
    ),
    (
        "bambini-famiglie",
        "Bambini e famiglie al centro",
        "Scuola, servizi per l'infanzia e sostegno alle famiglie.",
    ),
    (
        "cura-persona",
        "Cura della persona: welfare, casa, lavoro",
        "Welfare, diritto alla casa e lavoro.",
    ),
    (
        "citta-intelligente",
        "Una città sempre più intelligente",
        "Servizi digitali, dati e innovazione.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;

    #[test]
    fn a_new_code_too_long_is_refused_with_the_codes_own_limit() {
        let issue = ThematicAreaCode::parse_new(&"a".repeat(65)).unwrap_err();
        assert_eq!(issue, FieldIssue::InvalidSlug { max: 64 });
        assert!(issue.message(Language::It).ends_with("(massimo 64)"));
        assert!(ThematicAreaCode::parse_new(&"a".repeat(64)).is_ok());
    }
}
