//! Staff roles and access tokens.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

use super::contribution::text_enum;
use super::text::search_fold;
use super::FieldIssue;

text_enum!(
    /// What a staff member may do. Admins may do everything.
    Role {
        Moderator => "moderator",
        Researcher => "researcher",
        Admin => "admin",
    }
);

impl Role {
    /// Who may export the contributions, pseudonymised, and read their report.
    pub const EXPORTERS: &'static [Role] = &[Role::Researcher, Role::Moderator];
    /// Who may export personal data: admins only (they pass every check).
    pub const PERSONAL_DATA_EXPORTERS: &'static [Role] = &[];

    /// Whether this role may act where one of `allowed` is required.
    pub fn may(self, allowed: &[Role]) -> bool {
        self == Role::Admin || allowed.contains(&self)
    }
}

/// A bearer token: 32 random bytes, shown once, stored only as its hash.
pub struct AccessToken(String);

/// Prefix that makes tokens recognisable in logs and secret scanners.
const TOKEN_PREFIX: &str = "rf_";

impl AccessToken {
    pub fn generate() -> AccessToken {
        AccessToken::with_prefix(TOKEN_PREFIX)
    }

    /// A token of another kind (a console session, a sign-in link), told
    /// apart by its prefix.
    pub fn with_prefix(prefix: &str) -> AccessToken {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        AccessToken(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(secret)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        token_hash(&self.0)
    }
}

/// SHA-256 of a token: tokens carry 256 bits of entropy, so a fast hash is
/// enough, and lookups by hash reveal nothing about the secret.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two hashes without leaking where they differ.
pub fn hashes_match(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// A lowercase slug tag such as `piste-ciclabili`: 1–50 of a–z, 0–9 and inner hyphens.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TagName(String);

impl TagName {
    pub const MAX_CHARS: usize = 50;

    pub fn parse(raw: &str) -> Result<TagName, FieldIssue> {
        let valid = !raw.is_empty()
            && raw.len() <= Self::MAX_CHARS
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if valid {
            Ok(TagName(raw.to_owned()))
        } else {
            Err(FieldIssue::InvalidSlug {
                max: Self::MAX_CHARS,
            })
        }
    }

    /// A tag as typed by a person: words become a slug, lowercase, without
    /// accents, joined by hyphens (`Mercati Rionali` is `mercati-rionali`).
    pub fn from_words(raw: &str) -> Result<TagName, FieldIssue> {
        let folded = search_fold(raw);
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        if words.is_empty() || folded.chars().any(char::is_control) {
            return Err(FieldIssue::InvalidSlug {
                max: Self::MAX_CHARS,
            });
        }
        TagName::parse(&words.join("-"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = AccessToken::generate();
        let b = AccessToken::generate();
        assert_ne!(a.as_str(), b.as_str());
        assert!(a.as_str().len() >= 43 + 3);
        assert_eq!(a.hash().len(), 64);
        assert!(hashes_match(&a.hash(), &token_hash(a.as_str())));
        assert!(!hashes_match(&a.hash(), &b.hash()));
    }

    #[test]
    fn admins_may_do_everything() {
        assert!(Role::Admin.may(&[Role::Moderator]));
        assert!(Role::Moderator.may(&[Role::Moderator, Role::Researcher]));
        assert!(!Role::Researcher.may(&[Role::Moderator]));
        assert!(!Role::Moderator.may(&[Role::Admin]));
    }

    #[test]
    fn tags_typed_as_words_become_slugs() {
        let slug = |raw| TagName::from_words(raw).map(|t| t.as_str().to_owned());
        assert_eq!(slug("Mercati Rionali"), Ok("mercati-rionali".into()));
        assert_eq!(slug("  Città -- d'arte "), Ok("citta-d-arte".into()));
        assert_eq!(slug("zona30"), Ok("zona30".into()));
        assert_eq!(
            slug(" -- "),
            Err(FieldIssue::InvalidSlug {
                max: TagName::MAX_CHARS,
            })
        );
        assert_eq!(
            slug(&"a".repeat(51)),
            Err(FieldIssue::InvalidSlug {
                max: TagName::MAX_CHARS,
            })
        );
    }

    #[test]
    fn tags_are_lowercase_slugs() {
        assert!(TagName::parse("piste-ciclabili").is_ok());
        assert!(TagName::parse("zona30").is_ok());
        for bad in [
            "",
            "Piste",
            "piste ciclabili",
            "-a",
            "a-",
            "a--b",
            "città",
            &"a".repeat(51),
        ] {
            assert!(TagName::parse(bad).is_err(), "{bad}");
        }
    }
}
