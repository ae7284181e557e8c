//! GDPR art. 17: erasing a person's name and e-mail from their contributions
//! (the text stays) and from the outbox, on request or after the retention
//! period. Audited without recording the address itself.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use utoipa::ToSchema;

use crate::app::AppError;
use crate::clock;
use crate::db::audit::AuditRow;
use crate::db::contributions::{self, ErasureScope};
use crate::db::models::ContributionRow;
use crate::db::notes::NoteRow;
use crate::db::{audit, notes, outbox, settings, Db, DbConnection, DbError};
use crate::domain::{
    Actor, AuditAction, AuditEvent, ContributionId, ContributionRef, EmailAddress, ErasureKind,
    FieldIssue, NoteId, Reference,
};

/// What an erasure changed.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ErasureReport {
    /// Contributions whose name and e-mail were removed.
    #[schema(format = Int64, minimum = 0)]
    pub contributions_affected: u64,
    /// Queued e-mails to the address that will not be sent.
    #[schema(format = Int64, minimum = 0)]
    pub emails_cancelled: u64,
    /// References of the contributions whose personal data was removed.
    #[schema(max_items = 100000, max_length = 20, example = json!(["RF-000042"]))]
    pub references: Vec<String>,
    /// Notes rewritten because they named the person.
    #[schema(format = Int64, minimum = 0)]
    pub notes_edited: u64,
    /// Notes removed because they named the person.
    #[schema(format = Int64, minimum = 0)]
    pub notes_removed: u64,
}

/// An erasure's report as its audit event recorded it: an event recorded
/// before a field existed lacks it. (Kept apart from [`ErasureReport`], whose
/// fields the API's answer always has.)
#[derive(Default, Deserialize)]
#[serde(default)]
struct RecordedReport {
    contributions_affected: u64,
    emails_cancelled: u64,
    references: Vec<String>,
    notes_edited: u64,
    notes_removed: u64,
}

impl From<RecordedReport> for ErasureReport {
    fn from(recorded: RecordedReport) -> ErasureReport {
        ErasureReport {
            contributions_affected: recorded.contributions_affected,
            emails_cancelled: recorded.emails_cancelled,
            references: recorded.references,
            notes_edited: recorded.notes_edited,
            notes_removed: recorded.notes_removed,
        }
    }
}

/// Whose data a request erases.
#[derive(Clone, Debug)]
pub enum ErasureSubject {
    /// Everything sent from this address.
    Email(EmailAddress),
    /// One contribution, e.g. on paper without an address; when it has an
    /// address, everything sent from it too, since it is the same person.
    Contribution(ContributionRef),
}

/// A note that names the person: its new text, or `None` to remove it.
pub struct NoteRedaction {
    pub id: NoteId,
    pub text: Option<String>,
}

/// Erases everything tied to `email`.
pub async fn erase_email(
    db: &Db,
    actor: Actor,
    email: EmailAddress,
    mail_files: Option<&Path>,
) -> Result<ErasureReport, AppError> {
    let subject = ErasureSubject::Email(email);
    Ok(erase(db, actor, subject, Vec::new(), mail_files)
        .await?
        .report)
}

/// Erases the personal data of one contribution, named by id or reference.
pub async fn erase_contribution(
    db: &Db,
    actor: Actor,
    contribution: ContributionRef,
    mail_files: Option<&Path>,
) -> Result<ErasureReport, AppError> {
    let subject = ErasureSubject::Contribution(contribution);
    Ok(erase(db, actor, subject, Vec::new(), mail_files)
        .await?
        .report)
}

/// An erasure request answered: what it changed, and the id of its audit
/// event's target, under which the answer can be read again.
pub struct ErasureAnswer {
    pub report: ErasureReport,
    pub operation: String,
}

/// Answers an erasure request in one transaction: the subject's names and
/// addresses, the e-mails to them, and the notes named in `notes`. Then
/// removes the file transport's messages to the address from `mail_files`,
/// when mail goes there. Audited without the address or the notes' text.
pub async fn erase(
    db: &Db,
    actor: Actor,
    subject: ErasureSubject,
    notes: Vec<NoteRedaction>,
    mail_files: Option<&Path>,
) -> Result<ErasureAnswer, AppError> {
    let (answer, address) = db
        .write(move |conn| {
            let now = clock::now().naive_utc();
            // Read before the erasure, which takes them out of the subject's reach.
            let concerned: Vec<ContributionId> = subject_contributions(conn, &subject)?
                .iter()
                .map(|row| row.id)
                .collect();
            let (mut report, address) = erase_subject(conn, &subject, now)?;
            redact_notes(conn, actor, notes, &concerned, &mut report, now)?;
            let operation = record(conn, actor, ErasureKind::Request, &report, None, now)?;
            Ok::<_, AppError>((ErasureAnswer { report, operation }, address))
        })
        .await?;
    if let (Some(dir), Some(address)) = (mail_files, address) {
        crate::mail::files::remove_messages_to(dir, &address);
    }
    Ok(answer)
}

/// What an erasure request would erase, shown before it is confirmed.
pub struct ErasurePreview {
    /// The contributions concerned, in order of arrival: those that still
    /// hold personal data, and the one named, even if it no longer does.
    pub contributions: Vec<ContributionRow>,
    /// Their notes, oldest first, which the request may rewrite or remove.
    pub notes: BTreeMap<ContributionId, Vec<NoteRow>>,
}

/// What erasing `subject` would touch; changes nothing.
pub async fn preview(db: &Db, subject: ErasureSubject) -> Result<ErasurePreview, AppError> {
    db.read(move |conn| {
        let contributions = subject_contributions(conn, &subject)?;
        let ids: Vec<ContributionId> = contributions.iter().map(|row| row.id).collect();
        let notes = notes::notes_of(conn, &ids)?;
        Ok(ErasurePreview {
            contributions,
            notes,
        })
    })
    .await
}

/// The contributions an erasure of `subject` concerns, as
/// [`erase_subject`] selects them.
fn subject_contributions(
    conn: &mut DbConnection,
    subject: &ErasureSubject,
) -> Result<Vec<ContributionRow>, AppError> {
    let by_address = |conn: &mut DbConnection, address: &str| {
        contributions::holding_personal_data(conn, &ErasureScope::Email(address))
    };
    match subject {
        ErasureSubject::Email(email) => Ok(by_address(conn, email.as_str())?),
        ErasureSubject::Contribution(key) => {
            let named = find_contribution(conn, *key)?;
            let mut rows = match &named.email {
                Some(address) => by_address(conn, address)?,
                None => Vec::new(),
            };
            if !rows.iter().any(|row| row.id == named.id) {
                rows.push(named);
                rows.sort_by_key(|row| row.seq);
            }
            Ok(rows)
        }
    }
}

/// The report an erasure event recorded, if `row` is one.
pub fn recorded_report(row: &AuditRow) -> Option<ErasureReport> {
    let erasure = matches!(
        row.action,
        AuditAction::ErasureRequest | AuditAction::RetentionErasure
    );
    erasure
        .then_some(row.details.as_deref())
        .flatten()
        .and_then(|details| serde_json::from_str::<RecordedReport>(details).ok())
        .map(ErasureReport::from)
}

/// Erases the subject's contributions and mail; returns the report and the
/// address erased, if any.
fn erase_subject(
    conn: &mut DbConnection,
    subject: &ErasureSubject,
    now: NaiveDateTime,
) -> Result<(ErasureReport, Option<String>), AppError> {
    let (mut seqs, address) = match subject {
        ErasureSubject::Email(email) => (Vec::new(), Some(email.as_str().to_owned())),
        ErasureSubject::Contribution(key) => {
            let row = find_contribution(conn, *key)?;
            let scope = ErasureScope::Contribution(row.id);
            let address = row.email;
            (
                contributions::erase_personal_data(conn, &scope, now)?,
                address,
            )
        }
    };
    let mut report = ErasureReport::default();
    if let Some(address) = &address {
        let scope = ErasureScope::Email(address);
        seqs.extend(contributions::erase_personal_data(conn, &scope, now)?);
        let messages = outbox::erase_recipient(conn, address)?;
        audit::erase_outbox_reasons(conn, &messages.ids)?;
        report.emails_cancelled = messages.cancelled as u64;
    }
    seqs.sort_unstable();
    seqs.dedup();
    report.contributions_affected = seqs.len() as u64;
    report.references = seqs
        .into_iter()
        .map(|seq| Reference::from_sequence(seq).to_string())
        .collect();
    Ok((report, address))
}

fn find_contribution(
    conn: &mut DbConnection,
    key: ContributionRef,
) -> Result<ContributionRow, AppError> {
    let found = match key {
        ContributionRef::Id(id) => contributions::find_by_id(conn, id)?,
        ContributionRef::Reference(reference) => {
            contributions::find_by_seq(conn, reference.sequence())?
        }
    };
    found.ok_or_else(|| AppError::invalid("contribution", FieldIssue::UnknownContribution))
}

/// Rewrites or removes each note, one audit event each; every note must be
/// on one of the `concerned` contributions.
fn redact_notes(
    conn: &mut DbConnection,
    actor: Actor,
    redactions: Vec<NoteRedaction>,
    concerned: &[ContributionId],
    report: &mut ErasureReport,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    for (index, redaction) in redactions.into_iter().enumerate() {
        let contribution = notes::contribution_of(conn, redaction.id)?.ok_or_else(|| {
            AppError::invalid(format!("notes[{index}].id"), FieldIssue::UnknownNote)
        })?;
        if !concerned.contains(&contribution) {
            return Err(AppError::invalid(
                format!("notes[{index}].id"),
                FieldIssue::NoteOfAnotherContribution,
            ));
        }
        let event = match &redaction.text {
            Some(text) => {
                notes::replace_text(conn, redaction.id, text)?;
                report.notes_edited += 1;
                AuditEvent::note_edited(contribution, redaction.id)
            }
            None => {
                notes::remove(conn, redaction.id)?;
                report.notes_removed += 1;
                AuditEvent::note_removed(contribution, redaction.id)
            }
        };
        audit::erase_note_text(conn, &redaction.id.to_string())?;
        audit::record(conn, actor, event, now)?;
    }
    Ok(())
}

/// Erases the personal data of contributions received before `cutoff`.
fn erase_older_than(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<ErasureReport, DbError> {
    let scope = ErasureScope::ReceivedBefore(cutoff);
    let contributions = contributions::erase_personal_data(conn, &scope, now)?.len();
    outbox::erase_older_than(conn, cutoff)?;
    // The references are left out: a retention run may cover thousands.
    let report = ErasureReport {
        contributions_affected: contributions as u64,
        ..ErasureReport::default()
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

/// Records the erasure; returns its event's target, the operation's id.
fn record(
    conn: &mut DbConnection,
    actor: Actor,
    kind: ErasureKind,
    report: &ErasureReport,
    reason: Option<String>,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    let details = serde_json::to_string(report).unwrap_or_default();
    let event = AuditEvent::erasure(kind, reason, details);
    let operation = event.target_id.clone();
    audit::record(conn, actor, event, now)?;
    Ok(operation)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuditEventId, TargetType};

    fn event(action: AuditAction, details: &str) -> AuditRow {
        AuditRow {
            seq: 1,
            id: AuditEventId::generate(),
            actor: "system".into(),
            action,
            target_type: TargetType::PersonalData,
            target_id: "x".into(),
            from_value: None,
            to_value: None,
            reason: None,
            details: Some(details.into()),
            occurred_at: NaiveDateTime::default(),
        }
    }

    #[test]
    fn a_report_recorded_before_the_notes_fields_existed_is_read_with_none() {
        let old = r#"{"contributions_affected":2,"emails_cancelled":1,"references":["RF-000001","RF-000002"]}"#;
        let report = recorded_report(&event(AuditAction::ErasureRequest, old)).unwrap();
        assert_eq!(report.contributions_affected, 2);
        assert_eq!(report.references, ["RF-000001", "RF-000002"]);
        assert_eq!((report.notes_edited, report.notes_removed), (0, 0));
        assert!(recorded_report(&event(AuditAction::StatusChanged, old)).is_none());
    }
}
