//! Research exports (SPEC §5): the contributions as CSV, XLSX, JSON,
//! NDJSON or REFI-QDA (`qdpx`, and the codebook alone as `qdc`),
//! pseudonymised, with the codebook and a Frictionless Data Package
//! descriptor. One code path serves `GET /exports/contributions` and
//! `rinasce export`.
//!
//! Rows are read in keyset batches (`batches`) and written as they arrive
//! by one file per format (`csv`, `json`, `xlsx`, `qdpx` with the XML
//! writers in `refiqda`): nothing holds the whole result.

mod audit;
mod batches;
pub mod columns;
mod count;
mod csv;
pub mod datapackage;
mod error;
mod format;
mod json;
pub mod pseudonym;
mod qdpx;
mod record;
mod refiqda;
pub mod report;
mod request;
mod run;
mod xlsx;

use std::io::{self, Write};
use std::path::Path;

pub use audit::record_personal_export;
pub use batches::{area_names, Export, BATCH_ROWS};
pub use count::count;
pub use error::ExportError;
pub use format::{file_name, ExportFormat};
pub use pseudonym::Pseudonymiser;
pub use record::{
    date_text, neutralise, rome_time_text, time_text, Cell, ExportRecord, PersonalData,
};
pub use request::ExportRequest;
pub use run::run;
pub use xlsx::XLSX_MAX_ROWS;

use crate::db::Db;

impl Export {
    /// CSV, JSON, NDJSON or QDC to `out`, as the rows arrive; XLSX and
    /// QDPX go through a temporary file (see [`Export::write_file`]) and
    /// are then copied.
    pub fn write(&mut self, db: &Db, out: impl Write) -> Result<(), ExportError> {
        match self.request().format {
            ExportFormat::Csv => self.write_csv(db, out),
            ExportFormat::Json => self.write_json(db, out, false),
            ExportFormat::Ndjson => self.write_json(db, out, true),
            ExportFormat::Qdc => self.write_qdc(db, out),
            ExportFormat::Xlsx | ExportFormat::Qdpx => {
                let file = tempfile::NamedTempFile::new()?;
                self.write_file(db, file.path())?;
                let mut out = out;
                io::copy(&mut std::fs::File::open(file.path())?, &mut out)?;
                out.flush()?;
                Ok(())
            }
        }
    }

    /// The export saved at `path`: XLSX and QDPX are written there directly.
    pub fn write_file(&mut self, db: &Db, path: &Path) -> Result<(), ExportError> {
        match self.request().format {
            ExportFormat::Xlsx => self.write_xlsx(db, path),
            ExportFormat::Qdpx => self.write_qdpx(db, path),
            _ => self.write(db, std::fs::File::create(path)?),
        }
    }
}
