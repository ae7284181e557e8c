//! CSV for Italian spreadsheets: RFC 4180 with a semicolon, a header row,
//! CRLF, UTF-8 with a BOM (so that Excel reads the accents). Every field is
//! quoted and text is neutralised (see [`neutralise`]), so that no reader,
//! whatever delimiter it splits on, finds a cell that starts a formula.

use std::io::{self, Write};

use super::record::{date_text, neutralise, time_text, Cell};
use super::{area_names, Export, ExportError};
use crate::db::Db;

impl Export {
    /// The CSV, written to `out` as the rows arrive; text cells are
    /// neutralised.
    pub fn write_csv(&mut self, db: &Db, out: impl Write) -> Result<(), ExportError> {
        let areas = db.read_blocking(area_names)?;
        let mut out = io::BufWriter::with_capacity(64 * 1024, out);
        out.write_all("\u{feff}".as_bytes())?;
        let mut writer = csv::WriterBuilder::new()
            .delimiter(b';')
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Always)
            .from_writer(out);
        writer.write_record(self.columns().map(|c| c.name))?;
        self.each_record(db, &areas, |record| {
            for cell in record.cells() {
                match cell {
                    Cell::Text(text) => writer.write_field(neutralise(text).as_bytes()),
                    Cell::Integer(n) => writer.write_field(n.to_string()),
                    Cell::Date(d) => writer.write_field(date_text(d)),
                    Cell::Time(t) => writer.write_field(time_text(t)),
                    Cell::Empty => writer.write_field(b""),
                }?;
            }
            Ok(writer.write_record(std::iter::empty::<&[u8]>())?)
        })?;
        let mut out = writer
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))?;
        out.flush()?;
        Ok(())
    }
}
