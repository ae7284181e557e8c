//! Research exports (SPEC §5): the contributions as CSV, XLSX, JSON or
//! NDJSON, pseudonymised, with the codebook and a Frictionless Data Package
//! descriptor. One code path serves `GET /exports/contributions` and
//! `rinasce export`.
//!
//! Rows are read in keyset batches of [`BATCH_ROWS`] by sequence number and
//! written as they arrive: nothing holds the whole result. XLSX is written by
//! rust_xlsxwriter in constant-memory mode (rows go to a temporary file as
//! they are written), and the workbook is assembled into a file at the end.

pub mod columns;
pub mod datapackage;
pub mod pseudonym;

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime, SecondsFormat};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;

use crate::db::audit;
use crate::db::contributions::{self as queries, ExportSourceRow, ModerationFilter};
use crate::db::{thematic_areas, DbConnection, DbError};
use crate::domain::{Actor, AuditEvent};
use crate::domain::{ContributionStatus, FieldIssue, Reference};
use crate::error::ApiError;
use columns::{Column, FieldType};
pub use pseudonym::Pseudonymiser;

/// Rows read from the database at a time.
pub const BATCH_ROWS: i64 = 2_000;
/// Data rows an XLSX sheet can hold (1,048,576 rows less the header).
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

/// The file formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
    Ndjson,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 4] = [
        ExportFormat::Csv,
        ExportFormat::Xlsx,
        ExportFormat::Json,
        ExportFormat::Ndjson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
        }
    }

    pub fn parse(raw: &str) -> Result<ExportFormat, FieldIssue> {
        let raw = raw.trim();
        ExportFormat::ALL
            .into_iter()
            .find(|format| format.as_str().eq_ignore_ascii_case(raw))
            .ok_or_else(|| FieldIssue::UnknownValue {
                allowed: ExportFormat::ALL
                    .iter()
                    .map(|f| f.as_str().to_owned())
                    .collect(),
            })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8; header=present",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Json => "application/json",
            ExportFormat::Ndjson => "application/x-ndjson",
        }
    }
}

/// The file name of an export made on `date`: personal data say so in it.
pub fn file_name(format: ExportFormat, include_personal_data: bool, date: NaiveDate) -> String {
    let kind = if include_personal_data {
        "contributi-con-dati-personali"
    } else {
        "contributi"
    };
    format!(
        "rinasce-{kind}-{}.{}",
        date.format("%Y-%m-%d"),
        format.as_str()
    )
}

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub filter: ModerationFilter,
    pub include_personal_data: bool,
}

impl ExportRequest {
    /// Every status but spam unless the filter names statuses.
    pub fn new(
        format: ExportFormat,
        mut filter: ModerationFilter,
        include_personal_data: bool,
    ) -> ExportRequest {
        if filter.statuses.is_empty() && filter.excluded_statuses.is_empty() {
            filter.excluded_statuses = vec![ContributionStatus::Spam];
        }
        ExportRequest {
            format,
            filter,
            include_personal_data,
        }
    }

    /// The filters as JSON, for the audit log.
    pub fn filters_json(&self) -> serde_json::Value {
        let f = &self.filter;
        let time = |t: Option<NaiveDateTime>| t.map(time_text);
        serde_json::json!({
            "status": f.statuses,
            "excluded_status": f.excluded_statuses,
            "thematic_area": f.thematic_area,
            "tag": f.tag,
            "quartiere": f.quartiere,
            "channel": f.channel,
            "author_kind": f.author_kind,
            "q": f.text,
            "received_from": time(f.received_from),
            "received_to": time(f.received_to),
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot write the export: {0}")]
    Io(#[from] io::Error),
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("more than {max} rows do not fit in an XLSX sheet; export CSV or narrow the filters")]
    TooManyRows { max: u64 },
}

impl From<diesel::result::Error> for ExportError {
    fn from(error: diesel::result::Error) -> ExportError {
        ExportError::Db(error.into())
    }
}

impl From<ExportError> for ApiError {
    fn from(error: ExportError) -> ApiError {
        match error {
            ExportError::Db(error) => error.into(),
            ExportError::TooManyRows { max } => {
                ApiError::validation("format", FieldIssue::TooManyItems { max: max as usize })
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

/// An RFC 3339 UTC time with microseconds, as both backends store it.
pub fn time_text(time: NaiveDateTime) -> String {
    time.and_utc().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Formula neutralisation for spreadsheets: a text beginning with `=`, `+`,
/// `-` or `@` gets a leading apostrophe, so that no spreadsheet evaluates it.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
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
    pub channel: String,
    pub thematic_area: String,
    pub thematic_area_name: String,
    pub title: String,
    pub body: String,
    pub status: String,
    pub tags: Vec<String>,
    pub author_kind: String,
    pub organization_name: Option<String>,
    pub quartiere: Option<i16>,
    pub author_pseudonym: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub personal: Option<PersonalData>,
    tags_text: String,
}

/// One cell of a row, for the tabular formats.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Text(&'a str),
    Integer(i64),
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
    fn new(
        row: ExportSourceRow,
        area_name: &str,
        tags: Vec<String>,
        pseudonymiser: &Pseudonymiser,
        include_personal_data: bool,
    ) -> ExportRecord {
        let author_pseudonym = pseudonymiser.pseudonym(row.email.as_deref());
        let personal = include_personal_data.then_some(PersonalData {
            given_name: row.given_name,
            family_name: row.family_name,
            email: row.email,
        });
        ExportRecord {
            id: row.id,
            reference: Reference::from_sequence(row.seq).to_string(),
            received_at: row.received_at,
            channel: row.channel,
            thematic_area: row.thematic_area,
            thematic_area_name: area_name.to_owned(),
            title: row.title,
            body: row.body,
            status: row.status,
            tags_text: tags.join(","),
            tags,
            author_kind: row.author_kind,
            organization_name: row.organization_name,
            quartiere: row.quartiere,
            author_pseudonym,
            published_at: row.published_at,
            personal,
        }
    }

    /// The cells in column order: 15, or 18 with personal data.
    pub fn cells(&self) -> Vec<Cell<'_>> {
        let mut cells = vec![
            Cell::Text(&self.id),
            Cell::Text(&self.reference),
            Cell::Time(self.received_at),
            Cell::Text(&self.channel),
            Cell::Text(&self.thematic_area),
            Cell::Text(&self.thematic_area_name),
            Cell::Text(&self.title),
            Cell::Text(&self.body),
            Cell::Text(&self.status),
            if self.tags_text.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(&self.tags_text)
            },
            Cell::Text(&self.author_kind),
            text_cell(&self.organization_name),
            self.quartiere
                .map_or(Cell::Empty, |q| Cell::Integer(i64::from(q))),
            text_cell(&self.author_pseudonym),
            self.published_at.map_or(Cell::Empty, Cell::Time),
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
        if let Some(personal) = &self.personal {
            map.serialize_entry("given_name", &personal.given_name)?;
            map.serialize_entry("family_name", &personal.family_name)?;
            map.serialize_entry("email", &personal.email)?;
        }
        map.end()
    }
}

/// An export in progress: what to export, with what key, and how many rows
/// have been written so far (known also when writing stops half-way).
pub struct Export {
    request: ExportRequest,
    pseudonymiser: Pseudonymiser,
    rows: u64,
}

impl Export {
    pub fn new(request: ExportRequest, pseudonymiser: Pseudonymiser) -> Export {
        Export {
            request,
            pseudonymiser,
            rows: 0,
        }
    }

    pub fn request(&self) -> &ExportRequest {
        &self.request
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn columns(&self) -> impl Iterator<Item = &'static Column> {
        columns::columns(self.request.include_personal_data)
    }

    /// Reads the rows batch by batch and hands each record to `visit`.
    fn each_record(
        &mut self,
        conn: &mut DbConnection,
        areas: &[(String, String)],
        mut visit: impl FnMut(&ExportRecord) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let names: HashMap<&str, &str> = areas
            .iter()
            .map(|(code, name)| (code.as_str(), name.as_str()))
            .collect();
        let until = queries::max_seq(conn)?;
        let mut after = 0;
        loop {
            let batch =
                queries::export_batch(conn, &self.request.filter, after, until, BATCH_ROWS)?;
            let Some(last) = batch.last().map(|(row, _)| row.seq) else {
                return Ok(());
            };
            let complete_batch = batch.len() as i64 == BATCH_ROWS;
            for (row, tags) in batch {
                let area = names.get(row.thematic_area.as_str()).copied();
                let tags = tags
                    .map(|tags| tags.split(',').map(str::to_owned).collect())
                    .unwrap_or_default();
                let record = ExportRecord::new(
                    row,
                    area.unwrap_or_default(),
                    tags,
                    &self.pseudonymiser,
                    self.request.include_personal_data,
                );
                visit(&record)?;
                self.rows += 1;
            }
            if !complete_batch {
                return Ok(());
            }
            after = last;
        }
    }

    /// CSV, JSON or NDJSON to `out`, as the rows arrive; XLSX goes through a
    /// temporary file (see [`Export::write_xlsx`]) and is then copied.
    pub fn write(&mut self, conn: &mut DbConnection, out: impl Write) -> Result<(), ExportError> {
        match self.request.format {
            ExportFormat::Csv => self.write_csv(conn, out),
            ExportFormat::Json => self.write_json(conn, out, false),
            ExportFormat::Ndjson => self.write_json(conn, out, true),
            ExportFormat::Xlsx => {
                let file = tempfile::NamedTempFile::new()?;
                self.write_xlsx(conn, file.path())?;
                let mut out = out;
                io::copy(&mut std::fs::File::open(file.path())?, &mut out)?;
                out.flush()?;
                Ok(())
            }
        }
    }

    /// RFC 4180 with a semicolon, a header row, CRLF, UTF-8 with a BOM (so
    /// that Excel reads the accents); text cells are neutralised.
    pub fn write_csv(
        &mut self,
        conn: &mut DbConnection,
        out: impl Write,
    ) -> Result<(), ExportError> {
        let areas = area_names(conn)?;
        let mut out = io::BufWriter::with_capacity(64 * 1024, out);
        out.write_all("\u{feff}".as_bytes())?;
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer
            .write_record(self.columns().map(|c| c.name))
            .map_err(csv_error)?;
        self.each_record(conn, &areas, |record| {
            for cell in record.cells() {
                match cell {
                    Cell::Text(text) => writer.write_field(neutralise(text).as_bytes()),
                    Cell::Integer(n) => writer.write_field(n.to_string()),
                    Cell::Time(t) => writer.write_field(time_text(t)),
                    Cell::Empty => writer.write_field(b""),
                }
                .map_err(csv_error)?;
            }
            writer
                .write_record(std::iter::empty::<&[u8]>())
                .map_err(csv_error)
        })?;
        let mut out = writer
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))?;
        out.flush()?;
        Ok(())
    }

    /// `{"items": [...]}`, or one object per line (NDJSON).
    pub fn write_json(
        &mut self,
        conn: &mut DbConnection,
        out: impl Write,
        ndjson: bool,
    ) -> Result<(), ExportError> {
        let areas = area_names(conn)?;
        let mut out = io::BufWriter::with_capacity(64 * 1024, out);
        if !ndjson {
            out.write_all(b"{\"items\":[")?;
        }
        let mut first = true;
        self.each_record(conn, &areas, |record| {
            if !ndjson && !first {
                out.write_all(b",")?;
            }
            first = false;
            serde_json::to_writer(&mut out, record).map_err(io::Error::from)?;
            if ndjson {
                out.write_all(b"\n")?;
            }
            Ok(())
        })?;
        if !ndjson {
            out.write_all(b"]}\n")?;
        }
        out.flush()?;
        Ok(())
    }

    /// A workbook with the `contributi` sheet, written in constant-memory
    /// mode, and the `dizionario` sheet (the codebook), saved at `path`.
    pub fn write_xlsx(&mut self, conn: &mut DbConnection, path: &Path) -> Result<(), ExportError> {
        use rust_xlsxwriter::{DocProperties, Format, Workbook};
        let areas = area_names(conn)?;
        let columns: Vec<&Column> = self.columns().collect();
        let last_column = (columns.len() - 1) as u16;
        let mut workbook = Workbook::new();
        workbook.set_properties(
            &DocProperties::new()
                .set_title("Contributi a «Rinasce Firenze»")
                .set_company("Comune di Firenze"),
        );
        let bold = Format::new().set_bold();
        let time_format = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");

        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("contributi")?;
        for (index, column) in columns.iter().enumerate() {
            sheet.set_column_width(index as u16, column_width(column))?;
            sheet.write_string_with_format(0, index as u16, column.name, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let mut row: u32 = 0;
        self.each_record(conn, &areas, |record| {
            if u64::from(row) >= XLSX_MAX_ROWS {
                return Err(ExportError::TooManyRows { max: XLSX_MAX_ROWS });
            }
            row += 1;
            for (index, cell) in record.cells().into_iter().enumerate() {
                let col = index as u16;
                match cell {
                    Cell::Text(text) => {
                        sheet.write_string(row, col, neutralise(text))?;
                    }
                    Cell::Integer(n) => {
                        sheet.write_number(row, col, n as f64)?;
                    }
                    Cell::Time(t) => {
                        sheet.write_datetime_with_format(row, col, t, &time_format)?;
                    }
                    Cell::Empty => {}
                }
            }
            Ok(())
        })?;
        sheet.autofilter(0, 0, row, last_column)?;

        let codebook = workbook.add_worksheet();
        codebook.set_name("dizionario")?;
        let wrap = Format::new()
            .set_text_wrap()
            .set_align(rust_xlsxwriter::FormatAlign::Top);
        for (index, (title, width)) in [
            ("colonna", 22.0),
            ("titolo", 24.0),
            ("tipo", 10.0),
            ("descrizione", 70.0),
            ("valori", 70.0),
        ]
        .into_iter()
        .enumerate()
        {
            codebook.set_column_width(index as u16, width)?;
            codebook.write_string_with_format(0, index as u16, title, &bold)?;
        }
        for (index, column) in columns.iter().enumerate() {
            let line = index as u32 + 1;
            codebook.write_string_with_format(line, 0, column.name, &wrap)?;
            codebook.write_string_with_format(line, 1, column.title, &wrap)?;
            codebook.write_string_with_format(line, 2, column.field_type.as_str(), &wrap)?;
            codebook.write_string_with_format(line, 3, column.description, &wrap)?;
            codebook.write_string_with_format(
                line,
                4,
                columns::values_text(column, &areas),
                &wrap,
            )?;
        }
        let notes_start = columns.len() as u32 + 2;
        codebook.write_string_with_format(notes_start, 0, "note", &bold)?;
        for (index, note) in columns::NOTES.iter().enumerate() {
            let line = notes_start + 1 + index as u32;
            codebook.merge_range(line, 0, line, 4, note, &wrap)?;
            codebook.set_row_height(line, 45)?;
        }
        codebook.set_freeze_panes(1, 0)?;
        workbook.save(path)?;
        Ok(())
    }
}

/// Writes the audit event of an export with personal data: who, which
/// filters, how many rows, and whether the export ran to its end.
pub fn record_personal_export(
    conn: &mut DbConnection,
    actor: Actor,
    request: &ExportRequest,
    rows: u64,
    complete: bool,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let details = serde_json::json!({
        "format": request.format.as_str(),
        "filters": request.filters_json(),
        "rows": rows,
        "complete": complete,
    });
    audit::record(
        conn,
        actor,
        AuditEvent::personal_data_exported(rows, details.to_string()),
        now,
    )
}

/// Every thematic area (inactive ones too) as (code, name), in display order.
pub fn area_names(conn: &mut DbConnection) -> Result<Vec<(String, String)>, DbError> {
    Ok(thematic_areas::list(conn, false)?
        .into_iter()
        .map(|area| (area.code, area.name))
        .collect())
}

fn column_width(column: &Column) -> f64 {
    match (column.name, column.field_type) {
        ("body", _) => 80.0,
        ("title", _) | ("thematic_area_name", _) | ("organization_name", _) => 40.0,
        ("id", _) | ("author_pseudonym", _) => 38.0,
        (_, FieldType::Datetime) => 20.0,
        _ => 16.0,
    }
}

fn csv_error(error: csv::Error) -> ExportError {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => ExportError::Io(error),
        other => ExportError::Io(io::Error::other(format!("{other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_formula_starts_only() {
        for formula in ["=SUM(A1:A9)", "+39 055", "-1", "@cmd"] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
        assert_eq!(
            neutralise("Piste ciclabili = sicurezza"),
            "Piste ciclabili = sicurezza"
        );
        assert!(matches!(neutralise("testo"), Cow::Borrowed(_)));
    }

    #[test]
    fn formats_parse_case_insensitively_and_name_files_by_date() {
        assert_eq!(ExportFormat::parse("XLSX"), Ok(ExportFormat::Xlsx));
        assert!(ExportFormat::parse("pdf").is_err());
        let date = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(
            file_name(ExportFormat::Csv, false, date),
            "rinasce-contributi-2026-11-25.csv"
        );
        assert_eq!(
            file_name(ExportFormat::Ndjson, true, date),
            "rinasce-contributi-con-dati-personali-2026-11-25.ndjson"
        );
    }

    #[test]
    fn spam_is_left_out_unless_statuses_are_named() {
        let default = ExportRequest::new(ExportFormat::Csv, ModerationFilter::default(), false);
        assert_eq!(
            default.filter.excluded_statuses,
            vec![ContributionStatus::Spam]
        );
        let named = ExportRequest::new(
            ExportFormat::Csv,
            ModerationFilter {
                statuses: vec![ContributionStatus::Spam],
                ..ModerationFilter::default()
            },
            false,
        );
        assert!(named.filter.excluded_statuses.is_empty());
    }
}
