//! Reading the rows to export in keyset batches of [`BATCH_ROWS`] by
//! sequence number, so that nothing holds the whole result; every format
//! writes the records as they arrive. Each batch takes a pooled connection
//! and gives it back before its records are written: a client that reads
//! slowly (or not at all) holds no connection while the export waits on it.

use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, SyncSender};

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
    /// arriving meanwhile do not extend the export without end. A second
    /// thread reads and prepares the next batch while this one writes the
    /// last: the database and the writing each keep a core busy, where in
    /// turn each would wait for the other.
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
        let reader = BatchReader {
            db,
            request: &self.request,
            pseudonymiser: &self.pseudonymiser,
            names: &names,
        };
        let rows = &mut self.rows;
        // One batch is written, one waits, one is read: three in memory at most.
        let (batches, arriving) = sync_channel(1);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                if let Err(error) = reader.send_batches(&batches) {
                    // Nobody listens any more when the writing stopped first.
                    let _ = batches.send(Err(error));
                }
            });
            // Returning early drops `arriving`: the reader stops at its next batch.
            for batch in arriving {
                for record in batch? {
                    visit(&record)?;
                    *rows += 1;
                }
            }
            Ok(())
        })
    }
}

type Batch = Result<Vec<ExportRecord>, ExportError>;

/// What the thread reading an export's batches needs.
struct BatchReader<'a> {
    db: &'a Db,
    request: &'a ExportRequest,
    pseudonymiser: &'a Pseudonymiser,
    names: &'a HashMap<&'a str, &'a str>,
}

impl BatchReader<'_> {
    /// Sends the records batch by batch until the last one, or until the
    /// writer has gone.
    fn send_batches(&self, batches: &SyncSender<Batch>) -> Result<(), ExportError> {
        let until = self.db.read_blocking(queries::max_seq)?;
        let mut after = 0;
        loop {
            let filter = &self.request.filter;
            let batch = self.db.read_blocking(|conn| {
                queries::export_batch(conn, filter, after, until, BATCH_ROWS)
            })?;
            let Some(last) = batch.last().map(|(row, _)| row.seq) else {
                return Ok(());
            };
            let complete_batch = batch.len() as i64 == BATCH_ROWS;
            let records = batch
                .into_iter()
                .map(|(row, tags)| self.record(row, tags))
                .collect();
            if batches.send(Ok(records)).is_err() || !complete_batch {
                return Ok(());
            }
            after = last;
        }
    }

    fn record(&self, row: queries::ExportSourceRow, tags: Option<String>) -> ExportRecord {
        let area = self.names.get(row.thematic_area.as_str()).copied();
        let tags = tags
            .map(|tags| tags.split(',').map(str::to_owned).collect())
            .unwrap_or_default();
        ExportRecord::new(
            row,
            area.unwrap_or_default(),
            tags,
            self.pseudonymiser,
            self.request.include_personal_data,
        )
    }
}

/// Every thematic area (inactive ones too) as (code, name), in display order.
pub fn area_names(conn: &mut DbConnection) -> Result<Vec<(String, String)>, DbError> {
    Ok(thematic_areas::list(conn, false)?
        .into_iter()
        .map(|area| (area.code, area.name))
        .collect())
}
