//! The moderation status machine.

use super::contribution::text_enum;
use super::FieldIssue;
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

text_enum!(
    /// Where a contribution stands in moderation. `approved` means published.
    ContributionStatus {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        Spam => "spam",
        Duplicate => "duplicate",
        Hidden => "hidden",
    }
);

impl ContributionStatus {
    /// Whether moderation may move a contribution from `self` to `next`.
    pub fn can_become(self, next: ContributionStatus) -> bool {
        use ContributionStatus::*;
        matches!(
            (self, next),
            (Pending, Approved | Rejected | Spam | Duplicate)
                | (Approved, Hidden)
                | (Hidden, Approved)
                | (Rejected | Spam | Duplicate, Pending)
        )
    }

    /// Statuses that need a `status_reason` to be entered.
    pub fn requires_reason(self) -> bool {
        matches!(
            self,
            ContributionStatus::Rejected | ContributionStatus::Hidden
        )
    }

    /// Whether a form contribution in this status counts toward the indicator.
    pub fn is_counted(self) -> bool {
        !matches!(
            self,
            ContributionStatus::Spam | ContributionStatus::Duplicate
        )
    }
}

#[cfg(test)]
mod tests {
    use super::ContributionStatus::{self, *};

    #[test]
    fn every_pair_of_states() {
        let allowed = [
            (Pending, Approved),
            (Pending, Rejected),
            (Pending, Spam),
            (Pending, Duplicate),
            (Approved, Hidden),
            (Hidden, Approved),
            (Rejected, Pending),
            (Spam, Pending),
            (Duplicate, Pending),
        ];
        for &from in ContributionStatus::ALL {
            for &to in ContributionStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn reasons_and_counting() {
        assert!(Rejected.requires_reason() && Hidden.requires_reason());
        assert!(!Approved.requires_reason());
        assert!(!Spam.is_counted() && !Duplicate.is_counted());
        assert!(Pending.is_counted() && Rejected.is_counted() && Hidden.is_counted());
    }
}
