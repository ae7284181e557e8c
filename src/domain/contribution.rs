//! The parts of a contribution, each of which can only hold a valid value.

use std::fmt;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::ValidateEmail;

use super::text::{bounded_text, normalise, Lines};
use super::ContributionId;
use super::FieldIssue;

/// Declares a newtype over `String` whose only constructor enforces the rule.
macro_rules! bounded_text_type {
    ($(#[$doc:meta])* $name:ident, $min:expr, $max:expr, $lines:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            pub const MIN_CHARS: usize = $min;
            pub const MAX_CHARS: usize = $max;

            pub fn parse(raw: &str) -> Result<Self, FieldIssue> {
                bounded_text(raw, $min, $max, $lines).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}

bounded_text_type!(
    /// 5–150 characters after trimming, on one line.
    ContributionTitle, 5, 150, Lines::Single
);
bounded_text_type!(
    /// 20–5000 characters after trimming; paragraphs allowed.
    ContributionBody, 20, 5000, Lines::Multi
);
bounded_text_type!(
    /// A given or family name: 1–80 characters.
    PersonName, 1, 80, Lines::Single
);
bounded_text_type!(
    /// The name of an association or organisation: 2–200 characters.
    OrganizationName, 2, 200, Lines::Single
);
bounded_text_type!(
    /// The name of a meeting or public event: 2–200 characters.
    MeetingName, 2, 200, Lines::Single
);

/// A syntactically valid e-mail address of at most 254 characters, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub const MAX_CHARS: usize = 254;

    /// Pasted invisible characters are removed first (see
    /// [`normalise`]); an empty address is a missing one.
    pub fn parse(raw: &str) -> Result<Self, FieldIssue> {
        let normalised = normalise(raw, Lines::Single)?;
        let trimmed = normalised.trim();
        if trimmed.is_empty() {
            return Err(FieldIssue::Required);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(FieldIssue::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if !trimmed.validate_email() {
            return Err(FieldIssue::InvalidEmail);
        }
        Ok(EmailAddress(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form erasure matches on: see [`normalise_email`].
    pub fn normalised(&self) -> String {
        normalise_email(&self.0)
    }
}

/// An address as the service stores it for matching: trimmed, NFC, and
/// lowercased with Unicode's rules (`elodie@EXÄMPLE.org` →
/// `elodie@exämple.org`), which no database's `lower()` does on both backends.
pub fn normalise_email(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    raw.trim().nfc().collect::<String>().to_lowercase()
}

/// One of Florence's five Quartieri.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quartiere(u8);

impl Quartiere {
    pub const ALL: [Quartiere; 5] = [
        Quartiere(1),
        Quartiere(2),
        Quartiere(3),
        Quartiere(4),
        Quartiere(5),
    ];

    pub fn parse(number: i64) -> Result<Self, FieldIssue> {
        match u8::try_from(number) {
            Ok(n @ 1..=5) => Ok(Quartiere(n)),
            _ => Err(FieldIssue::OutOfRange { min: 1, max: 5 }),
        }
    }

    pub fn number(self) -> u8 {
        self.0
    }

    pub fn name(self) -> &'static str {
        match self.0 {
            1 => "Centro Storico",
            2 => "Campo di Marte",
            3 => "Gavinana-Galluzzo",
            4 => "Isolotto-Legnaia",
            _ => "Rifredi",
        }
    }
}

/// Declares a closed set of values stored and sent as snake_case text.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        // Stored as its text; `db::stored` maps it to and from the column.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[derive(diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(raw: &str) -> Result<Self, FieldIssue> {
                match raw {
                    $($text => Ok($name::$variant),)+
                    _ => Err(FieldIssue::UnknownValue {
                        allowed: Self::ALL.iter().map(|v| v.as_str().to_owned()).collect(),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

text_enum!(
    /// Who wrote a contribution.
    AuthorKind {
        Citizen => "citizen",
        CulturalAssociation => "cultural_association",
        TradeAssociation => "trade_association",
        OtherOrganization => "other_organization",
    }
);

impl AuthorKind {
    pub fn is_organization(self) -> bool {
        self != AuthorKind::Citizen
    }
}

text_enum!(
    /// How a contribution reached the Comune. Only `form` counts for the indicator.
    Channel {
        Form => "form",
        Event => "event",
        Email => "email",
        Paper => "paper",
    }
);

/// The receipt code shown to a contributor: `RF-` and a six-digit sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference(i64);

impl Reference {
    pub fn from_sequence(sequence: i64) -> Reference {
        Reference(sequence)
    }

    pub fn parse(raw: &str) -> Option<Reference> {
        let digits = raw.trim().to_ascii_uppercase();
        let digits = digits.strip_prefix("RF-")?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Reference)
    }

    pub fn sequence(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RF-{:06}", self.0)
    }
}

/// How a contribution is named in a request: its id or its receipt
/// reference (`RF-000401`); the service finds which one it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContributionRef {
    Id(ContributionId),
    Reference(Reference),
}

impl ContributionRef {
    /// `None` for anything that is neither an id nor a reference.
    pub fn parse(raw: &str) -> Option<ContributionRef> {
        ContributionId::parse(raw)
            .map(ContributionRef::Id)
            .or_else(|| Reference::parse(raw).map(ContributionRef::Reference))
    }
}

impl fmt::Display for ContributionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ContributionRef::Id(id) => id.fmt(f),
            ContributionRef::Reference(reference) => reference.fmt(f),
        }
    }
}

impl From<ContributionId> for ContributionRef {
    fn from(id: ContributionId) -> ContributionRef {
        ContributionRef::Id(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contribution_is_named_by_id_or_reference() {
        let id = ContributionId::generate();
        assert_eq!(
            ContributionRef::parse(&id.to_string()),
            Some(ContributionRef::Id(id))
        );
        assert_eq!(
            ContributionRef::parse(" rf-000401 "),
            Some(ContributionRef::Reference(Reference::from_sequence(401)))
        );
        for bad in ["", "RF-", "RF-12a", "401", "not-an-id"] {
            assert_eq!(ContributionRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn addresses_are_normalised_with_unicode_case_folding() {
        assert_eq!(
            normalise_email(" elodie@EXÄMPLE.org "),
            "elodie@exämple.org"
        );
        // A decomposed Ä (A + U+0308) is the same address.
        assert_eq!(
            normalise_email("elodie@EXA\u{308}MPLE.org"),
            "elodie@exämple.org"
        );
    }

    #[test]
    fn reference_is_zero_padded_and_round_trips() {
        assert_eq!(Reference::from_sequence(42).to_string(), "RF-000042");
        assert_eq!(
            Reference::from_sequence(1_234_567).to_string(),
            "RF-1234567"
        );
        assert_eq!(
            Reference::parse("rf-000042"),
            Some(Reference::from_sequence(42))
        );
        assert_eq!(Reference::parse("RF-"), None);
        assert_eq!(Reference::parse("RF-12a"), None);
    }

    #[test]
    fn email_rules() {
        assert!(EmailAddress::parse(" maria.rossi@example.org ").is_ok());
        assert_eq!(EmailAddress::parse("maria"), Err(FieldIssue::InvalidEmail));
        let long = format!("{}@example.org", "a".repeat(250));
        assert_eq!(
            EmailAddress::parse(&long),
            Err(FieldIssue::TooLong { max: 254 })
        );
    }

    #[test]
    fn quartiere_bounds() {
        assert!(Quartiere::parse(0).is_err());
        assert_eq!(Quartiere::parse(5).unwrap().name(), "Rifredi");
        assert!(Quartiere::parse(6).is_err());
    }

    #[test]
    fn enums_parse_their_text() {
        assert_eq!(
            AuthorKind::parse("trade_association"),
            Ok(AuthorKind::TradeAssociation)
        );
        assert!(Channel::parse("fax").is_err());
    }
}
