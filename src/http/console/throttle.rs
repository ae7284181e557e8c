//! Rate limits of sign-in attempts (governor's GCRA), per client address and
//! per e-mail address, so that no one can guess links or flood a mailbox.
//! Each process keeps its own counters, like the submissions' limit.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::error::ConsoleError;

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// Keys remembered before idle ones are forgotten.
const MAX_TRACKED: usize = 100_000;

pub struct SignInLimits {
    per_client: Keyed<IpAddr>,
    per_address: Keyed<String>,
}

/// `burst` attempts at once, then one more every `every`.
fn quota(burst: u32, every: Duration) -> Quota {
    Quota::with_period(every)
        .expect("a positive period")
        .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
}

impl SignInLimits {
    /// Per client: 10 attempts (link requests, links redeemed, identity
    /// provider answers), then one every 30 s. Per e-mail address: 3 links,
    /// then one every 5 minutes.
    pub fn new() -> SignInLimits {
        SignInLimits {
            per_client: RateLimiter::keyed(quota(10, Duration::from_secs(30))),
            per_address: RateLimiter::keyed(quota(3, Duration::from_secs(300))),
        }
    }

    /// Counts an attempt from `client`; 429 over the limit.
    pub fn attempt_from(&self, client: Option<IpAddr>) -> Result<(), ConsoleError> {
        let Some(client) = client else {
            return Ok(());
        };
        if self.per_client.len() > MAX_TRACKED {
            self.per_client.retain_recent();
        }
        self.per_client.check_key(&client).map_err(too_many)
    }

    /// Counts a link asked for `address`; 429 over the limit.
    pub fn link_for(&self, address: &str) -> Result<(), ConsoleError> {
        if self.per_address.len() > MAX_TRACKED {
            self.per_address.retain_recent();
        }
        self.per_address
            .check_key(&address.to_lowercase())
            .map_err(too_many)
    }
}

impl Default for SignInLimits {
    fn default() -> SignInLimits {
        SignInLimits::new()
    }
}

fn too_many(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> ConsoleError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    ConsoleError::TooManyRequests {
        retry_after: wait.as_secs().max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_three_links_then_waits() {
        let limits = SignInLimits::new();
        for _ in 0..3 {
            assert!(limits.link_for("Anna@Example.org").is_ok());
        }
        let refused = limits.link_for("anna@example.org").unwrap_err();
        assert!(
            matches!(refused, ConsoleError::TooManyRequests { retry_after } if retry_after > 0)
        );
        assert!(limits.link_for("marco@example.org").is_ok());
    }

    #[test]
    fn a_client_gets_ten_attempts_then_waits() {
        let limits = SignInLimits::new();
        let client = Some("192.0.2.7".parse().unwrap());
        for _ in 0..10 {
            assert!(limits.attempt_from(client).is_ok());
        }
        assert!(limits.attempt_from(client).is_err());
        assert!(limits
            .attempt_from(Some("192.0.2.8".parse().unwrap()))
            .is_ok());
    }
}
