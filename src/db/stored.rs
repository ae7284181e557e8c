//! How typed values are stored: closed sets of values and identifiers as
//! text on both backends. A stored value that does not parse is an error
//! naming the column and the value, never a silent default.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use super::connection::MultiBackend;
use super::DbError;

use crate::domain::{
    AuditAction, AuditEventId, AuthorKind, Channel, ContributionId, ContributionStatus, MessageId,
    MessageKind, NoteId, OutboxStatus, Role, StaffId, TargetType,
};

/// A stored text that is not one of the values its column may hold.
#[derive(Debug, thiserror::Error)]
#[error("{column} holds {value:?}, which is not a valid {what}")]
pub struct UnknownStoredValue {
    pub column: &'static str,
    pub what: &'static str,
    pub value: String,
}

/// Reading: the text, parsed; an unknown value names its column.
/// Names the row a lookup by id read, when one of its values did not parse:
/// `contributions 0190… : contributions.status holds "x", …`.
pub fn naming_row<T>(
    result: diesel::QueryResult<T>,
    table: &str,
    id: impl std::fmt::Display,
) -> Result<T, DbError> {
    result.map_err(|error| match error {
        diesel::result::Error::DeserializationError(source) => DbError::StoredValue {
            row: format!("{table} {id}"),
            problem: error_chain(source.as_ref()),
        },
        other => other.into(),
    })
}

/// An error and its causes on one line: diesel wraps ours in one that names
/// only the field.
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(error) = cause {
        text.push_str(": ");
        text.push_str(&error.to_string());
        cause = error.source();
    }
    text
}

macro_rules! read_from_text {
    ($type:ty, $column:literal, $what:literal, $parse:expr) => {
        impl<DB> FromSql<Text, DB> for $type
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                let value = String::from_sql(bytes)?;
                let parse: fn(&str) -> Option<$type> = $parse;
                parse(&value).ok_or_else(|| {
                    UnknownStoredValue {
                        column: $column,
                        what: $what,
                        value,
                    }
                    .into()
                })
            }
        }
    };
}

/// A closed set of values: written as its `&'static str`, on any backend.
macro_rules! stored_enum {
    ($type:ty, $column:literal, $what:literal) => {
        read_from_text!($type, $column, $what, |raw| <$type>::parse(raw).ok());

        impl<DB> ToSql<Text, DB> for $type
        where
            DB: Backend,
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(self.as_str(), out)
            }
        }
    };
}

/// An identifier: written as its hyphenated text. The text is made on the
/// spot, so each backend takes it in its own way.
macro_rules! stored_id {
    ($type:ty, $what:literal) => {
        read_from_text!($type, "an id column", $what, <$type>::parse);

        impl ToSql<Text, Pg> for $type {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(&self.to_string(), &mut out.reborrow())
            }
        }

        impl ToSql<Text, Sqlite> for $type {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.to_string());
                Ok(serialize::IsNull::No)
            }
        }

        impl ToSql<Text, MultiBackend> for $type {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(serialize::IsNull::No)
            }
        }
    };
}

stored_enum!(ContributionStatus, "contributions.status", "status");
stored_enum!(Channel, "contributions.channel", "channel");
stored_enum!(AuthorKind, "contributions.author_kind", "author kind");
stored_enum!(Role, "staff.role", "role");
stored_enum!(OutboxStatus, "outbox.status", "outbox status");
stored_enum!(MessageKind, "outbox.kind", "message kind");
stored_enum!(AuditAction, "audit_events.action", "audit action");
stored_enum!(TargetType, "audit_events.target_type", "audit target type");

stored_id!(ContributionId, "contribution id");
stored_id!(StaffId, "staff id");
stored_id!(NoteId, "note id");
stored_id!(MessageId, "message id");
stored_id!(AuditEventId, "audit event id");
