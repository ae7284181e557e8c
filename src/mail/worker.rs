//! The delivery worker: claims due messages, sends them, records the
//! outcome, retries with exponential back-off and jitter, and queues the
//! moderators' digest when it is due.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use rand::Rng;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::transport::{build_message, Transport};
use super::MailError;
use super::{notices, MailContext};
use crate::clock;
use crate::config::Config;
use crate::db::outbox::{self, OutboxRow};
use crate::db::{contributions, settings, Db};
use crate::domain::MessageId;

/// Messages claimed at a time.
const BATCH: i64 = 20;
/// Pause after a short batch, to let the next one fill.
const GATHER: Duration = Duration::from_millis(200);
/// How long a claim lasts before another process may take the message over.
const LEASE: TimeDelta = TimeDelta::minutes(5);
/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
const DIGEST_KEY: &str = "digest_last_queued_at";

#[derive(Clone)]
pub struct WorkerSettings {
    pub from: String,
    /// `Reply-To` of the messages to authors.
    pub reply_to: String,
    pub max_attempts: u32,
    /// Wait after the first failed attempt; doubles at each further one.
    pub retry_base: Duration,
    /// Pause when nothing is due.
    pub poll: Duration,
    pub digest_every: Duration,
}

impl WorkerSettings {
    pub fn from_config(config: &Config) -> WorkerSettings {
        WorkerSettings {
            from: config.mail_from.clone(),
            reply_to: config.contact_email.clone(),
            max_attempts: config.mail_max_attempts,
            retry_base: config.mail_retry_base,
            poll: Duration::from_secs(1),
            digest_every: Duration::from_secs(u64::from(config.digest_hours) * 3600),
        }
    }
}

/// A running worker; `stop` lets it finish the message in hand.
pub struct MailWorker {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl MailWorker {
    pub fn spawn(
        db: Db,
        transport: Transport,
        context: MailContext,
        settings: WorkerSettings,
    ) -> MailWorker {
        let (stop, stopped) = watch::channel(false);
        let worker = Worker::new(db, transport, context, settings, stopped);
        let handle = tokio::spawn(worker.run());
        MailWorker { stop, handle }
    }

    /// Stops claiming, finishes the message being sent, gives back the rest.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

/// Sends, in the caller's task, every message due now (after queuing the
/// digest if it is due) and returns how many were handled; a failed message
/// is recorded and waits for its retry as it would in the worker. For tests
/// and tools that must know the mail is out, with `Config::mail_worker` off
/// so that no background worker holds claims meanwhile.
pub async fn deliver_pending(
    db: Db,
    transport: Transport,
    context: MailContext,
    settings: WorkerSettings,
) -> Result<usize, MailError> {
    let (_stop, stopped) = watch::channel(false);
    let worker = Worker::new(db, transport, context, settings, stopped);
    worker.queue_digest_if_due().await?;
    let mut handled = 0;
    loop {
        match worker.deliver_batch().await? {
            0 => return Ok(handled),
            count => handled += count,
        }
    }
}

struct Worker {
    db: Db,
    transport: Arc<Transport>,
    context: MailContext,
    settings: WorkerSettings,
    stopped: watch::Receiver<bool>,
}

impl Worker {
    fn new(
        db: Db,
        transport: Transport,
        context: MailContext,
        settings: WorkerSettings,
        stopped: watch::Receiver<bool>,
    ) -> Worker {
        Worker {
            db,
            transport: Arc::new(transport),
            context,
            settings,
            stopped,
        }
    }

    fn stopping(&self) -> bool {
        *self.stopped.borrow()
    }

    async fn run(mut self) {
        tracing::info!("mail worker started");
        let mut digest_checked: Option<Instant> = None;
        while !self.stopping() {
            // Under load the loop turns many times a second; the digest is
            // due every few hours, so a look once per poll period is enough.
            if digest_checked.is_none_or(|at| at.elapsed() >= self.settings.poll) {
                digest_checked = Some(Instant::now());
                if let Err(error) = self.queue_digest_if_due().await {
                    tracing::warn!(%error, "digest not queued");
                }
            }
            let delivered = match self.deliver_batch().await {
                Ok(count) => count,
                Err(error) => {
                    tracing::warn!(%error, "outbox unavailable");
                    0
                }
            };
            // A short batch means the worker has caught up: waiting a little
            // lets the next claim take many messages instead of one or two,
            // which under load costs the database far fewer transactions.
            let pause = match delivered {
                0 => self.settings.poll,
                n if n < BATCH as usize => GATHER.min(self.settings.poll),
                _ => Duration::ZERO,
            };
            if !pause.is_zero() {
                let _ = tokio::time::timeout(pause, self.stopped.changed()).await;
            }
        }
        tracing::info!("mail worker stopped");
    }

    /// Sends what is due; returns how many messages were handled.
    async fn deliver_batch(&self) -> Result<usize, MailError> {
        let now = clock::now().naive_utc();
        let claimed: Vec<OutboxRow> = self
            .db
            .write(move |conn| outbox::claim_due(conn, now, now + LEASE, BATCH))
            .await?;
        let count = claimed.len();
        let mut rows = claimed.into_iter();
        let mut sent = Vec::new();
        let mut outcome = Ok(());
        for row in rows.by_ref() {
            match self.send(&row).await {
                Ok(()) => sent.push(row.id),
                Err(error) => outcome = self.record_failure(row, error).await,
            }
            if self.stopping() || outcome.is_err() {
                break;
            }
        }
        // One transaction records the whole batch as sent: a commit per
        // message would double the database's work for every submission.
        if !sent.is_empty() {
            let now = clock::now().naive_utc();
            self.db
                .write(move |conn| outbox::mark_sent(conn, &sent, now))
                .await?;
        }
        let unsent: Vec<MessageId> = rows.map(|row| row.id).collect();
        if !unsent.is_empty() {
            self.db
                .write(move |conn| outbox::release(conn, &unsent))
                .await?;
        }
        outcome.map(|()| count)
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), String> {
        let message = build_message(row, &self.settings.from, &self.settings.reply_to)?;
        self.transport.send(message).await?;
        tracing::info!(outbox_id = %row.id, kind = %row.kind, "e-mail sent");
        Ok(())
    }

    async fn record_failure(&self, row: OutboxRow, error: String) -> Result<(), MailError> {
        // An SMTP answer can quote the address (`550 <maria@example.org>`):
        // neither the log nor the stored error keeps it.
        let error = crate::error::mask_email_addresses(&error);
        let attempts = u32::try_from(row.attempts).unwrap_or(0) + 1;
        let give_up = attempts >= self.settings.max_attempts;
        let retry_at = clock::now().naive_utc() + backoff(self.settings.retry_base, attempts);
        tracing::warn!(outbox_id = %row.id, attempts, give_up, %error, "e-mail not sent");
        self.db
            .write(move |conn| outbox::mark_attempt_failed(conn, row.id, &error, retry_at, give_up))
            .await?;
        Ok(())
    }

    /// Queues the digest when the period has passed since the last one;
    /// compare-and-set on the stored time keeps processes from doubling it.
    async fn queue_digest_if_due(&self) -> Result<(), MailError> {
        let context = self.context.clone();
        let every = TimeDelta::from_std(self.settings.digest_every).unwrap_or(TimeDelta::hours(24));
        self.db
            .write(move |conn| {
                let now = clock::now();
                let stored = settings::get_or_insert(conn, DIGEST_KEY, &now.to_rfc3339())?;
                let last = DateTime::parse_from_rfc3339(&stored)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or(now);
                if now - last < every
                    || !settings::compare_and_set(conn, DIGEST_KEY, &stored, &now.to_rfc3339())?
                {
                    return Ok(());
                }
                let (pending, oldest) = contributions::pending_summary(conn)?;
                let sent = notices::digest(conn, &context, pending, oldest, now.naive_utc())?;
                if sent > 0 {
                    tracing::info!(pending, recipients = sent, "digest queued");
                }
                Ok::<_, MailError>(())
            })
            .await
    }
}

/// `base × 2^(attempts − 1)`, at most six hours, times a random 0.8–1.2 so
/// that messages failing together do not retry together.
pub fn backoff(base: Duration, attempts: u32) -> TimeDelta {
    let exponent = attempts.saturating_sub(1).min(20);
    let plain = base.saturating_mul(1 << exponent).min(MAX_BACKOFF);
    let jitter = rand::rng().random_range(0.8..1.2);
    TimeDelta::from_std(plain.mul_f64(jitter)).unwrap_or(TimeDelta::hours(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_a_ceiling() {
        let base = Duration::from_secs(30);
        for (attempts, plain) in [(1, 30.0), (2, 60.0), (3, 120.0), (10, 15_360.0)] {
            let wait = backoff(base, attempts).num_milliseconds() as f64 / 1000.0;
            let plain: f64 = f64::min(plain, 21_600.0);
            assert!(
                wait >= plain * 0.8 && wait <= plain * 1.2,
                "{attempts}: {wait}"
            );
        }
        assert!(backoff(base, 40).num_seconds() <= 6 * 3600 * 12 / 10);
    }
}
