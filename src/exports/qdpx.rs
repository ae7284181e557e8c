//! REFI-QDA: the project archive (`.qdpx`) and the codebook alone (`.qdc`).
//!
//! The archive is a zip written to a file (the zip needs to seek back to
//! each entry's header): each contribution's text goes into
//! `sources/<guid>.txt` as its row arrives, and `project.qde` is written
//! last by [`ProjectWriter`] (see `refiqda/project.rs` for what it keeps).

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::refiqda::{source_text, Codebook, ProjectWriter};
use super::{area_names, Export, ExportError};
use crate::db::Db;

impl Export {
    /// The `.qdpx` archive of the selected contributions, saved at `path`.
    pub fn write_qdpx(&mut self, db: &Db, path: &Path) -> Result<(), ExportError> {
        let codebook = Codebook::load(db)?;
        let areas = db.read_blocking(area_names)?;
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .large_file(true);
        let mut zip = ZipWriter::new(io::BufWriter::with_capacity(64 * 1024, File::create(path)?));
        let mut project = ProjectWriter::new(self.request().include_personal_data)?;
        self.each_record(db, &areas, |record| {
            let text = source_text(record);
            let file = format!("sources/{}.txt", ProjectWriter::source_guid(record));
            zip.start_file(file, options).map_err(zip_error)?;
            zip.write_all(text.as_bytes())?;
            project.add(record, &text)?;
            Ok(())
        })?;
        zip.start_file("project.qde", options).map_err(zip_error)?;
        project.finish(&codebook, &mut zip)?;
        zip.finish().map_err(zip_error)?.flush()?;
        Ok(())
    }

    /// The codebook exchange file: every area and tag as a code.
    pub fn write_qdc(&mut self, db: &Db, out: impl Write) -> Result<(), ExportError> {
        Ok(Codebook::load(db)?.write_qdc(out)?)
    }
}

fn zip_error(error: zip::result::ZipError) -> ExportError {
    match error {
        zip::result::ZipError::Io(error) => ExportError::Io(error),
        other => ExportError::Io(io::Error::other(other)),
    }
}
