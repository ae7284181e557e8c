//! The secret of an author's private status link: 32 random bytes, sent once
//! in the acknowledgement e-mail, stored only as its hash.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

use super::staff::token_hash;

/// The secret part of `/stato/{token}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusToken(String);

/// Base64url of 32 bytes, without padding.
const ENCODED_LENGTH: usize = 43;

impl StatusToken {
    pub fn generate() -> StatusToken {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        StatusToken(URL_SAFE_NO_PAD.encode(secret))
    }

    /// A token as it arrives in a URL; anything that cannot be one is `None`,
    /// so a malformed link is not even looked up.
    pub fn parse(raw: &str) -> Option<StatusToken> {
        let well_formed = raw.len() == ENCODED_LENGTH
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| StatusToken(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps: SHA-256, enough for 256 random bits.
    pub fn hash(&self) -> String {
        token_hash(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::StatusToken;

    #[test]
    fn generated_tokens_parse_back_and_differ() {
        let token = StatusToken::generate();
        assert_eq!(StatusToken::parse(token.as_str()), Some(token.clone()));
        assert_ne!(StatusToken::generate(), token);
        assert_ne!(token.hash(), token.as_str());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        assert_eq!(StatusToken::parse(""), None);
        assert_eq!(StatusToken::parse("abc"), None);
        assert_eq!(StatusToken::parse(&"a".repeat(42)), None);
        assert_eq!(StatusToken::parse(&format!("{}/", "a".repeat(42))), None);
        assert!(StatusToken::parse(&"a".repeat(43)).is_some());
    }
}
