//! The quota of accepted submissions per client, kept in the process (the
//! rules are `domain::quota`'s). Unlike governor's, a cell taken for a
//! request can be given back when the request is not accepted. On SQLite it
//! is the limiter; on PostgreSQL, where the database keeps the quota, it
//! only remembers what the database last said of a client, to refuse an
//! exhausted one without asking again (see `rate_limit`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::{QuotaState, SubmissionQuota};

/// Clients remembered before those with a full quota are forgotten.
const MAX_TRACKED_CLIENTS: usize = 100_000;

/// A cell taken by [`AcceptedQuota::reserve`].
#[must_use]
pub struct Reservation(());

/// A client refused now: seconds to wait, and its state for the headers.
pub type Refusal = (u64, QuotaState);

pub struct AcceptedQuota {
    rules: SubmissionQuota,
    /// Per client, the theoretical arrival time: when its quota is full.
    full_at: Mutex<HashMap<IpAddr, Instant>>,
}

impl AcceptedQuota {
    pub fn new(rules: SubmissionQuota) -> AcceptedQuota {
        AcceptedQuota {
            rules,
            full_at: Mutex::new(HashMap::new()),
        }
    }

    fn used(full_at: &HashMap<IpAddr, Instant>, client: IpAddr, now: Instant) -> Duration {
        full_at
            .get(&client)
            .map_or(Duration::ZERO, |at| at.saturating_duration_since(now))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, Instant>> {
        self.full_at.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a cell for one request, or answers how many seconds to wait.
    pub fn reserve(&self, client: IpAddr) -> Result<Reservation, Refusal> {
        self.reserve_at(client, Instant::now())
    }

    fn reserve_at(&self, client: IpAddr, now: Instant) -> Result<Reservation, Refusal> {
        let mut full_at = self.lock();
        if full_at.len() > MAX_TRACKED_CLIENTS {
            full_at.retain(|_, at| *at > now);
        }
        let used = Self::used(&full_at, client, now);
        let grant = self.rules.take(used, 1);
        if grant.granted == 0 {
            return Err(self.refusal(used));
        }
        full_at.insert(client, now + grant.used);
        Ok(Reservation(()))
    }

    fn refusal(&self, used: Duration) -> Refusal {
        let wait = self.rules.wait(used).unwrap_or(1);
        (wait, self.rules.state(used))
    }

    /// Gives back a cell whose request was not accepted.
    pub fn release(&self, client: IpAddr, _cell: Reservation) -> QuotaState {
        let now = Instant::now();
        let mut full_at = self.lock();
        let used = self.rules.give_back(Self::used(&full_at, client, now));
        full_at.insert(client, now + used);
        self.rules.state(used)
    }

    /// What the client has left now.
    pub fn state(&self, client: IpAddr) -> QuotaState {
        let now = Instant::now();
        self.rules.state(Self::used(&self.lock(), client, now))
    }

    /// The refusal the client gets now, without taking anything, when it
    /// has no cell left.
    pub fn refusal_now(&self, client: IpAddr) -> Option<Refusal> {
        let now = Instant::now();
        let used = Self::used(&self.lock(), client, now);
        self.rules.wait(used).map(|_| self.refusal(used))
    }

    /// Remembers a client's use as the database reported it.
    pub fn learn(&self, client: IpAddr, used: Duration) {
        let now = Instant::now();
        let mut full_at = self.lock();
        if full_at.len() > MAX_TRACKED_CLIENTS {
            full_at.retain(|_, at| *at > now);
        }
        full_at.insert(client, now + used);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_given_back_can_be_used_again() {
        let quota = AcceptedQuota::new(SubmissionQuota::per_minute(2));
        let client: IpAddr = "198.51.100.1".parse().unwrap();
        let now = Instant::now();
        let first = quota.reserve_at(client, now).unwrap();
        let _second = quota.reserve_at(client, now).unwrap();
        let (wait, state) = quota.reserve_at(client, now).err().unwrap();
        assert_eq!(state.remaining, 0);
        assert!((1..=30).contains(&wait), "{wait}");
        assert_eq!(quota.release(client, first).remaining, 1);
        assert!(quota.reserve_at(client, Instant::now()).is_ok());
    }

    #[test]
    fn what_the_database_said_refuses_an_exhausted_client() {
        let rules = SubmissionQuota::per_minute(2);
        let known = AcceptedQuota::new(rules);
        let client: IpAddr = "198.51.100.1".parse().unwrap();
        assert!(known.refusal_now(client).is_none(), "nothing known: ask");
        known.learn(client, rules.take(Duration::ZERO, 2).used);
        let (wait, state) = known.refusal_now(client).unwrap();
        assert!((29..=30).contains(&wait), "{wait}");
        assert_eq!(state.remaining, 0);
    }
}
