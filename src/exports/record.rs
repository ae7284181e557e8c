//! One exported contribution, as the formats see it: cells in column order
//! for CSV and XLSX, an object for JSON and NDJSON.

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, SecondsFormat};
use chrono_tz::Europe::Rome;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::Pseudonymiser;
use crate::db::contributions::ExportSourceRow;
use crate::domain::{AuthorKind, Channel, ContributionStatus, Reference};

/// An RFC 3339 UTC time with microseconds, as both backends store it.
pub fn time_text(time: NaiveDateTime) -> String {
    time.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The same instant in Rome, with its offset (`+01:00`, `+02:00` in
/// summer): what the Comune's clocks showed.
pub fn rome_time_text(time: NaiveDateTime) -> String {
    time.and_utc()
        .with_timezone(&Rome)
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Characters that make a spreadsheet read a cell as a formula (tab and CR
/// too, which some spreadsheets skip before one).
const FORMULA_SIGNS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];
/// Where some CSV reader may start a new cell: the delimiters readers use
/// (comma, semicolon, tab) and line breaks.
const CELL_STARTS: [char; 5] = [',', ';', '\t', '\r', '\n'];

/// Formula neutralisation for CSV: wherever a cell could begin, for a
/// reader with this file's delimiter or another one, a formula sign gets an
/// apostrophe before it (before any spaces and quotes that precede it), so
/// that no spreadsheet evaluates it. A text is a cell's start; so is what
/// follows a comma, semicolon, tab or line break inside it, since a reader
/// with that delimiter splits there.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    let formula_at = |rest: &str| {
        rest.trim_start_matches([' ', '"'])
            .starts_with(FORMULA_SIGNS)
    };
    let mut cell_starts = std::iter::once(0)
        .chain(
            text.match_indices(CELL_STARTS)
                .map(|(i, sep)| i + sep.len()),
        )
        .filter(|&start| formula_at(&text[start..]))
        .peekable();
    if cell_starts.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let mut neutralised = String::with_capacity(text.len() + 4);
    let mut copied = 0;
    for start in cell_starts {
        neutralised.push_str(&text[copied..start]);
        neutralised.push('\'');
        copied = start;
    }
    neutralised.push_str(&text[copied..]);
    Cow::Owned(neutralised)
}

/// Name, family name and e-mail: only in admins' exports.
#[derive(Clone, Debug)]
pub struct PersonalData {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
}

/// One exported contribution.
#[derive(Clone, Debug)]
pub struct ExportRecord {
    pub id: String,
    pub reference: String,
    pub received_at: NaiveDateTime,
    pub channel: Channel,
    pub thematic_area: String,
    pub thematic_area_name: String,
    pub title: String,
    pub body: String,
    pub status: ContributionStatus,
    pub tags: Vec<String>,
    pub author_kind: AuthorKind,
    pub organization_name: Option<String>,
    pub quartiere: Option<i16>,
    pub author_pseudonym: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub status_reason: Option<String>,
    /// The reference of the original, for a duplicate.
    pub duplicate_of: Option<String>,
    /// The meeting it was handed in at.
    pub meeting_name: Option<String>,
    pub meeting_date: Option<NaiveDate>,
    pub meeting_quartiere: Option<i16>,
    pub personal: Option<PersonalData>,
    tags_text: String,
    received_at_rome: String,
    published_at_rome: Option<String>,
}

/// One cell of a row, for the tabular formats.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Text(&'a str),
    Integer(i64),
    Date(NaiveDate),
    Time(NaiveDateTime),
    Empty,
}

/// A text cell, or an empty one.
fn text_cell(value: &Option<String>) -> Cell<'_> {
    match value.as_deref() {
        Some(value) => Cell::Text(value),
        None => Cell::Empty,
    }
}

impl ExportRecord {
    pub(super) fn new(
        row: ExportSourceRow,
        area_name: &str,
        tags: Vec<String>,
        pseudonymiser: &Pseudonymiser,
        include_personal_data: bool,
    ) -> ExportRecord {
        let author_pseudonym = pseudonymiser.pseudonym(row.author_group.as_deref());
        let personal = include_personal_data.then_some(PersonalData {
            given_name: row.given_name,
            family_name: row.family_name,
            email: row.email,
        });
        ExportRecord {
            id: row.id.to_string(),
            reference: Reference::from_sequence(row.seq).to_string(),
            received_at: row.received_at,
            channel: row.channel,
            thematic_area: row.thematic_area,
            thematic_area_name: area_name.to_owned(),
            title: row.title,
            body: row.body,
            status: row.status,
            tags_text: tags.join(","),
            received_at_rome: rome_time_text(row.received_at),
            published_at_rome: row.published_at.map(rome_time_text),
            tags,
            author_kind: row.author_kind,
            organization_name: row.organization_name,
            quartiere: row.quartiere,
            author_pseudonym,
            published_at: row.published_at,
            status_reason: row.status_reason,
            duplicate_of: row
                .duplicate_of_seq
                .map(|seq| Reference::from_sequence(seq).to_string()),
            meeting_name: row.meeting_name,
            meeting_date: row.meeting_date,
            meeting_quartiere: row.meeting_quartiere,
            personal,
        }
    }

    /// The cells in column order: 22, or 25 with personal data.
    pub fn cells(&self) -> Vec<Cell<'_>> {
        let mut cells = vec![
            Cell::Text(&self.id),
            Cell::Text(&self.reference),
            Cell::Time(self.received_at),
            Cell::Text(self.channel.as_str()),
            Cell::Text(&self.thematic_area),
            Cell::Text(&self.thematic_area_name),
            Cell::Text(&self.title),
            Cell::Text(&self.body),
            Cell::Text(self.status.as_str()),
            if self.tags_text.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(&self.tags_text)
            },
            Cell::Text(self.author_kind.as_str()),
            text_cell(&self.organization_name),
            self.quartiere
                .map_or(Cell::Empty, |q| Cell::Integer(i64::from(q))),
            text_cell(&self.author_pseudonym),
            self.published_at.map_or(Cell::Empty, Cell::Time),
            text_cell(&self.status_reason),
            text_cell(&self.duplicate_of),
            Cell::Text(&self.received_at_rome),
            text_cell(&self.published_at_rome),
            text_cell(&self.meeting_name),
            self.meeting_date.map_or(Cell::Empty, Cell::Date),
            self.meeting_quartiere
                .map_or(Cell::Empty, |q| Cell::Integer(i64::from(q))),
        ];
        if let Some(personal) = &self.personal {
            cells.push(text_cell(&personal.given_name));
            cells.push(text_cell(&personal.family_name));
            cells.push(text_cell(&personal.email));
        }
        cells
    }
}

/// The JSON object of a record: the columns in order, `tags` as a list,
/// times as RFC 3339 text.
impl Serialize for ExportRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("reference", &self.reference)?;
        map.serialize_entry("received_at", &time_text(self.received_at))?;
        map.serialize_entry("channel", &self.channel)?;
        map.serialize_entry("thematic_area", &self.thematic_area)?;
        map.serialize_entry("thematic_area_name", &self.thematic_area_name)?;
        map.serialize_entry("title", &self.title)?;
        map.serialize_entry("body", &self.body)?;
        map.serialize_entry("status", &self.status)?;
        map.serialize_entry("tags", &self.tags)?;
        map.serialize_entry("author_kind", &self.author_kind)?;
        map.serialize_entry("organization_name", &self.organization_name)?;
        map.serialize_entry("quartiere", &self.quartiere)?;
        map.serialize_entry("author_pseudonym", &self.author_pseudonym)?;
        map.serialize_entry("published_at", &self.published_at.map(time_text))?;
        map.serialize_entry("status_reason", &self.status_reason)?;
        map.serialize_entry("duplicate_of", &self.duplicate_of)?;
        map.serialize_entry("received_at_rome", &self.received_at_rome)?;
        map.serialize_entry("published_at_rome", &self.published_at_rome)?;
        map.serialize_entry("meeting_name", &self.meeting_name)?;
        map.serialize_entry("meeting_date", &self.meeting_date.map(date_text))?;
        map.serialize_entry("meeting_quartiere", &self.meeting_quartiere)?;
        if let Some(personal) = &self.personal {
            map.serialize_entry("given_name", &personal.given_name)?;
            map.serialize_entry("family_name", &personal.family_name)?;
            map.serialize_entry("email", &personal.email)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formula_starts_only() {
        for formula in ["=SUM(A1:A9)", "+39 055", "-1", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
        assert_eq!(
            neutralise("Piste ciclabili = sicurezza"),
            "Piste ciclabili = sicurezza"
        );
        assert!(matches!(
            neutralise("testo, altro; e poi"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn neutralises_where_another_delimiter_starts_a_cell() {
        assert_eq!(
            neutralise("Proposta,=1+2+cmd|' /C calc'!A0"),
            "Proposta,'=1+2+cmd|' /C calc'!A0"
        );
        assert_eq!(neutralise("a;+b\t-c\n@d"), "a;'+b\t'-c\n'@d");
        assert_eq!(neutralise("a, \"=b"), "a,' \"=b");
        assert_eq!(neutralise("=a,=b"), "'=a,'=b");
        assert_eq!(neutralise("elenco:\r\n- uno"), "elenco:\r\n'- uno");
        assert_eq!(neutralise("a,\t=b"), "a,'\t'=b");
    }

    #[test]
    fn rome_times_carry_the_offset_of_the_season() {
        let at = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(
            rome_time_text(at("2026-11-25 09:30:00")),
            "2026-11-25T10:30:00.000000+01:00"
        );
        assert_eq!(
            rome_time_text(at("2026-07-01 22:15:00")),
            "2026-07-02T00:15:00.000000+02:00"
        );
    }
}
