//! Rows as stored, typed: statuses, channels, author kinds and ids are read
//! into domain types at this boundary (see `stored`), so no view re-parses them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{contributions, idempotency_keys, status_links, thematic_areas};
use crate::domain::indicator_counts::CountedFacts;
use crate::domain::{AuthorKind, Channel, ContributionId, ContributionStatus, StaffId};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = thematic_areas)]
pub struct ThematicAreaRow {
    pub code: String,
    pub name: String,
    pub description: String,
    pub position: i32,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = thematic_areas)]
pub struct NewThematicAreaRow<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub position: i32,
    pub active: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A whole contribution row, personal data included: never serialise it
/// directly; the HTTP layer picks what each audience may see.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = contributions)]
pub struct ContributionRow {
    pub seq: i64,
    pub id: ContributionId,
    pub channel: Channel,
    pub status: ContributionStatus,
    pub status_reason: Option<String>,
    pub duplicate_of: Option<ContributionId>,
    pub thematic_area: String,
    pub title: String,
    pub body: String,
    pub author_kind: AuthorKind,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub organization_name: Option<String>,
    pub email: Option<String>,
    pub quartiere: Option<i16>,
    pub contact_consent: bool,
    pub privacy_notice_accepted: bool,
    pub registered_by: Option<StaffId>,
    pub received_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub personal_data_erased_at: Option<NaiveDateTime>,
    pub version: i64,
}

impl ContributionRow {
    /// What the indicator counts of it.
    pub fn counted_facts(&self) -> CountedFacts<'_> {
        CountedFacts {
            channel: self.channel,
            status: self.status,
            thematic_area: &self.thematic_area,
            quartiere: self.quartiere,
            author_kind: self.author_kind,
            day: self.received_at.date(),
        }
    }
}

/// `None` is bound as NULL rather than written as DEFAULT, so the statement
/// text is always the same and PostgreSQL keeps it prepared.
#[derive(Clone, Debug, Insertable)]
#[diesel(table_name = contributions, treat_none_as_default_value = false)]
pub struct NewContributionRow {
    pub id: ContributionId,
    pub channel: Channel,
    pub status: ContributionStatus,
    pub status_reason: Option<String>,
    pub thematic_area: String,
    pub title: String,
    pub body: String,
    /// Search terms of the title, the body and the author
    /// (`domain::search`).
    pub search_title: String,
    pub search_body: String,
    pub search_author: Option<String>,
    pub author_kind: AuthorKind,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub organization_name: Option<String>,
    pub email: Option<String>,
    /// `email` as erasure matches it (`domain::normalise_email`).
    pub email_normalised: Option<String>,
    /// What the export pseudonym is derived from: random at submission, the
    /// address's group once its author confirms it (`app::authors`).
    pub author_group: Option<String>,
    pub author_confirmed_at: Option<NaiveDateTime>,
    /// SHA-256 of the token of the acknowledgement's confirmation link.
    pub confirmation_token_hash: Option<String>,
    pub quartiere: Option<i16>,
    pub contact_consent: bool,
    pub privacy_notice_accepted: bool,
    pub registered_by: Option<StaffId>,
    pub received_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl NewContributionRow {
    /// What the indicator counts of it.
    pub fn counted_facts(&self) -> CountedFacts<'_> {
        CountedFacts {
            channel: self.channel,
            status: self.status,
            thematic_area: &self.thematic_area,
            quartiere: self.quartiere,
            author_kind: self.author_kind,
            day: self.received_at.date(),
        }
    }
}

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    /// Whose key it is (`app::idempotency::IdempotencyScope`).
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub contribution_id: ContributionId,
    /// The answer to replay; `None` when a replay reads the contribution.
    pub response_body: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = status_links)]
pub struct StatusLinkRow {
    pub token_hash: String,
    pub contribution_id: ContributionId,
    pub created_at: NaiveDateTime,
}
