//! How many contributions a filter keeps: from the running counts when they
//! can answer (no filter, or one of area, quartiere, channel and author
//! kind), otherwise by counting the matching rows up to [`COUNT_LIMIT`], so
//! that a listing costs the same at a hundred contributions or a million.

use super::contributions::{self, ModerationFilter, Probe};
use super::{indicator_counters, DbConnection, DbError};
use crate::domain::indicator_counts::{Counter, Facet};
use crate::domain::ContributionStatus;

/// Matching rows are counted one by one up to this many; beyond it a
/// filter that the running counts cannot answer is "more than 1,000".
pub const COUNT_LIMIT: i64 = 1_000;

/// How many contributions in each status, in the order of
/// `ContributionStatus::ALL`: what the queue shows on its status tabs.
pub type StatusCounts = Vec<(ContributionStatus, i64)>;

/// How many rows the filter keeps in each status, whatever its `statuses`
/// (a status it excludes counts 0); `None` when more than [`COUNT_LIMIT`]
/// match and no running count answers the filter. `probe` is that of the
/// filter without its statuses (`contributions::probe_uncounted`), if it
/// was taken.
pub fn count_by_status(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    probe: Option<&Probe>,
) -> Result<Option<StatusCounts>, DbError> {
    let any_status = ModerationFilter {
        statuses: Vec::new(),
        ..filter.clone()
    };
    let counted = match (from_counters(conn, &any_status)?, probe) {
        (Some(counts), _) => Some(counts),
        (None, Some(probe)) => probe.count_by_status(),
        (None, _) => contributions::first_matches(conn, &any_status)?.count_by_status(),
    };
    let Some(counts) = counted else {
        return Ok(None);
    };
    Ok(Some(
        counts
            .into_iter()
            .map(|(status, count)| {
                let excluded = filter.excluded_statuses.contains(&status);
                (status, if excluded { 0 } else { count })
            })
            .collect(),
    ))
}

/// How many rows a filter keeps, or that there are more than a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Total {
    Exact(i64),
    MoreThan(i64),
}

/// How many rows the filter keeps, in the statuses it asks for (every
/// status when it names none, less those it excludes). `probe` is the
/// filter's own, if it was taken.
pub fn count(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
    probe: Option<&Probe>,
) -> Result<Total, DbError> {
    let any_status = ModerationFilter {
        statuses: Vec::new(),
        ..filter.clone()
    };
    if let Some(counts) = from_counters(conn, &any_status)? {
        return Ok(Total::Exact(
            counts
                .into_iter()
                .filter(|(status, _)| {
                    (filter.statuses.is_empty() || filter.statuses.contains(status))
                        && !filter.excluded_statuses.contains(status)
                })
                .map(|(_, count)| count)
                .sum(),
        ));
    }
    let counted = match probe {
        Some(probe) => probe.count(),
        None => contributions::first_matches(conn, filter)?.count(),
    };
    Ok(match counted {
        Some(total) => Total::Exact(total),
        None => Total::MoreThan(COUNT_LIMIT),
    })
}

/// Whether a running count answers `filter` (whatever its statuses): no
/// filter, or one list of areas, quartieri, channels or author kinds alone.
pub fn counted_as_it_changes(filter: &ModerationFilter) -> bool {
    counter_facets(filter).is_some()
}

/// The facets whose running counts, summed, answer `filter`.
fn counter_facets(filter: &ModerationFilter) -> Option<Vec<Facet>> {
    if filter
        .text
        .as_deref()
        .is_some_and(|text| !text.trim().is_empty())
        || !filter.tags.is_empty()
        || filter.received_from.is_some()
        || filter.received_to.is_some()
        || filter.sequence.is_some()
    {
        return None;
    }
    let lists: [Vec<Facet>; 4] = [
        filter
            .thematic_areas
            .iter()
            .cloned()
            .map(Facet::ThematicArea)
            .collect(),
        filter
            .quartieri
            .iter()
            .map(|q| Facet::Quartiere(Some(*q)))
            .collect(),
        filter
            .channels
            .iter()
            .copied()
            .map(Facet::Channel)
            .collect(),
        filter
            .author_kinds
            .iter()
            .copied()
            .map(Facet::AuthorKind)
            .collect(),
    ];
    let mut given = lists.into_iter().filter(|facets| !facets.is_empty());
    match (given.next(), given.next()) {
        (None, _) => Some(vec![Facet::All]),
        (Some(facets), None) => Some(facets),
        (Some(_), Some(_)) => None,
    }
}

/// The counts per status from the running counts, if they answer the
/// filter (see [`counter_facets`]).
fn from_counters(
    conn: &mut DbConnection,
    filter: &ModerationFilter,
) -> Result<Option<StatusCounts>, DbError> {
    let Some(facets) = counter_facets(filter) else {
        return Ok(None);
    };
    let totals = indicator_counters::status_totals(conn, facets[0].status_dimension())?;
    Ok(Some(
        ContributionStatus::ALL
            .iter()
            .map(|status| {
                let count = facets
                    .iter()
                    .map(|facet| totals.get(&Counter::Status(*status, facet.clone())))
                    .sum();
                (*status, count)
            })
            .collect(),
    ))
}
