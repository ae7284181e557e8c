//! Rules shared by every free-text field.
//!
//! Text pasted from Word or a PDF carries characters a citizen cannot see:
//! soft hyphens, zero-width spaces, non-breaking and other Unicode spaces,
//! line and paragraph separators. [`normalise`] removes them or turns them
//! into plain spaces and newlines before any rule applies; only what has no
//! harmless reading (control characters, bidirectional overrides) is
//! refused, naming the character and where it is.

use unicode_normalization::UnicodeNormalization;

use super::FieldIssue;

/// Which line breaks a field accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    Single,
    /// Newline and tab are allowed (a body of several paragraphs).
    Multi,
}

/// Normalises, trims, composes to NFC and checks the length in characters
/// (not bytes). Empty text, once normalised, is a missing field.
pub fn bounded_text(raw: &str, min: usize, max: usize, lines: Lines) -> Result<String, FieldIssue> {
    let text: String = normalise(raw, lines)?.trim().nfc().collect();
    if text.is_empty() && min > 0 {
        return Err(FieldIssue::Required);
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

/// What one pasted character becomes.
enum Pasted {
    Keep,
    Drop,
    Space,
    Newline,
    Paragraph,
    Refuse,
}

/// Removes invisible characters and turns Unicode spaces and line breaks
/// into plain ones (`\n` in multi-line text, a space on one line). Refuses
/// control and bidirectional-override characters with their code point and
/// 1-based position in `raw`, as the citizen typed it.
pub fn normalise(raw: &str, lines: Lines) -> Result<String, FieldIssue> {
    let chars: Vec<char> = raw.chars().collect();
    let mut text = String::with_capacity(raw.len());
    for (index, &c) in chars.iter().enumerate() {
        let before = index.checked_sub(1).map(|i| chars[i]);
        let after = chars.get(index + 1).copied();
        let break_as = |multi: &'static str| match lines {
            Lines::Multi => multi,
            Lines::Single => " ",
        };
        match classify(c, before, after, lines) {
            Pasted::Keep => text.push(c),
            Pasted::Drop => {}
            Pasted::Space => text.push(' '),
            Pasted::Newline => text.push_str(break_as("\n")),
            Pasted::Paragraph => text.push_str(break_as("\n\n")),
            Pasted::Refuse => {
                return Err(FieldIssue::ForbiddenCharacter {
                    character: c,
                    position: index + 1,
                })
            }
        }
    }
    Ok(text)
}

fn classify(c: char, before: Option<char>, after: Option<char>, lines: Lines) -> Pasted {
    match c {
        // CR LF is one break: the LF that follows makes it.
        '\r' if after == Some('\n') => Pasted::Drop,
        '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' => Pasted::Newline,
        '\u{2029}' => Pasted::Paragraph,
        '\t' if lines == Lines::Multi => Pasted::Keep,
        '\t' => Pasted::Space,
        // Soft hyphen, zero-width space, word joiner, BOM, invisible
        // operators, Mongolian vowel separator, direction marks.
        '\u{00AD}'
        | '\u{200B}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{180E}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Pasted::Drop,
        // Joiners shape emoji sequences and Indic or Persian words; between
        // Latin letters they are Word's debris.
        '\u{200C}' | '\u{200D}' if joins_non_ascii(before, after) => Pasted::Keep,
        '\u{200C}' | '\u{200D}' => Pasted::Drop,
        c if is_unicode_space(c) => Pasted::Space,
        c if c.is_control() => Pasted::Refuse,
        // Embeddings, overrides, isolates, interlinear annotations: they
        // reorder or hide what is shown.
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{206F}' | '\u{FFF9}'..='\u{FFFB}' => {
            Pasted::Refuse
        }
        _ => Pasted::Keep,
    }
}

fn joins_non_ascii(before: Option<char>, after: Option<char>) -> bool {
    before.is_some_and(|c| !c.is_ascii()) && after.is_some_and(|c| !c.is_ascii())
}

/// No-break, en, em, thin, ideographic and the other spaces of category Zs.
fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\u{00A0}' | '\u{1680}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
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
    fn refuses_control_characters_naming_them_and_keeps_paragraphs() {
        assert_eq!(
            bounded_text("ciao\u{0007}mondo", 1, 100, Lines::Multi),
            Err(FieldIssue::ForbiddenCharacter {
                character: '\u{0007}',
                position: 5
            })
        );
        assert_eq!(
            bounded_text("ciao\r\n\tmondo", 1, 100, Lines::Multi).unwrap(),
            "ciao\n\tmondo"
        );
        assert_eq!(
            bounded_text("ciao\r\nmondo", 1, 100, Lines::Single).unwrap(),
            "ciao mondo"
        );
    }

    #[test]
    fn pasted_text_is_normalised() {
        let pasted = "Pi\u{00AD}ste\u{200B} ciclabili\u{00A0}sui\u{2009}viali\u{2028}di\u{FEFF}namici\u{2029}fine";
        assert_eq!(
            bounded_text(pasted, 5, 5000, Lines::Multi).unwrap(),
            "Piste ciclabili sui viali\ndinamici\n\nfine"
        );
        assert_eq!(
            bounded_text(pasted, 5, 150, Lines::Single).unwrap(),
            "Piste ciclabili sui viali dinamici fine"
        );
        // A joiner between Latin letters is debris; in an emoji it is kept.
        assert_eq!(
            bounded_text("Fi\u{200D}ren\u{200C}ze", 1, 80, Lines::Single).unwrap(),
            "Firenze"
        );
        assert_eq!(
            bounded_text("\u{00A0}\u{3000}Maria\u{202F}", 1, 80, Lines::Single).unwrap(),
            "Maria"
        );
    }

    #[test]
    fn empty_text_is_a_missing_field() {
        for empty in ["", "   ", "\u{00A0}\u{200B}\u{00AD}", "\u{2028}"] {
            assert_eq!(
                bounded_text(empty, 5, 150, Lines::Single),
                Err(FieldIssue::Required),
                "{empty:?}"
            );
        }
    }

    #[test]
    fn invisible_text_is_refused() {
        assert_eq!(
            bounded_text("Maria\u{202e}issoR", 1, 80, Lines::Single),
            Err(FieldIssue::ForbiddenCharacter {
                character: '\u{202E}',
                position: 6
            })
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
