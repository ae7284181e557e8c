//! The file formats of an export and the name of the downloaded file.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::FieldIssue;

/// The file formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Json,
    Ndjson,
    /// REFI-QDA project (NVivo, ATLAS.ti, MAXQDA, QDA Miner, Quirkos,
    /// QualCoder): a zip with `project.qde` and `sources/<guid>.txt`.
    Qdpx,
    /// REFI-QDA codebook exchange file: the codes alone.
    Qdc,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 6] = [
        ExportFormat::Csv,
        ExportFormat::Xlsx,
        ExportFormat::Json,
        ExportFormat::Ndjson,
        ExportFormat::Qdpx,
        ExportFormat::Qdc,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Json => "json",
            ExportFormat::Ndjson => "ndjson",
            ExportFormat::Qdpx => "qdpx",
            ExportFormat::Qdc => "qdc",
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

    /// Written to a file first (a zip or a workbook needs to seek), then
    /// sent with its length.
    pub fn needs_file(self) -> bool {
        matches!(self, ExportFormat::Xlsx | ExportFormat::Qdpx)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8; header=present",
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Json => "application/json",
            ExportFormat::Ndjson => "application/x-ndjson",
            ExportFormat::Qdpx => "application/zip",
            ExportFormat::Qdc => "application/xml",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_case_insensitively_and_name_files_by_date() {
        assert_eq!(ExportFormat::parse("XLSX"), Ok(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse("qdpx"), Ok(ExportFormat::Qdpx));
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
}
