//! `author_pseudonym`: HMAC-SHA256 of the contribution's stored author group
//! (see `app::authors`), keyed by `RINASCE_PSEUDONYM_KEY` or, when that is
//! unset, by a random key generated once and kept in the database. A
//! contribution gets the same pseudonym in every export, after every restart
//! and after its author's address is erased; an author's confirmed
//! contributions share one. The group is random, so neither it nor the
//! pseudonym can be computed from an address.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::db::{settings, Db, DbError};

/// The `settings` key of the generated pseudonym key.
pub const SETTINGS_KEY: &str = "export_pseudonym_key";

/// Computes pseudonyms with one key.
#[derive(Clone)]
pub struct Pseudonymiser {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymiser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonymiser(…)")
    }
}

impl Pseudonymiser {
    pub fn new(key: &[u8]) -> Pseudonymiser {
        Pseudonymiser {
            mac: Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length"),
        }
    }

    /// The configured key, or the one stored in the database (generated
    /// and stored on first use, in a write transaction). A concurrent first
    /// use by two processes keeps the first stored key. Blocking.
    pub fn load(db: &Db, configured: Option<&str>) -> Result<Pseudonymiser, DbError> {
        if let Some(key) = configured {
            return Ok(Pseudonymiser::new(key.as_bytes()));
        }
        let stored = db.read_blocking(|conn| settings::get(conn, SETTINGS_KEY))?;
        let stored = match stored {
            Some(stored) => stored,
            None => {
                let mut random = [0u8; 32];
                rand::rng().fill_bytes(&mut random);
                let generated = hex::encode(random);
                db.write_blocking(|conn| settings::get_or_insert(conn, SETTINGS_KEY, &generated))?
            }
        };
        Ok(Pseudonymiser::new(stored.as_bytes()))
    }

    /// 64 lowercase hexadecimal digits; `None` without an author group
    /// (a contribution sent without an address).
    pub fn pseudonym(&self, author_group: Option<&str>) -> Option<String> {
        let group = author_group.filter(|group| !group.is_empty())?;
        let mut mac = self.mac.clone();
        mac.update(group.as_bytes());
        Some(hex::encode(mac.finalize().into_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::Pseudonymiser;

    #[test]
    fn depends_on_the_group_and_the_key() {
        let one = Pseudonymiser::new(b"una chiave segreta di prova");
        let other = Pseudonymiser::new(b"un'altra chiave segreta");
        let group = "3f2a9c0e8b7d4e6f1a2b3c4d5e6f7a8b";
        let a = one.pseudonym(Some(group)).unwrap();
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(Some(a.clone()), one.pseudonym(Some(group)));
        assert_ne!(Some(a.clone()), other.pseudonym(Some(group)));
        assert_ne!(
            Some(a),
            one.pseudonym(Some("0f2a9c0e8b7d4e6f1a2b3c4d5e6f7a8b"))
        );
        assert_eq!(one.pseudonym(None), None);
        assert_eq!(one.pseudonym(Some("")), None);
    }

    #[test]
    fn is_hmac_sha256() {
        // RFC 4231, test case 2.
        let mac = Pseudonymiser::new(b"Jefe");
        assert_eq!(
            mac.pseudonym(Some("what do ya want for nothing?")).unwrap(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
