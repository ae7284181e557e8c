//! Time as the service stores it: UTC, to the microsecond (PostgreSQL's
//! precision), so that what a client is told equals what is read back later.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

pub fn utc(stored: NaiveDateTime) -> DateTime<Utc> {
    stored.and_utc()
}
