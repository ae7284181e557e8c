//! The quota of accepted submissions per client: GCRA, like governor, but
//! a cell taken for a request can be given back when the request is not
//! accepted, which governor cannot do. N per minute, in a burst of N; one
//! cell comes back every 60/N seconds.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Clients remembered before those with a full quota are forgotten.
const MAX_TRACKED_CLIENTS: usize = 100_000;

/// What a client has left, for the `X-RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaState {
    pub remaining: u32,
    /// Seconds until the quota is full again.
    pub reset_seconds: u64,
}

/// A cell taken by [`AcceptedQuota::reserve`].
#[must_use]
pub struct Reservation(());

pub struct AcceptedQuota {
    per_minute: u32,
    /// Time between two cells.
    emission: Duration,
    /// Per client, the theoretical arrival time: when its quota is full.
    full_at: Mutex<HashMap<IpAddr, Instant>>,
}

impl AcceptedQuota {
    pub fn new(per_minute: u32) -> AcceptedQuota {
        let per_minute = per_minute.max(1);
        AcceptedQuota {
            per_minute,
            emission: Duration::from_secs(60) / per_minute,
            full_at: Mutex::new(HashMap::new()),
        }
    }

    fn window(&self) -> Duration {
        self.emission * self.per_minute
    }

    /// Takes a cell for one request, or answers how many seconds to wait.
    pub fn reserve(&self, client: IpAddr) -> Result<Reservation, (u64, QuotaState)> {
        self.reserve_at(client, Instant::now())
    }

    fn reserve_at(&self, client: IpAddr, now: Instant) -> Result<Reservation, (u64, QuotaState)> {
        let mut full_at = self.full_at.lock().unwrap_or_else(|e| e.into_inner());
        if full_at.len() > MAX_TRACKED_CLIENTS {
            full_at.retain(|_, at| *at > now);
        }
        let current = full_at.get(&client).copied().unwrap_or(now).max(now);
        let next = current + self.emission;
        if next - now > self.window() {
            let wait = (next - now - self.window()).as_secs_f64().ceil().max(1.0) as u64;
            return Err((wait, self.state_of(current, now)));
        }
        full_at.insert(client, next);
        Ok(Reservation(()))
    }

    /// Gives back a cell whose request was not accepted.
    pub fn release(&self, client: IpAddr, _cell: Reservation) -> QuotaState {
        let now = Instant::now();
        let mut full_at = self.full_at.lock().unwrap_or_else(|e| e.into_inner());
        let at = full_at.get(&client).copied().unwrap_or(now);
        let given_back = at.checked_sub(self.emission).unwrap_or(now).max(now);
        full_at.insert(client, given_back);
        self.state_of(given_back, now)
    }

    /// What the client has left now.
    pub fn state(&self, client: IpAddr) -> QuotaState {
        let now = Instant::now();
        let full_at = self.full_at.lock().unwrap_or_else(|e| e.into_inner());
        let at = full_at.get(&client).copied().unwrap_or(now).max(now);
        self.state_of(at, now)
    }

    fn state_of(&self, full_at: Instant, now: Instant) -> QuotaState {
        let used = full_at.saturating_duration_since(now);
        let free = self.window().saturating_sub(used);
        QuotaState {
            remaining: (free.as_nanos() / self.emission.as_nanos()) as u32,
            reset_seconds: used.as_secs_f64().ceil() as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_given_back_can_be_used_again() {
        let quota = AcceptedQuota::new(2);
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
}
