//! The indicator as served to the API and the dashboard: one computation,
//! cached so that many viewers cost about what one does.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::app::AppError;
use crate::clock;
use crate::config::Config;
use crate::db::{
    audit, indicator_counters, indicators as queries, thematic_areas, Db, DbConnection, DbError,
};
use crate::domain::indicator_counts::{Counter, CounterCheck};
use crate::domain::indicators::{
    compute, AreaLabel, ConsultationWindow, IndicatorInputs, Indicators,
};
use crate::domain::{Actor, AuditEvent};
use crate::mail::{notices, MailContext, MailError};
use serde_json::json;

/// How long figures may be served without recomputing. Writes made by this
/// process show at once; writes by other processes within this time.
const MAX_AGE: Duration = Duration::from_millis(500);

struct Snapshot {
    computed_at: Instant,
    /// Value of the write counter when the computation started.
    generation: u64,
    indicators: Arc<Indicators>,
}

/// Figures to show, and whether they are the last ones read before the
/// database stopped answering.
pub struct Figures {
    pub indicators: Arc<Indicators>,
    pub stale: bool,
}

pub struct IndicatorCache {
    writes: AtomicU64,
    snapshot: Mutex<Option<Snapshot>>,
}

impl Default for IndicatorCache {
    fn default() -> Self {
        IndicatorCache {
            writes: AtomicU64::new(0),
            snapshot: Mutex::new(None),
        }
    }
}

impl IndicatorCache {
    /// Called after every committed write that can change the figures.
    pub fn invalidate(&self) {
        self.writes.fetch_add(1, Ordering::SeqCst);
    }

    /// Current figures or, while the database does not answer, the last
    /// ones computed (their `generated_at` says when), marked stale. Fails
    /// only when there are none.
    pub async fn current_or_last(
        &self,
        db: &Db,
        config: &Config,
        mail: &MailContext,
    ) -> Result<Figures, AppError> {
        match self.current(db, config, mail).await {
            Ok(indicators) => Ok(Figures {
                indicators,
                stale: false,
            }),
            Err(error) if error.is_unavailable() => match self.snapshot.lock().await.as_ref() {
                Some(last) => Ok(Figures {
                    indicators: last.indicators.clone(),
                    stale: true,
                }),
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }

    /// Current figures; concurrent callers share one computation.
    pub async fn current(
        &self,
        db: &Db,
        config: &Config,
        mail: &MailContext,
    ) -> Result<Arc<Indicators>, AppError> {
        let wanted = self.writes.load(Ordering::SeqCst);
        let mut snapshot = self.snapshot.lock().await;
        if let Some(s) = snapshot.as_ref() {
            if s.generation >= wanted && s.computed_at.elapsed() < MAX_AGE {
                return Ok(s.indicators.clone());
            }
        }
        let generation = self.writes.load(Ordering::SeqCst);
        let indicators = Arc::new(compute_now(db, config, mail).await?);
        *snapshot = Some(Snapshot {
            computed_at: Instant::now(),
            generation,
            indicators: indicators.clone(),
        });
        Ok(indicators)
    }
}

/// Records the moment the target was reached, if it just was, and tells the
/// admins, in the caller's transaction.
pub fn record_milestone(
    conn: &mut DbConnection,
    mail: &MailContext,
    target: i64,
    now: chrono::NaiveDateTime,
) -> Result<(), MailError> {
    if let Some(reached_at) = queries::record_target_reached(conn, target)? {
        notices::target_reached(conn, mail, target, reached_at, now)?;
    }
    Ok(())
}

/// Compares the indicator's counters with a recount from the
/// contributions, both read from one snapshot.
pub async fn verify_counters(db: &Db) -> Result<CounterCheck, AppError> {
    Ok(db.read_snapshot(indicator_counters::check).await?)
}

/// Rebuilds the indicator's counters from the contributions, audited with
/// the counters that were wrong (if any); answers what it found.
pub async fn repair_counters(db: &Db, actor: Actor) -> Result<CounterCheck, AppError> {
    Ok(db
        .write(move |conn| {
            let check = indicator_counters::rebuild(conn)?;
            let differences: Vec<_> = check
                .differences
                .iter()
                .map(|difference| {
                    json!({
                        "counter": difference.counter.to_string(),
                        "counters": difference.kept,
                        "contributions": difference.recounted,
                    })
                })
                .collect();
            let details = json!({
                "received": check.recounted.get(&Counter::Received),
                "counted": check.recounted.get(&Counter::Counted),
                "differences": differences,
            });
            audit::record(
                conn,
                actor,
                AuditEvent::indicator_counters_rebuilt(details.to_string()),
                clock::now().naive_utc(),
            )?;
            Ok::<_, DbError>(check)
        })
        .await?)
}

async fn compute_now(db: &Db, config: &Config, mail: &MailContext) -> Result<Indicators, AppError> {
    let target = config.target;
    let (counts, areas, mut reached_at) = db
        .read(move |conn| {
            let counts = indicator_counters::indicator_totals(conn)?;
            let areas = thematic_areas::list(conn, false)?;
            let reached_at = queries::reached_at(conn, target)?;
            Ok::<_, AppError>((counts, areas, reached_at))
        })
        .await?;
    let areas: Vec<AreaLabel> = areas
        .into_iter()
        .map(|a| AreaLabel {
            code: a.code,
            name: a.name,
            active: a.active,
        })
        .collect();
    let mut indicators = compute(IndicatorInputs {
        counts: &counts,
        areas: &areas,
        target,
        reached_at: reached_at.map(clock::utc),
        window: ConsultationWindow {
            opens_at: config.opens_at,
            closes_at: config.closes_at,
        },
        now: clock::now(),
    });
    if indicators.counted >= target && reached_at.is_none() {
        // Concurrent submissions can each miss the moment the target was
        // reached; whoever notices first records it.
        let mail = mail.clone();
        db.write(move |conn| record_milestone(conn, &mail, target, clock::now().naive_utc()))
            .await?;
        reached_at = db
            .read(move |conn| queries::reached_at(conn, target))
            .await?;
        indicators.reached_at = reached_at.map(clock::utc);
    }
    Ok(indicators)
}
