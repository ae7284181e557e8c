//! XLSX: a `contributi` sheet written by rust_xlsxwriter in constant-memory
//! mode (rows go to a temporary file as they are written) and a
//! `dizionario` sheet, the codebook; the workbook is assembled into a file
//! at the end.

use std::path::Path;

use rust_xlsxwriter::{DocProperties, Format, FormatAlign, Workbook, XlsxError};

use super::columns::{self, Column, FieldType};
use super::record::Cell;
use super::{area_names, Export, ExportError};
use crate::db::Db;

/// Data rows an XLSX sheet can hold (1,048,576 rows less the header).
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

impl Export {
    /// A workbook with the `contributi` sheet, written in constant-memory
    /// mode, and the `dizionario` sheet (the codebook), saved at `path`.
    pub fn write_xlsx(&mut self, db: &Db, path: &Path) -> Result<(), ExportError> {
        let areas = db.read_blocking(area_names)?;
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
        let date_format = Format::new().set_num_format("yyyy-mm-dd");

        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("contributi")?;
        for (index, column) in columns.iter().enumerate() {
            sheet.set_column_width(index as u16, column_width(column))?;
            sheet.write_string_with_format(0, index as u16, column.name, &bold)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        let mut row: u32 = 0;
        self.each_record(db, &areas, |record| {
            if u64::from(row) >= XLSX_MAX_ROWS {
                return Err(ExportError::TooManyRows { max: XLSX_MAX_ROWS });
            }
            row += 1;
            for (index, cell) in record.cells().into_iter().enumerate() {
                let col = index as u16;
                match cell {
                    Cell::Text(text) => {
                        // A string cell is never a formula: the exact text.
                        sheet.write_string(row, col, text)?;
                    }
                    Cell::Integer(n) => {
                        sheet.write_number(row, col, n as f64)?;
                    }
                    Cell::Date(d) => {
                        sheet.write_datetime_with_format(row, col, d, &date_format)?;
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

        write_codebook(&mut workbook, &columns, &areas, &bold)?;
        workbook.save(path)?;
        Ok(())
    }
}

/// The `dizionario` sheet: one line per column, then the notes.
fn write_codebook(
    workbook: &mut Workbook,
    columns: &[&Column],
    areas: &[(String, String)],
    bold: &Format,
) -> Result<(), XlsxError> {
    let codebook = workbook.add_worksheet();
    codebook.set_name("dizionario")?;
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
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
        codebook.write_string_with_format(0, index as u16, title, bold)?;
    }
    for (index, column) in columns.iter().enumerate() {
        let line = index as u32 + 1;
        codebook.write_string_with_format(line, 0, column.name, &wrap)?;
        codebook.write_string_with_format(line, 1, column.title, &wrap)?;
        codebook.write_string_with_format(line, 2, column.field_type.as_str(), &wrap)?;
        codebook.write_string_with_format(line, 3, column.description, &wrap)?;
        codebook.write_string_with_format(line, 4, columns::values_text(column, areas), &wrap)?;
    }
    let notes_start = columns.len() as u32 + 2;
    codebook.write_string_with_format(notes_start, 0, "note", bold)?;
    for (index, note) in columns::NOTES.iter().enumerate() {
        let line = notes_start + 1 + index as u32;
        codebook.merge_range(line, 0, line, 4, note, &wrap)?;
        codebook.set_row_height(line, 45)?;
    }
    codebook.set_freeze_panes(1, 0)?;
    Ok(())
}

fn column_width(column: &Column) -> f64 {
    match (column.name, column.field_type) {
        ("body", _) => 80.0,
        ("title", _)
        | ("thematic_area_name", _)
        | ("organization_name", _)
        | ("meeting_name", _) => 40.0,
        ("id", _) | ("author_pseudonym", _) => 38.0,
        (_, FieldType::Datetime) => 20.0,
        _ => 16.0,
    }
}
