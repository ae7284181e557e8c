//! Small helpers over quick-xml for the REFI-QDA writers.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

/// The XML declaration.
pub fn declaration<W: Write>(writer: &mut Writer<W>) -> io::Result<()> {
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
}

/// `text` without the characters XML 1.0 cannot hold (most C0 controls),
/// which would make the document unreadable.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| allowed(c)).collect())
    }
}

/// `<name>text</name>`.
pub fn text_element<W: Write>(writer: &mut Writer<W>, name: &str, text: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(&xml_safe(text)))?;
    Ok(())
}

/// `<name targetGUID="…"/>`: a reference.
pub fn reference<W: Write>(writer: &mut Writer<W>, name: &str, target: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .with_attribute(("targetGUID", target))
        .write_empty()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_only_what_xml_cannot_hold() {
        assert_eq!(xml_safe("a\u{1}b\tc\nd"), "ab\tc\nd");
        assert!(matches!(xml_safe("Via dei Servi è"), Cow::Borrowed(_)));
    }
}
