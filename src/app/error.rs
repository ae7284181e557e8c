//! What a use case can answer besides its result. The HTTP front turns it
//! into a problem document once (`ApiError: From<AppError>`); the command
//! line prints it.

use crate::db::DbError;
use crate::domain::{ContributionStatus, FieldIssue, Invalid, OutboxStatus};
use crate::mail::MailError;

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no such {0}")]
    NotFound(Resource),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("a contribution in status {from} cannot become {to}")]
    InvalidTransition {
        from: ContributionStatus,
        to: ContributionStatus,
    },
    /// A message already sent, or cancelled by an erasure, is not sent again.
    #[error("an e-mail in status {0} cannot be retried")]
    OutboxNotRetriable(OutboxStatus),
    /// Submissions are accepted only within the consultation window.
    #[error("consultation closed")]
    /// Not yet open, or already closed.
    ConsultationClosed(crate::domain::ConsultationState),
    /// The Idempotency-Key was first used with another body.
    #[error("idempotency key reused with another body")]
    IdempotencyKeyReused,
    /// Someone else changed the record since it was read.
    #[error("stale version of the {0}")]
    StaleVersion(Resource),
    /// A tag cannot be renamed onto one that exists: merge them instead.
    #[error("tag {name} exists")]
    TagExists { from: String, name: String },
    /// The client's quota of accepted submissions is used up.
    #[error("too many submissions")]
    TooManySubmissions { retry_after: u64 },
    /// Only a pending contribution is claimed for review.
    #[error("a contribution in status {0} is not pending")]
    NotPending(ContributionStatus),
    #[error("storage failed")]
    Storage(
        #[from]
        #[source]
        DbError,
    ),
    #[error("e-mail not queued")]
    Mail(
        #[from]
        #[source]
        MailError,
    ),
    /// Something the service itself got wrong; the text is for the log.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The kinds of record a use case looks up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resource {
    Contribution,
    ThematicArea,
    Staff,
    OutboxMessage,
    Tag,
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Resource::Contribution => "contribution",
            Resource::ThematicArea => "thematic area",
            Resource::Staff => "staff account",
            Resource::OutboxMessage => "e-mail",
            Resource::Tag => "tag",
        })
    }
}

impl AppError {
    pub fn invalid(field: impl Into<String>, issue: FieldIssue) -> AppError {
        AppError::Invalid(Invalid::field(field, issue))
    }

    /// Whether the database did not answer (as opposed to a bug).
    pub fn is_unavailable(&self) -> bool {
        match self {
            AppError::Storage(error) => error.is_unavailable(),
            AppError::Mail(crate::mail::MailError::Storage(error)) => error.is_unavailable(),
            _ => false,
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> AppError {
        AppError::Storage(error.into())
    }
}

/// A write refused by a unique constraint means that a concurrent request
/// created the same thing first: the client hears that `field` already
/// exists, not that the server failed.
pub fn unless_taken<T>(result: Result<T, DbError>, field: &str) -> Result<T, AppError> {
    match result {
        Err(error) if error.is_unique_violation() => {
            Err(AppError::invalid(field, FieldIssue::AlreadyExists))
        }
        other => Ok(other?),
    }
}

impl From<crate::app::submissions::SubmitFailure> for AppError {
    fn from(failure: crate::app::submissions::SubmitFailure) -> AppError {
        use crate::app::submissions::SubmitFailure;
        match failure {
            SubmitFailure::Invalid(invalid) => AppError::Invalid(invalid),
            SubmitFailure::Unavailable => {
                AppError::Storage(DbError::Unavailable("submission writer".into()))
            }
            SubmitFailure::Internal(reason) => AppError::Internal(reason),
            SubmitFailure::KeyTaken => AppError::IdempotencyKeyReused,
            SubmitFailure::RateLimited { retry_after } => {
                AppError::TooManySubmissions { retry_after }
            }
            // The writer retries it; reaching a caller would be a bug.
            SubmitFailure::QuotaTakenMeanwhile => AppError::Internal(failure.to_string()),
        }
    }
}
