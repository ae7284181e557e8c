//! GUIDs that stay the same at every export: UUIDv5 of what the object
//! stands for (a contribution id, an area code, a tag…), so that a
//! researcher can re-import an updated export over an earlier one.

use std::sync::LazyLock;

use uuid::Uuid;

/// The namespace of every GUID of the service's REFI-QDA files (itself the
/// UUIDv5 of the service's name in the URL namespace).
static NAMESPACE: LazyLock<Uuid> =
    LazyLock::new(|| Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:rinasce-firenze:refi-qda"));

/// What a GUID stands for; the key is its stable id.
#[derive(Clone, Copy, Debug)]
pub enum GuidKind {
    /// A contribution, by id: its `TextSource` (and its file name).
    Source,
    /// The whole-text selection of a contribution, by id.
    Selection,
    /// A coding, by contribution id and code GUID.
    Coding,
    /// A code: a thematic area (`area:<code>`), a tag (`tag:<name>`) or a
    /// parent (`group:area`, `group:tag`).
    Code,
    /// A document variable, by name.
    Variable,
    /// A case, by author pseudonym.
    Case,
    /// A set, by its name.
    Set,
}

impl GuidKind {
    fn prefix(self) -> &'static str {
        match self {
            GuidKind::Source => "source",
            GuidKind::Selection => "selection",
            GuidKind::Coding => "coding",
            GuidKind::Code => "code",
            GuidKind::Variable => "variable",
            GuidKind::Case => "case",
            GuidKind::Set => "set",
        }
    }
}

/// The GUID of `key` of kind `kind`, as `8-4-4-4-12` lowercase hex.
pub fn guid(kind: GuidKind, key: &str) -> Uuid {
    let name = format!("{}:{key}", kind.prefix());
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_stable_and_differ_by_kind() {
        let id = "0193a5b0-0000-7000-8000-000000000001";
        assert_eq!(guid(GuidKind::Source, id), guid(GuidKind::Source, id));
        assert_ne!(guid(GuidKind::Source, id), guid(GuidKind::Selection, id));
        assert_eq!(guid(GuidKind::Code, "area:x").get_version_num(), 5);
        // Fixed forever: a change would break re-imports of earlier exports.
        assert_eq!(
            guid(GuidKind::Code, "group:area").to_string(),
            Uuid::new_v5(
                &Uuid::new_v5(&Uuid::NAMESPACE_URL, b"urn:rinasce-firenze:refi-qda"),
                b"code:group:area"
            )
            .to_string()
        );
    }
}
