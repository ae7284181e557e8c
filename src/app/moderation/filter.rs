//! The moderation queue's filters, read from their query text. The queue,
//! the research exports and the command line take the same.

use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app::listing;
use crate::app::AppError;
use crate::db::contributions::{ModerationFilter, Order};
use crate::db::{tags, thematic_areas, DbConnection};
use crate::domain::query::{parse_quartiere, query_list, query_text};
use crate::domain::{
    AuthorKind, Channel, ContributionStatus, FieldErrors, FieldIssue, TagName, ThematicAreaCode,
};

/// Filters of the moderation queue; exports take the same.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModerationQuery {
    /// Only these statuses, comma-separated (e.g. `pending,hidden`).
    #[param(max_length = 200, example = "pending,hidden")]
    pub status: Option<String>,
    /// Area codes, comma-separated; each must exist (422 otherwise).
    #[param(max_length = 200, example = "mobilita-green")]
    pub thematic_area: Option<String>,
    /// Tags, comma-separated, written as slugs or as words (`Mercati
    /// Rionali` is `mercati-rionali`); each must exist (422 otherwise).
    #[param(max_length = 200, example = "piste-ciclabili")]
    pub tag: Option<String>,
    /// Quartiere numbers 1–5, comma-separated.
    #[param(max_length = 20, example = "1,3")]
    pub quartiere: Option<String>,
    /// Channels (`form`, `event`, `email`, `paper`), comma-separated.
    #[param(max_length = 50, example = "event,paper")]
    pub channel: Option<String>,
    /// Author kinds, comma-separated.
    #[param(max_length = 100, example = "citizen")]
    pub author_kind: Option<String>,
    /// Words that must all appear (AND) in the title or text, or a receipt
    /// reference such as `RF-000042`. Searched through the full-text index:
    /// case and accents are ignored, each word matches its inflections
    /// (Italian stemming: `ciclabili` finds `ciclabile`), and Italian stop
    /// words (`il`, `della`, `per`…) are left out; a query of stop words
    /// only matches nothing. Text between double quotes is a phrase, its
    /// words in that order. In the moderation queue each word may instead
    /// match the author's names, organisation or e-mail address (whole
    /// words, not stemmed); exports never match personal data.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Received at or after this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub received_from: Option<String>,
    /// Received before this time (RFC 3339).
    #[param(value_type = Option<DateTime<Utc>>)]
    pub received_to: Option<String>,
    /// `received_at` (oldest first, the default), `-received_at`, or
    /// `relevance` (best match of `q` first, then newest first; only with
    /// words in `q`, 422 otherwise).
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
    /// The filters, collecting every invalid parameter. Whether the values
    /// exist is checked against storage by [`check_known`].
    pub fn filter(&self, errors: &mut FieldErrors) -> ModerationFilter {
        ModerationFilter {
            statuses: query_list(
                self.status.as_deref(),
                "status",
                errors,
                ContributionStatus::parse,
            ),
            excluded_statuses: Vec::new(),
            thematic_areas: query_list(
                self.thematic_area.as_deref(),
                "thematic_area",
                errors,
                |item| ThematicAreaCode::parse(item).map(|code| code.as_str().to_owned()),
            ),
            tags: query_list(self.tag.as_deref(), "tag", errors, |item| {
                TagName::from_words(item).map(|tag| tag.as_str().to_owned())
            }),
            quartieri: query_list(
                self.quartiere.as_deref(),
                "quartiere",
                errors,
                parse_quartiere,
            )
            .into_iter()
            .map(|q| i16::from(q.number()))
            .collect(),
            channels: query_list(self.channel.as_deref(), "channel", errors, Channel::parse),
            author_kinds: query_list(
                self.author_kind.as_deref(),
                "author_kind",
                errors,
                AuthorKind::parse,
            ),
            text: query_text(self.q.as_deref(), "q", errors),
            text_matches_author: false,
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
            sequence: None,
        }
    }

    /// The order `sort` asks for.
    pub fn order(&self, errors: &mut FieldErrors) -> Order {
        const OLDEST_FIRST: Order = Order::Arrival {
            newest_first: false,
        };
        listing::order(
            self.sort.as_deref(),
            &[
                ("received_at", OLDEST_FIRST),
                ("-received_at", Order::Arrival { newest_first: true }),
                ("relevance", Order::Relevance),
            ],
            OLDEST_FIRST,
            self.q.as_deref(),
            errors,
        )
    }
}

/// Refuses filter values that name nothing that exists, such as an area or
/// a tag never created: they would silently give an empty list or export.
pub fn check_known(conn: &mut DbConnection, filter: &ModerationFilter) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    let areas: Vec<String> = thematic_areas::list(conn, false)?
        .into_iter()
        .map(|area| area.code)
        .collect();
    if filter
        .thematic_areas
        .iter()
        .any(|code| !areas.contains(code))
    {
        errors.add("thematic_area", FieldIssue::UnknownValue { allowed: areas });
    }
    let existing = tags::existing(conn, &filter.tags)?;
    for tag in filter.tags.iter().filter(|tag| !existing.contains(*tag)) {
        errors.add("tag", FieldIssue::NoSuchValue { value: tag.clone() });
    }
    Ok(errors.finish(Some(()))?)
}
