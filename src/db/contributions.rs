//! Contribution queries shared by the public API, moderation and the commands.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::models::{ContributionRow, NewContributionRow};
use super::schema::contributions;
use super::search::{author_patterns, text_patterns};
use super::stored::naming_row;
use super::{on_backend, DbConnection, DbError};
use crate::domain::{
    normalise_email, AuthorKind, Channel, ContributionId, ContributionStatus, Quartiere, Reference,
};

pub fn insert(
    conn: &mut DbConnection,
    row: &NewContributionRow,
) -> Result<ContributionRow, DbError> {
    Ok(on_backend!(conn, |conn| diesel::insert_into(
        contributions::table
    )
    .values(row)
    .returning(ContributionRow::as_returning())
    .get_result(conn))?)
}

/// Inserts several rows with one statement and returns them as stored, in
/// no promised order.
pub fn insert_all(
    conn: &mut DbConnection,
    rows: &[NewContributionRow],
) -> Result<Vec<ContributionRow>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_backend!(conn, |conn| diesel::insert_into(
        contributions::table
    )
    .values(rows)
    .returning(ContributionRow::as_returning())
    .get_results(conn))?)
}

pub fn find_by_id(
    conn: &mut DbConnection,
    id: ContributionId,
) -> Result<Option<ContributionRow>, DbError> {
    let found = contributions::table
        .filter(contributions::id.eq(id))
        .select(ContributionRow::as_select())
        .first(conn)
        .optional();
    naming_row(found, "contributions", id)
}

/// The contribution with receipt reference `reference`.
pub fn find_by_reference(
    conn: &mut DbConnection,
    reference: Reference,
) -> Result<Option<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::seq.eq(reference.sequence()))
        .select(ContributionRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_published(
    conn: &mut DbConnection,
    id: ContributionId,
) -> Result<Option<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::id.eq(id))
        .filter(contributions::status.eq(ContributionStatus::Approved.as_str()))
        .select(ContributionRow::as_select())
        .first(conn)
        .optional()?)
}

/// A published contribution by its receipt reference.
pub fn find_published_by_seq(
    conn: &mut DbConnection,
    seq: i64,
) -> Result<Option<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::seq.eq(seq))
        .filter(contributions::status.eq(ContributionStatus::Approved.as_str()))
        .select(ContributionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Filters of the public listing.
#[derive(Clone, Debug, Default)]
pub struct PublishedFilter {
    pub thematic_area: Option<String>,
    pub quartiere: Option<Quartiere>,
    pub text: Option<String>,
    /// The contribution with this receipt number only.
    pub sequence: Option<i64>,
}

/// Where a page stopped in a listing ordered by a time and the sequence
/// (publication time for the public, arrival time for moderators).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub at: NaiveDateTime,
    pub seq: i64,
}

/// Approved contributions, newest publication first, `limit + 1` rows at most
/// so that the caller knows whether another page follows.
/// Approved contributions matching `filter`, unordered.
fn published_matching(filter: &PublishedFilter) -> contributions::BoxedQuery<'static, Backend> {
    let mut query = contributions::table
        .filter(contributions::status.eq(ContributionStatus::Approved.as_str()))
        .into_boxed();
    if let Some(area) = &filter.thematic_area {
        query = query.filter(contributions::thematic_area.eq(area.clone()));
    }
    if let Some(quartiere) = filter.quartiere {
        query = query.filter(contributions::quartiere.eq(i16::from(quartiere.number())));
    }
    if let Some(sequence) = filter.sequence {
        query = query.filter(contributions::seq.eq(sequence));
    }
    for pattern in text_patterns(filter.text.as_deref()) {
        query = query.filter(contributions::search_text.like(pattern).escape('\\'));
    }
    query
}

/// How many approved contributions match `filter`, on every page.
pub fn count_published(conn: &mut DbConnection, filter: &PublishedFilter) -> Result<i64, DbError> {
    Ok(published_matching(filter).count().get_result(conn)?)
}

pub fn list_published(
    conn: &mut DbConnection,
    filter: &PublishedFilter,
    after: Option<Position>,
    limit: i64,
) -> Result<Vec<ContributionRow>, DbError> {
    let mut query = published_matching(filter)
        .select(ContributionRow::as_select())
        .order((
            contributions::published_at.desc(),
            contributions::seq.desc(),
        ))
        .limit(limit + 1);
    if let Some(position) = after {
        query = query.filter(
            contributions::published_at
                .lt(position.at)
                .or(contributions::published_at
                    .eq(position.at)
                    .and(contributions::seq.lt(position.seq))),
        );
    }
    Ok(query.load(conn)?)
}

type Backend = <DbConnection as diesel::Connection>::Backend;

/// Filters of the moderation queue and of the research exports. Each list
/// keeps the rows matching any of its values (any value when empty); the
/// filters together keep the rows matching all of them.
#[derive(Clone, Debug, Default)]
pub struct ModerationFilter {
    pub statuses: Vec<ContributionStatus>,
    /// Never these statuses.
    pub excluded_statuses: Vec<ContributionStatus>,
    pub thematic_areas: Vec<String>,
    pub tags: Vec<String>,
    pub quartieri: Vec<i16>,
    pub channels: Vec<Channel>,
    pub author_kinds: Vec<AuthorKind>,
    /// Words of the title or body, or a receipt reference (`RF-000042`).
    pub text: Option<String>,
    /// Whether `text` also matches the author's names, organisation and
    /// e-mail: for staff only, never for exports or the public.
    pub text_matches_author: bool,
    /// Received at or after.
    pub received_from: Option<NaiveDateTime>,
    /// Received before.
    pub received_to: Option<NaiveDateTime>,
}

diesel::define_sql_function! {
    /// Lowercase (ASCII letters only on SQLite).
    fn lower(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

fn filtered(
    filter: &ModerationFilter,
) -> contributions::BoxedQuery<'static, Backend, ContributionRowSql> {
    use super::schema::contribution_tags;
    let mut query = contributions::table
        .select(ContributionRow::as_select())
        .into_boxed();
    if !filter.statuses.is_empty() {
        query = query.filter(contributions::status.eq_any(filter.statuses.clone()));
    }
    if !filter.excluded_statuses.is_empty() {
        query = query.filter(contributions::status.ne_all(filter.excluded_statuses.clone()));
    }
    if !filter.thematic_areas.is_empty() {
        query = query.filter(contributions::thematic_area.eq_any(filter.thematic_areas.clone()));
    }
    if !filter.tags.is_empty() {
        let tagged = contribution_tags::table
            .filter(contribution_tags::tag.eq_any(filter.tags.clone()))
            .select(contribution_tags::contribution_id);
        query = query.filter(contributions::id.eq_any(tagged));
    }
    if !filter.quartieri.is_empty() {
        query = query.filter(contributions::quartiere.eq_any(filter.quartieri.clone()));
    }
    if !filter.channels.is_empty() {
        query = query.filter(contributions::channel.eq_any(filter.channels.clone()));
    }
    if !filter.author_kinds.is_empty() {
        query = query.filter(contributions::author_kind.eq_any(filter.author_kinds.clone()));
    }
    if let Some(reference) = filter
        .text
        .as_deref()
        .and_then(crate::domain::Reference::parse)
    {
        query = query.filter(contributions::seq.eq(reference.sequence()));
    } else if filter.text_matches_author {
        for (folded, lowered) in author_patterns(filter.text.as_deref()) {
            query = query.filter(
                contributions::search_text
                    .like(folded)
                    .escape('\\')
                    .nullable()
                    .or(lower(contributions::given_name)
                        .like(lowered.clone())
                        .escape('\\'))
                    .or(lower(contributions::family_name)
                        .like(lowered.clone())
                        .escape('\\'))
                    .or(lower(contributions::organization_name)
                        .like(lowered.clone())
                        .escape('\\'))
                    .or(contributions::email_normalised.like(lowered).escape('\\'))
                    .assume_not_null(),
            );
        }
    } else {
        for pattern in text_patterns(filter.text.as_deref()) {
            query = query.filter(contributions::search_text.like(pattern).escape('\\'));
        }
    }
    if let Some(from) = filter.received_from {
        query = query.filter(contributions::received_at.ge(from));
    }
    if let Some(to) = filter.received_to {
        query = query.filter(contributions::received_at.lt(to));
    }
    query
}

type ContributionRowSql = diesel::dsl::AsSelect<ContributionRow, Backend>;

/// One page of the moderation queue in order of arrival, `limit + 1` rows at most.
pub fn list_for_moderation(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    newest_first: bool,
    after: Option<Position>,
    limit: i64,
) -> Result<Vec<ContributionRow>, DbError> {
    let mut query = filtered(filter).limit(limit + 1);
    query = if newest_first {
        query.order((contributions::received_at.desc(), contributions::seq.desc()))
    } else {
        query.order((contributions::received_at.asc(), contributions::seq.asc()))
    };
    if let Some(position) = after {
        let same_time = contributions::received_at.eq(position.at);
        query = if newest_first {
            query.filter(
                contributions::received_at
                    .lt(position.at)
                    .or(same_time.and(contributions::seq.lt(position.seq))),
            )
        } else {
            query.filter(
                contributions::received_at
                    .gt(position.at)
                    .or(same_time.and(contributions::seq.gt(position.seq))),
            )
        };
    }
    Ok(query.load(conn)?)
}

/// How many rows the filter keeps.
pub fn count_matching(conn: &mut DbConnection, filter: &ModerationFilter) -> Result<i64, DbError> {
    Ok(filtered(filter).count().get_result(conn)?)
}

/// How many rows the filter keeps in each status, whatever its `statuses`
/// (one count per status: diesel cannot group a boxed query).
pub fn count_by_status(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
) -> Result<Vec<(ContributionStatus, i64)>, DbError> {
    ContributionStatus::ALL
        .iter()
        .map(|&status| {
            let one_status = ModerationFilter {
                statuses: vec![status],
                ..filter.clone()
            };
            let count: i64 = filtered(&one_status).count().get_result(conn)?;
            Ok((status, count))
        })
        .collect()
}

/// What a moderation step changes; `None` leaves a column as it is.
#[derive(Clone, Debug, Default, AsChangeset)]
#[diesel(table_name = contributions)]
pub struct ModerationChanges {
    pub status: Option<ContributionStatus>,
    pub status_reason: Option<Option<String>>,
    pub duplicate_of: Option<Option<ContributionId>>,
    pub thematic_area: Option<String>,
    pub published_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` if the row is still at `version`; false when someone
/// else changed it first.
pub fn update_if_version(
    conn: &mut DbConnection,
    id: ContributionId,
    version: i64,
    changes: &ModerationChanges,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        contributions::table
            .filter(contributions::id.eq(id))
            .filter(contributions::version.eq(version)),
    )
    .set((
        changes,
        contributions::version.eq(version + 1),
        contributions::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// A new version of each of `ids`, changed by something other than a step
/// on it (its tag renamed or merged): a client holding an older one gets 412.
pub fn touch_all(
    conn: &mut DbConnection,
    ids: &[ContributionId],
    now: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::update(contributions::table.filter(contributions::id.eq_any(ids)))
        .set((
            contributions::version.eq(contributions::version + 1),
            contributions::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sequence numbers visible in `(above, up_to]`.
pub fn seqs_between(conn: &mut DbConnection, above: i64, up_to: i64) -> Result<Vec<i64>, DbError> {
    Ok(contributions::table
        .filter(contributions::seq.gt(above))
        .filter(contributions::seq.le(up_to))
        .select(contributions::seq)
        .load(conn)?)
}

/// Sequence number, id, title and body of the rows with these numbers.
pub fn texts_of(
    conn: &mut DbConnection,
    seqs: &[i64],
) -> Result<Vec<(i64, ContributionId, String, String)>, DbError> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    Ok(contributions::table
        .filter(contributions::seq.eq_any(seqs))
        .order(contributions::seq.asc())
        .select(TEXT_COLUMNS)
        .load(conn)?)
}

const TEXT_COLUMNS: (
    contributions::seq,
    contributions::id,
    contributions::title,
    contributions::body,
) = (
    contributions::seq,
    contributions::id,
    contributions::title,
    contributions::body,
);

/// Title and body of contributions after `seq`, in order, for indexing.
pub fn texts_after(
    conn: &mut DbConnection,
    seq: i64,
    batch: i64,
) -> Result<Vec<(i64, ContributionId, String, String)>, DbError> {
    Ok(contributions::table
        .filter(contributions::seq.gt(seq))
        .order(contributions::seq.asc())
        .limit(batch)
        .select(TEXT_COLUMNS)
        .load(conn)?)
}

pub fn find_many(
    conn: &mut DbConnection,
    ids: &[ContributionId],
) -> Result<Vec<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::id.eq_any(ids))
        .select(ContributionRow::as_select())
        .load(conn)?)
}

/// How many contributions wait for review, and since when.
pub fn pending_summary(conn: &mut DbConnection) -> Result<(i64, Option<NaiveDateTime>), DbError> {
    // Demo rows are left out: they never cause a real notice.
    let pending = || {
        contributions::table
            .filter(contributions::status.eq(ContributionStatus::Pending.as_str()))
            .filter(contributions::demo.eq(false))
    };
    let count: i64 = pending().count().get_result(conn)?;
    let oldest: Option<NaiveDateTime> = pending()
        .select(diesel::dsl::min(contributions::received_at))
        .first(conn)?;
    Ok((count, oldest))
}

/// What a research export reads of a contribution: no notes, no internal
/// fields. Names and e-mail are read for the pseudonym and for admins'
/// exports with personal data; the export decides what it writes.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = contributions)]
pub struct ExportSourceRow {
    pub seq: i64,
    pub id: ContributionId,
    pub channel: Channel,
    pub status: ContributionStatus,
    pub thematic_area: String,
    pub title: String,
    pub body: String,
    pub author_kind: AuthorKind,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub organization_name: Option<String>,
    pub email: Option<String>,
    /// What the pseudonym is derived from.
    pub author_group: Option<String>,
    pub quartiere: Option<i16>,
    pub received_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub status_reason: Option<String>,
    /// The sequence number of the original of a duplicate.
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(
        "(SELECT o.seq FROM contributions o WHERE o.id = contributions.duplicate_of)"
    ))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>)]
    pub duplicate_of_seq: Option<i64>,
    /// The meeting it was handed in at: its name, day and quartiere.
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
        "(SELECT m.name FROM contribution_meetings m WHERE m.contribution_id = contributions.id)"
    ))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Text>>)]
    pub meeting_name: Option<String>,
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Date>>(
        "(SELECT m.held_on FROM contribution_meetings m WHERE m.contribution_id = contributions.id)"
    ))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Date>>)]
    pub meeting_date: Option<chrono::NaiveDate>,
    #[diesel(select_expression = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::SmallInt>>(
        "(SELECT m.quartiere FROM contribution_meetings m WHERE m.contribution_id = contributions.id)"
    ))]
    #[diesel(select_expression_type = diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::SmallInt>>)]
    pub meeting_quartiere: Option<i16>,
}

/// The highest sequence number so far: an export reads up to it, so rows
/// arriving meanwhile do not extend it without end.
pub fn max_seq(conn: &mut DbConnection) -> Result<i64, DbError> {
    let max: Option<i64> = contributions::table
        .select(diesel::dsl::max(contributions::seq))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// One keyset batch of an export: the filtered rows with `after < seq <=
/// until`, in sequence order, `limit` at most, each with its tags sorted and
/// comma-separated (`None` without tags). The next batch starts after the
/// last `seq` returned; an empty batch ends the export. The tags come from a
/// correlated subquery, so each row costs one probe of the tags' primary key
/// instead of a scan of the whole tag table per batch.
pub fn export_batch(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    after: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<(ExportSourceRow, Option<String>)>, DbError> {
    let aggregate = match conn {
        DbConnection::Pg(_) => "string_agg",
        DbConnection::Sqlite(_) => "group_concat",
    };
    let tags = diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(&format!(
        "(SELECT {aggregate}(t.tag, ',' ORDER BY t.tag) FROM contribution_tags t \
         WHERE t.contribution_id = contributions.id)"
    ));
    Ok(filtered(filter)
        .filter(contributions::seq.gt(after))
        .filter(contributions::seq.le(until))
        .order(contributions::seq.asc())
        .limit(limit)
        .select((ExportSourceRow::as_select(), tags))
        .load(conn)?)
}

/// Fills `email_normalised` where the migration could not (addresses with
/// non-ASCII characters), and groups those addresses' confirmed
/// contributions as the migration grouped the others; returns how many rows
/// it filled.
pub fn backfill_normalised_emails(conn: &mut DbConnection) -> Result<usize, DbError> {
    let missing: Vec<(i64, Option<String>)> = contributions::table
        .filter(contributions::email.is_not_null())
        .filter(contributions::email_normalised.is_null())
        .select((contributions::seq, contributions::email))
        .load(conn)?;
    for (seq, email) in &missing {
        let normalised = email.as_deref().map(normalise_email);
        diesel::update(contributions::table.filter(contributions::seq.eq(seq)))
            .set(contributions::email_normalised.eq(&normalised))
            .execute(conn)?;
        if let Some(normalised) = &normalised {
            super::author_groups::join_address_group(conn, normalised)?;
        }
    }
    Ok(missing.len())
}

/// Whether some contribution is marked a duplicate of `id`.
pub fn has_duplicates(conn: &mut DbConnection, id: ContributionId) -> Result<bool, DbError> {
    let count: i64 = contributions::table
        .filter(contributions::duplicate_of.eq(Some(id)))
        .filter(contributions::status.eq(ContributionStatus::Duplicate))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Whose personal data an erasure removes.
pub enum ErasureScope<'a> {
    /// Every contribution sent from this address (any case, matched on the
    /// normalised address the service wrote).
    Email(&'a str),
    /// One contribution, e.g. one received on paper without an address.
    Contribution(ContributionId),
    /// Every contribution received before this time.
    ReceivedBefore(NaiveDateTime),
}

/// Rows updated per statement, well under every backend's parameter limit.
const ERASURE_CHUNK: usize = 500;

/// A condition on contributions, boxed so that each scope builds its own.
type Condition =
    Box<dyn BoxableExpression<contributions::table, Backend, SqlType = diesel::sql_types::Bool>>;

/// The contributions of `scope` that still hold a name or an address: what
/// an erasure of that scope removes.
fn holding_personal_data_in(scope: &ErasureScope<'_>) -> Condition {
    let with_personal_data = contributions::given_name
        .is_not_null()
        .or(contributions::family_name.is_not_null())
        .or(contributions::email.is_not_null());
    match scope {
        ErasureScope::Email(email) => Box::new(
            with_personal_data.and(
                contributions::email_normalised
                    .eq(normalise_email(email))
                    .assume_not_null(),
            ),
        ),
        ErasureScope::Contribution(id) => {
            Box::new(with_personal_data.and(contributions::id.eq(*id)))
        }
        ErasureScope::ReceivedBefore(cutoff) => {
            Box::new(with_personal_data.and(contributions::received_at.lt(*cutoff)))
        }
    }
}

/// The contributions of `scope` that still hold personal data, in order of
/// arrival: what [`erase_personal_data`] would erase.
pub fn holding_personal_data(
    conn: &mut DbConnection,
    scope: &ErasureScope<'_>,
) -> Result<Vec<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(holding_personal_data_in(scope))
        .order(contributions::seq.asc())
        .select(ContributionRow::as_select())
        .load(conn)?)
}

/// Removes names and e-mail (the text stays); returns the sequence numbers
/// of the contributions that still had personal data, in order.
pub fn erase_personal_data(
    conn: &mut DbConnection,
    scope: &ErasureScope<'_>,
    now: NaiveDateTime,
) -> Result<Vec<i64>, DbError> {
    let seqs: Vec<i64> = contributions::table
        .filter(holding_personal_data_in(scope))
        .order(contributions::seq.asc())
        .select(contributions::seq)
        .load(conn)?;
    for chunk in seqs.chunks(ERASURE_CHUNK) {
        diesel::update(contributions::table.filter(contributions::seq.eq_any(chunk)))
            .set((
                contributions::given_name.eq(None::<String>),
                contributions::family_name.eq(None::<String>),
                contributions::email.eq(None::<String>),
                contributions::email_normalised.eq(None::<String>),
                // The link no longer confirms anything; the author group stays.
                contributions::confirmation_token_hash.eq(None::<String>),
                contributions::personal_data_erased_at.eq(Some(now)),
                contributions::updated_at.eq(now),
                contributions::version.eq(contributions::version + 1),
            ))
            .execute(conn)?;
    }
    Ok(seqs)
}

/// The contribution with this reference's sequence number.
pub fn find_by_seq(conn: &mut DbConnection, seq: i64) -> Result<Option<ContributionRow>, DbError> {
    let found = contributions::table
        .filter(contributions::seq.eq(seq))
        .select(ContributionRow::as_select())
        .first(conn)
        .optional();
    naming_row(found, "contributions", seq)
}

/// Whether `rinasce demo-data` wrote this contribution.
pub fn is_demo(conn: &mut DbConnection, id: ContributionId) -> Result<bool, DbError> {
    Ok(contributions::table
        .filter(contributions::id.eq(id))
        .select(contributions::demo)
        .first::<bool>(conn)
        .optional()?
        .unwrap_or(false))
}

/// Deletes every demo contribution with its tags, notes and the
/// milestones it reached; returns how many contributions went.
pub fn delete_demo(conn: &mut DbConnection) -> Result<usize, DbError> {
    use super::schema::{contribution_tags, indicator_milestones, notes};
    let demo_ids = contributions::table
        .filter(contributions::demo.eq(true))
        .select(contributions::id);
    diesel::delete(
        contribution_tags::table.filter(contribution_tags::contribution_id.eq_any(demo_ids)),
    )
    .execute(conn)?;
    diesel::delete(notes::table.filter(notes::contribution_id.eq_any(demo_ids))).execute(conn)?;
    diesel::delete(indicator_milestones::table.filter(indicator_milestones::demo.eq(true)))
        .execute(conn)?;
    Ok(diesel::delete(contributions::table.filter(contributions::demo.eq(true))).execute(conn)?)
}
