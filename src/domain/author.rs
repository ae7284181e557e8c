//! Who wrote what, as exports may tell it: an author group per
//! contribution, and the token of the link by which an author confirms the
//! address a contribution was sent from.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;

use super::staff::token_hash;

/// A fresh author group: 128 random bits as 32 hexadecimal digits. Random,
/// so that it says nothing about the address; a contribution keeps its own
/// until its author confirms the address.
pub fn new_author_group() -> String {
    let mut random = [0u8; 16];
    rand::rng().fill_bytes(&mut random);
    hex::encode(random)
}

/// The token of a confirmation link: 32 random bytes, sent once in the
/// acknowledgement and stored only as its hash.
pub struct ConfirmationToken(String);

/// Length of a token in the URL-safe base64 alphabet, without padding.
const TOKEN_CHARS: usize = 43;

impl ConfirmationToken {
    pub fn generate() -> ConfirmationToken {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        ConfirmationToken(URL_SAFE_NO_PAD.encode(secret))
    }

    /// A token as it comes back in a link; `None` when it cannot be one.
    pub fn parse(raw: &str) -> Option<ConfirmationToken> {
        (raw.len() == TOKEN_CHARS && URL_SAFE_NO_PAD.decode(raw).is_ok())
            .then(|| ConfirmationToken(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What is stored: the token carries 256 bits, so SHA-256 is enough.
    pub fn hash(&self) -> String {
        token_hash(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_tokens_are_random_and_tokens_parse_back() {
        assert_ne!(new_author_group(), new_author_group());
        assert_eq!(new_author_group().len(), 32);
        let token = ConfirmationToken::generate();
        let parsed = ConfirmationToken::parse(token.as_str()).expect("its own text parses");
        assert_eq!(parsed.hash(), token.hash());
        assert_ne!(token.hash(), ConfirmationToken::generate().hash());
        for bad in ["", "abc", &"=".repeat(43), &format!("{}x", token.as_str())] {
            assert!(ConfirmationToken::parse(bad).is_none(), "{bad:?}");
        }
    }
}
