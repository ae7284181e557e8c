//! Making the demo contributions: texts from the phrase lists, checked by
//! the domain types and turned into rows by the form's own code
//! ([`submissions::new_row`]), then what moderation would have added.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;

use chrono::{Duration, NaiveDateTime};

use super::authors::author;
use super::phrases::{
    phrases_of, CITIZEN_OPENINGS, CITIZEN_REQUESTS, CITY_MEETINGS, CITY_PLACES, CLOSINGS,
    HIDING_REASONS, ORGANIZATION_OPENINGS, ORGANIZATION_REQUESTS, PLACES, QUARTIERE_MEETINGS,
    REJECTION_REASONS,
};
use super::random::Random;
use super::{DemoError, DemoOptions, BATCH_ROWS};
use crate::app::submissions::{self, ContributionInput};
use crate::db::meetings::MeetingRow;
use crate::db::models::NewContributionRow;
use crate::domain::similarity::Fingerprint;
use crate::domain::staff::token_hash;
use crate::domain::{
    Channel, ContributionBody, ContributionId, ContributionStatus, ContributionTitle, EmailAddress,
    FieldIssue, Meeting, MeetingName, OrganizationName, PersonName, Quartiere, ThematicAreaCode,
};
use crate::i18n::format::rome_date;

/// A contribution as the form stores it, and what moderation set later
/// (columns the form's row does not have).
pub(super) struct DemoContribution {
    pub row: NewContributionRow,
    pub status: ContributionStatus,
    pub duplicate_of: Option<ContributionId>,
    pub published_at: Option<NaiveDateTime>,
    /// The meeting it was handed in at (channel `event`).
    pub meeting: Option<MeetingRow>,
    /// Its keys in the near-duplicate index, worked out here rather than
    /// in the transaction that stores it.
    pub band_keys: Vec<i64>,
}

/// A tag given by moderation.
#[derive(Debug, diesel::Insertable)]
#[diesel(table_name = crate::db::schema::contribution_tags)]
pub(super) struct DemoTag {
    pub contribution_id: ContributionId,
    pub tag: &'static str,
}

/// The rows of one `INSERT`, with their tags.
pub(super) struct Batch {
    pub contributions: Vec<DemoContribution>,
    pub tags: Vec<DemoTag>,
}

/// The meeting a demo contribution of the channel `event` was handed in at:
/// one of its author's quartiere (or of the city) that day, drawn from the
/// day rather than from `random`, so that the other draws stay as they were.
fn demo_meeting(
    quartiere: Option<Quartiere>,
    received_at: NaiveDateTime,
) -> Result<Meeting, DemoError> {
    let held_on = rome_date(received_at.and_utc());
    let day = usize::try_from(chrono::Datelike::num_days_from_ce(&held_on)).unwrap_or(0);
    let name = match quartiere {
        Some(q) => QUARTIERE_MEETINGS[day % QUARTIERE_MEETINGS.len()]
            .replace("{q}", &q.number().to_string()),
        None => CITY_MEETINGS[day % CITY_MEETINGS.len()].to_owned(),
    };
    Ok(Meeting {
        name: valid("meeting.name", MeetingName::parse(&name))?,
        held_on,
        quartiere,
    })
}

/// Generates every batch and sends it to `batches`; stops early when an
/// insert failed.
pub(super) fn make_batches(
    options: &DemoOptions,
    areas: &[String],
    authors: u64,
    batches: SyncSender<Batch>,
    failed: &AtomicBool,
) -> Result<(), DemoError> {
    let span = (options.to - options.from).num_seconds().max(1);
    let days = (span / 86_400).max(1);
    let mut random = Random(options.seed);
    let mut made = 0u64;
    while made < options.count {
        let size = (options.count - made).min(BATCH_ROWS as u64) as usize;
        let mut contributions = Vec::with_capacity(size);
        let mut tags = Vec::new();
        // Duplicates point at earlier contributions of the same INSERT: the
        // batches of two connections may commit in either order.
        let mut earlier: Vec<ContributionId> = Vec::new();
        for index in 0..size as u64 {
            let position = made + index;
            // Days in order of arrival, times of day mostly in daytime.
            let day = (position as i128 * days as i128 / options.count as i128) as i64;
            let hour = random.weighted(&[
                (8i64, 2),
                (10, 3),
                (13, 2),
                (16, 3),
                (19, 3),
                (21, 2),
                (0, 1),
            ]);
            let offset = day * 86_400 + hour * 3_600 + random.below(3 * 3_600) as i64;
            let received_at = (options.from
                + Duration::seconds(offset.min(span))
                + Duration::microseconds(random.below(1_000_000) as i64))
            .min(options.to);
            let skewed = (random.unit() * random.unit() * authors as f64) as u64;
            let made_one = contribution(
                &mut random,
                options.seed,
                skewed,
                areas,
                &earlier,
                received_at,
                options.to,
            );
            let made_one = match made_one {
                Ok(made_one) => made_one,
                Err(error) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(error);
                }
            };
            let id = &made_one.row.id;
            if made_one.published_at.is_some() && random.chance(0.3) {
                let phrases = phrases_of(&made_one.row.thematic_area);
                let first = random.below(phrases.tags.len());
                tags.push(DemoTag {
                    contribution_id: *id,
                    tag: phrases.tags[first],
                });
                if phrases.tags.len() > 1 && random.chance(0.3) {
                    let second =
                        (first + 1 + random.below(phrases.tags.len() - 1)) % phrases.tags.len();
                    tags.push(DemoTag {
                        contribution_id: *id,
                        tag: phrases.tags[second],
                    });
                }
            }
            if made_one.status != ContributionStatus::Duplicate && index % 10 == 0 {
                earlier.push(*id);
            }
            contributions.push(made_one);
        }
        made += size as u64;
        let batch = Batch {
            contributions,
            tags,
        };
        if failed.load(Ordering::Relaxed) || batches.send(batch).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

/// The row's keys in the near-duplicate index, each once: they are
/// written without `ON CONFLICT`, and two bands of one text could, however
/// unlikely, hash alike.
fn distinct_band_keys(row: &NewContributionRow) -> Vec<i64> {
    let mut keys = Fingerprint::of_contribution(row.title.as_str(), row.body.as_str()).band_keys();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A value the domain type accepts, or the phrase lists have a bug.
fn valid<T>(field: &'static str, parsed: Result<T, FieldIssue>) -> Result<T, DemoError> {
    parsed.map_err(|issue| DemoError::InvalidText { field, issue })
}

fn contribution(
    random: &mut Random,
    seed: u64,
    author_number: u64,
    areas: &[String],
    earlier: &[ContributionId],
    received_at: NaiveDateTime,
    latest: NaiveDateTime,
) -> Result<DemoContribution, DemoError> {
    let author = author(seed, author_number);
    let area = random.pick(areas);
    let phrases = phrases_of(area);
    let local_place = author
        .quartiere
        .map(|q| *random.pick(PLACES[usize::from(q.number()) - 1]));
    // Titles may speak of the whole city; who writes lives somewhere.
    let place = match local_place {
        Some(place) if random.chance(0.8) => place,
        _ => *random.pick(CITY_PLACES),
    };
    let home = local_place.unwrap_or("a Firenze");
    let title = format!("{} {place}", random.pick(phrases.proposals));
    let organization = author.kind.is_organization();
    let opening = if organization {
        random.pick(ORGANIZATION_OPENINGS)
    } else {
        random.pick(CITIZEN_OPENINGS)
    }
    .replace("{place}", home);
    let request = if organization {
        random.pick(ORGANIZATION_REQUESTS)
    } else {
        random.pick(CITIZEN_REQUESTS)
    };
    let mut body = format!(
        "{opening} {}. {request} {}.",
        random.pick(phrases.problems),
        random.pick(phrases.actions)
    );
    if random.chance(0.5) {
        body.push_str(&format!(
            "\n\nInoltre, {}: per questo si potrebbe anche {}.",
            random.pick(phrases.problems),
            random.pick(phrases.actions)
        ));
    }
    let closing = random.pick(CLOSINGS);
    if !closing.is_empty() {
        body.push(' ');
        body.push_str(closing);
    }

    let channel = random.weighted(&[
        (Channel::Form, 86),
        (Channel::Event, 6),
        (Channel::Email, 5),
        (Channel::Paper, 3),
    ]);
    let mut status = random.weighted(&[
        (ContributionStatus::Pending, 25),
        (ContributionStatus::Approved, 50),
        (ContributionStatus::Rejected, 7),
        (ContributionStatus::Spam, 5),
        (ContributionStatus::Duplicate, 7),
        (ContributionStatus::Hidden, 6),
    ]);
    if status == ContributionStatus::Duplicate && earlier.is_empty() {
        status = ContributionStatus::Pending;
    }
    let status_reason = match status {
        ContributionStatus::Rejected => Some(*random.pick(REJECTION_REASONS)),
        ContributionStatus::Hidden => Some(*random.pick(HIDING_REASONS)),
        _ => None,
    };
    let duplicate_of = (status == ContributionStatus::Duplicate).then(|| *random.pick(earlier));
    let published = matches!(
        status,
        ContributionStatus::Approved | ContributionStatus::Hidden
    );
    // Moderated within three days, but never after the period's end (now,
    // by default): no demo contribution is published in the future.
    let published_at = published.then(|| {
        let after = received_at + Duration::minutes(60 + random.below(72 * 60) as i64);
        after.min(latest.max(received_at))
    });
    let moderated_at = match status {
        ContributionStatus::Pending => received_at,
        _ => {
            published_at.unwrap_or((received_at + Duration::hours(24)).min(latest.max(received_at)))
        }
    };
    let email = (channel != Channel::Paper || random.chance(0.4)).then_some(author.email);
    let input = ContributionInput {
        thematic_area: valid("thematic_area", ThematicAreaCode::parse(area))?,
        title: valid("title", ContributionTitle::parse(&title))?,
        body: valid("body", ContributionBody::parse(&body))?,
        kind: author.kind,
        given_name: Some(valid("given_name", PersonName::parse(author.given_name))?),
        family_name: Some(valid("family_name", PersonName::parse(author.family_name))?),
        organization_name: author
            .organization_name
            .as_deref()
            .map(|name| valid("organization_name", OrganizationName::parse(name)))
            .transpose()?,
        email: email
            .as_deref()
            .map(|email| valid("email", EmailAddress::parse(email)))
            .transpose()?,
        quartiere: author.quartiere,
        contact_consent: random.chance(0.4),
        // Only the form shows the online privacy notice.
        privacy_notice_accepted: channel == Channel::Form,
        channel,
        received_at: Some(received_at),
        meeting: match channel {
            Channel::Event => Some(demo_meeting(author.quartiere, received_at)?),
            _ => None,
        },
    };
    // The form's row, as moderation left it: last changed when moderated.
    // Demo authors have confirmed their addresses, so that their
    // contributions group under one pseudonym as real confirmed ones do.
    let group = input
        .email
        .as_ref()
        .map(|email| token_hash(&email.normalised())[..32].to_owned());
    let row = NewContributionRow {
        author_confirmed_at: group.as_ref().map(|_| received_at),
        author_group: group,
        status,
        status_reason: status_reason.map(str::to_owned),
        version: if status == ContributionStatus::Pending {
            1
        } else {
            2
        },
        ..submissions::new_row(&input, None, moderated_at)
    };
    Ok(DemoContribution {
        band_keys: distinct_band_keys(&row),
        meeting: input
            .meeting
            .as_ref()
            .map(|meeting| MeetingRow::of(row.id, meeting)),
        row,
        status,
        duplicate_of,
        published_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::phrases::AREAS;

    #[test]
    fn texts_are_valid_contributions() {
        let mut random = Random(1);
        let areas: Vec<String> = AREAS.iter().map(|a| a.code.to_owned()).collect();
        let now = chrono::Utc::now().naive_utc();
        for n in 0..500 {
            let made = contribution(
                &mut random,
                1,
                n,
                &areas,
                &[ContributionId::generate()],
                now,
                now,
            )
            .unwrap();
            assert_eq!(made.row.status, made.status);
            // Received at the period's end: published then, not later.
            assert!(made.published_at.is_none_or(|at| at == now));
            assert_eq!(
                made.published_at.is_some(),
                matches!(
                    made.status,
                    ContributionStatus::Approved | ContributionStatus::Hidden
                )
            );
            assert_eq!(made.row.received_at, now);
        }
    }
}
