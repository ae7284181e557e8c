//! What the outbox stores about an e-mail.

use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

use super::contribution::text_enum;
use super::FieldIssue;

text_enum!(
    /// Where an e-mail stands. `failed` waits for an admin's retry;
    /// `cancelled` was stopped by an erasure.
    OutboxStatus {
        Pending => "pending",
        Sent => "sent",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// Which message an e-mail is.
    MessageKind {
        Acknowledgement => "acknowledgement",
        Outcome => "outcome",
        Digest => "digest",
        TargetReached => "target_reached",
        SignInLink => "sign_in_link",
    }
);
