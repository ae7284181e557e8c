//! Identifiers of stored things: UUIDs that cannot be mixed up, so a staff id
//! is never passed where a contribution id is expected.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Stored as hyphenated text; `db::stored` maps it to and from the column.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[derive(diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new identifier, ordered by creation time (UUIDv7).
            pub fn generate() -> $name {
                $name(Uuid::now_v7())
            }

            /// `None` for anything that is not a UUID.
            pub fn parse(raw: &str) -> Option<$name> {
                Uuid::parse_str(raw.trim()).ok().map($name)
            }

            pub fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> $name {
                $name(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

entity_id!(
    /// A contribution.
    ContributionId
);
entity_id!(
    /// A staff account.
    StaffId
);
entity_id!(
    /// An internal note on a contribution.
    NoteId
);
entity_id!(
    /// An e-mail in the outbox.
    MessageId
);
entity_id!(
    /// An event of the audit log.
    AuditEventId
);

#[cfg(test)]
mod tests {
    use super::ContributionId;

    #[test]
    fn ids_parse_only_uuids_and_print_hyphenated() {
        let id = ContributionId::generate();
        assert_eq!(ContributionId::parse(&id.to_string()), Some(id));
        assert_eq!(ContributionId::parse("RF-000001"), None);
        assert_eq!(id.to_string().len(), 36);
    }
}
