//! The quota of accepted submissions per client, as a generic cell rate
//! (GCRA, like governor): N a minute in a burst of N, one cell back every
//! 60/N seconds. A client's state is one duration, `used`: how far its
//! quota's "full again" time lies ahead of now (zero: the whole quota is
//! free). The process-local limiter (SQLite) and the shared one in
//! PostgreSQL keep that time differently and share these rules.

use std::time::Duration;

/// What a client has left, for the `X-RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaState {
    pub remaining: u32,
    /// Seconds until the quota is full again.
    pub reset_seconds: u64,
}

/// Cells asked for by one client, and what it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub granted: u32,
    /// The client's use of the quota after the cells taken.
    pub used: Duration,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubmissionQuota {
    per_minute: u32,
    /// Time between two cells.
    emission: Duration,
}

impl SubmissionQuota {
    pub fn per_minute(per_minute: u32) -> SubmissionQuota {
        let per_minute = per_minute.max(1);
        SubmissionQuota {
            per_minute,
            emission: Duration::from_secs(60) / per_minute,
        }
    }

    pub fn limit(&self) -> u32 {
        self.per_minute
    }

    fn window(&self) -> Duration {
        self.emission * self.per_minute
    }

    /// Takes as many of `wanted` cells as are free.
    pub fn take(&self, used: Duration, wanted: u32) -> Grant {
        let free = self.state(used).remaining;
        let granted = wanted.min(free);
        Grant {
            granted,
            used: used + self.emission * granted,
        }
    }

    /// The use after giving back one cell taken for a request not accepted.
    pub fn give_back(&self, used: Duration) -> Duration {
        used.saturating_sub(self.emission)
    }

    /// Whole seconds (at least one) until a cell is free, or `None` when
    /// one is free now.
    pub fn wait(&self, used: Duration) -> Option<u64> {
        let next = used + self.emission;
        (next > self.window()).then(|| ceil_seconds(next - self.window()).max(1))
    }

    pub fn state(&self, used: Duration) -> QuotaState {
        let free = self.window().saturating_sub(used);
        QuotaState {
            remaining: (free.as_nanos() / self.emission.as_nanos()) as u32,
            reset_seconds: ceil_seconds(used),
        }
    }
}

fn ceil_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_limit_then_one_cell_every_period() {
        let quota = SubmissionQuota::per_minute(3);
        let first = quota.take(Duration::ZERO, 2);
        assert_eq!(first.granted, 2);
        assert_eq!(quota.state(first.used).remaining, 1);
        let rest = quota.take(first.used, 5);
        assert_eq!(rest.granted, 1, "only what is free");
        assert_eq!(
            quota.state(rest.used),
            QuotaState {
                remaining: 0,
                reset_seconds: 60
            }
        );
        assert_eq!(quota.wait(rest.used), Some(20), "one cell every 20 s");
        assert_eq!(quota.take(rest.used, 1).granted, 0);
        // 20 s later one cell is back.
        let later = rest.used - Duration::from_secs(20);
        assert_eq!(quota.wait(later), None);
        assert_eq!(quota.take(later, 2).granted, 1);
    }

    #[test]
    fn a_cell_given_back_is_free_again() {
        let quota = SubmissionQuota::per_minute(2);
        let full = quota.take(Duration::ZERO, 2).used;
        assert!(quota.wait(full).is_some());
        let back = quota.give_back(full);
        assert_eq!(quota.state(back).remaining, 1);
        assert_eq!(quota.give_back(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn a_wait_under_a_second_is_one_second() {
        let quota = SubmissionQuota::per_minute(1);
        let almost_free = Duration::from_millis(10);
        assert_eq!(quota.wait(almost_free), Some(1));
        assert_eq!(
            quota.state(almost_free),
            QuotaState {
                remaining: 0,
                reset_seconds: 1
            }
        );
    }
}
