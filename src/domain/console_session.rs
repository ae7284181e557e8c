//! The rules of a console session: when it expires, and the CSRF token that
//! goes with it.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::staff::AccessToken;

/// Prefix of a session's cookie token.
const SESSION_PREFIX: &str = "rfs_";

/// A new session's secret, kept only in the browser's cookie.
pub fn new_session_token() -> AccessToken {
    AccessToken::with_prefix(SESSION_PREFIX)
}

/// How long a session lives: `idle` since its last use, `absolute` since it
/// began, whichever ends first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    pub idle: Duration,
    pub absolute: Duration,
}

impl SessionPolicy {
    pub fn expired(
        &self,
        created_at: DateTime<Utc>,
        last_seen_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        now - last_seen_at >= self.idle || now - created_at >= self.absolute
    }
}

impl Default for SessionPolicy {
    fn default() -> SessionPolicy {
        SessionPolicy {
            idle: Duration::minutes(30),
            absolute: Duration::hours(12),
        }
    }
}

/// The CSRF token of the session whose cookie token is `session_token`:
/// derived from it, so nothing more is stored, and useless without the
/// cookie. The stored hash of the session is another digest, so the
/// database does not hold this either.
pub fn csrf_token(session_token: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(b"rinasce console csrf\0");
    digest.update(session_token.as_bytes());
    hex::encode(digest.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::staff::token_hash;

    #[test]
    fn a_session_expires_when_idle_or_old() {
        let policy = SessionPolicy::default();
        let start: DateTime<Utc> = "2026-12-04T08:00:00Z".parse().unwrap();
        let minutes = |n| start + Duration::minutes(n);
        assert!(!policy.expired(start, start, minutes(29)));
        assert!(policy.expired(start, start, minutes(30)));
        // Used every 20 minutes: alive until the twelfth hour.
        assert!(!policy.expired(start, minutes(11 * 60 + 50), minutes(11 * 60 + 59)));
        assert!(policy.expired(start, minutes(11 * 60 + 50), minutes(12 * 60)));
    }

    #[test]
    fn the_csrf_token_is_neither_the_session_token_nor_its_stored_hash() {
        let session = new_session_token();
        let csrf = csrf_token(session.as_str());
        assert_eq!(csrf, csrf_token(session.as_str()));
        assert_ne!(csrf, session.hash());
        assert_ne!(csrf, token_hash(session.as_str()));
        assert_ne!(csrf, csrf_token(new_session_token().as_str()));
        assert!(session.as_str().starts_with("rfs_"));
    }
}
