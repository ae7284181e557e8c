//! Research exports (SPEC §5): the contributions as CSV, XLSX, JSON or
//! NDJSON, pseudonymised, with the codebook and a Frictionless Data Package
//! descriptor. One code path serves `GET /exports/contributions` and
//! `rinasce export`.
//!
//! Rows are read in keyset batches (`batches`) and written as they arrive
//! by one file per format (`csv`, `json`, `xlsx`): nothing holds the whole
//! result.

mod audit;
mod batches;
pub mod columns;
mod csv;
pub mod datapackage;
mod error;
mod format;
mod json;
pub mod pseudonym;
mod record;
mod request;
mod run;
mod xlsx;

use std::io::{self, Write};

pub use audit::record_personal_export;
pub use batches::{area_names, Export, BATCH_ROWS};
pub use error::ExportError;
pub use format::{file_name, ExportFormat};
pub use pseudonym::Pseudonymiser;
pub use record::{neutralise, time_text, Cell, ExportRecord, PersonalData};
pub use request::ExportRequest;
pub use run::run;
pub use xlsx::XLSX_MAX_ROWS;

use crate::db::DbConnection;

impl Export {
    /// CSV, JSON or NDJSON to `out`, as the rows arrive; XLSX goes through a
    /// temporary file (see [`Export::write_xlsx`]) and is then copied.
    pub fn write(&mut self, conn: &mut DbConnection, out: impl Write) -> Result<(), ExportError> {
        match self.request().format {
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
}
