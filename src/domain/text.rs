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
    if text
        .chars()
        .any(|c| is_forbidden_control(c, lines) || is_invisible_format(c))
    {
        return Err(FieldIssue::ControlCharacters);
    }
    if min > 0 && !text.chars().any(is_meaningful) {
        return Err(FieldIssue::NoVisibleText);
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

/// A visible letter or digit: what makes a text more than punctuation,
/// spaces, stray accents, symbols, and characters that render as nothing
/// (Braille blank U+2800, tag characters U+E0000–U+E007F, the Hangul
/// fillers). Emoji are welcome beside words, not instead of them.
fn is_meaningful(c: char) -> bool {
    c.is_alphanumeric() && !is_invisible_letter(c)
}

/// Characters Unicode classes as letters that render as blank space.
fn is_invisible_letter(c: char) -> bool {
    matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// Zero-width and bidirectional formatting characters: invisible, so a
/// title of five of them would pass the length rule, and bidi overrides can
/// disguise a name. The zero-width joiner stays: emoji sequences need it.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{200C}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
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
        let emoji_title = format!("Bici{}", "🚲".repeat(146));
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
    fn invisible_text_is_refused() {
        assert_eq!(
            bounded_text(&"\u{200b}".repeat(5), 5, 150, Lines::Single),
            Err(FieldIssue::ControlCharacters)
        );
        assert_eq!(
            bounded_text("Maria\u{202e}issoR", 1, 80, Lines::Single),
            Err(FieldIssue::ControlCharacters)
        );
        assert_eq!(
            bounded_text(&"\u{0301}".repeat(20), 20, 5000, Lines::Multi),
            Err(FieldIssue::NoVisibleText)
        );
        assert_eq!(
            bounded_text("..... !!!", 5, 150, Lines::Single),
            Err(FieldIssue::NoVisibleText)
        );
        // Issue 16 item 10: letters that render as nothing, blanks, tags.
        for invisible in [
            "\u{3164}",
            "\u{2800}",
            "\u{115F}",
            "\u{E0041}",
            "\u{FFA0}",
            "🚲",
        ] {
            assert_eq!(
                bounded_text(&invisible.repeat(5), 5, 150, Lines::Single),
                Err(FieldIssue::NoVisibleText),
                "{invisible:?}"
            );
        }
        assert_eq!(
            bounded_text("\u{E0041}\u{E0042}\u{3164}", 1, 80, Lines::Single),
            Err(FieldIssue::NoVisibleText)
        );
        assert!(bounded_text(
            "Famiglia 👨\u{200d}👩\u{200d}👧 al parco",
            5,
            150,
            Lines::Single
        )
        .is_ok());
    }

    #[test]
    fn folds_case_and_accents() {
        assert_eq!(search_fold("MOBILITÀ Über Città"), "mobilita uber citta");
    }
}
