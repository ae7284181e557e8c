//! The audit vocabulary: every event the service records, each built by one
//! constructor, so that an action name always means one thing and always
//! comes with the same kind of target.

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

use super::contribution::text_enum;
use super::ids::{ContributionId, MessageId, NoteId, StaffId};
use super::{Channel, ContributionStatus, FieldIssue};

text_enum!(
    /// What happened.
    AuditAction {
        StatusChanged => "status_changed",
        StatusReasonChanged => "status_reason_changed",
        ContributionAreaChanged => "thematic_area_changed",
        TagsChanged => "tags_changed",
        TagRenamed => "tag_renamed",
        TagMerged => "tag_merged",
        NoteAdded => "note_added",
        NoteEdited => "note_edited",
        NoteRemoved => "note_removed",
        ClaimTakenOver => "claim_taken_over",
        OfflineRegistered => "offline_registered",
        BulkAction => "bulk_action",
        ThematicAreaCreated => "thematic_area_created",
        ThematicAreaUpdated => "thematic_area_updated",
        OutboxRetried => "outbox_retried",
        StaffCreated => "staff_created",
        StaffDeactivated => "staff_deactivated",
        StaffUpdated => "staff_updated",
        StaffTokenIssued => "staff_token_issued",
        StaffSessionsEnded => "staff_sessions_ended",
        ConsoleSignedIn => "console_signed_in",
        ConsoleSignedOut => "console_signed_out",
        ErasureRequest => "erasure_request",
        RetentionErasure => "retention_erasure",
        PersonalDataExported => "personal_data_exported",
        IndicatorCountersRebuilt => "indicator_counters_rebuilt",
    }
);

text_enum!(
    /// What an event is about.
    TargetType {
        Contribution => "contribution",
        Tag => "tag",
        BulkAction => "bulk_action",
        ThematicArea => "thematic_area",
        Outbox => "outbox",
        Staff => "staff",
        PersonalData => "personal_data",
        Export => "export",
        Indicator => "indicator",
    }
);

/// Who did it: a staff member, someone at the server's command line, or the
/// server itself (retention, milestones).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Staff(StaffId),
    CommandLine,
    System,
    /// A contribution's author, through the private link of their status page.
    Author,
}

impl Actor {
    /// The text stored in the `actor` column.
    pub fn stored(self) -> String {
        match self {
            Actor::Staff(id) => id.to_string(),
            Actor::CommandLine => COMMAND_LINE_ACTOR.to_owned(),
            Actor::System => SYSTEM_ACTOR.to_owned(),
            Actor::Author => AUTHOR_ACTOR.to_owned(),
        }
    }
}

/// The actor recorded for changes made by the server itself.
pub const SYSTEM_ACTOR: &str = "system";
/// The actor recorded for what an author does from their status page.
pub const AUTHOR_ACTOR: &str = "author";
/// The actor recorded for changes made with the `rinasce` command line.
pub const COMMAND_LINE_ACTOR: &str = "command-line";

/// One event to append to the audit log.
#[derive(Clone, Debug, PartialEq)]
pub struct AuditEvent {
    pub action: AuditAction,
    pub target_type: TargetType,
    pub target_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    /// JSON text with whatever else the event needs (filters of an export…).
    pub details: Option<String>,
}

impl AuditEvent {
    fn new(action: AuditAction, target_type: TargetType, target_id: impl ToString) -> AuditEvent {
        AuditEvent {
            action,
            target_type,
            target_id: target_id.to_string(),
            from: None,
            to: None,
            reason: None,
            details: None,
        }
    }

    /// What the target was and became.
    fn changing(mut self, from: Option<String>, to: Option<String>) -> AuditEvent {
        self.from = from;
        self.to = to;
        self
    }

    fn with_reason(mut self, reason: Option<String>) -> AuditEvent {
        self.reason = reason;
        self
    }

    fn with_details(mut self, details: Option<String>) -> AuditEvent {
        self.details = details;
        self
    }

    /// An event that stands for a whole operation rather than one record
    /// (a bulk action, an erasure, an export): its target gets a new id.
    fn operation(action: AuditAction, target_type: TargetType) -> AuditEvent {
        AuditEvent::new(action, target_type, uuid::Uuid::now_v7())
    }

    pub fn status_changed(
        id: ContributionId,
        from: ContributionStatus,
        to: ContributionStatus,
        reason: Option<String>,
        duplicate_of: Option<ContributionId>,
    ) -> AuditEvent {
        let details = duplicate_of
            .map(|original| serde_json::json!({ "duplicate_of": original }).to_string());
        AuditEvent::new(AuditAction::StatusChanged, TargetType::Contribution, id)
            .changing(Some(from.to_string()), Some(to.to_string()))
            .with_reason(reason)
            .with_details(details)
    }

    pub fn status_reason_changed(
        id: ContributionId,
        from: Option<String>,
        to: Option<String>,
    ) -> AuditEvent {
        AuditEvent::new(
            AuditAction::StatusReasonChanged,
            TargetType::Contribution,
            id,
        )
        .changing(from, to)
    }

    /// A contribution moved to another thematic area.
    pub fn contribution_area_changed(id: ContributionId, from: &str, to: &str) -> AuditEvent {
        AuditEvent::new(
            AuditAction::ContributionAreaChanged,
            TargetType::Contribution,
            id,
        )
        .changing(Some(from.to_owned()), Some(to.to_owned()))
    }

    /// Tags before and after, comma-separated.
    pub fn tags_changed(id: ContributionId, before: String, after: String) -> AuditEvent {
        AuditEvent::new(AuditAction::TagsChanged, TargetType::Contribution, id)
            .changing(Some(before), Some(after))
    }

    /// A tag renamed: `from` and `to` are its old and new names, the details
    /// how many contributions carried it (each has its own `tags_changed`).
    pub fn tag_renamed(from: &str, to: &str, contributions: usize) -> AuditEvent {
        AuditEvent::new(AuditAction::TagRenamed, TargetType::Tag, from)
            .changing(Some(from.to_owned()), Some(to.to_owned()))
            .with_details(Some(
                serde_json::json!({ "contributions": contributions }).to_string(),
            ))
    }

    /// A tag merged into another and deleted: `from` is the merged tag, `to`
    /// the one kept, the details how many contributions carried the first.
    pub fn tag_merged(from: &str, into: &str, contributions: usize) -> AuditEvent {
        AuditEvent::new(AuditAction::TagMerged, TargetType::Tag, from)
            .changing(Some(from.to_owned()), Some(into.to_owned()))
            .with_details(Some(
                serde_json::json!({ "contributions": contributions }).to_string(),
            ))
    }

    /// The note's id as `to`, its text in the details, so that the history
    /// shows what was noted.
    pub fn note_added(id: ContributionId, note: NoteId, text: &str) -> AuditEvent {
        AuditEvent::new(AuditAction::NoteAdded, TargetType::Contribution, id)
            .changing(None, Some(note.to_string()))
            .with_details(Some(serde_json::json!({ "note": text }).to_string()))
    }

    /// A moderator took over the review another moderator's claim held:
    /// from the one displaced to the one now reviewing. Claims taken,
    /// renewed and released are not events (see `app::moderation::claims`).
    pub fn claim_taken_over(id: ContributionId, from: StaffId, to: StaffId) -> AuditEvent {
        AuditEvent::new(AuditAction::ClaimTakenOver, TargetType::Contribution, id)
            .changing(Some(from.to_string()), Some(to.to_string()))
    }

    /// A note rewritten during an erasure request, because it named the
    /// person; neither text is kept.
    pub fn note_edited(id: ContributionId, note: NoteId) -> AuditEvent {
        AuditEvent::new(AuditAction::NoteEdited, TargetType::Contribution, id)
            .changing(Some(note.to_string()), Some(note.to_string()))
    }

    pub fn note_removed(id: ContributionId, note: NoteId) -> AuditEvent {
        AuditEvent::new(AuditAction::NoteRemoved, TargetType::Contribution, id)
            .changing(Some(note.to_string()), None)
    }

    pub fn offline_registered(id: ContributionId, channel: Channel) -> AuditEvent {
        AuditEvent::new(AuditAction::OfflineRegistered, TargetType::Contribution, id)
            .changing(None, Some(channel.to_string()))
    }

    /// One event for a whole bulk action; `details` lists its outcomes.
    pub fn bulk_action(reason: Option<String>, details: String) -> AuditEvent {
        AuditEvent::operation(AuditAction::BulkAction, TargetType::BulkAction)
            .with_reason(reason)
            .with_details(Some(details))
    }

    pub fn thematic_area_created(code: &str, name: &str) -> AuditEvent {
        AuditEvent::new(
            AuditAction::ThematicAreaCreated,
            TargetType::ThematicArea,
            code,
        )
        .changing(None, Some(name.to_owned()))
    }

    /// An admin changed an area's name, description, position or activity;
    /// `from` and `to` are JSON of the fields that changed.
    pub fn thematic_area_updated(code: &str, from: String, to: String) -> AuditEvent {
        AuditEvent::new(
            AuditAction::ThematicAreaUpdated,
            TargetType::ThematicArea,
            code,
        )
        .changing(Some(from), Some(to))
    }

    pub fn outbox_retried(id: MessageId, from: String, reason: Option<String>) -> AuditEvent {
        AuditEvent::new(AuditAction::OutboxRetried, TargetType::Outbox, id)
            .changing(Some(from), Some("pending".to_owned()))
            .with_reason(reason)
    }

    pub fn staff_created(id: StaffId, role: super::Role) -> AuditEvent {
        AuditEvent::new(AuditAction::StaffCreated, TargetType::Staff, id)
            .changing(None, Some(role.to_string()))
    }

    pub fn staff_deactivated(id: StaffId, role: super::Role) -> AuditEvent {
        AuditEvent::new(AuditAction::StaffDeactivated, TargetType::Staff, id)
            .changing(Some(role.to_string()), None)
    }

    /// An admin changed an account's name, role or activity; `from` and
    /// `to` are JSON of those fields.
    pub fn staff_updated(id: StaffId, from: String, to: String) -> AuditEvent {
        AuditEvent::new(AuditAction::StaffUpdated, TargetType::Staff, id)
            .changing(Some(from), Some(to))
    }

    /// A new token replaced the account's old one (neither is recorded).
    pub fn staff_token_issued(id: StaffId) -> AuditEvent {
        AuditEvent::new(AuditAction::StaffTokenIssued, TargetType::Staff, id)
    }

    /// An admin ended every console session of an account; `to` is how many.
    pub fn staff_sessions_ended(id: StaffId, ended: usize) -> AuditEvent {
        AuditEvent::new(AuditAction::StaffSessionsEnded, TargetType::Staff, id)
            .changing(None, Some(ended.to_string()))
    }

    /// A staff member signed in to the console; `method` says how
    /// (`email_link`, `oidc`).
    pub fn console_signed_in(id: StaffId, method: &str) -> AuditEvent {
        AuditEvent::new(AuditAction::ConsoleSignedIn, TargetType::Staff, id)
            .changing(None, Some(method.to_owned()))
    }

    /// A staff member signed out of the console.
    pub fn console_signed_out(id: StaffId) -> AuditEvent {
        AuditEvent::new(AuditAction::ConsoleSignedOut, TargetType::Staff, id)
    }

    /// An erasure of personal data; `details` is the report as JSON.
    pub fn erasure(action: ErasureKind, reason: Option<String>, details: String) -> AuditEvent {
        let action = match action {
            ErasureKind::Request => AuditAction::ErasureRequest,
            ErasureKind::Retention => AuditAction::RetentionErasure,
        };
        AuditEvent::operation(action, TargetType::PersonalData)
            .with_reason(reason)
            .with_details(Some(details))
    }

    /// An export with personal data; `details` gives its filters and rows.
    pub fn personal_data_exported(rows: u64, details: String) -> AuditEvent {
        AuditEvent::operation(AuditAction::PersonalDataExported, TargetType::Export)
            .changing(None, Some(rows.to_string()))
            .with_details(Some(details))
    }

    /// The indicator's counters rebuilt from the contributions (`rinasce
    /// indicators --repair`); `details` lists the counters that were wrong,
    /// with what they held and what the rows gave.
    pub fn indicator_counters_rebuilt(details: String) -> AuditEvent {
        AuditEvent::operation(AuditAction::IndicatorCountersRebuilt, TargetType::Indicator)
            .with_details(Some(details))
    }
}

/// Why personal data was erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErasureKind {
    /// A person asked (GDPR art. 17).
    Request,
    /// The retention period ran out.
    Retention,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_area_move_and_an_area_change_are_different_actions() {
        let id = ContributionId::generate();
        let moved = AuditEvent::contribution_area_changed(id, "a", "b");
        let changed = AuditEvent::thematic_area_updated("a", "{}".into(), "{}".into());
        assert_ne!(moved.action.as_str(), changed.action.as_str());
        assert_eq!(moved.target_type, TargetType::Contribution);
        assert_eq!(changed.target_type, TargetType::ThematicArea);
    }

    #[test]
    fn operations_get_a_target_of_their_own() {
        let a = AuditEvent::bulk_action(None, "{}".into());
        let b = AuditEvent::bulk_action(None, "{}".into());
        assert_ne!(a.target_id, b.target_id);
    }
}
