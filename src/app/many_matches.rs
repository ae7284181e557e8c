//! Filters seen to match more than `COUNT_LIMIT` contributions, remembered
//! per process for a minute. Finding that out means reading a thousand
//! matches (two common words: their whole entries in the full-text index),
//! and the answer, "more than 1,000", changes slowly: paging through a
//! search, or asking it again, then costs only the page. The rows listed
//! are always read afresh; only "more than 1,000" may be a minute old.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::contributions::{self, ModerationFilter, Probe};
use crate::db::{DbConnection, DbError};

/// How long a filter is remembered as matching many.
const REMEMBERED_FOR: Duration = Duration::from_secs(60);
/// Filters remembered at most; past it the expired ones go, then all.
const MOST_REMEMBERED: usize = 10_000;

#[derive(Default)]
pub struct ManyMatches {
    seen: Mutex<HashMap<ModerationFilter, Instant>>,
}

impl ManyMatches {
    /// The probe of `filter` (`contributions::probe_uncounted`), or one
    /// that says "many" when `filter` matched more than `COUNT_LIMIT` within
    /// the last minute.
    pub fn probe(
        &self,
        conn: &mut DbConnection,
        filter: &ModerationFilter,
    ) -> Result<Option<Probe>, DbError> {
        if !contributions::needs_probe(filter) {
            return Ok(None);
        }
        if self.recalls(filter, Instant::now()) {
            return Ok(Some(Probe::many()));
        }
        let probe = contributions::first_matches(conn, filter)?;
        if !probe.is_complete() {
            self.remember(filter.clone(), Instant::now());
        }
        Ok(Some(probe))
    }

    fn recalls(&self, filter: &ModerationFilter, now: Instant) -> bool {
        let seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.get(filter)
            .is_some_and(|at| now.duration_since(*at) < REMEMBERED_FOR)
    }

    fn remember(&self, filter: ModerationFilter, now: Instant) {
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() >= MOST_REMEMBERED {
            seen.retain(|_, at| now.duration_since(*at) < REMEMBERED_FOR);
            if seen.len() >= MOST_REMEMBERED {
                seen.clear();
            }
        }
        seen.insert(filter, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(text: &str) -> ModerationFilter {
        ModerationFilter {
            text: Some(text.to_owned()),
            ..ModerationFilter::default()
        }
    }

    #[test]
    fn a_filter_is_remembered_for_a_minute_and_alone() {
        let many = ManyMatches::default();
        let start = Instant::now();
        many.remember(search("casa quartiere"), start);
        assert!(many.recalls(&search("casa quartiere"), start + Duration::from_secs(59)));
        assert!(!many.recalls(&search("casa quartiere"), start + REMEMBERED_FOR));
        assert!(!many.recalls(&search("casa"), start));
        let approved = ModerationFilter {
            statuses: vec![crate::domain::ContributionStatus::Approved],
            ..search("casa quartiere")
        };
        assert!(
            !many.recalls(&approved, start),
            "other statuses, another filter"
        );
    }

    #[test]
    fn past_the_bound_the_expired_go_first() {
        let many = ManyMatches::default();
        let start = Instant::now();
        for n in 0..MOST_REMEMBERED - 1 {
            many.remember(search(&format!("old {n}")), start);
        }
        many.remember(search("recent"), start + Duration::from_secs(30));
        let later = start + Duration::from_secs(61);
        many.remember(search("new"), later);
        assert!(many.recalls(&search("recent"), later));
        assert!(many.recalls(&search("new"), later));
        assert_eq!(many.seen.lock().unwrap().len(), 2);
    }
}
