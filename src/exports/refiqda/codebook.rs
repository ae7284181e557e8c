//! The codebook: one code per thematic area and per tag, under the
//! non-codable parents "Area tematica" and "Tag". Written inside
//! `project.qde` and alone as the codebook exchange file (`.qdc`).

use std::io::{self, Write};

use quick_xml::events::{BytesEnd, BytesStart, Event};
use quick_xml::Writer;
use uuid::Uuid;

use super::xml::{declaration, text_element, xml_safe};
use super::{guid, GuidKind, CODEBOOK_NAMESPACE};
use crate::db::{tags, Db, DbError};
use crate::exports::area_names;

/// Every thematic area (inactive ones too) and every tag.
#[derive(Clone, Debug)]
pub struct Codebook {
    /// (code, name), in display order.
    pub areas: Vec<(String, String)>,
    /// Tag names, sorted.
    pub tags: Vec<String>,
}

impl Codebook {
    pub fn load(db: &Db) -> Result<Codebook, DbError> {
        Ok(Codebook {
            areas: db.read_blocking(area_names)?,
            tags: db
                .read_blocking(tags::tag_counts)?
                .into_iter()
                .map(|(name, _)| name)
                .collect(),
        })
    }

    /// The code of the thematic area `code`.
    pub fn area_guid(code: &str) -> Uuid {
        guid(GuidKind::Code, &format!("area:{code}"))
    }

    /// The code of the tag `name`.
    pub fn tag_guid(name: &str) -> Uuid {
        guid(GuidKind::Code, &format!("tag:{name}"))
    }

    /// `<Codes>` with the two parents and their codes.
    pub fn write_codes<W: Write>(&self, writer: &mut Writer<W>) -> io::Result<()> {
        writer.write_event(Event::Start(BytesStart::new("Codes")))?;
        let areas = self.areas.iter().map(|(code, name)| {
            (
                Codebook::area_guid(code),
                name.as_str(),
                format!("Area tematica «{name}» (codice {code})."),
            )
        });
        write_parent(
            writer,
            "group:area",
            "Area tematica",
            "Le aree tematiche di «Rinasce Firenze»: ogni contributo ne ha una.",
            areas,
        )?;
        let tags = self.tags.iter().map(|name| {
            (
                Codebook::tag_guid(name),
                name.as_str(),
                format!("Tag di moderazione «{name}»."),
            )
        });
        write_parent(
            writer,
            "group:tag",
            "Tag",
            "I tag assegnati dalla moderazione: un contributo può averne più d'uno.",
            tags,
        )?;
        writer.write_event(Event::End(BytesEnd::new("Codes")))
    }

    /// The codebook exchange file: `<CodeBook>` in the codebook namespace.
    pub fn write_qdc(&self, out: impl Write) -> io::Result<()> {
        let mut writer = Writer::new_with_indent(io::BufWriter::new(out), b' ', 1);
        declaration(&mut writer)?;
        writer.write_event(Event::Start(
            BytesStart::new("CodeBook").with_attributes([("xmlns", CODEBOOK_NAMESPACE)]),
        ))?;
        self.write_codes(&mut writer)?;
        writer.write_event(Event::End(BytesEnd::new("CodeBook")))?;
        writer.into_inner().flush()
    }
}

/// A non-codable parent and its codable children.
fn write_parent<'a, W: Write>(
    writer: &mut Writer<W>,
    key: &str,
    name: &str,
    description: &str,
    children: impl Iterator<Item = (Uuid, &'a str, String)>,
) -> io::Result<()> {
    let parent = guid(GuidKind::Code, key).to_string();
    let start = BytesStart::new("Code").with_attributes([
        ("guid", parent.as_str()),
        ("name", name),
        ("isCodable", "false"),
    ]);
    writer.write_event(Event::Start(start))?;
    text_element(writer, "Description", description)?;
    for (child, child_name, child_description) in children {
        writer
            .create_element("Code")
            .with_attributes([
                ("guid", child.to_string().as_str()),
                ("name", &xml_safe(child_name)),
                ("isCodable", "true"),
            ])
            .write_inner_content(|w| text_element(w, "Description", &child_description))?;
    }
    writer.write_event(Event::End(BytesEnd::new("Code")))
}
