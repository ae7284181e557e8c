//! Storing the form's submissions. Submissions that arrive while a write is
//! in progress go together into the next one: one transaction, one commit to
//! disk and a few statements for all of them (group commit). Under load this
//! is what lets the service keep up with the database; alone, a submission is
//! written at once, as before.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, Mutex};
use utoipa::ToSchema;
use uuid::Uuid;

pub use crate::app::idempotency::IdempotencyClaim;
use crate::app::indicators::record_milestone;
use crate::app::submission_quota::{self, QuotaDecision, SharedQuota};
use crate::clock;
use crate::db::contributions as queries;
use crate::db::models::{ContributionRow, NewContributionRow, StatusLinkRow};
use crate::db::{idempotency, status_links, thematic_areas, Backend, Db, DbConnection, DbError};
use crate::domain::search;
use crate::domain::{
    new_author_group, AuthorKind, BotSign, Channel, ConfirmationToken, ContributionBody,
    ContributionId, ContributionStatus, ContributionTitle, EmailAddress, FieldIssue, Invalid,
    Meeting, OrganizationName, PersonName, Quartiere, Reference, StaffId, StatusToken,
    ThematicAreaCode,
};
use crate::mail::notices::{self, Acknowledged};
use crate::mail::MailContext;

/// Most submissions written in one transaction; bounds the statement size
/// and the wait of the last one in a group.
const MOST_PER_WRITE: usize = 64;
/// Submissions waiting for a writer before callers wait to queue theirs.
const QUEUE_LENGTH: usize = 1024;
/// How often a writer deletes the shared quota's rows that are whole again.
const QUOTA_EXPIRY_PERIOD: Duration = Duration::from_secs(60);

/// A valid contribution, from the form or registered by a moderator.
pub struct ContributionInput {
    pub thematic_area: ThematicAreaCode,
    pub title: ContributionTitle,
    pub body: ContributionBody,
    pub kind: AuthorKind,
    pub given_name: Option<PersonName>,
    pub family_name: Option<PersonName>,
    pub organization_name: Option<OrganizationName>,
    pub email: Option<EmailAddress>,
    pub quartiere: Option<Quartiere>,
    pub contact_consent: bool,
    /// Always true from the form; for an offline contribution, whether the
    /// author accepted the notice (signed on paper, at the meeting…).
    pub privacy_notice_accepted: bool,
    pub channel: Channel,
    /// When it reached the Comune, if not now (offline contributions).
    pub received_at: Option<chrono::NaiveDateTime>,
    /// The meeting it was handed in at (channel `event`).
    pub meeting: Option<Meeting>,
}
/// The receipt given to the contributor.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SubmissionReceipt {
    pub id: Uuid,
    /// Receipt code to quote in any later contact.
    #[schema(max_length = 20, example = "RF-000042")]
    pub reference: String,
    pub status: ContributionStatus,
    pub received_at: DateTime<Utc>,
}

impl SubmissionReceipt {
    fn of(row: &ContributionRow) -> SubmissionReceipt {
        SubmissionReceipt {
            id: row.id.uuid(),
            reference: Reference::from_sequence(row.seq).to_string(),
            status: ContributionStatus::Pending,
            received_at: clock::utc(row.received_at),
        }
    }
}

/// A valid submission and, when the client sent one, its idempotency key
/// with the hash of the request it came with.
pub struct Submission {
    pub input: ContributionInput,
    pub idempotency: Option<IdempotencyClaim>,
    /// Taken for a bot's: stored as spam with the reason, not acknowledged
    /// (and so not counted), answered like any other.
    pub bot: Option<BotSign>,
    /// The client whose quota it uses, when the database keeps the quota.
    pub client: Option<IpAddr>,
}

/// A submission stored now.
#[derive(Clone, Debug)]
pub struct Stored {
    pub receipt: SubmissionReceipt,
    /// The client's use of its quota after it, when the database keeps
    /// the quota (see `domain::quota`).
    pub quota_used: Option<Duration>,
}

/// Why a submission was not stored. Cloned to every member of a group that
/// failed together, so it keeps causes as text.
#[derive(Clone, Debug, thiserror::Error)]
pub enum SubmitFailure {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The database cannot be reached, or the writer has stopped.
    #[error("storage unavailable")]
    Unavailable,
    #[error("submission not stored: {0}")]
    Internal(String),
    /// Another request stored the same Idempotency-Key first.
    #[error("idempotency key taken")]
    KeyTaken,
    /// The client's quota of accepted submissions is used up.
    #[error("too many submissions")]
    RateLimited { retry_after: u64 },
    /// Another group took the quota this one foresaw; the writer writes the
    /// group again, taking the quota first, so callers never see this.
    #[error("quota taken by another group meanwhile")]
    QuotaTakenMeanwhile,
}

/// When a group takes its clients' quota (PostgreSQL) in its transaction.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QuotaTaking {
    /// Decided from the rows as they stand, taken just before the commit:
    /// the rows stay locked only for the commit, so that another group of
    /// the same client is written meanwhile and waits only to commit.
    Last,
    /// Taken before anything is written: for a group written again after
    /// another group took the quota it had foreseen.
    First,
}

impl From<DbError> for SubmitFailure {
    fn from(error: DbError) -> Self {
        if error.is_unavailable() {
            SubmitFailure::Unavailable
        } else {
            SubmitFailure::Internal(error.to_string())
        }
    }
}

impl From<diesel::result::Error> for SubmitFailure {
    fn from(error: diesel::result::Error) -> Self {
        DbError::from(error).into()
    }
}

impl From<crate::mail::MailError> for SubmitFailure {
    fn from(error: crate::mail::MailError) -> Self {
        match error {
            crate::mail::MailError::Storage(error) => error.into(),
            other => SubmitFailure::Internal(other.to_string()),
        }
    }
}

type Outcome = Result<Stored, SubmitFailure>;

struct Job {
    submission: Submission,
    reply: oneshot::Sender<Outcome>,
}

/// A bug, should it ever happen: a write that gave no answer for a submission.
fn missing_outcome() -> Outcome {
    Err(SubmitFailure::Internal(
        "no outcome for a submission".into(),
    ))
}

/// What a write needs besides the submissions.
#[derive(Clone)]
struct Store {
    db: Db,
    mail: MailContext,
    target: i64,
    /// The quota the database keeps (PostgreSQL), taken in each write.
    quota: Option<SharedQuota>,
}

/// Queue of submissions and the tasks that write them.
#[derive(Clone)]
pub struct SubmissionWriter {
    jobs: mpsc::Sender<Job>,
}

impl SubmissionWriter {
    /// Starts the writing tasks: one on SQLite, which has one writer at a
    /// time anyway; two on PostgreSQL, so that one group is being prepared
    /// while the other waits for its commit.
    pub fn spawn(
        db: Db,
        mail: MailContext,
        target: i64,
        quota: Option<SharedQuota>,
    ) -> SubmissionWriter {
        let (jobs, queue) = mpsc::channel(QUEUE_LENGTH);
        let queue = Arc::new(Mutex::new(queue));
        let writers = match db.backend() {
            Backend::Postgres => 2,
            Backend::Sqlite => 1,
        };
        let store = Store {
            db,
            mail,
            target,
            quota,
        };
        for _ in 0..writers {
            tokio::spawn(write_groups(queue.clone(), store.clone()));
        }
        SubmissionWriter { jobs }
    }

    /// Stores the contribution, its idempotency record and its
    /// acknowledgement, and the milestone if it reached the target: all or
    /// nothing, and committed when this returns `Ok`.
    pub async fn store(&self, submission: Submission) -> Outcome {
        let (reply, answer) = oneshot::channel();
        let stopped = || SubmitFailure::Unavailable;
        self.jobs
            .send(Job { submission, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Takes whatever is queued (up to MOST_PER_WRITE), writes it, answers each
/// caller; ends when every sender is gone.
async fn write_groups(queue: Arc<Mutex<mpsc::Receiver<Job>>>, store: Store) {
    let mut quota_expired_at = Instant::now();
    loop {
        let mut jobs = Vec::new();
        {
            let mut queue = queue.lock().await;
            if queue.recv_many(&mut jobs, MOST_PER_WRITE).await == 0 {
                return;
            }
        }
        let (submissions, replies): (Vec<Submission>, Vec<_>) =
            jobs.into_iter().map(|j| (j.submission, j.reply)).unzip();
        let writer = store.clone();
        let outcomes = tokio::task::spawn_blocking(move || writer.write(&submissions))
            .await
            .unwrap_or_else(|error| {
                let failure = SubmitFailure::Internal(error.to_string());
                vec![Err(failure); replies.len()]
            });
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A caller that went away no longer needs its answer.
            let _ = reply.send(outcome);
        }
        if store.quota.is_some() && quota_expired_at.elapsed() >= QUOTA_EXPIRY_PERIOD {
            quota_expired_at = Instant::now();
            if let Err(error) = store.db.write(submission_quota::expire).await {
                tracing::warn!(%error, "submission quotas not expired");
            }
        }
    }
}

impl Store {
    /// One outcome per submission, in order. When a key was taken by a
    /// concurrent request the group is rolled back and each submission
    /// written alone, so that only the one concerned fails.
    fn write(&self, submissions: &[Submission]) -> Vec<Outcome> {
        // The quota is taken last (after the idempotency keys) unless another
        // group took it meanwhile: a submission written alone after a taken
        // key does the same, so that it never holds the quota's row while
        // waiting for a key that a group holding the key waits to commit
        // (a deadlock).
        let write_group = |submissions: &[Submission]| {
            let write = |quota: QuotaTaking| {
                self.db
                    .write_blocking(|conn| self.write_group(conn, submissions, quota))
            };
            match write(QuotaTaking::Last) {
                Err(SubmitFailure::QuotaTakenMeanwhile) => write(QuotaTaking::First),
                other => other,
            }
        };
        match write_group(submissions) {
            Ok(outcomes) => outcomes,
            Err(SubmitFailure::KeyTaken) if submissions.len() > 1 => submissions
                .iter()
                .map(|submission| {
                    write_group(std::slice::from_ref(submission))
                        .and_then(|mut outcomes| outcomes.pop().unwrap_or_else(missing_outcome))
                })
                .collect(),
            Err(failure) => vec![Err(failure); submissions.len()],
        }
    }

    fn write_group(
        &self,
        conn: &mut DbConnection,
        submissions: &[Submission],
        quota: QuotaTaking,
    ) -> Result<Vec<Outcome>, SubmitFailure> {
        let now = clock::now().naive_utc();
        let areas: HashMap<String, String> = thematic_areas::list(conn, true)?
            .into_iter()
            .map(|area| (area.code, area.name))
            .collect();
        // An outcome now for those on an inactive area; the others once stored.
        let mut outcomes: Vec<Option<Outcome>> = submissions
            .iter()
            .map(|submission| {
                (!areas.contains_key(submission.input.thematic_area.as_str())).then(|| {
                    Err(SubmitFailure::Invalid(Invalid::field(
                        "thematic_area",
                        FieldIssue::UnknownThematicArea,
                    )))
                })
            })
            .collect();
        let quota_used = self.quota_first(conn, submissions, &mut outcomes, quota)?;
        let accepted: Vec<usize> = (0..submissions.len())
            .filter(|&i| outcomes[i].is_none())
            .collect();
        // A confirmation link for each author with an address (see app::authors).
        let tokens: Vec<Option<ConfirmationToken>> = accepted
            .iter()
            .map(|&i| {
                submissions[i]
                    .input
                    .email
                    .as_ref()
                    .map(|_| ConfirmationToken::generate())
            })
            .collect();
        let rows: Vec<NewContributionRow> = accepted
            .iter()
            .zip(&tokens)
            .map(|(&i, token)| {
                let row = NewContributionRow {
                    confirmation_token_hash: token.as_ref().map(ConfirmationToken::hash),
                    ..new_row(&submissions[i].input, None, now)
                };
                match submissions[i].bot {
                    Some(sign) => NewContributionRow {
                        status: ContributionStatus::Spam,
                        status_reason: Some(sign.reason().to_owned()),
                        ..row
                    },
                    None => row,
                }
            })
            .collect();
        let stored = queries::insert_all(conn, &rows)?;
        let stored: HashMap<ContributionId, &ContributionRow> =
            stored.iter().map(|row| (row.id, row)).collect();
        let mut remembered = Vec::new();
        let mut acknowledged = Vec::new();
        let mut links = Vec::new();
        for ((&i, row), token) in accepted.iter().zip(&rows).zip(&tokens) {
            let stored = stored
                .get(&row.id)
                .copied()
                .ok_or_else(|| SubmitFailure::Internal(format!("row {} not returned", row.id)))?;
            let receipt = SubmissionReceipt::of(stored);
            if let Some(claim) = &submissions[i].idempotency {
                let answer = serde_json::to_string(&receipt)
                    .map_err(|e| SubmitFailure::Internal(e.to_string()))?;
                remembered.push(claim.row(stored.id, Some(answer), now));
            }
            if submissions[i].bot.is_none() {
                let status_link = stored.email.is_some().then(|| {
                    let (link, url) = new_status_link(stored.id, &self.mail.public_url, now);
                    links.push(link);
                    url
                });
                acknowledged.push(Acknowledged {
                    row: stored,
                    thematic_area_name: areas[&stored.thematic_area].as_str(),
                    confirmation: token.as_ref().map(ConfirmationToken::as_str),
                    status_link,
                    meeting: None,
                });
            }
            outcomes[i] = Some(Ok(Stored {
                receipt,
                quota_used: quota_used[i],
            }));
        }
        match idempotency::remember(conn, &remembered) {
            Err(error) if error.is_unique_violation() => return Err(SubmitFailure::KeyTaken),
            other => other?,
        }
        status_links::insert_all(conn, &links)?;
        notices::acknowledge_all(conn, &self.mail, &acknowledged, now)?;
        record_milestone(conn, &self.mail, self.target, now)?;
        if quota == QuotaTaking::Last {
            self.take_quota_last(conn, submissions, &mut outcomes)?;
        }
        Ok(outcomes
            .into_iter()
            .map(|outcome| outcome.unwrap_or_else(missing_outcome))
            .collect())
    }

    /// When the database keeps the quota, refuses the submissions without
    /// an outcome yet that are over their client's quota: taking their
    /// cells now ([`QuotaTaking::First`], answering each one's use of the
    /// quota after it), or foreseeing them from the rows as they stand.
    fn quota_first(
        &self,
        conn: &mut DbConnection,
        submissions: &[Submission],
        outcomes: &mut [Option<Outcome>],
        taking: QuotaTaking,
    ) -> Result<Vec<Option<Duration>>, SubmitFailure> {
        let mut used = vec![None; submissions.len()];
        let (Some(quota), DbConnection::Pg(pg)) = (&self.quota, conn) else {
            return Ok(used);
        };
        let clients = clients_where(submissions, |i| outcomes[i].is_none());
        let clients: Vec<Option<&str>> = clients.iter().map(Option::as_deref).collect();
        let decisions = match taking {
            QuotaTaking::First => quota.take(pg, &clients)?,
            QuotaTaking::Last => quota.foresee(pg, &clients)?,
        };
        for (i, decision) in decisions.into_iter().enumerate() {
            match decision {
                Some(QuotaDecision::Taken(after)) if taking == QuotaTaking::First => {
                    used[i] = Some(after)
                }
                Some(QuotaDecision::Refused { retry_after }) => {
                    outcomes[i] = Some(Err(SubmitFailure::RateLimited { retry_after }))
                }
                _ => {}
            }
        }
        Ok(used)
    }

    /// Takes the cells of the submissions stored in this transaction, as
    /// foreseen; fails the whole group when another took them meanwhile.
    fn take_quota_last(
        &self,
        conn: &mut DbConnection,
        submissions: &[Submission],
        outcomes: &mut [Option<Outcome>],
    ) -> Result<(), SubmitFailure> {
        let (Some(quota), DbConnection::Pg(pg)) = (&self.quota, conn) else {
            return Ok(());
        };
        let clients = clients_where(submissions, |i| matches!(outcomes[i], Some(Ok(_))));
        let clients: Vec<Option<&str>> = clients.iter().map(Option::as_deref).collect();
        for (i, decision) in quota.take(pg, &clients)?.into_iter().enumerate() {
            match (decision, &mut outcomes[i]) {
                (Some(QuotaDecision::Taken(after)), Some(Ok(stored))) => {
                    stored.quota_used = Some(after)
                }
                (Some(QuotaDecision::Refused { .. }), _) => {
                    return Err(SubmitFailure::QuotaTakenMeanwhile)
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// The client of each submission for which `counts(i)`, when known.
fn clients_where(
    submissions: &[Submission],
    counts: impl Fn(usize) -> bool,
) -> Vec<Option<String>> {
    submissions
        .iter()
        .enumerate()
        .map(|(i, submission)| {
            submission
                .client
                .filter(|_| counts(i))
                .map(|client| client.to_string())
        })
        .collect()
}

/// The author's private status page (see `http::pages::status`).
pub fn status_page_url(public_url: &str, token: &StatusToken) -> String {
    format!("{public_url}/stato/{}", token.as_str())
}

/// A new private status link for a contribution whose author gave an
/// address: the row to store (the token's hash) and the page's address for
/// the acknowledgement.
pub fn new_status_link(
    contribution_id: ContributionId,
    public_url: &str,
    now: chrono::NaiveDateTime,
) -> (StatusLinkRow, String) {
    let token = StatusToken::generate();
    let row = StatusLinkRow {
        token_hash: token.hash(),
        contribution_id,
        created_at: now,
    };
    (row, status_page_url(public_url, &token))
}

/// The row for a valid contribution; `registered_by` names the moderator
/// who registered an offline one.
pub fn new_row(
    input: &ContributionInput,
    registered_by: Option<StaffId>,
    now: chrono::NaiveDateTime,
) -> NewContributionRow {
    let text = |value: &Option<PersonName>| value.as_ref().map(|v| v.as_str().to_owned());
    NewContributionRow {
        id: ContributionId::generate(),
        channel: input.channel,
        status: ContributionStatus::Pending,
        status_reason: None,
        thematic_area: input.thematic_area.as_str().to_owned(),
        title: input.title.as_str().to_owned(),
        body: input.body.as_str().to_owned(),
        search_title: search::text_terms(input.title.as_str()),
        search_body: search::text_terms(input.body.as_str()),
        search_author: search::author_terms(&[
            input.given_name.as_ref().map(PersonName::as_str),
            input.family_name.as_ref().map(PersonName::as_str),
            input.organization_name.as_ref().map(|o| o.as_str()),
            input.email.as_ref().map(|e| e.as_str()),
        ]),
        author_kind: input.kind,
        given_name: text(&input.given_name),
        family_name: text(&input.family_name),
        organization_name: input
            .organization_name
            .as_ref()
            .map(|o| o.as_str().to_owned()),
        email: input.email.as_ref().map(|e| e.as_str().to_owned()),
        email_normalised: input.email.as_ref().map(|e| e.normalised()),
        author_group: input.email.as_ref().map(|_| new_author_group()),
        author_confirmed_at: None,
        confirmation_token_hash: None,
        quartiere: input.quartiere.map(|q| i16::from(q.number())),
        contact_consent: input.contact_consent,
        privacy_notice_accepted: input.privacy_notice_accepted,
        registered_by,
        received_at: input.received_at.unwrap_or(now),
        updated_at: now,
        version: 1,
    }
}
