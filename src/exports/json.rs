//! JSON (`{"items": [...]}`) and NDJSON (one object per line): the same
//! objects, only the framing differs.

use std::io::{self, Write};

use super::{area_names, Export, ExportError};
use crate::db::Db;

impl Export {
    /// `{"items": [...]}`, or one object per line (NDJSON), written to
    /// `out` as the rows arrive.
    pub fn write_json(
        &mut self,
        db: &Db,
        out: impl Write,
        ndjson: bool,
    ) -> Result<(), ExportError> {
        let areas = db.read_blocking(area_names)?;
        let mut out = io::BufWriter::with_capacity(64 * 1024, out);
        if !ndjson {
            out.write_all(b"{\"items\":[")?;
        }
        let mut first = true;
        self.each_record(db, &areas, |record| {
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
}
