//! Domain types. Each parses raw input into a value that can only be valid,
//! so code past the HTTP boundary never re-checks a title or an e-mail.

pub mod audit;
pub mod author;
pub mod console_session;
pub mod consultation;
pub mod contribution;
pub mod field_issue;
pub mod form_guard;
pub mod ids;
pub mod indicator_counts;
pub mod indicators;
pub mod mail;
pub mod meeting;
pub mod projection;
pub mod query;
pub mod quota;
pub mod search;
pub mod shared_passages;
pub mod similarity;
pub mod staff;
pub mod status;
pub mod status_link;
pub mod text;
pub mod thematic_area;

pub use audit::{
    Actor, AuditAction, AuditEvent, ErasureKind, TargetType, AUTHOR_ACTOR, COMMAND_LINE_ACTOR,
    SYSTEM_ACTOR,
};
pub use author::{new_author_group, ConfirmationToken};
pub use consultation::{ConsultationState, ConsultationWindow};
pub use contribution::normalise_email;
pub use contribution::{
    AuthorKind, Channel, ContributionBody, ContributionRef, ContributionTitle, EmailAddress,
    MeetingName, OrganizationName, PersonName, Quartiere, Reference,
};
pub use field_issue::{FieldError, FieldErrors, FieldIssue, Invalid};
pub use form_guard::{BotSign, BotSignals, FormGuard};
pub use ids::{AuditEventId, ContributionId, MessageId, NoteId, StaffId};
pub use mail::{MessageKind, OutboxStatus};
pub use meeting::Meeting;
pub use quota::{Grant, QuotaState, SubmissionQuota};
pub use staff::{Role, TagName};
pub use status::ContributionStatus;
pub use status_link::StatusToken;
pub use thematic_area::ThematicAreaCode;
