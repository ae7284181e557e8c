//! The moderation queue's filters, read from their query text. The queue,
//! the research exports and the command line take the same.

use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::db::contributions::ModerationFilter;
use crate::domain::query::{query_quartiere, query_text};
use crate::domain::{AuthorKind, Channel, ContributionStatus, FieldErrors, FieldIssue};

/// Filters of the moderation queue; exports take the same.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModerationQuery {
    /// Only these statuses, comma-separated (e.g. `pending,hidden`).
    #[param(max_length = 100, example = "pending")]
    pub status: Option<String>,
    #[param(max_length = 64)]
    pub thematic_area: Option<String>,
    #[param(max_length = 50)]
    pub tag: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 5)]
    pub quartiere: Option<String>,
    #[param(value_type = Option<Channel>)]
    pub channel: Option<String>,
    #[param(value_type = Option<AuthorKind>)]
    pub author_kind: Option<String>,
    /// Words of the title or text, or a receipt reference such as `RF-000042`.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Received at or after this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub received_from: Option<String>,
    /// Received before this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub received_to: Option<String>,
    /// `received_at` (oldest first, the default) or `-received_at`.
    #[param(max_length = 20, example = "received_at")]
    pub sort: Option<String>,
    #[param(max_length = 200)]
    pub cursor: Option<String>,
    #[param(value_type = Option<i32>, format = Int32, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
}

fn parse_timestamp(raw: &str) -> Result<NaiveDateTime, FieldIssue> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|t| t.naive_utc())
        .map_err(|_| FieldIssue::InvalidTimestamp)
}

fn parse_field<T>(
    raw: Option<&str>,
    field: &str,
    errors: &mut FieldErrors,
    parse: impl FnOnce(&str) -> Result<T, FieldIssue>,
) -> Option<T> {
    match parse(raw?) {
        Ok(value) => Some(value),
        Err(issue) => {
            errors.add(field, issue);
            None
        }
    }
}

impl ModerationQuery {
    /// The filters, collecting every invalid parameter.
    pub fn filter(&self, errors: &mut FieldErrors) -> ModerationFilter {
        let statuses = parse_field(self.status.as_deref(), "status", errors, |raw| {
            raw.split(',')
                .map(|s| ContributionStatus::parse(s.trim()))
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_default();

        ModerationFilter {
            statuses,
            excluded_statuses: Vec::new(),
            thematic_area: query_text(self.thematic_area.as_deref(), "thematic_area", errors),
            tag: query_text(self.tag.as_deref(), "tag", errors),
            quartiere: query_quartiere(self.quartiere.as_deref(), errors)
                .map(|q| i16::from(q.number())),
            channel: parse_field(self.channel.as_deref(), "channel", errors, Channel::parse),
            author_kind: parse_field(
                self.author_kind.as_deref(),
                "author_kind",
                errors,
                AuthorKind::parse,
            ),
            text: query_text(self.q.as_deref(), "q", errors),
            received_from: parse_field(
                self.received_from.as_deref(),
                "received_from",
                errors,
                parse_timestamp,
            ),
            received_to: parse_field(
                self.received_to.as_deref(),
                "received_to",
                errors,
                parse_timestamp,
            ),
        }
    }

    /// Whether `sort` asks for the newest first.
    pub fn newest_first(&self, errors: &mut FieldErrors) -> bool {
        match self.sort.as_deref() {
            None | Some("received_at") => false,
            Some("-received_at") => true,
            Some(_) => {
                errors.add(
                    "sort",
                    FieldIssue::UnknownValue {
                        allowed: vec!["received_at".into(), "-received_at".into()],
                    },
                );
                false
            }
        }
    }
}
