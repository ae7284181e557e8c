//! Contribution queries shared by the public API, moderation and the commands.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use diesel::dsl::sql;
use diesel::sql_types::{Bool, Double, Text};

use super::contribution_counts::{self, Total};
use super::models::{ContributionRow, NewContributionRow};
use super::schema::{contributions, contributions_fts};
use super::search::{fts5_match, row_phrases, tsquery, Reach, RowPhrase, TermColumn};
use super::stored::naming_row;
use super::{
    indicator_counters, on_backend, similarity_bands, Backend as Dialect, DbConnection, DbError,
};
use crate::domain::indicator_counts::{CountedFacts, Counts};
use crate::domain::search::{author_terms, text_terms, SearchQuery};
use crate::domain::{
    normalise_email, AuthorKind, Channel, ContributionId, ContributionStatus, Quartiere, Reference,
};

/// Inserts a row, counts it in the indicator's counters and indexes it for
/// near-duplicate search.
pub fn insert(
    conn: &mut DbConnection,
    row: &NewContributionRow,
) -> Result<ContributionRow, DbError> {
    let stored = on_backend!(conn, |conn| diesel::insert_into(contributions::table)
        .values(row)
        .returning(ContributionRow::as_returning())
        .get_result(conn))?;
    indicator_counters::add_new(conn, [row.counted_facts()])?;
    similarity_bands::insert_for(
        conn,
        [(stored.seq, stored.title.as_str(), stored.body.as_str())],
    )?;
    Ok(stored)
}

/// Inserts several rows with one statement, counts them in the indicator's
/// counters, indexes them for near-duplicate search, and returns them as
/// stored, in no promised order.
pub fn insert_all(
    conn: &mut DbConnection,
    rows: &[NewContributionRow],
) -> Result<Vec<ContributionRow>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let stored = on_backend!(conn, |conn| diesel::insert_into(contributions::table)
        .values(rows)
        .returning(ContributionRow::as_returning())
        .get_results(conn))?;
    indicator_counters::add_new(conn, rows.iter().map(NewContributionRow::counted_facts))?;
    similarity_bands::insert_for(
        conn,
        stored
            .iter()
            .map(|row| (row.seq, row.title.as_str(), row.body.as_str())),
    )?;
    Ok(stored)
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

impl PublishedFilter {
    /// The same selection as moderation filters: approved contributions,
    /// searched in their title and text only.
    pub fn selection(&self) -> ModerationFilter {
        ModerationFilter {
            statuses: vec![ContributionStatus::Approved],
            thematic_areas: self.thematic_area.iter().cloned().collect(),
            quartieri: self
                .quartiere
                .map(|q| i16::from(q.number()))
                .into_iter()
                .collect(),
            text: self.text.clone(),
            sequence: self.sequence,
            ..ModerationFilter::default()
        }
    }
}

/// The order of a listing. Each ends with the sequence number, so that a
/// page starts exactly where the previous one stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// By arrival, oldest or newest first (the moderation queue).
    Arrival { newest_first: bool },
    /// Newest publication first (the public listing).
    Publication,
    /// Best match of the text search first (PostgreSQL's `ts_rank`,
    /// SQLite's `bm25`), then newest first.
    Relevance,
}

/// Where a page stopped: the sort key of its last row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Position {
    /// Arrival or publication time.
    Time { at: NaiveDateTime, seq: i64 },
    /// Relevance score, higher first.
    Score { score: f64, seq: i64 },
}

/// Approved contributions matching `filter` (see [`list`]); `probe` is
/// that of `filter.selection()`, if it was taken.
pub fn list_published(
    conn: &mut DbConnection,
    filter: &PublishedFilter,
    probe: Option<&Probe>,
    order: Order,
    after: Option<Position>,
    limit: i64,
) -> Result<Vec<(ContributionRow, Position)>, DbError> {
    list(conn, &filter.selection(), probe, order, after, limit)
}

/// How many approved contributions match `filter`, on every page.
pub fn count_published(
    conn: &mut DbConnection,
    filter: &PublishedFilter,
    probe: Option<&Probe>,
) -> Result<Total, DbError> {
    contribution_counts::count(conn, &filter.selection(), probe)
}

type Backend = <DbConnection as diesel::Connection>::Backend;

/// Filters of the moderation queue and of the research exports. Each list
/// keeps the rows matching any of its values (any value when empty); the
/// filters together keep the rows matching all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ModerationFilter {
    pub statuses: Vec<ContributionStatus>,
    /// Never these statuses.
    pub excluded_statuses: Vec<ContributionStatus>,
    pub thematic_areas: Vec<String>,
    pub tags: Vec<String>,
    pub quartieri: Vec<i16>,
    pub channels: Vec<Channel>,
    pub author_kinds: Vec<AuthorKind>,
    /// Words of the title or body (`domain::search::SearchQuery`), or a
    /// receipt reference (`RF-000042`).
    pub text: Option<String>,
    /// Whether `text` also matches the author's names, organisation and
    /// e-mail: for staff only, never for exports or the public.
    pub text_matches_author: bool,
    /// Received at or after.
    pub received_from: Option<NaiveDateTime>,
    /// Received before.
    pub received_to: Option<NaiveDateTime>,
    /// The contribution with this receipt number only.
    pub sequence: Option<i64>,
}

/// What the `text` of a filter looks for.
enum TextSearch {
    /// A receipt reference: that contribution.
    Reference(i64),
    Terms(SearchQuery),
    /// Stop words or punctuation only: nothing matches.
    Nothing,
}

impl ModerationFilter {
    /// `None` when there is no text, or only spaces: no text filter.
    fn text_search(&self) -> Option<TextSearch> {
        let text = self.text.as_deref()?.trim();
        if text.is_empty() {
            return None;
        }
        if let Some(reference) = Reference::parse(text) {
            return Some(TextSearch::Reference(reference.sequence()));
        }
        let query = SearchQuery::parse(text);
        Some(if query.is_empty() {
            TextSearch::Nothing
        } else {
            TextSearch::Terms(query)
        })
    }

    fn reach(&self) -> Reach {
        if self.text_matches_author {
            Reach::TextAndAuthor
        } else {
            Reach::Text
        }
    }
}

fn dialect(conn: &DbConnection) -> Dialect {
    match conn {
        DbConnection::Pg(_) => Dialect::Postgres,
        DbConnection::Sqlite(_) => Dialect::Sqlite,
    }
}

/// Adds every filter but the text search to `$query`, a boxed query over
/// the contributions alone or joined with SQLite's FTS5 index: a macro,
/// because the two queries have different types.
macro_rules! with_filters {
    ($query:expr, $filter:expr) => {{
        use super::schema::contribution_tags;
        let filter: &ModerationFilter = $filter;
        let mut query = $query;
        if !filter.statuses.is_empty() {
            query = query.filter(contributions::status.eq_any(filter.statuses.clone()));
        }
        if !filter.excluded_statuses.is_empty() {
            query = query.filter(contributions::status.ne_all(filter.excluded_statuses.clone()));
        }
        if !filter.thematic_areas.is_empty() {
            query =
                query.filter(contributions::thematic_area.eq_any(filter.thematic_areas.clone()));
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
        if let Some(from) = filter.received_from {
            query = query.filter(contributions::received_at.ge(from));
        }
        if let Some(to) = filter.received_to {
            query = query.filter(contributions::received_at.lt(to));
        }
        if let Some(sequence) = filter.sequence {
            query = query.filter(contributions::seq.eq(sequence));
        }
        query
    }};
}

/// The rows `$filter` keeps that match `$terms` on SQLite, read from the
/// FTS5 index joined with the contributions: FTS5 gives its matches one at
/// a time, so a query that needs only the first few stops early (an
/// `IN (SELECT rowid …)` reads them all first). A macro, as `with_filters!`.
macro_rules! fts5_matching {
    ($filter:expr, $terms:expr) => {{
        let filter: &ModerationFilter = $filter;
        with_filters!(
            contributions::table
                .inner_join(
                    contributions_fts::table.on(contributions_fts::rowid.eq(contributions::seq)),
                )
                .into_boxed(),
            filter
        )
        .filter(
            sql::<Bool>("contributions_fts MATCH ")
                .bind::<Text, _>(fts5_match($terms, filter.reach())),
        )
    }};
}

/// The rows `filter` keeps, in no order. A text search goes through the
/// backend's full-text index (see `db::search`).
pub(super) fn filtered(
    conn: &DbConnection,
    filter: &ModerationFilter,
) -> contributions::BoxedQuery<'static, Backend> {
    let query = with_filters!(contributions::table.into_boxed(), filter);
    match filter.text_search() {
        None => query,
        Some(TextSearch::Reference(seq)) => query.filter(contributions::seq.eq(seq)),
        Some(TextSearch::Nothing) => query.filter(sql::<Bool>("1 = 0")),
        Some(TextSearch::Terms(terms)) => match dialect(conn) {
            Dialect::Postgres => query.filter(
                sql::<Bool>("contributions.search_vector @@ CAST(")
                    .bind::<Text, _>(tsquery(&terms, filter.reach()))
                    .sql(" AS tsquery)"),
            ),
            Dialect::Sqlite => query.filter(
                sql::<Bool>(
                    "contributions.seq IN (SELECT rowid FROM contributions_fts \
                     WHERE contributions_fts MATCH ",
                )
                .bind::<Text, _>(fts5_match(&terms, filter.reach()))
                .sql(")"),
            ),
        },
    }
}

/// The rows `filter` keeps, to be looked up a few at a time (at most
/// `COUNT_LIMIT + 1`) rather than listed in order. PostgreSQL underestimates
/// how many rows two common words match, and would AND the full-text index
/// with the status index (half a million rows read for one status at a
/// million): with a text search, the status is checked on the matches
/// instead, through an expression no index serves.
fn probed(
    conn: &DbConnection,
    filter: &ModerationFilter,
) -> contributions::BoxedQuery<'static, Backend> {
    let text_first = matches!(filter.text_search(), Some(TextSearch::Terms(_)))
        && dialect(conn) == Dialect::Postgres
        && !filter.statuses.is_empty();
    if !text_first {
        return filtered(conn, filter);
    }
    let any_status = ModerationFilter {
        statuses: Vec::new(),
        ..filter.clone()
    };
    filtered(conn, &any_status).filter(status_unindexed(&filter.statuses))
}

/// The row's status is one of `statuses`, written so that no index serves
/// the condition: it is checked on rows found another way.
fn status_unindexed(
    statuses: &[ContributionStatus],
) -> diesel::dsl::EqAny<diesel::dsl::Concat<contributions::status, &'static str>, Vec<&'static str>>
{
    contributions::status.concat("").eq_any(
        statuses
            .iter()
            .map(|status| status.as_str())
            .collect::<Vec<_>>(),
    )
}

/// One page of the contributions `filter` keeps, in `order`, after
/// `after`, `limit + 1` rows at most (so that the caller knows whether
/// another page follows), each with its position. A position of another
/// order is a caller's bug, refused.
pub fn list(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    probe: Option<&Probe>,
    order: Order,
    after: Option<Position>,
    limit: i64,
) -> Result<Vec<(ContributionRow, Position)>, DbError> {
    match order {
        Order::Arrival { newest_first } => {
            let after = after.map(time_position).transpose()?;
            let rows = by_arrival(conn, filter, probe, newest_first, after, limit)?;
            Ok(rows
                .into_iter()
                .map(|row| {
                    let position = Position::Time {
                        at: row.received_at,
                        seq: row.seq,
                    };
                    (row, position)
                })
                .collect())
        }
        Order::Publication => {
            let after = after.map(time_position).transpose()?;
            let rows = by_publication(conn, filter, probe, after, limit)?;
            Ok(rows
                .into_iter()
                .map(|row| {
                    let position = Position::Time {
                        at: row.published_at.unwrap_or(row.received_at),
                        seq: row.seq,
                    };
                    (row, position)
                })
                .collect())
        }
        Order::Relevance => {
            let after = match after {
                None => None,
                Some(Position::Score { score, seq }) => Some((score, seq)),
                Some(Position::Time { .. }) => return Err(misplaced_position()),
            };
            let rows = by_relevance(conn, filter, after, limit)?;
            Ok(rows
                .into_iter()
                .map(|(row, score)| {
                    let position = Position::Score {
                        score,
                        seq: row.seq,
                    };
                    (row, position)
                })
                .collect())
        }
    }
}

fn time_position(position: Position) -> Result<(NaiveDateTime, i64), DbError> {
    match position {
        Position::Time { at, seq } => Ok((at, seq)),
        Position::Score { .. } => Err(misplaced_position()),
    }
}

fn misplaced_position() -> DbError {
    DbError::Query(diesel::result::Error::QueryBuilderError(
        "a page position of another order".into(),
    ))
}

/// A text search matching at most this many rows is listed from its matches
/// (see [`in_time_order`]).
const FEW_MATCHES: i64 = contribution_counts::COUNT_LIMIT;

/// The rows a listing in time order reads, and how.
struct TimeOrdered {
    query: contributions::BoxedQuery<'static, Backend>,
    /// A text search matched many rows: PostgreSQL is to walk the time
    /// index rather than read every match through the full-text index.
    walk: bool,
    /// PostgreSQL is to walk the arrival index for the page's keys alone,
    /// then read those rows: a tag is looked up by the id the index holds,
    /// so the walk reads no row it passes (migration 2026-12-05-000092).
    keys_first: bool,
}

/// The rows `filter` keeps, for a listing in time order. A rare word would
/// lead PostgreSQL astray: it estimates any word missing from its
/// statistics at 0.5 % of the rows, so it walks the time index backwards
/// checking every row for a word that is in none (seconds at a million
/// rows). So the matches of a text search are looked up first, through the
/// full-text index and at most `FEW_MATCHES + 1` of them; when they are
/// few, the listing is restricted to them (primary-key lookups and a sort).
/// Many matches are dense enough in time for the walk to stop soon, but
/// PostgreSQL underestimates two common words as well, and would rather
/// read and sort all their matches (tens of thousands): see [`load_walking`].
fn in_time_order(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    probe: Option<&Probe>,
    by_publication: bool,
) -> Result<TimeOrdered, DbError> {
    let searches_text = matches!(filter.text_search(), Some(TextSearch::Terms(_)));
    let sqlite = dialect(conn) == Dialect::Sqlite;
    let probe = match probe {
        Some(probe) => Some(probe.clone()),
        None if searches_text || (sqlite && few_by_counts(conn, filter)?) => {
            Some(first_matches(conn, filter)?)
        }
        None => None,
    };
    if let Some(probe) = probe.as_ref().filter(|probe| probe.complete) {
        return Ok(TimeOrdered {
            query: filtered(conn, filter).filter(contributions::seq.eq_any(probe.seqs.clone())),
            walk: false,
            keys_first: false,
        });
    }
    // Many rows match: walk the order's index, checking each row. SQLite
    // would rather read them all through a filter's own index and sort
    // them (half a second for one status at a million rows), so there the
    // filters are written so that no index serves them.
    let query = if sqlite {
        walked(conn, filter, by_publication)
    } else {
        filtered(conn, filter)
    };
    Ok(TimeOrdered {
        query,
        walk: searches_text,
        keys_first: !sqlite && !by_publication && !filter.tags.is_empty(),
    })
}

/// Whether the running counts say that `filter` keeps few rows (and has a
/// filter at all): they are then looked up, not walked to.
fn few_by_counts(conn: &mut DbConnection, filter: &ModerationFilter) -> Result<bool, DbError> {
    let unfiltered = ModerationFilter {
        text_matches_author: filter.text_matches_author,
        ..ModerationFilter::default()
    };
    if *filter == unfiltered || !contribution_counts::counted_as_it_changes(filter) {
        return Ok(false);
    }
    Ok(matches!(
        contribution_counts::count(conn, filter, None)?,
        Total::Exact(count) if count <= FEW_MATCHES
    ))
}

/// The rows `filter` keeps, with its statuses, areas and channels checked
/// on each row rather than looked up through their indexes (see
/// [`in_time_order`]): SQLite only.
fn walked(
    conn: &DbConnection,
    filter: &ModerationFilter,
    by_publication: bool,
) -> contributions::BoxedQuery<'static, Backend> {
    let terms = match filter.text_search() {
        Some(TextSearch::Terms(terms)) => Some(terms),
        _ => None,
    };
    let rest = ModerationFilter {
        statuses: Vec::new(),
        thematic_areas: Vec::new(),
        tags: Vec::new(),
        channels: Vec::new(),
        text: if terms.is_some() {
            None
        } else {
            filter.text.clone()
        },
        ..filter.clone()
    };
    let mut query = filtered(conn, &rest);
    if let Some(terms) = terms {
        query = query.filter(terms_in_row(&terms, filter.reach()));
    }
    if !filter.tags.is_empty() {
        query = query.filter(tagged_row(&filter.tags));
    }
    if by_publication {
        // Every published row has a publication time; the range lets SQLite
        // walk its publication index (migration 2026-12-05-000091).
        query = query.filter(contributions::published_at.is_not_null());
    }
    if !filter.statuses.is_empty() {
        query = query.filter(status_unindexed(&filter.statuses));
    }
    if !filter.thematic_areas.is_empty() {
        query = query.filter(
            contributions::thematic_area
                .concat("")
                .eq_any(filter.thematic_areas.clone()),
        );
    }
    if !filter.channels.is_empty() {
        query = query.filter(
            contributions::channel
                .concat("")
                .eq_any(filter.channels.iter().map(|channel| channel.as_str())),
        );
    }
    query
}

/// The row has one of `tags`, looked up for each row a walk reads: an
/// `IN (SELECT …)` would gather every row of the tags first. SQLite only
/// (`json_each`, so that any number of tags takes one parameter). The
/// `LIMIT 1` keeps SQLite from making the `EXISTS` a join, which first
/// reads every tagging of every contribution into a Bloom filter.
fn tagged_row(tags: &[String]) -> Condition {
    let tags = serde_json::to_string(tags).expect("a list of strings is JSON");
    Box::new(
        sql::<Bool>(
            "EXISTS (SELECT 1 FROM contribution_tags \
             WHERE contribution_tags.contribution_id = contributions.id \
             AND contribution_tags.tag IN (SELECT value FROM json_each(",
        )
        .bind::<Text, _>(tags)
        .sql(")) LIMIT 1)"),
    )
}

/// The row's stored terms hold every item of `terms` (see
/// [`row_phrases`]): checked on each row as a walk reads it. FTS5 would
/// evaluate the whole query before the walk's first row, reading every
/// match of two common words.
fn terms_in_row(terms: &SearchQuery, reach: Reach) -> Condition {
    let found = |phrase: RowPhrase| -> Condition {
        let column = match phrase.column {
            TermColumn::Title => "contributions.search_title",
            TermColumn::Body => "contributions.search_body",
            TermColumn::Author => "contributions.search_author",
        };
        Box::new(
            sql::<Bool>(&format!("instr(' ' || {column} || ' ', "))
                .bind::<Text, _>(phrase.needle)
                .sql(") > 0"),
        )
    };
    let any_of = |phrases: Vec<RowPhrase>| -> Condition {
        let mut phrases = phrases.into_iter().map(found);
        let first = phrases.next().expect("an item has a phrase");
        phrases.fold(first, |either, phrase| Box::new(either.or(phrase)))
    };
    let mut items = row_phrases(terms, reach).into_iter().map(any_of);
    let first = items.next().expect("a search has an item");
    items.fold(first, |both, item| Box::new(both.and(item)))
}

/// The first matches of a filter (of a text search: through the full-text
/// index): enough to list them when they are few, and to count them.
#[derive(Clone, Debug)]
pub struct Probe {
    /// `FEW_MATCHES + 1` at most.
    seqs: Vec<i64>,
    /// The status of each match, in the same order.
    statuses: Vec<ContributionStatus>,
    /// Every match is here: no more than `FEW_MATCHES` matched.
    complete: bool,
}

impl Probe {
    /// A probe known to find more than `FEW_MATCHES`, none of them kept.
    pub fn many() -> Probe {
        Probe {
            seqs: Vec::new(),
            statuses: Vec::new(),
            complete: false,
        }
    }

    /// Every match is here.
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// How many matched, if every match is here.
    pub fn count(&self) -> Option<i64> {
        self.complete.then_some(self.seqs.len() as i64)
    }

    /// How many matched in each status, if every match is here.
    pub fn count_by_status(&self) -> Option<Vec<(ContributionStatus, i64)>> {
        self.complete.then(|| {
            ContributionStatus::ALL
                .iter()
                .map(|status| {
                    let count = self.statuses.iter().filter(|s| *s == status).count();
                    (*status, count as i64)
                })
                .collect()
        })
    }
}

/// The probe of `filter` (see [`in_time_order`]) when it has a text search
/// or no running count answers it; `None` otherwise. A listing and its
/// count take the same probe, so that the matches are looked up once.
pub fn probe_uncounted(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
) -> Result<Option<Probe>, DbError> {
    if !needs_probe(filter) {
        return Ok(None);
    }
    first_matches(conn, filter).map(Some)
}

/// Whether a listing or count of `filter` looks up its matches first.
pub fn needs_probe(filter: &ModerationFilter) -> bool {
    matches!(filter.text_search(), Some(TextSearch::Terms(_)))
        || !contribution_counts::counted_as_it_changes(filter)
}

/// The first `FEW_MATCHES + 1` rows `filter` keeps, in no order.
pub fn first_matches(conn: &mut DbConnection, filter: &ModerationFilter) -> Result<Probe, DbError> {
    let columns = (contributions::seq, contributions::status);
    let matches: Vec<(i64, ContributionStatus)> = match filter.text_search() {
        Some(TextSearch::Terms(terms)) if dialect(conn) == Dialect::Sqlite => {
            fts5_matching!(filter, &terms)
                .select(columns)
                .limit(FEW_MATCHES + 1)
                .load(conn)?
        }
        _ => probed(conn, filter)
            .select(columns)
            .limit(FEW_MATCHES + 1)
            .load(conn)?,
    };
    let complete = matches.len() as i64 <= FEW_MATCHES;
    let (seqs, statuses) = matches.into_iter().unzip();
    Ok(Probe {
        seqs,
        statuses,
        complete,
    })
}

/// Runs `load`; when `walk`, PostgreSQL may not read through a bitmap (the
/// only way it reads the full-text index) in this transaction, so it walks
/// the order's index and stops at the page's end.
fn load_walking<T>(
    conn: &mut DbConnection,
    walk: bool,
    load: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> Result<T, DbError> {
    if !walk || dialect(conn) != Dialect::Postgres {
        return Ok(load(conn)?);
    }
    Ok(conn.transaction(|conn| {
        diesel::sql_query("SET LOCAL enable_bitmapscan = off").execute(conn)?;
        load(conn)
    })?)
}

fn by_arrival(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    probe: Option<&Probe>,
    newest_first: bool,
    after: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> Result<Vec<ContributionRow>, DbError> {
    let TimeOrdered {
        query,
        walk,
        keys_first,
    } = in_time_order(conn, filter, probe, false)?;
    let mut query = query.limit(limit + 1);
    query = if newest_first {
        query.order((contributions::received_at.desc(), contributions::seq.desc()))
    } else {
        query.order((contributions::received_at.asc(), contributions::seq.asc()))
    };
    if let Some((at, seq)) = after {
        let same_time = contributions::received_at.eq(at);
        query = if newest_first {
            query.filter(
                contributions::received_at
                    .lt(at)
                    .or(same_time.and(contributions::seq.lt(seq))),
            )
        } else {
            query.filter(
                contributions::received_at
                    .gt(at)
                    .or(same_time.and(contributions::seq.gt(seq))),
            )
        };
    }
    if !keys_first {
        return load_walking(conn, walk, |conn| {
            query.select(ContributionRow::as_select()).load(conn)
        });
    }
    // One snapshot for both reads, so that the rows are as the keys found them.
    let mut rows = conn.transaction(|conn| {
        diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(conn)?;
        let seqs: Vec<i64> = load_walking(conn, walk, |conn| {
            query.select(contributions::seq).load(conn)
        })?;
        find_many_by_seq(conn, &seqs)
    })?;
    rows.sort_by_key(|row| (row.received_at, row.seq));
    if newest_first {
        rows.reverse();
    }
    Ok(rows)
}

/// How many rows the filter keeps.
pub fn count_matching(conn: &mut DbConnection, filter: &ModerationFilter) -> Result<i64, DbError> {
    Ok(filtered(conn, filter).count().get_result(conn)?)
}

fn by_publication(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    probe: Option<&Probe>,
    after: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> Result<Vec<ContributionRow>, DbError> {
    let TimeOrdered { query, walk, .. } = in_time_order(conn, filter, probe, true)?;
    let mut query = query
        .select(ContributionRow::as_select())
        .order((
            contributions::published_at.desc(),
            contributions::seq.desc(),
        ))
        .limit(limit + 1);
    if let Some((at, seq)) = after {
        query = query.filter(
            contributions::published_at
                .lt(at)
                .or(contributions::published_at
                    .eq(at)
                    .and(contributions::seq.lt(seq))),
        );
    }
    load_walking(conn, walk, |conn| query.load(conn))
}

/// Orders `$query` by `$score` (higher first, then newest first), after
/// `$after`, and selects each row with its score: a macro, because the
/// queries and the score expressions differ in type.
macro_rules! by_score {
    ($query:expr, $score:expr, $after:expr, $limit:expr) => {{
        let score = $score;
        let mut query = $query
            .select((ContributionRow::as_select(), score.clone()))
            .order((score.clone().desc(), contributions::seq.desc()))
            .limit($limit + 1);
        if let Some((after_score, after_seq)) = $after {
            query = query.filter(
                score
                    .clone()
                    .lt(after_score)
                    .or(score.eq(after_score).and(contributions::seq.lt(after_seq))),
            );
        }
        query
    }};
}

/// Weights of the title, text and author columns in SQLite's `bm25`, in
/// the proportions of PostgreSQL's default weights for A, B and C.
const SQLITE_SCORE: &str = "-bm25(contributions_fts, 1.0, 0.4, 0.2)";

/// Rows by relevance with their scores. Without search terms (no text, a
/// reference, only stop words) every row scores 0. On SQLite the query
/// starts from the FTS5 index, which `bm25` needs (it weighs each term by
/// how rare it is in the whole index).
fn by_relevance(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    after: Option<(f64, i64)>,
    limit: i64,
) -> Result<Vec<(ContributionRow, f64)>, DbError> {
    let terms = match filter.text_search() {
        Some(TextSearch::Terms(terms)) => terms,
        _ => {
            let score = sql::<Double>("CAST(0 AS DOUBLE PRECISION)");
            return Ok(by_score!(filtered(conn, filter), score, after, limit).load(conn)?);
        }
    };
    match dialect(conn) {
        Dialect::Postgres => {
            // Normalisation 1: divided by 1 + the logarithm of the length.
            let score = sql::<Double>("CAST(ts_rank(contributions.search_vector, CAST(")
                .bind::<Text, _>(tsquery(&terms, filter.reach()))
                .sql(" AS tsquery), 1) AS DOUBLE PRECISION)");
            Ok(by_score!(filtered(conn, filter), score, after, limit).load(conn)?)
        }
        Dialect::Sqlite => {
            let matching = fts5_matching!(filter, &terms);
            let score = sql::<Double>(SQLITE_SCORE);
            Ok(by_score!(matching, score, after, limit).load(conn)?)
        }
    }
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

/// Applies `changes` if the row is still as `current` was read (same
/// version), and moves the indicator's counters by what they change; false
/// when someone else changed it first.
pub fn update_if_version(
    conn: &mut DbConnection,
    current: &ContributionRow,
    changes: &ModerationChanges,
    now: NaiveDateTime,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        contributions::table
            .filter(contributions::id.eq(current.id))
            .filter(contributions::version.eq(current.version)),
    )
    .set((
        changes,
        contributions::version.eq(current.version + 1),
        contributions::updated_at.eq(now),
    ))
    .execute(conn)?;
    if updated != 1 {
        return Ok(false);
    }
    let before = current.counted_facts();
    let after = CountedFacts {
        status: changes.status.unwrap_or(before.status),
        thematic_area: changes
            .thematic_area
            .as_deref()
            .unwrap_or(before.thematic_area),
        ..before
    };
    indicator_counters::add(conn, &Counts::change(&before, &after))?;
    Ok(true)
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

/// The contributions with these ids, in no promised order.
pub fn find_many(
    conn: &mut DbConnection,
    ids: &[ContributionId],
) -> Result<Vec<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::id.eq_any(ids))
        .select(ContributionRow::as_select())
        .load(conn)?)
}

/// The contributions with these sequence numbers, in no promised order.
pub fn find_many_by_seq(
    conn: &mut DbConnection,
    seqs: &[i64],
) -> Result<Vec<ContributionRow>, DbError> {
    Ok(contributions::table
        .filter(contributions::seq.eq_any(seqs))
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
    Ok(filtered(conn, filter)
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
    let found: Vec<(i64, Option<String>)> = contributions::table
        .filter(holding_personal_data_in(scope))
        .order(contributions::seq.asc())
        .select((contributions::seq, contributions::organization_name))
        .load(conn)?;
    // What stays searchable of the author is the organisation's name: the
    // rows are updated in groups that keep the same words.
    let mut by_remaining_words: BTreeMap<Option<String>, Vec<i64>> = BTreeMap::new();
    for (seq, organization) in &found {
        by_remaining_words
            .entry(author_terms(&[organization.as_deref()]))
            .or_default()
            .push(*seq);
    }
    for (remaining_words, seqs) in &by_remaining_words {
        for chunk in seqs.chunks(ERASURE_CHUNK) {
            diesel::update(contributions::table.filter(contributions::seq.eq_any(chunk)))
                .set((
                    contributions::given_name.eq(None::<String>),
                    contributions::family_name.eq(None::<String>),
                    contributions::email.eq(None::<String>),
                    contributions::email_normalised.eq(None::<String>),
                    contributions::search_author.eq(remaining_words),
                    // The link no longer confirms anything; the author group stays.
                    contributions::confirmation_token_hash.eq(None::<String>),
                    contributions::personal_data_erased_at.eq(Some(now)),
                    contributions::updated_at.eq(now),
                    contributions::version.eq(contributions::version + 1),
                ))
                .execute(conn)?;
        }
    }
    Ok(found.into_iter().map(|(seq, _)| seq).collect())
}

/// Rows whose search terms a batch of [`fill_search_terms`] computes.
const SEARCH_TERMS_BATCH: i64 = 1000;

/// Writes the search terms of up to 1,000 rows stored before full-text
/// search (which have none; migration `2026-12-05-000060`); returns how many
/// it wrote, 0 when none is left. The terms come from `domain::search`, as
/// for a new contribution.
pub fn fill_search_terms(conn: &mut DbConnection) -> Result<usize, DbError> {
    type Unindexed = (
        i64,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Unindexed> = contributions::table
        .filter(contributions::search_title.is_null())
        .order(contributions::seq.asc())
        .limit(SEARCH_TERMS_BATCH)
        .select((
            contributions::seq,
            contributions::title,
            contributions::body,
            contributions::given_name,
            contributions::family_name,
            contributions::organization_name,
            contributions::email,
        ))
        .load(conn)?;
    for (seq, title, body, given_name, family_name, organization, email) in &rows {
        let author = author_terms(&[
            given_name.as_deref(),
            family_name.as_deref(),
            organization.as_deref(),
            email.as_deref(),
        ]);
        diesel::update(contributions::table.filter(contributions::seq.eq(seq)))
            .set((
                contributions::search_title.eq(text_terms(title)),
                contributions::search_body.eq(text_terms(body)),
                contributions::search_author.eq(author),
            ))
            .execute(conn)?;
    }
    Ok(rows.len())
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

/// Deletes every demo contribution with its tags, notes, near-duplicate keys
/// and the milestones it reached, and takes them out of the indicator's
/// counters;
/// returns how many contributions went.
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
    similarity_bands::delete_demo(conn)?;
    let (deleted, counted) = super::indicators::delete_demo_contributions(conn)?;
    indicator_counters::add(conn, &counted.negated())?;
    Ok(deleted as usize)
}
