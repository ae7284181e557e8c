//! Why an export stopped. The HTTP front turns this into a problem response
//! (`src/http/exports.rs`); the command line prints it.

use std::io;

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("cannot write the export: {0}")]
    Io(#[from] io::Error),
    #[error("cannot write the export: {0}")]
    Csv(#[from] ::csv::Error),
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
