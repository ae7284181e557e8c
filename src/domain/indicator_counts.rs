//! Running counts of the contributions. Each form contribution adds one to
//! the indicator's counters (`received`, and while it counts: `counted`, its
//! area, quartiere, author kind and UTC day); every contribution, of any
//! channel, adds one to the moderation queue's counters (its status, alone
//! and with each of its area, quartiere, channel and author kind). Every
//! write that changes one of those facts adds the difference in the same
//! transaction, so reading the indicator or the queue's numbers costs the
//! same at a hundred contributions or a million.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use super::{AuthorKind, Channel, ContributionStatus};

/// One running count behind the indicator.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Counter {
    /// Form contributions, whatever their status.
    Received,
    /// Form contributions that count: neither spam nor duplicate.
    Counted,
    /// Counted contributions of one thematic area…
    ThematicArea(String),
    /// …of one quartiere (`None`: not given)…
    Quartiere(Option<i16>),
    /// …of one kind of author…
    AuthorKind(AuthorKind),
    /// …received on one UTC day.
    Day(NaiveDate),
    /// Contributions of every channel in one status, alone or with one
    /// other fact: what the moderation queue shows per status.
    Status(ContributionStatus, Facet),
}

/// What a [`Counter::Status`] counts besides the status.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Facet {
    All,
    ThematicArea(String),
    Quartiere(Option<i16>),
    Channel(Channel),
    AuthorKind(AuthorKind),
}

impl Facet {
    /// The stored `dimension` of the status counters of this facet.
    pub fn status_dimension(&self) -> &'static str {
        match self {
            Facet::All => "status",
            Facet::ThematicArea(_) => "status_thematic_area",
            Facet::Quartiere(_) => "status_quartiere",
            Facet::Channel(_) => "status_channel",
            Facet::AuthorKind(_) => "status_author_kind",
        }
    }

    fn of(facts: &CountedFacts<'_>) -> [Facet; 5] {
        [
            Facet::All,
            Facet::ThematicArea(facts.thematic_area.to_owned()),
            Facet::Quartiere(facts.quartiere),
            Facet::Channel(facts.channel),
            Facet::AuthorKind(facts.author_kind),
        ]
    }
}

/// Stored `value` of the quartiere counter of contributions without one.
const NO_QUARTIERE: &str = "none";

impl Counter {
    /// The counters one contribution with these facts adds one to.
    pub fn of(facts: &CountedFacts<'_>) -> Vec<Counter> {
        let mut counters: Vec<Counter> = Facet::of(facts)
            .into_iter()
            .map(|facet| Counter::Status(facts.status, facet))
            .collect();
        if facts.channel != Channel::Form {
            return counters;
        }
        counters.push(Counter::Received);
        if facts.status.is_counted() {
            counters.extend([
                Counter::Counted,
                Counter::ThematicArea(facts.thematic_area.to_owned()),
                Counter::Quartiere(facts.quartiere),
                Counter::AuthorKind(facts.author_kind),
                Counter::Day(facts.day),
            ]);
        }
        counters
    }

    /// Whether the indicator reads this counter (the others serve the
    /// moderation queue).
    pub fn is_indicator(&self) -> bool {
        !matches!(self, Counter::Status(..))
    }

    /// The stored `dimension` of the counter.
    pub fn dimension(&self) -> &'static str {
        match self {
            Counter::Received => "received",
            Counter::Counted => "counted",
            Counter::ThematicArea(_) => "thematic_area",
            Counter::Quartiere(_) => "quartiere",
            Counter::AuthorKind(_) => "author_kind",
            Counter::Day(_) => "day",
            Counter::Status(_, facet) => facet.status_dimension(),
        }
    }

    /// The stored `value`: which area, quartiere, kind or day (empty for
    /// the two totals); for a status counter, the status, then a space and
    /// the other fact's value.
    pub fn value(&self) -> String {
        match self {
            Counter::Received | Counter::Counted => String::new(),
            Counter::ThematicArea(code) => code.clone(),
            Counter::Quartiere(quartiere) => quartiere_value(*quartiere),
            Counter::AuthorKind(kind) => kind.as_str().to_owned(),
            Counter::Day(day) => day.format("%Y-%m-%d").to_string(),
            Counter::Status(status, Facet::All) => status.as_str().to_owned(),
            Counter::Status(status, facet) => format!("{status} {}", facet_value(facet)),
        }
    }

    /// The counter stored as `dimension` and `value`, if they name one.
    pub fn parse(dimension: &str, value: &str) -> Option<Counter> {
        match (dimension, value) {
            ("received", "") => Some(Counter::Received),
            ("counted", "") => Some(Counter::Counted),
            ("thematic_area", code) if !code.is_empty() => {
                Some(Counter::ThematicArea(code.to_owned()))
            }
            ("quartiere", NO_QUARTIERE) => Some(Counter::Quartiere(None)),
            ("quartiere", number) => number
                .parse::<i16>()
                .ok()
                .filter(|n| (1..=5).contains(n) && n.to_string() == number)
                .map(|n| Counter::Quartiere(Some(n))),
            ("author_kind", kind) => AuthorKind::parse(kind).ok().map(Counter::AuthorKind),
            ("day", day) => NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .ok()
                .map(Counter::Day),
            ("status", status) => ContributionStatus::parse(status)
                .ok()
                .map(|status| Counter::Status(status, Facet::All)),
            (dimension, value) => {
                let facet_dimension = dimension.strip_prefix("status_")?;
                let (status, facet_value) = value.split_once(' ')?;
                let status = ContributionStatus::parse(status).ok()?;
                let facet = match Counter::parse(facet_dimension, facet_value) {
                    Some(Counter::ThematicArea(code)) => Facet::ThematicArea(code),
                    Some(Counter::Quartiere(quartiere)) => Facet::Quartiere(quartiere),
                    Some(Counter::AuthorKind(kind)) => Facet::AuthorKind(kind),
                    None if facet_dimension == "channel" => {
                        Facet::Channel(Channel::parse(facet_value).ok()?)
                    }
                    _ => return None,
                };
                Some(Counter::Status(status, facet))
            }
        }
    }
}

fn quartiere_value(quartiere: Option<i16>) -> String {
    quartiere.map_or_else(|| NO_QUARTIERE.to_owned(), |number| number.to_string())
}

fn facet_value(facet: &Facet) -> String {
    match facet {
        Facet::All => String::new(),
        Facet::ThematicArea(code) => code.clone(),
        Facet::Quartiere(quartiere) => quartiere_value(*quartiere),
        Facet::Channel(channel) => channel.as_str().to_owned(),
        Facet::AuthorKind(kind) => kind.as_str().to_owned(),
    }
}

impl fmt::Display for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Counter::Received | Counter::Counted => f.write_str(self.dimension()),
            _ => write!(f, "{} {}", self.dimension(), self.value()),
        }
    }
}

/// What the indicator needs to know of one contribution.
#[derive(Clone, Copy, Debug)]
pub struct CountedFacts<'a> {
    pub channel: Channel,
    pub status: ContributionStatus,
    pub thematic_area: &'a str,
    pub quartiere: Option<i16>,
    pub author_kind: AuthorKind,
    /// The UTC day it was received.
    pub day: NaiveDate,
}

/// A signed number per counter: the totals the indicator is computed from,
/// or the change a write makes to them. Counters absent or at zero are the
/// same thing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts(BTreeMap<Counter, i64>);

impl Counts {
    /// Adds `times` contributions with these facts (negative to take them
    /// away).
    pub fn add(&mut self, facts: &CountedFacts<'_>, times: i64) {
        for counter in Counter::of(facts) {
            self.add_to(counter, times);
        }
    }

    pub fn add_to(&mut self, counter: Counter, amount: i64) {
        *self.0.entry(counter).or_default() += amount;
    }

    /// The change a write makes when a contribution's facts go from
    /// `before` to `after`.
    pub fn change(before: &CountedFacts<'_>, after: &CountedFacts<'_>) -> Counts {
        let mut change = Counts::default();
        change.add(after, 1);
        change.add(before, -1);
        change
    }

    /// The indicator's counters alone.
    pub fn of_indicator(&self) -> Counts {
        self.iter()
            .filter(|(counter, _)| counter.is_indicator())
            .map(|(counter, amount)| (counter.clone(), amount))
            .collect()
    }

    /// The change that takes these counts away.
    pub fn negated(&self) -> Counts {
        self.iter()
            .map(|(counter, amount)| (counter.clone(), -amount))
            .collect()
    }

    pub fn get(&self, counter: &Counter) -> i64 {
        self.0.get(counter).copied().unwrap_or(0)
    }

    /// The counters that are not zero, in a fixed order (writers that
    /// update them in this order never wait for each other in a cycle).
    pub fn iter(&self) -> impl Iterator<Item = (&Counter, i64)> {
        self.0
            .iter()
            .filter(|(_, amount)| **amount != 0)
            .map(|(counter, amount)| (counter, *amount))
    }

    pub fn is_zero(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Where these counts (kept) differ from `recounted`.
    pub fn differences(&self, recounted: &Counts) -> Vec<CounterDifference> {
        let mut counters: Vec<&Counter> = self.iter().map(|(c, _)| c).collect();
        counters.extend(recounted.iter().map(|(c, _)| c));
        counters.sort();
        counters.dedup();
        counters
            .into_iter()
            .filter(|counter| self.get(counter) != recounted.get(counter))
            .map(|counter| CounterDifference {
                counter: counter.clone(),
                kept: self.get(counter),
                recounted: recounted.get(counter),
            })
            .collect()
    }
}

impl FromIterator<(Counter, i64)> for Counts {
    fn from_iter<I: IntoIterator<Item = (Counter, i64)>>(iter: I) -> Counts {
        let mut counts = Counts::default();
        for (counter, amount) in iter {
            counts.add_to(counter, amount);
        }
        counts
    }
}

/// The kept counters against a recount from the contributions.
#[derive(Clone, Debug)]
pub struct CounterCheck {
    /// Where the kept counters differ from the recount.
    pub differences: Vec<CounterDifference>,
    pub recounted: Counts,
}

impl CounterCheck {
    pub fn of(kept: &Counts, recounted: Counts) -> CounterCheck {
        CounterCheck {
            differences: kept.differences(&recounted),
            recounted,
        }
    }
}

/// A counter whose kept value is not what the rows give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CounterDifference {
    pub counter: Counter,
    pub kept: i64,
    pub recounted: i64,
}

impl fmt::Display for CounterDifference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: counters {}, contributions {}",
            self.counter, self.kept, self.recounted
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: ContributionStatus, area: &str) -> CountedFacts<'_> {
        CountedFacts {
            channel: Channel::Form,
            status,
            thematic_area: area,
            quartiere: Some(2),
            author_kind: AuthorKind::Citizen,
            day: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        }
    }

    #[test]
    fn a_status_change_moves_only_what_it_changes() {
        let pending = facts(ContributionStatus::Pending, "mobilita-green");
        let approved = facts(ContributionStatus::Approved, "mobilita-green");
        assert!(Counts::change(&pending, &approved).of_indicator().is_zero());
        let spam = facts(ContributionStatus::Spam, "mobilita-green");
        let change = Counts::change(&pending, &spam);
        assert_eq!(change.get(&Counter::Received), 0);
        assert_eq!(change.get(&Counter::Counted), -1);
        assert_eq!(change.get(&Counter::Quartiere(Some(2))), -1);
        let moved = facts(ContributionStatus::Pending, "cultura-diffusa");
        let change: Vec<_> = Counts::change(&pending, &moved)
            .of_indicator()
            .iter()
            .map(|(c, n)| (c.to_string(), n))
            .collect();
        assert_eq!(
            change,
            [
                ("thematic_area cultura-diffusa".to_owned(), 1),
                ("thematic_area mobilita-green".to_owned(), -1)
            ]
        );
    }

    #[test]
    fn a_status_change_moves_the_queue_counts_of_every_facet() {
        let pending = facts(ContributionStatus::Pending, "mobilita-green");
        let approved = facts(ContributionStatus::Approved, "mobilita-green");
        let change = Counts::change(&pending, &approved);
        let area = Facet::ThematicArea("mobilita-green".into());
        assert_eq!(
            change.get(&Counter::Status(ContributionStatus::Approved, area.clone())),
            1
        );
        assert_eq!(
            change.get(&Counter::Status(ContributionStatus::Pending, area)),
            -1
        );
        assert_eq!(
            change.get(&Counter::Status(
                ContributionStatus::Pending,
                Facet::Channel(Channel::Form)
            )),
            -1
        );
        assert_eq!(change.iter().count(), 10, "five facets, two statuses");
    }

    #[test]
    fn other_channels_count_in_the_queue_only() {
        let letter = CountedFacts {
            channel: Channel::Paper,
            ..facts(ContributionStatus::Approved, "mobilita-green")
        };
        let counters = Counter::of(&letter);
        assert_eq!(counters.len(), 5);
        assert!(counters.iter().all(|counter| !counter.is_indicator()));
        assert!(counters.contains(&Counter::Status(
            ContributionStatus::Approved,
            Facet::Channel(Channel::Paper)
        )));
    }

    #[test]
    fn every_counter_reads_back_from_its_stored_form() {
        let counters = [
            Counter::Received,
            Counter::Counted,
            Counter::ThematicArea("mobilita-green".into()),
            Counter::Quartiere(Some(5)),
            Counter::Quartiere(None),
            Counter::AuthorKind(AuthorKind::TradeAssociation),
            Counter::Day(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()),
            Counter::Status(ContributionStatus::Spam, Facet::All),
            Counter::Status(
                ContributionStatus::Pending,
                Facet::ThematicArea("mobilita-green".into()),
            ),
            Counter::Status(ContributionStatus::Approved, Facet::Quartiere(None)),
            Counter::Status(ContributionStatus::Hidden, Facet::Quartiere(Some(3))),
            Counter::Status(ContributionStatus::Rejected, Facet::Channel(Channel::Event)),
            Counter::Status(
                ContributionStatus::Duplicate,
                Facet::AuthorKind(AuthorKind::Citizen),
            ),
        ];
        for counter in counters {
            assert_eq!(
                Counter::parse(counter.dimension(), &counter.value()),
                Some(counter.clone()),
                "{counter}"
            );
        }
        for (dimension, value) in [
            ("received", "x"),
            ("quartiere", "6"),
            ("quartiere", "02"),
            ("author_kind", "robot"),
            ("day", "2026-13-01"),
            ("thematic_area", ""),
            ("weekday", "monday"),
            ("status", "lost"),
            ("status_channel", "pending fax"),
            ("status_channel", "pending"),
            ("status_quartiere", "limbo 3"),
            ("status_weekday", "pending monday"),
        ] {
            assert_eq!(
                Counter::parse(dimension, value),
                None,
                "{dimension} {value}"
            );
        }
    }

    #[test]
    fn differences_name_each_counter_once_with_both_values() {
        let kept: Counts = [(Counter::Received, 3), (Counter::Counted, 2)]
            .into_iter()
            .collect();
        let recounted: Counts = [
            (Counter::Received, 3),
            (Counter::Counted, 3),
            (Counter::Quartiere(None), 1),
        ]
        .into_iter()
        .collect();
        let differences: Vec<String> = kept
            .differences(&recounted)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            differences,
            [
                "counted: counters 2, contributions 3",
                "quartiere none: counters 0, contributions 1"
            ]
        );
        assert!(recounted.differences(&recounted).is_empty());
    }
}
