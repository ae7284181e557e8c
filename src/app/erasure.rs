//! GDPR art. 17: erasing a person's name and e-mail from their contributions
//! (the text stays) and from the outbox, on request or after the retention
//! period. Audited without recording the address itself.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::clock;
use crate::db::contributions::{self, ErasureScope};
use crate::db::{audit, outbox, settings, Db, DbConnection, DbError};
use crate::domain::{Actor, AuditEvent, EmailAddress, ErasureKind};

/// What an erasure changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErasureReport {
    /// Contributions whose name and e-mail were removed.
    #[schema(format = Int64, minimum = 0)]
    pub contributions_affected: u64,
    /// Queued e-mails to the address that will not be sent.
    #[schema(format = Int64, minimum = 0)]
    pub emails_cancelled: u64,
}

/// Erases everything tied to `email`, in one transaction; then removes the
/// file transport's messages to it from `mail_files`, when mail goes there.
pub async fn erase_email(
    db: &Db,
    actor: Actor,
    email: EmailAddress,
    mail_files: Option<&Path>,
) -> Result<ErasureReport, AppError> {
    let address = email.as_str().to_owned();
    let report = db
        .write(move |conn| {
            let now = clock::now().naive_utc();
            let scope = ErasureScope::Email(email.as_str());
            let contributions = contributions::erase_personal_data(conn, &scope, now)?;
            let messages = outbox::erase_recipient(conn, email.as_str())?;
            audit::erase_outbox_reasons(conn, &messages.ids)?;
            let report = ErasureReport {
                contributions_affected: contributions as u64,
                emails_cancelled: messages.cancelled as u64,
            };
            record(conn, actor, ErasureKind::Request, &report, None, now)?;
            Ok::<_, AppError>(report)
        })
        .await?;
    if let Some(dir) = mail_files {
        crate::mail::files::remove_messages_to(dir, &address);
    }
    Ok(report)
}

/// Erases the personal data of contributions received before `cutoff`.
fn erase_older_than(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<ErasureReport, DbError> {
    let scope = ErasureScope::ReceivedBefore(cutoff);
    let contributions = contributions::erase_personal_data(conn, &scope, now)?;
    outbox::erase_older_than(conn, cutoff)?;
    let report = ErasureReport {
        contributions_affected: contributions as u64,
        emails_cancelled: 0,
    };
    if contributions > 0 {
        let reason = format!(
            "retention: received before {}",
            cutoff.format("%Y-%m-%dT%H:%M:%SZ")
        );
        let kind = ErasureKind::Retention;
        record(conn, Actor::System, kind, &report, Some(reason), now)?;
    }
    Ok(report)
}

fn record(
    conn: &mut DbConnection,
    actor: Actor,
    kind: ErasureKind,
    report: &ErasureReport,
    reason: Option<String>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let details = serde_json::to_string(report).unwrap_or_default();
    audit::record(conn, actor, AuditEvent::erasure(kind, reason, details), now)
}

const RETENTION_KEY: &str = "retention_last_run_at";
/// How often the retention job looks whether a day has passed.
const RETENTION_CHECK: Duration = Duration::from_secs(3600);

/// The daily retention job, running while the server runs.
pub struct RetentionTask {
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

impl RetentionTask {
    /// `mail_files`: the file transport's directory, whose messages older
    /// than the period go too.
    pub fn spawn(db: Db, days: u32, mail_files: Option<PathBuf>) -> RetentionTask {
        let (stop, mut stopped) = watch::channel(false);
        let handle = tokio::spawn(async move {
            while !*stopped.borrow() {
                if let Err(error) = run_if_due(&db, days).await {
                    tracing::warn!(%error, "retention erasure not run");
                }
                if let Some(dir) = &mail_files {
                    let period = Duration::from_secs(u64::from(days) * 86_400);
                    if let Some(cutoff) = std::time::SystemTime::now().checked_sub(period) {
                        crate::mail::files::remove_messages_before(dir, cutoff);
                    }
                }
                let _ = tokio::time::timeout(RETENTION_CHECK, stopped.changed()).await;
            }
        });
        RetentionTask { stop, handle }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

/// Once a day across processes (compare-and-set on the last run time).
pub async fn run_if_due(db: &Db, days: u32) -> Result<(), DbError> {
    db.write(move |conn| {
        let now = clock::now();
        let never = "1970-01-01T00:00:00+00:00";
        let stored = settings::get_or_insert(conn, RETENTION_KEY, never)?;
        let last = chrono::DateTime::parse_from_rfc3339(&stored)
            .map(|t| t.to_utc())
            .unwrap_or_default();
        if now - last < TimeDelta::days(1)
            || !settings::compare_and_set(conn, RETENTION_KEY, &stored, &now.to_rfc3339())?
        {
            return Ok(());
        }
        let cutoff = (now - TimeDelta::days(i64::from(days))).naive_utc();
        let report = erase_older_than(conn, cutoff, now.naive_utc())?;
        if report.contributions_affected > 0 {
            tracing::info!(
                contributions = report.contributions_affected,
                "retention erasure"
            );
        }
        Ok(())
    })
    .await
}
