//! The Frictionless Data Package descriptor of the CSV export
//! (<https://specs.frictionlessdata.io/data-package/>), written from the same
//! column table as the CSV header, so the two always match.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::columns::{self, Values};
use super::{file_name, ExportFormat};
use crate::domain::Quartiere;
use crate::i18n::format::rome_date;

/// A Tabular Data Package with one resource: the CSV export.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataPackage {
    /// Always `tabular-data-package`.
    #[schema(max_length = 50, example = "tabular-data-package")]
    pub profile: String,
    #[schema(max_length = 100, example = "rinasce-firenze-contributi")]
    pub name: String,
    #[schema(max_length = 200)]
    pub title: String,
    #[schema(max_length = 2000)]
    pub description: String,
    /// When the descriptor was made.
    pub created: DateTime<Utc>,
    #[schema(max_items = 1)]
    pub resources: Vec<DataResource>,
}

/// The CSV file and how to read it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DataResource {
    /// Always `tabular-data-resource`.
    #[schema(max_length = 50, example = "tabular-data-resource")]
    pub profile: String,
    #[schema(max_length = 100, example = "contributi")]
    pub name: String,
    /// The file name of a CSV export made the same day; rename the file, or
    /// this path, when they differ.
    #[schema(max_length = 200, example = "rinasce-contributi-2026-11-25.csv")]
    pub path: String,
    #[schema(max_length = 200)]
    pub title: String,
    #[schema(max_length = 2000)]
    pub description: String,
    #[schema(max_length = 10, example = "csv")]
    pub format: String,
    #[schema(max_length = 50, example = "text/csv")]
    pub mediatype: String,
    #[schema(max_length = 20, example = "utf-8")]
    pub encoding: String,
    pub dialect: CsvDialect,
    pub schema: TableSchema,
}

/// CSV Dialect: semicolon, double quotes, CRLF, a header row.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CsvDialect {
    #[schema(max_length = 1, example = ";")]
    pub delimiter: String,
    #[schema(max_length = 2)]
    pub line_terminator: String,
    #[schema(max_length = 1)]
    pub quote_char: String,
    pub double_quote: bool,
    pub header: bool,
}

/// Table Schema of the CSV.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TableSchema {
    #[schema(max_items = 50)]
    pub fields: Vec<TableField>,
    #[schema(max_items = 1)]
    pub primary_key: Vec<String>,
    /// An empty cell is a missing value.
    #[schema(max_items = 1)]
    pub missing_values: Vec<String>,
}

/// One column.
#[derive(Debug, Serialize, ToSchema)]
pub struct TableField {
    #[schema(max_length = 50, example = "thematic_area")]
    pub name: String,
    /// `string`, `integer`, `date` or `datetime`.
    #[serde(rename = "type")]
    #[schema(max_length = 20, example = "string")]
    pub field_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 20, example = "uuid")]
    pub format: Option<String>,
    #[schema(max_length = 100)]
    pub title: String,
    /// What the column means, in Italian.
    #[schema(max_length = 1000)]
    pub description: String,
    pub constraints: FieldConstraints,
    /// Table Schema v2 `categories`: each allowed value with its Italian
    /// label (area names, quartiere names, author kinds…).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100)]
    pub categories: Option<Vec<Category>>,
}

/// An allowed value of a categorical column and its label.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Category {
    Code(CodeCategory),
    Number(NumberCategory),
}

/// A code and its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeCategory {
    #[schema(max_length = 64, example = "cultural_association")]
    pub value: String,
    #[schema(max_length = 200, example = "associazione culturale")]
    pub label: String,
}

/// A number (a quartiere) and its label.
#[derive(Debug, Serialize, ToSchema)]
pub struct NumberCategory {
    #[schema(format = Int64, example = 1)]
    pub value: i64,
    #[schema(max_length = 200, example = "Quartiere 1 – Centro Storico")]
    pub label: String,
}

/// What the values of a column must satisfy.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct FieldConstraints {
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// The allowed codes.
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100)]
    pub allowed: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Int64)]
    pub minimum: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Int64)]
    pub maximum: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 100)]
    pub pattern: Option<String>,
}

/// The descriptor of an export made now, with today's thematic areas.
pub async fn current(
    db: &crate::db::Db,
    include_personal_data: bool,
) -> Result<DataPackage, super::ExportError> {
    let areas = db.read(super::area_names).await?;
    Ok(descriptor(
        &areas,
        include_personal_data,
        crate::clock::now(),
    ))
}

/// The values of a categorical column with their labels.
fn categories(values: Values, areas: &[(String, String)]) -> Option<Vec<Category>> {
    let code = |(code, label): (&str, &str)| {
        Category::Code(CodeCategory {
            value: code.to_owned(),
            label: label.to_owned(),
        })
    };
    match values {
        Values::Codes(codes) => Some(codes.iter().map(|(c, l)| code((c, l))).collect()),
        Values::Areas => Some(areas.iter().map(|(c, l)| code((c, l))).collect()),
        Values::Quartieri => Some(
            Quartiere::ALL
                .iter()
                .map(|q| {
                    Category::Number(NumberCategory {
                        value: i64::from(q.number()),
                        label: format!("Quartiere {} – {}", q.number(), q.name()),
                    })
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The descriptor of a CSV export made at `now`; `areas` are the thematic
/// areas as (code, name).
pub fn descriptor(
    areas: &[(String, String)],
    include_personal_data: bool,
    now: DateTime<Utc>,
) -> DataPackage {
    let fields = columns::columns(include_personal_data)
        .map(|column| {
            let mut constraints = FieldConstraints {
                required: column.required,
                allowed: columns::codes(column, areas),
                ..FieldConstraints::default()
            };
            match column.values {
                Values::Quartieri => {
                    let numbers = Quartiere::ALL.map(|q| i64::from(q.number()));
                    constraints.minimum = numbers.iter().min().copied();
                    constraints.maximum = numbers.iter().max().copied();
                }
                Values::Pattern(pattern) => constraints.pattern = Some(pattern.to_owned()),
                _ => {}
            }
            if column.name == "id" || column.name == "reference" {
                constraints.unique = Some(true);
            }
            let categories = categories(column.values, areas);
            let description = match categories {
                // Readers that ignore `categories` still find the labels.
                Some(_) => format!(
                    "{} Valori: {}.",
                    column.description,
                    columns::values_text(column, areas)
                ),
                None => column.description.to_owned(),
            };
            TableField {
                name: column.name.to_owned(),
                field_type: column.field_type.as_str().to_owned(),
                format: column.format.map(str::to_owned),
                title: column.title.to_owned(),
                description,
                constraints,
                categories,
            }
        })
        .collect();
    let notes = columns::NOTES.join(" ");
    DataPackage {
        profile: "tabular-data-package".into(),
        name: "rinasce-firenze-contributi".into(),
        title: "Contributi a «Rinasce Firenze»".into(),
        description: format!(
            "Contributi di cittadini, associazioni culturali e associazioni di categoria alla strategia partecipata «Rinasce Firenze» del Comune di Firenze, esportati per la ricerca. {notes}"
        ),
        created: now,
        resources: vec![DataResource {
            profile: "tabular-data-resource".into(),
            name: "contributi".into(),
            path: file_name(ExportFormat::Csv, include_personal_data, rome_date(now)),
            title: "Contributi".into(),
            description: "L'esportazione CSV di GET /api/v1/exports/contributions?format=csv (o di `rinasce export --format csv`).".into(),
            format: "csv".into(),
            mediatype: "text/csv".into(),
            encoding: "utf-8".into(),
            dialect: CsvDialect {
                delimiter: ";".into(),
                line_terminator: "\r\n".into(),
                quote_char: "\"".into(),
                double_quote: true,
                header: true,
            },
            schema: TableSchema {
                fields,
                primary_key: vec!["id".into()],
                missing_values: vec![String::new()],
            },
        }],
    }
}
