//! The quota of accepted submissions per client, shared by every process on
//! a PostgreSQL database: each group of submissions takes its cells in its
//! own transaction (`submissions`), so a submission is counted exactly when
//! it is stored, and N processes together allow the limit, not N times it.
//! SQLite keeps the quota in the process (`http::quota`).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::pg::PgConnection;

use crate::app::{AppError, Services};
use crate::db::submission_quotas::{self, ClientQuota};
use crate::db::{Backend, DbConnection, DbError};
use crate::domain::SubmissionQuota;

/// How a submission of a group fared against its client's quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaDecision {
    /// Counted; the client's use of its quota after it.
    Taken(Duration),
    /// No cell left: seconds to wait.
    Refused { retry_after: u64 },
}

#[derive(Clone, Copy, Debug)]
pub struct SharedQuota {
    rules: SubmissionQuota,
}

impl SharedQuota {
    /// The shared quota on PostgreSQL; `None` on SQLite.
    pub fn for_backend(backend: Backend, per_minute: u32) -> Option<SharedQuota> {
        (backend == Backend::Postgres).then(|| SharedQuota {
            rules: SubmissionQuota::per_minute(per_minute),
        })
    }

    pub fn rules(&self) -> SubmissionQuota {
        self.rules
    }

    /// Takes one cell for each submission of a group whose client is known
    /// (`clients[i]`), in order, within the group's transaction: the rows of
    /// its clients stay locked until it commits or rolls back. One decision
    /// per submission; `None` where the client is unknown (not limited).
    pub fn take(
        &self,
        conn: &mut PgConnection,
        clients: &[Option<&str>],
    ) -> Result<Vec<Option<QuotaDecision>>, diesel::result::Error> {
        let wanted = wanted(clients);
        let keys: Vec<&str> = wanted.keys().copied().collect();
        let before: BTreeMap<String, (Duration, NaiveDateTime)> =
            submission_quotas::lock(conn, &keys)?
                .into_iter()
                .map(|row| {
                    let used = used(&row);
                    (row.client, (used, row.now))
                })
                .collect();
        let mut updates = Vec::new();
        for (client, count) in &wanted {
            // `lock` answers a row for every client it was given.
            let (used, now) = *before.get(*client).ok_or(diesel::result::Error::NotFound)?;
            let grant = self.rules.take(used, *count);
            if grant.granted > 0 {
                updates.push((*client, now + chrono_duration(grant.used)));
            }
        }
        submission_quotas::set(conn, &updates)?;
        let used: BTreeMap<String, Duration> = before
            .into_iter()
            .map(|(client, (used, _))| (client, used))
            .collect();
        Ok(self.decide(&used, clients))
    }

    /// What [`take`](Self::take) would decide, from the rows as they stand,
    /// without locking or writing them. A group decides its refusals this
    /// way before it writes, and takes its cells last, just before its
    /// commit, so that the rows stay locked only for the commit itself.
    pub fn foresee(
        &self,
        conn: &mut PgConnection,
        clients: &[Option<&str>],
    ) -> Result<Vec<Option<QuotaDecision>>, diesel::result::Error> {
        let wanted = wanted(clients);
        let keys: Vec<&str> = wanted.keys().copied().collect();
        let used: BTreeMap<String, Duration> = submission_quotas::read_all(conn, &keys)?
            .into_iter()
            .map(|row| {
                let used = used(&row);
                (row.client, used)
            })
            .collect();
        Ok(self.decide(&used, clients))
    }

    /// Each submission's decision, in order, given each client's use before
    /// the group (no row: a full quota).
    fn decide(
        &self,
        before: &BTreeMap<String, Duration>,
        clients: &[Option<&str>],
    ) -> Vec<Option<QuotaDecision>> {
        let mut seen: BTreeMap<&str, u32> = BTreeMap::new();
        clients
            .iter()
            .map(|client| {
                let client = (*client)?;
                let rank = seen.entry(client).or_default();
                *rank += 1;
                let used = before.get(client).copied().unwrap_or(Duration::ZERO);
                let grant = self.rules.take(used, *rank);
                Some(if grant.granted == *rank {
                    QuotaDecision::Taken(grant.used)
                } else {
                    QuotaDecision::Refused {
                        retry_after: self.rules.wait(grant.used).unwrap_or(1),
                    }
                })
            })
            .collect()
    }
}

/// How many cells each known client asks for.
fn wanted<'a>(clients: &[Option<&'a str>]) -> BTreeMap<&'a str, u32> {
    let mut wanted = BTreeMap::new();
    for client in clients.iter().flatten() {
        *wanted.entry(*client).or_default() += 1;
    }
    wanted
}

/// How far ahead of the reading the client's quota is used.
fn used(row: &ClientQuota) -> Duration {
    (row.full_at - row.now).to_std().unwrap_or(Duration::ZERO)
}

fn chrono_duration(duration: Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

/// The client's use of the shared quota now, for the rate-limit headers of
/// an answer that stored nothing.
pub async fn used_by(services: &Services, client: IpAddr) -> Result<Duration, AppError> {
    services
        .db
        .read(move |conn| {
            let DbConnection::Pg(pg) = conn else {
                return Ok(Duration::ZERO);
            };
            let row = submission_quotas::read(pg, &client.to_string()).map_err(DbError::from)?;
            Ok::<_, AppError>(row.as_ref().map_or(Duration::ZERO, used))
        })
        .await
}

/// Deletes the rows of clients whose quota is whole again: they mean the
/// same as no row. Its own short transaction, never a submission's.
pub fn expire(conn: &mut DbConnection) -> Result<usize, DbError> {
    match conn {
        DbConnection::Pg(pg) => Ok(submission_quotas::expire(pg)?),
        DbConnection::Sqlite(_) => Ok(0),
    }
}
