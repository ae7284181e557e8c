//! Rules shared by every free-text field.

use unicode_normalization::UnicodeNormalization;

use super::FieldIssue;

/// Which line breaks a field accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    /// Newline and tab are allowed (a body of several paragraphs).
    Multi,
}

/// Trims, normalises to NFC and checks the length in characters (not bytes).
pub fn bounded_text(raw: &str, min: usize, max: usize, lines: Lines) -> Result<String, FieldIssue> {
    let text: String = raw.trim().nfc().collect();
    // Carriage returns from form posts are line breaks, not control characters.
    let text = text.replace("\r\n", "\n");
    if text.chars().any(|c| is_forbidden_control(c, lines)) {
        return Err(FieldIssue::ControlCharacters);
    }
    let length = text.chars().count();
    if length < min {
        return Err(FieldIssue::TooShort { min });
    }
    if length > max {
        return Err(FieldIssue::TooLong { max });
    }
    Ok(text)
}

fn is_forbidden_control(c: char, lines: Lines) -> bool {
    if lines == Lines::Multi && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Lowercase without diacritics, so that "Mobilità" matches "mobilita" on
/// both backends (SQLite's `lower` folds ASCII only).
pub fn search_fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_counts_characters_not_bytes() {
        let emoji_title = "🚲".repeat(150);
        assert!(bounded_text(&emoji_title, 5, 150, Lines::Single).is_ok());
        assert_eq!(
            bounded_text(&"à".repeat(151), 5, 150, Lines::Single),
            Err(FieldIssue::TooLong { max: 150 })
        );
    }

    #[test]
    fn trims_before_counting() {
        assert_eq!(
            bounded_text("   abcd   ", 5, 150, Lines::Single),
            Err(FieldIssue::TooShort { min: 5 })
        );
    }

    #[test]
    fn rejects_control_characters_but_keeps_paragraphs_in_multiline_text() {
        assert_eq!(
            bounded_text("ciao\u{0007}mondo", 1, 100, Lines::Multi),
            Err(FieldIssue::ControlCharacters)
        );
        assert_eq!(
            bounded_text("ciao\nmondo", 1, 100, Lines::Single),
            Err(FieldIssue::ControlCharacters)
        );
        assert_eq!(
            bounded_text("ciao\r\n\tmondo", 1, 100, Lines::Multi).unwrap(),
            "ciao\n\tmondo"
        );
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(search_fold("MOBILITÀ Über Città"), "mobilita uber citta");
    }
}
