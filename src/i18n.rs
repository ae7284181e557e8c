//! The language of messages: Italian unless the client prefers English.

pub mod format;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    It,
    En,
}

impl Language {
    /// Picks from an `Accept-Language` header value, honouring q-values;
    /// anything other than a preference for English gives Italian.
    pub fn from_accept_language(header: Option<&str>) -> Language {
        let Some(header) = header else {
            return Language::It;
        };
        let mut best: Option<(f32, Language)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let language = match tag.split('-').next() {
                Some("it") => Language::It,
                Some("en") => Language::En,
                _ => continue,
            };
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, language));
            }
        }
        best.map(|(_, language)| language).unwrap_or_default()
    }

    pub fn code(self) -> &'static str {
        match self {
            Language::It => "it",
            Language::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Language;

    #[test]
    fn picks_the_preferred_supported_language() {
        assert_eq!(Language::from_accept_language(None), Language::It);
        assert_eq!(Language::from_accept_language(Some("en")), Language::En);
        assert_eq!(
            Language::from_accept_language(Some("en-GB,en;q=0.9")),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language(Some("it-IT,en;q=0.5")),
            Language::It
        );
        assert_eq!(
            Language::from_accept_language(Some("fr,en;q=0.3")),
            Language::En
        );
        assert_eq!(Language::from_accept_language(Some("de")), Language::It);
        assert_eq!(Language::from_accept_language(Some("en;q=0")), Language::It);
    }
}
