//! `rinasce demo-data --count N`: realistic synthetic contributions for
//! demos and benchmarks. Italian titles and texts are assembled from phrase
//! lists of each thematic area (`phrases`) and set in real places of the
//! five Quartieri; authors come back (one e-mail, several contributions);
//! statuses are mixed as after weeks of moderation, with publication times
//! for what was published. Each text goes through the domain types and the
//! form's row code, so a demo contribution is one the form could have
//! stored. Rows go in with multi-row `INSERT`s of [`BATCH_ROWS`], one
//! transaction per batch (two connections at a time on PostgreSQL), their
//! near-duplicate keys with `COPY`. Into a database without contributions,
//! PostgreSQL loads with the near-duplicate index's primary key set aside
//! and builds it at the end (`db::bulk_load`).
//! Addresses use the reserved `example.*` domains, so no demo e-mail can
//! reach anyone.

mod authors;
mod generator;
mod insert;
mod phrases;
mod random;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};

use crate::db::{bulk_load, thematic_areas, Backend, Db, DbError};
use crate::domain::FieldIssue;
use generator::{make_batches, Batch};
use phrases::{AREAS, OTHER_AREA};

/// Rows per `INSERT`: 22 values each stays below PostgreSQL's 65,535
/// parameters and SQLite's 32,766.
pub const BATCH_ROWS: usize = 1_000;

/// What to generate.
#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub count: u64,
    /// The same seed gives the same texts, authors and statuses.
    pub seed: u64,
    /// Contributions arrive between these times, spread over the days.
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
}

impl DemoOptions {
    /// The consultation window when configured, else the last 60 days;
    /// never later than `now`.
    pub fn window(
        count: u64,
        seed: u64,
        opens_at: Option<NaiveDateTime>,
        closes_at: Option<NaiveDateTime>,
        now: NaiveDateTime,
    ) -> DemoOptions {
        let to = closes_at.map_or(now, |closes| closes.min(now));
        let from = opens_at.unwrap_or(to - Duration::days(60));
        let (from, to) = if from < to {
            (from, to)
        } else {
            (to - Duration::days(60), to)
        };
        DemoOptions {
            count,
            seed,
            from,
            to,
        }
    }
}

/// What `generate` did.
#[derive(Debug, Default)]
pub struct DemoSummary {
    pub inserted: u64,
    pub authors: u64,
}

/// Why `generate` stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Db(#[from] DbError),
    /// The phrase lists made a value the form would refuse: a bug in them.
    #[error("the demo phrases made an invalid {field}: {issue:?}")]
    InvalidText {
        field: &'static str,
        issue: FieldIssue,
    },
}

/// Deletes every row `generate` wrote (they are marked `demo`), with their
/// tags, notes and the milestones they reached, in one transaction.
pub fn remove(db: &Db) -> Result<usize, DemoError> {
    Ok(db.write_blocking(crate::db::contributions::delete_demo)?)
}

/// Inserts `options.count` contributions; `progress` is called after each batch.
pub fn generate(
    db: &Db,
    options: &DemoOptions,
    progress: impl FnMut(u64) + Send,
) -> Result<DemoSummary, DemoError> {
    let areas: Vec<String> = db
        .read_blocking(|conn| thematic_areas::list(conn, true))?
        .into_iter()
        .map(|area| area.code)
        .collect();
    if areas.is_empty() {
        return Ok(DemoSummary::default());
    }
    let tag_names: Vec<&'static str> = AREAS
        .iter()
        .flat_map(|a| a.tags.iter().copied())
        .chain(OTHER_AREA.tags.iter().copied())
        .collect();
    let now = options.to;
    db.write_blocking(|conn| insert::ensure_tags(conn, &tag_names, now))?;

    // Each author writes about 2.5 contributions on average, a few many more.
    let authors = (options.count * 2 / 5).max(1);
    let key_set_aside = db.write_blocking(bulk_load::set_similarity_key_aside)?;
    let loaded = load(db, options, &areas, authors, progress);
    // Built again whether the load succeeded or not: demo rows that made it
    // in are kept either way.
    if key_set_aside {
        db.write_blocking(bulk_load::restore_similarity_key)?;
    }
    Ok(DemoSummary {
        inserted: loaded?,
        authors: authors.min(options.count),
    })
}

/// Makes and inserts the contributions; how many went in.
fn load(
    db: &Db,
    options: &DemoOptions,
    areas: &[String],
    authors: u64,
    progress: impl FnMut(u64) + Send,
) -> Result<u64, DemoError> {
    // One thread writes the texts while others insert them: on PostgreSQL
    // two connections, so that the server uses both cores; SQLite has one
    // writer at a time anyway.
    let inserters = match db.backend() {
        Backend::Postgres => 2,
        Backend::Sqlite => 1,
    };
    let (batches, ready) = std::sync::mpsc::sync_channel::<Batch>(inserters + 1);
    let ready = Mutex::new(ready);
    let inserted = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    let progress = Mutex::new(progress);
    std::thread::scope(|scope| {
        let maker = scope.spawn(|| make_batches(options, areas, authors, batches, &failed));
        // After a failure the inserters drain what is queued without
        // inserting it, so that the maker is never left blocked on a full
        // channel.
        let insert_all = || {
            let mut outcome = Ok(());
            loop {
                let next = ready.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok(batch) = next else {
                    return outcome;
                };
                if failed.load(Ordering::Relaxed) {
                    continue;
                }
                if let Err(error) = db.write_blocking(|conn| insert::insert_batch(conn, &batch)) {
                    failed.store(true, Ordering::Relaxed);
                    outcome = Err(error);
                    continue;
                }
                let rows = batch.contributions.len() as u64;
                let done = inserted.fetch_add(rows, Ordering::Relaxed) + rows;
                (progress.lock().unwrap_or_else(|p| p.into_inner()))(done);
            }
        };
        let inserters: Vec<_> = (0..inserters).map(|_| scope.spawn(insert_all)).collect();
        let inserted = inserters
            .into_iter()
            .map(|inserter| inserter.join().expect("an insert thread panicked"))
            .collect::<Result<Vec<()>, DbError>>();
        maker.join().expect("the demo generator panicked")?;
        inserted.map_err(DemoError::from)
    })?;
    Ok(inserted.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_the_consultation_or_the_last_sixty_days() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        let default = DemoOptions::window(10, 1, None, None, now);
        assert_eq!(default.to, now);
        assert_eq!(default.from, now - Duration::days(60));
        let opens = now - Duration::days(10);
        let open = DemoOptions::window(10, 1, Some(opens), Some(now + Duration::days(5)), now);
        assert_eq!((open.from, open.to), (opens, now));
    }
}
