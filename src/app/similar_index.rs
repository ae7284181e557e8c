//! Near-duplicate search for moderators. Every contribution's MinHash
//! signature is kept in memory (256 bytes each) and extended with the rows
//! added since the last search; the best candidates are then scored exactly
//! from their text. Contributions' text never changes after submission, so
//! the index only grows.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::db::contributions;
use crate::db::models::ContributionRow;
use crate::db::{Db, DbConnection, DbError};
use crate::domain::similarity::{Fingerprint, Signature};
use crate::domain::ContributionId;

/// How many contributions are scored exactly after the MinHash shortlist.
const SHORTLIST: usize = 50;
const INDEX_BATCH: i64 = 5_000;
/// Rows become visible in another order than they took their sequence
/// numbers (concurrent transactions, grouped submissions), so each refresh
/// looks again at this many numbers below the highest one seen.
const LOOKBACK: i64 = 1_000;

#[derive(Default)]
struct Index {
    last_seq: i64,
    entries: Vec<(i64, ContributionId, Signature)>,
    /// Numbers already indexed within LOOKBACK of `last_seq`.
    recent: BTreeSet<i64>,
}

impl Index {
    fn add(&mut self, (seq, id, title, body): (i64, ContributionId, String, String)) {
        let signature = Signature::of(&Fingerprint::of(&text_of(&title, &body)));
        self.entries.push((seq, id, signature));
        self.recent.insert(seq);
        self.last_seq = self.last_seq.max(seq);
    }
}

#[derive(Clone, Default)]
pub struct SimilarityIndex {
    index: Arc<Mutex<Index>>,
}

fn text_of(title: &str, body: &str) -> String {
    format!("{title}\n{body}")
}

impl SimilarityIndex {
    /// Up to `limit` other contributions most alike `id`, best first, with a
    /// score in 0–1; `None` when `id` does not exist.
    pub async fn similar_to(
        &self,
        db: &Db,
        id: ContributionId,
        limit: usize,
    ) -> Result<Option<Vec<(ContributionRow, f64)>>, DbError> {
        let index = self.index.clone();
        db.read(move |conn| {
            let Some(target) = contributions::find_by_id(conn, id)? else {
                return Ok(None);
            };
            let fingerprint = Fingerprint::of(&text_of(&target.title, &target.body));
            let shortlist = {
                let mut index = index
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                refresh(conn, &mut index)?;
                shortlist(&index, target.id, &Signature::of(&fingerprint))
            };
            let mut scored: Vec<(ContributionRow, f64)> =
                contributions::find_many(conn, &shortlist)?
                    .into_iter()
                    .map(|row| {
                        let score = fingerprint
                            .similarity(&Fingerprint::of(&text_of(&row.title, &row.body)));
                        (row, score)
                    })
                    .filter(|(_, score)| *score > 0.0)
                    .collect();
            scored.sort_by(|(a, x), (b, y)| y.total_cmp(x).then(a.seq.cmp(&b.seq)));
            scored.truncate(limit);
            Ok(Some(scored))
        })
        .await
    }
}

fn refresh(conn: &mut DbConnection, index: &mut Index) -> Result<(), DbError> {
    let floor = index.last_seq - LOOKBACK;
    let late: Vec<i64> = contributions::seqs_between(conn, floor, index.last_seq)?
        .into_iter()
        .filter(|seq| !index.recent.contains(seq))
        .collect();
    for row in contributions::texts_of(conn, &late)? {
        index.add(row);
    }
    loop {
        let batch = contributions::texts_after(conn, index.last_seq, INDEX_BATCH)?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            index.add(row);
        }
    }
    let floor = index.last_seq - LOOKBACK;
    index.recent = index.recent.split_off(&floor);
    Ok(())
}

fn shortlist(
    index: &Index,
    target_id: ContributionId,
    signature: &Signature,
) -> Vec<ContributionId> {
    let mut candidates: Vec<(f64, i64, ContributionId)> = index
        .entries
        .iter()
        .filter(|(_, id, _)| *id != target_id)
        .map(|(seq, id, other)| (signature.estimate(other), *seq, *id))
        .filter(|(estimate, ..)| *estimate > 0.0)
        .collect();
    let keep = SHORTLIST.min(candidates.len());
    if keep < candidates.len() {
        candidates.select_nth_unstable_by(keep, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        candidates.truncate(keep);
    }
    candidates.into_iter().map(|(_, _, id)| id).collect()
}
