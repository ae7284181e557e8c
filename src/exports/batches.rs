//! Reading the rows to export in keyset batches of [`BATCH_ROWS`] by
//! sequence number, so that nothing holds the whole result; every format
//! writes the records as they arrive. Each batch takes a pooled connection
//! and gives it back before its records are written: a client that reads
//! slowly (or not at all) holds no connection while the export waits on it.

use std::collections::HashMap;

use super::columns::{self, Column};
use super::record::ExportRecord;
use super::{ExportError, ExportRequest, Pseudonymiser};
use crate::db::contributions as queries;
use crate::db::{thematic_areas, Db, DbConnection, DbError};

/// Rows read from the database at a time.
pub const BATCH_ROWS: i64 = 2_000;

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

    pub(super) fn columns(&self) -> impl Iterator<Item = &'static Column> {
        columns::columns(self.request.include_personal_data)
    }

    /// Reads the rows batch by batch and hands each record to `visit`.
    /// Stops at the highest sequence number of the start, so that rows
    /// arriving meanwhile do not extend the export without end.
    pub(super) fn each_record(
        &mut self,
        db: &Db,
        areas: &[(String, String)],
        mut visit: impl FnMut(&ExportRecord) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let names: HashMap<&str, &str> = areas
            .iter()
            .map(|(code, name)| (code.as_str(), name.as_str()))
            .collect();
        let until = db.read_blocking(queries::max_seq)?;
        let mut after = 0;
        loop {
            let filter = &self.request.filter;
            let batch = db.read_blocking(|conn| {
                queries::export_batch(conn, filter, after, until, BATCH_ROWS)
            })?;
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
}

/// Every thematic area (inactive ones too) as (code, name), in display order.
pub fn area_names(conn: &mut DbConnection) -> Result<Vec<(String, String)>, DbError> {
    Ok(thematic_areas::list(conn, false)?
        .into_iter()
        .map(|area| (area.code, area.name))
        .collect())
}
