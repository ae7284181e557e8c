//! `project.qde`, written as the contributions arrive.
//!
//! QDA-XML wants the cases before the sources and the sets after them, so
//! the `TextSource` elements go to a temporary file as the rows arrive; at
//! the end the document is written in order (codebook, variables, cases,
//! the sources copied from the file, sets). What stays in memory is the
//! membership of cases and sets: one 16-byte GUID per contribution and
//! family (cases, quartiere, area, author kind), about 6.4 MB for 100,000
//! contributions; the texts never are.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::Writer;
use uuid::Uuid;

use super::xml::{declaration, reference, text_element, xml_safe};
use super::{guid, Codebook, GuidKind, PROJECT_NAMESPACE};
use crate::domain::Quartiere;
use crate::exports::columns::code_label;
use crate::exports::{date_text, rome_time_text, time_text, ExportRecord};

/// A document variable: its name and QDA-XML type.
struct Variable {
    name: &'static str,
    kind: &'static str,
    description: &'static str,
}

const VARIABLES: &[Variable] = &[
    Variable {
        name: "quartiere",
        kind: "Integer",
        description: "Numero del quartiere di Firenze (1–5).",
    },
    Variable {
        name: "quartiere_nome",
        kind: "Text",
        description: "Nome del quartiere.",
    },
    Variable {
        name: "author_kind",
        kind: "Text",
        description: "Chi scrive (codice): citizen, cultural_association, trade_association, other_organization.",
    },
    Variable {
        name: "author_kind_nome",
        kind: "Text",
        description: "Chi scrive, in italiano (per esempio «associazione culturale»).",
    },
    Variable {
        name: "channel",
        kind: "Text",
        description: "Canale di arrivo del contributo (codice).",
    },
    Variable {
        name: "channel_nome",
        kind: "Text",
        description: "Canale di arrivo del contributo, in italiano.",
    },
    Variable {
        name: "status",
        kind: "Text",
        description: "Stato di moderazione (codice).",
    },
    Variable {
        name: "status_nome",
        kind: "Text",
        description: "Stato di moderazione, in italiano.",
    },
    Variable {
        name: "received_at",
        kind: "DateTime",
        description: "Data e ora di ricezione (UTC).",
    },
    Variable {
        name: "received_at_rome",
        kind: "DateTime",
        description: "Data e ora di ricezione nell'ora di Roma, con la differenza da UTC (RFC 3339).",
    },
    Variable {
        name: "author_pseudonym",
        kind: "Text",
        description: "Pseudonimo dell'autore, uguale in ogni esportazione.",
    },
    Variable {
        name: "meeting_name",
        kind: "Text",
        description: "Nome dell'incontro di Quartiere o dell'evento pubblico in cui il contributo è stato raccolto (canale event).",
    },
    Variable {
        name: "meeting_date",
        kind: "Date",
        description: "Giorno dell'incontro.",
    },
    Variable {
        name: "meeting_quartiere",
        kind: "Integer",
        description: "Numero del quartiere che ha tenuto l'incontro (1–5); assente per un evento di tutta la città.",
    },
];

const PERSONAL_VARIABLES: &[Variable] = &[
    Variable {
        name: "given_name",
        kind: "Text",
        description: "Nome (dato personale).",
    },
    Variable {
        name: "family_name",
        kind: "Text",
        description: "Cognome (dato personale).",
    },
    Variable {
        name: "email",
        kind: "Text",
        description: "E-mail (dato personale).",
    },
];

/// A value of a variable on a source.
enum Value<'a> {
    Text(&'a str),
    Integer(i64),
    Date(String),
    DateTime(String),
}

/// The text of a contribution's source: its title, a blank line, its body.
pub fn source_text(record: &ExportRecord) -> String {
    format!("{}\n\n{}", record.title, record.body)
}

/// `project.qde` in the making.
pub struct ProjectWriter {
    include_personal_data: bool,
    sources: Writer<BufWriter<File>>,
    any_source: bool,
    /// Author pseudonym → sources.
    cases: BTreeMap<String, Vec<Uuid>>,
    /// Set name → (description, sources).
    sets: BTreeMap<String, (String, Vec<Uuid>)>,
}

impl ProjectWriter {
    pub fn new(include_personal_data: bool) -> io::Result<ProjectWriter> {
        let file = tempfile::tempfile()?;
        Ok(ProjectWriter {
            include_personal_data,
            sources: Writer::new_with_indent(BufWriter::with_capacity(64 * 1024, file), b' ', 1),
            any_source: false,
            cases: BTreeMap::new(),
            sets: BTreeMap::new(),
        })
    }

    /// The GUID of a contribution's source, which names its file.
    pub fn source_guid(record: &ExportRecord) -> Uuid {
        guid(GuidKind::Source, &record.id)
    }

    /// Adds the `TextSource` of `record`, whose file holds `text`.
    pub fn add(&mut self, record: &ExportRecord, text: &str) -> io::Result<()> {
        self.any_source = true;
        let source = ProjectWriter::source_guid(record);
        let source_text = source.to_string();
        let name = format!("{} {}", record.reference, record.title);
        let path = format!("internal://{source}.txt");
        let received = time_text(record.received_at);
        let codes: Vec<Uuid> = std::iter::once(Codebook::area_guid(&record.thematic_area))
            .chain(record.tags.iter().map(|tag| Codebook::tag_guid(tag)))
            .collect();
        let values = self.values(record);
        let selection = guid(GuidKind::Selection, &record.id).to_string();
        let end = text.chars().count().to_string();
        let writer = &mut self.sources;
        writer
            .create_element("TextSource")
            .with_attributes([
                ("guid", source_text.as_str()),
                ("name", &xml_safe(&name)),
                ("plainTextPath", path.as_str()),
                ("creationDateTime", received.as_str()),
            ])
            .write_inner_content(|w| {
                w.create_element("PlainTextSelection")
                    .with_attributes([
                        ("guid", selection.as_str()),
                        ("name", "testo intero"),
                        ("startPosition", "0"),
                        ("endPosition", end.as_str()),
                    ])
                    .write_inner_content(|w| {
                        for code in &codes {
                            let coding = guid(GuidKind::Coding, &format!("{}:{code}", record.id));
                            w.create_element("Coding")
                                .with_attribute(("guid", coding.to_string().as_str()))
                                .write_inner_content(|w| {
                                    reference(w, "CodeRef", &code.to_string())
                                })?;
                        }
                        Ok(())
                    })?;
                for (name, value) in &values {
                    write_value(w, name, value)?;
                }
                Ok(())
            })?;

        if let Some(pseudonym) = &record.author_pseudonym {
            self.cases
                .entry(pseudonym.clone())
                .or_default()
                .push(source);
        }
        let mut member = |name: String, description: String| {
            self.sets
                .entry(name)
                .or_insert_with(|| (description, Vec::new()))
                .1
                .push(source);
        };
        if let Some(quartiere) = record
            .quartiere
            .and_then(|q| Quartiere::parse(q.into()).ok())
        {
            member(
                format!("quartiere: {}", quartiere.number()),
                format!("Quartiere {} – {}.", quartiere.number(), quartiere.name()),
            );
        }
        member(
            format!("thematic_area: {}", record.thematic_area),
            format!("Area tematica «{}».", record.thematic_area_name),
        );
        if let (Some(name), Some(date)) = (&record.meeting_name, record.meeting_date) {
            member(
                format!("meeting: {} {name}", date_text(date)),
                format!(
                    "Contributi raccolti all'incontro «{name}» del {}.",
                    date_text(date)
                ),
            );
        }
        member(
            format!("author_kind: {}", record.author_kind.as_str()),
            format!(
                "Autori di tipo «{}».",
                label("author_kind", record.author_kind.as_str())
            ),
        );
        Ok(())
    }

    /// The variables of `record` that have a value.
    fn values<'r>(&self, record: &'r ExportRecord) -> Vec<(&'static str, Value<'r>)> {
        let quartiere = record
            .quartiere
            .and_then(|q| Quartiere::parse(q.into()).ok());
        let mut values = Vec::new();
        if let Some(quartiere) = quartiere {
            values.push(("quartiere", Value::Integer(i64::from(quartiere.number()))));
            values.push(("quartiere_nome", Value::Text(quartiere.name())));
        }
        for (name, label_name, code) in [
            (
                "author_kind",
                "author_kind_nome",
                record.author_kind.as_str(),
            ),
            ("channel", "channel_nome", record.channel.as_str()),
            ("status", "status_nome", record.status.as_str()),
        ] {
            values.push((name, Value::Text(code)));
            values.push((label_name, Value::Text(label(name, code))));
        }
        values.push((
            "received_at",
            Value::DateTime(time_text(record.received_at)),
        ));
        values.push((
            "received_at_rome",
            Value::DateTime(rome_time_text(record.received_at)),
        ));
        if let Some(pseudonym) = &record.author_pseudonym {
            values.push(("author_pseudonym", Value::Text(pseudonym)));
        }
        if let Some(name) = &record.meeting_name {
            values.push(("meeting_name", Value::Text(name)));
        }
        if let Some(date) = record.meeting_date {
            values.push(("meeting_date", Value::Date(date_text(date))));
        }
        if let Some(quartiere) = record.meeting_quartiere {
            values.push(("meeting_quartiere", Value::Integer(i64::from(quartiere))));
        }
        if let (true, Some(personal)) = (self.include_personal_data, &record.personal) {
            for (name, value) in [
                ("given_name", &personal.given_name),
                ("family_name", &personal.family_name),
                ("email", &personal.email),
            ] {
                if let Some(value) = value {
                    values.push((name, Value::Text(value)));
                }
            }
        }
        values
    }

    /// The whole document, to `out`.
    pub fn finish(self, codebook: &Codebook, out: impl Write) -> io::Result<()> {
        let mut sources = self
            .sources
            .into_inner()
            .into_inner()
            .map_err(|e| e.into_error())?;
        sources.seek(SeekFrom::Start(0))?;

        let mut writer = Writer::new_with_indent(BufWriter::with_capacity(64 * 1024, out), b' ', 1);
        declaration(&mut writer)?;
        writer.write_event(Event::Start(BytesStart::new("Project").with_attributes([
            ("xmlns", PROJECT_NAMESPACE),
            ("name", "Rinasce Firenze – contributi"),
            ("origin", "Rinasce Firenze, servizio dei contributi"),
        ])))?;
        writer
            .create_element("CodeBook")
            .write_inner_content(|w| codebook.write_codes(w))?;
        writer
            .create_element("Variables")
            .write_inner_content(|w| {
                let personal = if self.include_personal_data {
                    PERSONAL_VARIABLES
                } else {
                    &[]
                };
                for variable in VARIABLES.iter().chain(personal) {
                    w.create_element("Variable")
                        .with_attributes([
                            ("guid", variable_guid(variable.name).to_string().as_str()),
                            ("name", variable.name),
                            ("typeOfVariable", variable.kind),
                        ])
                        .write_inner_content(|w| {
                            text_element(w, "Description", variable.description)
                        })?;
                }
                Ok(())
            })?;
        if !self.cases.is_empty() {
            writer.create_element("Cases").write_inner_content(|w| {
                for (pseudonym, members) in &self.cases {
                    w.create_element("Case")
                        .with_attributes([
                            ("guid", guid(GuidKind::Case, pseudonym).to_string().as_str()),
                            ("name", pseudonym.as_str()),
                        ])
                        .write_inner_content(|w| {
                            write_value(w, "author_pseudonym", &Value::Text(pseudonym))?;
                            for member in members {
                                reference(w, "SourceRef", &member.to_string())?;
                            }
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
        }
        if self.any_source {
            writer.write_event(Event::Start(BytesStart::new("Sources")))?;
            writer.get_mut().write_all(b"\n")?;
            io::copy(&mut sources, writer.get_mut())?;
            writer.write_event(Event::End(BytesEnd::new("Sources")))?;
        }
        if !self.sets.is_empty() {
            writer.create_element("Sets").write_inner_content(|w| {
                for (name, (description, members)) in &self.sets {
                    w.create_element("Set")
                        .with_attributes([
                            ("guid", guid(GuidKind::Set, name).to_string().as_str()),
                            ("name", &xml_safe(name)),
                        ])
                        .write_inner_content(|w| {
                            text_element(w, "Description", description)?;
                            for member in members {
                                reference(w, "MemberSource", &member.to_string())?;
                            }
                            Ok(())
                        })?;
                }
                Ok(())
            })?;
        }
        writer.write_event(Event::End(BytesEnd::new("Project")))?;
        writer.into_inner().flush()
    }
}

/// The Italian label of a code, as the codebook gives it.
fn label(column: &str, code: &'static str) -> &'static str {
    code_label(column, code).unwrap_or(code)
}

fn variable_guid(name: &str) -> Uuid {
    guid(GuidKind::Variable, name)
}

/// `<VariableValue>`: the reference to the variable, then the value.
fn write_value<W: Write>(writer: &mut Writer<W>, name: &str, value: &Value) -> io::Result<()> {
    writer
        .create_element("VariableValue")
        .write_inner_content(|w| {
            reference(w, "VariableRef", &variable_guid(name).to_string())?;
            match value {
                Value::Text(text) => text_element(w, "TextValue", text),
                Value::Integer(n) => text_element(w, "IntegerValue", &n.to_string()),
                Value::Date(date) => text_element(w, "DateValue", date),
                Value::DateTime(time) => text_element(w, "DateTimeValue", time),
            }
        })?;
    Ok(())
}
