//! Near-duplicate search for moderators. Every contribution's band keys are
//! stored with it (`db::similarity_bands`): a search computes the keys of
//! its contribution, reads the contributions sharing the most of them
//! through the index, and scores the best [`SHORTLIST`] exactly from their
//! text. Nothing is kept in memory, so the first search after a start costs
//! what the others do.

use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::models::ContributionRow;
use crate::db::similarity_bands::{self, Backfill};
use crate::db::{contributions, Db, DbConnection, DbError};
use crate::domain::similarity::Fingerprint;

/// How many candidates, those sharing the most keys, are scored exactly.
/// On 100,000 demo contributions the top 10 then matched the former
/// exhaustive search in 88 % of places, every text at 0.9 or more included.
const SHORTLIST: i64 = 100;

/// Up to `limit` other contributions most alike `target`, best first (then
/// the oldest), each with its Jaccard similarity in 0–1.
pub fn similar_to(
    conn: &mut DbConnection,
    target: &ContributionRow,
    limit: usize,
) -> Result<Vec<(ContributionRow, f64)>, DbError> {
    let fingerprint = Fingerprint::of_contribution(&target.title, &target.body);
    let shortlist =
        similarity_bands::candidates(conn, &fingerprint.band_keys(), target.seq, SHORTLIST)?;
    let mut scored: Vec<(ContributionRow, f64)> =
        contributions::find_many_by_seq(conn, &shortlist)?
            .into_iter()
            .map(|row| {
                let score =
                    fingerprint.similarity(&Fingerprint::of_contribution(&row.title, &row.body));
                (row, score)
            })
            .filter(|(_, score)| *score > 0.0)
            .collect();
    scored.sort_by(|(a, x), (b, y)| y.total_cmp(x).then(a.seq.cmp(&b.seq)));
    scored.truncate(limit);
    Ok(scored)
}

/// Contributions given their keys per transaction by the backfill.
const BACKFILL_BATCH: i64 = 2_000;
/// Wait before trying again after the database failed.
const BACKFILL_RETRY: Duration = Duration::from_secs(5);

/// Gives the contributions stored before the index existed their keys, in
/// batches, newest first; stops when none is left. Processes sharing a
/// database take turns (see `similarity_bands::backfill_batch`).
pub struct SimilarityBackfill {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl SimilarityBackfill {
    pub fn spawn(db: Db) -> SimilarityBackfill {
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            let mut indexed = 0;
            while !*stopped.borrow() {
                match db
                    .write(|conn| similarity_bands::backfill_batch(conn, BACKFILL_BATCH))
                    .await
                {
                    Ok(Backfill::Done) => break,
                    Ok(Backfill::Indexed(rows)) => {
                        indexed += rows;
                        let remaining = db.read(similarity_bands::backfill_remaining).await;
                        tracing::info!(
                            indexed,
                            remaining = remaining.unwrap_or(-1),
                            "near-duplicate index backfill"
                        );
                    }
                    Err(error) => {
                        tracing::warn!(%error, "near-duplicate index backfill paused");
                        let _ = tokio::time::timeout(BACKFILL_RETRY, stopped.changed()).await;
                    }
                }
            }
        });
        SimilarityBackfill { stop, handle }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

/// The whole backfill, at once (`rinasce migrate`); `progress` hears how
/// many contributions got their keys so far.
pub fn backfill_all(db: &Db, mut progress: impl FnMut(usize)) -> Result<(), DbError> {
    let mut indexed = 0;
    loop {
        match db.write_blocking(|conn| similarity_bands::backfill_batch(conn, BACKFILL_BATCH))? {
            Backfill::Done => return Ok(()),
            Backfill::Indexed(rows) => {
                indexed += rows;
                progress(indexed);
            }
        }
    }
}
