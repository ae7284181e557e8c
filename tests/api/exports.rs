//! Research exports: every format parsed back and compared with the
//! database, no personal data in pseudonymised files, stable pseudonyms,
//! filters, roles, formula neutralisation, the data package (validated by
//! `frictionless`), the command line and the demo data.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Cursor;
use std::process::Command;

use crate::support::*;
use calamine::{Data, Reader, Xlsx};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use reqwest::Method;
use rinasce::db::meetings::MeetingRow;
use rinasce::db::models::ContributionRow;
use rinasce::db::schema::{
    contribution_meetings, contribution_tags, contributions, settings, staff, thematic_areas,
};
use rinasce::db::DbError;
use serde_json::{json, Value};

const CONFIGURED_KEY: &str = "chiave-di-prova-per-gli-pseudonimi";

pub(crate) const COLUMNS: [&str; 22] = [
    "id",
    "reference",
    "received_at",
    "channel",
    "thematic_area",
    "thematic_area_name",
    "title",
    "body",
    "status",
    "tags",
    "author_kind",
    "organization_name",
    "quartiere",
    "author_pseudonym",
    "published_at",
    "status_reason",
    "duplicate_of",
    "received_at_rome",
    "published_at_rome",
    "meeting_name",
    "meeting_date",
    "meeting_quartiere",
];
const PERSONAL_COLUMNS: [&str; 3] = ["given_name", "family_name", "email"];

/// The people of the test data: every name and address must stay out of
/// pseudonymised exports.
const PEOPLE: [(&str, &str, &str); 5] = [
    (
        "Ermenegilda",
        "Quarantotti",
        "Ermenegilda.Quarantotti@example.org",
    ),
    (
        "Bonifacio",
        "Scardassieri",
        "bonifacio.scardassieri@example.net",
    ),
    ("Cunegonda", "Sbrilli", "cunegonda.sbrilli@example.com"),
    ("Spiridione", "Venditti", "spiridione.venditti@example.com"),
    ("Gervasio", "Pandolfini", "gervasio.pandolfini@example.org"),
];
const NOTE: &str = "Nota riservata: telefonare a Zeffirino Lastrucci";

async fn spawn() -> TestApp {
    TestApp::spawn_with(|config| config.rate_limit_per_minute = 10_000).await
}

/// A form submission by `PEOPLE[person]`; `author` is the kind, the
/// organisation's name and the quartiere.
fn submission(
    person: usize,
    email: &str,
    author: (&str, Option<&str>, Option<i64>),
    area: &str,
    title: &str,
    body: &str,
) -> Value {
    let (given, family, _) = PEOPLE[person];
    let (kind, organization, quartiere) = author;
    json!({
        "thematic_area": area,
        "title": title,
        "body": body,
        "author": {
            "kind": kind,
            "given_name": given,
            "family_name": family,
            "organization_name": organization,
            "email": email,
            "quartiere": quartiere,
        },
        "privacy_notice_accepted": true,
        "contact_consent": true,
    })
}

/// The ids of the seeded contributions.
pub(crate) struct Seeded {
    /// Three contributions of one author (the e-mail written three ways).
    pub same_author: Vec<String>,
    /// Title, body and organisation name that look like formulas.
    pub formulas: String,
    pub organization: String,
    pub spam: String,
    /// Registered on paper without an e-mail.
    pub paper: String,
}

pub(crate) async fn seed(app: &TestApp) -> Seeded {
    let moderator = app.moderator().await;
    let mut same_author = Vec::new();
    for (email, area, title) in [
        (
            "Ermenegilda.Quarantotti@example.org",
            "mobilita-green",
            "Più piste ciclabili sui viali",
        ),
        (
            "  ermenegilda.quarantotti@EXAMPLE.org ",
            "cultura-diffusa",
            "Cinema all'aperto all'Isolotto",
        ),
        (
            "ERMENEGILDA.QUARANTOTTI@example.org",
            "mobilita-green",
            "Autobus più frequenti la sera",
        ),
    ] {
        let body = submission(
            0,
            email,
            ("citizen", None, Some(4)),
            area,
            title,
            "Testo del suggerimento: una proposta concreta per il quartiere e per la città.",
        );
        let id = app.submit_ok(&body).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        // The author confirms each, so that they group under one pseudonym.
        crate::pseudonyms::confirm(app, &id).await;
        same_author.push(id);
    }
    let organization = app
        .submit_ok(&submission(
            1,
            PEOPLE[1].2,
            (
                "cultural_association",
                Some("@Circolo dei Lettori; \"Oltrarno\""),
                None,
            ),
            "cultura-diffusa",
            "Letture nelle biblioteche; anche la sera",
            "Proponiamo letture ad alta voce, con \"ospiti\" e musica;\nogni giovedì sera.",
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let formulas = app
        .submit_ok(&submission(
            2,
            PEOPLE[2].2,
            ("citizen", None, Some(1)),
            "vivere-spazi-urbani",
            "=HYPERLINK(\"http://example.org\";\"clic\")",
            "-1+1 è una formula? No: è un elenco.\n- primo punto: più alberi\n- secondo punto: più panchine",
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let spam = app
        .submit_ok(&submission(
            3,
            PEOPLE[3].2,
            ("other_organization", Some("Vendite Srl"), Some(5)),
            "sviluppo-economia-cittadina",
            "Offerta imperdibile",
            "+39 333 0000000: chiamate subito per la nostra offerta imperdibile!",
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let registered = app
        .post_json_as(&moderator, &paths::moderation_contributions(), &json!({
            "channel": "paper",
            "received_at": "2026-01-15T10:30:00Z",
            "thematic_area": "bambini-famiglie",
            "title": "Doposcuola nel quartiere",
            "body": "Lettera consegnata all'incontro: serve un doposcuola gratuito a Legnaia.",
            "author": {"kind": "citizen", "given_name": PEOPLE[4].0, "family_name": PEOPLE[4].1, "quartiere": 4},
        })).await;
    assert_eq!(registered.status(), 201);
    let paper = registered.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Moderation: tags and a note on the first, statuses on the others.
    let patched = app
        .patch_as(
            &moderator,
            &paths::moderation_contribution(&same_author[0]),
            Some("\"v1\""),
            &json!({"status": "approved", "tags": ["zona-30", "piste-ciclabili"]}),
        )
        .await;
    assert_eq!(patched.status(), 200, "{}", patched.text().await.unwrap());
    let noted = app
        .post_json_as(
            &moderator,
            &paths::moderation_notes(&same_author[0]),
            &json!({ "text": NOTE }),
        )
        .await;
    assert_eq!(noted.status(), 201);
    app.set_status(&same_author[1], "rejected").await;
    app.publish(&formulas).await;
    app.set_status(&formulas, "hidden").await;
    app.set_status(&spam, "spam").await;
    Seeded {
        same_author,
        formulas,
        organization,
        spam,
        paper,
    }
}

/// A contribution as the database has it, with what an export derives.
#[derive(Clone, Debug)]
struct Expected {
    row: ContributionRow,
    area_name: String,
    tags: Vec<String>,
    pseudonym: Option<String>,
    /// The reference of the original of a duplicate.
    duplicate_of: Option<String>,
    meeting: Option<MeetingRow>,
}

fn hmac_hex(key: &[u8], author_group: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(author_group.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The stored author group of each contribution, by id.
fn author_groups(app: &TestApp) -> HashMap<String, String> {
    let groups: Vec<(String, Option<String>)> = app
        .db
        .read_blocking(|conn| {
            Ok::<_, DbError>(
                contributions::table
                    .select((contributions::id, contributions::author_group))
                    .load(conn)?,
            )
        })
        .unwrap();
    groups
        .into_iter()
        .filter_map(|(id, group)| Some((id, group?)))
        .collect()
}

/// The key pseudonyms are made with: the configured one, or the stored one.
fn pseudonym_key(app: &TestApp, configured: Option<&str>) -> Vec<u8> {
    if let Some(key) = configured {
        return key.as_bytes().to_vec();
    }
    app.db
        .read_blocking(|conn| {
            Ok::<_, DbError>(
                settings::table
                    .filter(settings::key.eq("export_pseudonym_key"))
                    .select(settings::value)
                    .first::<String>(conn)?,
            )
        })
        .expect("a pseudonym key was stored")
        .into_bytes()
}

/// The rows an export should hold, in sequence order.
fn expected(app: &TestApp, statuses: Option<&[&str]>, key: &[u8]) -> Vec<Expected> {
    let (rows, tags, areas, meetings) = app
        .db
        .read_blocking(|conn| {
            let rows: Vec<ContributionRow> = contributions::table
                .order(contributions::seq.asc())
                .select(ContributionRow::as_select())
                .load(conn)?;
            let tags: Vec<(String, String)> = contribution_tags::table
                .order((contribution_tags::contribution_id, contribution_tags::tag))
                .select((contribution_tags::contribution_id, contribution_tags::tag))
                .load(conn)?;
            let areas: Vec<(String, String)> = thematic_areas::table
                .select((thematic_areas::code, thematic_areas::name))
                .load(conn)?;
            let meetings: Vec<MeetingRow> = contribution_meetings::table
                .select(MeetingRow::as_select())
                .load(conn)?;
            Ok::<_, DbError>((rows, tags, areas, meetings))
        })
        .unwrap();
    let mut meetings: HashMap<String, MeetingRow> = meetings
        .into_iter()
        .map(|m| (m.contribution_id.to_string(), m))
        .collect();
    let areas: HashMap<String, String> = areas.into_iter().collect();
    let groups = author_groups(app);
    let seq_of: HashMap<String, i64> = rows.iter().map(|r| (r.id.to_string(), r.seq)).collect();
    let mut tags_of: HashMap<String, Vec<String>> = HashMap::new();
    for (id, tag) in tags {
        tags_of.entry(id).or_default().push(tag);
    }
    rows.into_iter()
        .filter(|row| match statuses {
            Some(statuses) => statuses.contains(&row.status.as_str()),
            None => !matches!(
                row.status,
                rinasce::domain::ContributionStatus::Spam
                    | rinasce::domain::ContributionStatus::Hidden
            ),
        })
        .map(|row| Expected {
            meeting: meetings.remove(&row.id.to_string()),
            area_name: areas[&row.thematic_area].clone(),
            tags: tags_of.remove(&row.id.to_string()).unwrap_or_default(),
            pseudonym: groups.get(&row.id.to_string()).map(|g| hmac_hex(key, g)),
            duplicate_of: row
                .duplicate_of
                .as_ref()
                .map(|original| format!("RF-{:06}", seq_of[&original.to_string()])),
            row,
        })
        .collect()
}

fn time_text(time: chrono::NaiveDateTime) -> String {
    time.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A text as the CSV writes it (the rule itself is tested in
/// `exports::record` and `csv_formulas`).
fn neutralised(text: &str) -> String {
    rinasce::exports::neutralise(text).into_owned()
}

/// The CSV cells of an expected row.
fn csv_cells(e: &Expected, personal: bool) -> Vec<String> {
    cells(e, personal, neutralised)
}

/// The cells of an expected row, texts through `neutralised` (CSV) or as
/// they are (XLSX).
fn cells(e: &Expected, personal: bool, neutralised: fn(&str) -> String) -> Vec<String> {
    let r = &e.row;
    let text = |v: &Option<String>| v.as_deref().map(neutralised).unwrap_or_default();
    let mut cells = vec![
        r.id.to_string(),
        format!("RF-{:06}", r.seq),
        time_text(r.received_at),
        r.channel.to_string(),
        r.thematic_area.clone(),
        neutralised(&e.area_name),
        neutralised(&r.title),
        neutralised(&r.body),
        r.status.to_string(),
        e.tags.join(","),
        r.author_kind.to_string(),
        text(&r.organization_name),
        r.quartiere.map(|q| q.to_string()).unwrap_or_default(),
        e.pseudonym.clone().unwrap_or_default(),
        r.published_at.map(time_text).unwrap_or_default(),
        text(&r.status_reason),
        e.duplicate_of.clone().unwrap_or_default(),
        rome(r.received_at),
        r.published_at.map(rome).unwrap_or_default(),
    ];
    match &e.meeting {
        Some(m) => cells.extend([
            neutralised(&m.name),
            m.held_on.to_string(),
            m.quartiere.map(|q| q.to_string()).unwrap_or_default(),
        ]),
        None => cells.extend([String::new(), String::new(), String::new()]),
    }
    if personal {
        cells.push(text(&r.given_name));
        cells.push(text(&r.family_name));
        cells.push(text(&r.email));
    }
    cells
}

/// A UTC time as the clocks in Florence showed it, with the offset.
fn rome(time: chrono::NaiveDateTime) -> String {
    time.and_utc()
        .with_timezone(&chrono_tz::Europe::Rome)
        .format("%Y-%m-%dT%H:%M:%S%.6f%:z")
        .to_string()
}

/// The JSON object of an expected row.
fn json_item(e: &Expected, personal: bool) -> Value {
    let r = &e.row;
    let mut item = json!({
        "id": r.id,
        "reference": format!("RF-{:06}", r.seq),
        "received_at": time_text(r.received_at),
        "channel": r.channel,
        "thematic_area": r.thematic_area,
        "thematic_area_name": e.area_name,
        "title": r.title,
        "body": r.body,
        "status": r.status,
        "tags": e.tags,
        "author_kind": r.author_kind,
        "organization_name": r.organization_name,
        "quartiere": r.quartiere,
        "author_pseudonym": e.pseudonym,
        "published_at": r.published_at.map(time_text),
        "status_reason": r.status_reason,
        "duplicate_of": e.duplicate_of,
        "received_at_rome": rome(r.received_at),
        "published_at_rome": r.published_at.map(rome),
        "meeting_name": e.meeting.as_ref().map(|m| &m.name),
        "meeting_date": e.meeting.as_ref().map(|m| m.held_on.to_string()),
        "meeting_quartiere": e.meeting.as_ref().and_then(|m| m.quartiere),
    });
    if personal {
        item["given_name"] = json!(r.given_name);
        item["family_name"] = json!(r.family_name);
        item["email"] = json!(r.email);
    }
    item
}

/// GETs an export, asserting 200, the content type and the file name.
pub(crate) async fn download(app: &TestApp, token: &str, query: &str) -> (String, Vec<u8>) {
    let response = app
        .get_as(
            token,
            &paths::with_query(paths::exports_contributions(), query),
        )
        .await;
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap().to_vec();
    assert_eq!(status, 200, "{query}: {}", String::from_utf8_lossy(&bytes));
    let disposition = headers["content-disposition"].to_str().unwrap().to_owned();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"rinasce-") && disposition.contains(&today),
        "{disposition}"
    );
    assert_eq!(headers["cache-control"], "no-store");
    (headers["content-type"].to_str().unwrap().to_owned(), bytes)
}

pub(crate) fn parse_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM first");
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    assert!(text.contains("\r\n"), "CRLF line ends");
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

fn parse_json_items(bytes: &[u8]) -> Vec<Value> {
    let document: Value = serde_json::from_slice(bytes).expect("JSON");
    document["items"].as_array().expect("items").clone()
}

pub(crate) fn parse_ndjson(bytes: &[u8]) -> Vec<Value> {
    std::str::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

/// Both sheets of a workbook as text grids (times as RFC 3339 to the millisecond).
pub(crate) fn parse_xlsx(bytes: &[u8]) -> BTreeMap<String, Vec<Vec<Data>>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("an XLSX file");
    let names = workbook.sheet_names().to_vec();
    names
        .into_iter()
        .map(|name| {
            let range = workbook.worksheet_range(&name).unwrap();
            let rows = range.rows().map(|row| row.to_vec()).collect();
            (name, rows)
        })
        .collect()
}

pub(crate) fn excel_time(data: &Data) -> chrono::NaiveDateTime {
    let serial = match data {
        Data::DateTime(t) => t.as_f64(),
        Data::Float(f) => *f,
        other => panic!("not a time: {other:?}"),
    };
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    epoch + chrono::Duration::microseconds((serial * 86_400_000_000.0).round() as i64)
}

fn xlsx_text(data: &Data) -> String {
    match data {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        Data::Float(f) => format!("{f}"),
        Data::Int(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

/// Compares the `contributi` sheet with the expected rows.
fn assert_xlsx_matches(
    sheets: &BTreeMap<String, Vec<Vec<Data>>>,
    expected: &[Expected],
    personal: bool,
) {
    assert_eq!(
        sheets.keys().cloned().collect::<Vec<_>>(),
        vec!["contributi".to_owned(), "dizionario".to_owned()]
    );
    let rows = &sheets["contributi"];
    let mut header: Vec<&str> = COLUMNS.to_vec();
    if personal {
        header.extend(PERSONAL_COLUMNS);
    }
    assert_eq!(rows[0].iter().map(xlsx_text).collect::<Vec<_>>(), header);
    assert_eq!(rows.len() - 1, expected.len());
    for (row, e) in rows[1..].iter().zip(expected) {
        let cells = cells(e, personal, str::to_owned);
        for (index, name) in header.iter().enumerate() {
            let cell = row.get(index).cloned().unwrap_or(Data::Empty);
            match *name {
                "received_at" | "published_at" => {
                    let want = if *name == "received_at" {
                        Some(e.row.received_at)
                    } else {
                        e.row.published_at
                    };
                    match want {
                        None => assert_eq!(cell, Data::Empty, "{name}"),
                        Some(want) => {
                            let got = excel_time(&cell);
                            let gap = (got - want).num_microseconds().unwrap().abs();
                            assert!(gap <= 1_000, "{name}: {got} vs {want}");
                        }
                    }
                }
                "quartiere" => match e.row.quartiere {
                    None => assert_eq!(cell, Data::Empty),
                    Some(q) => assert_eq!(cell, Data::Float(f64::from(q))),
                },
                "meeting_quartiere" => match e.meeting.as_ref().and_then(|m| m.quartiere) {
                    None => assert_eq!(cell, Data::Empty),
                    Some(q) => assert_eq!(cell, Data::Float(f64::from(q))),
                },
                "meeting_date" => match &e.meeting {
                    None => assert_eq!(cell, Data::Empty),
                    Some(m) => assert_eq!(excel_time(&cell).date(), m.held_on),
                },
                _ => assert_eq!(xlsx_text(&cell), cells[index], "{name} of {}", e.row.id),
            }
        }
    }
    // The codebook: every column with its Italian description.
    let codebook = &sheets["dizionario"];
    let described: Vec<String> = codebook[1..=header.len()]
        .iter()
        .map(|r| xlsx_text(&r[0]))
        .collect();
    assert_eq!(described, header);
    assert!(codebook
        .iter()
        .flatten()
        .any(|cell| xlsx_text(cell).contains("apostrofo")));
}

#[actix_web::test]
async fn every_format_holds_the_rows_of_the_database() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limit_per_minute = 10_000;
        config.pseudonym_key = Some(CONFIGURED_KEY.into());
    })
    .await;
    seed(&app).await;
    let researcher = app.researcher().await;
    let want = expected(&app, None, CONFIGURED_KEY.as_bytes());
    assert_eq!(want.len(), 5, "everything but spam and hidden");

    let (content_type, csv_bytes) = download(&app, &researcher, "format=csv").await;
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let (header, rows) = parse_csv(&csv_bytes);
    assert_eq!(header, COLUMNS);
    let want_cells: Vec<Vec<String>> = want.iter().map(|e| csv_cells(e, false)).collect();
    assert_eq!(rows, want_cells);
    // Without a format, CSV.
    let (_, default_bytes) = download(&app, &researcher, "").await;
    assert_eq!(default_bytes, csv_bytes);

    let (content_type, json_bytes) = download(&app, &researcher, "format=json").await;
    assert_eq!(content_type, "application/json");
    let want_items: Vec<Value> = want.iter().map(|e| json_item(e, false)).collect();
    assert_eq!(parse_json_items(&json_bytes), want_items);

    let (content_type, ndjson_bytes) = download(&app, &researcher, "format=ndjson").await;
    assert_eq!(content_type, "application/x-ndjson");
    assert_eq!(parse_ndjson(&ndjson_bytes), want_items);

    let (content_type, xlsx_bytes) = download(&app, &researcher, "format=xlsx").await;
    assert_eq!(
        content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_xlsx_matches(&parse_xlsx(&xlsx_bytes), &want, false);

    // The JSON keys come in the column order.
    let first = std::str::from_utf8(&ndjson_bytes)
        .unwrap()
        .lines()
        .next()
        .unwrap();
    let positions: Vec<usize> = COLUMNS
        .iter()
        .map(|c| first.find(&format!("\"{c}\":")).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first}");
}

/// Every cell of every format, as text, for scanning.
async fn all_exports_text(app: &TestApp, token: &str, query: &str) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for format in ["csv", "json", "ndjson"] {
        let (_, bytes) = download(app, token, &format!("format={format}&{query}")).await;
        texts.push((format.to_owned(), String::from_utf8(bytes).unwrap()));
    }
    let (_, bytes) = download(app, token, &format!("format=xlsx&{query}")).await;
    let cells: Vec<String> = parse_xlsx(&bytes)
        .values()
        .flatten()
        .flatten()
        .map(xlsx_text)
        .collect();
    texts.push(("xlsx".into(), cells.join("\n")));
    texts
}

#[actix_web::test]
async fn no_name_email_or_note_in_a_pseudonymised_export() {
    let app = spawn().await;
    seed(&app).await;
    for role in ["researcher", "moderator", "admin"] {
        let token = app.staff_token(role);
        // Spam included too: nothing personal in any row.
        for query in ["", "status=pending,approved,rejected,spam,duplicate,hidden"] {
            for (format, text) in all_exports_text(&app, &token, query).await {
                let lower = text.to_lowercase();
                for (given, family, email) in PEOPLE {
                    for needle in [given, family, email] {
                        assert!(
                            !lower.contains(&needle.trim().to_lowercase()),
                            "{role} {format} {query:?} contains {needle}"
                        );
                    }
                }
                assert!(
                    !lower.contains("zeffirino") && !lower.contains("lastrucci"),
                    "note in {format}"
                );
                assert!(!text.contains("127.0.0.1"), "an IP address in {format}");
            }
        }
    }
}

fn pseudonyms_by_id(bytes: &[u8]) -> BTreeMap<String, Option<String>> {
    parse_ndjson(bytes)
        .into_iter()
        .map(|item| {
            (
                item["id"].as_str().unwrap().to_owned(),
                item["author_pseudonym"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[actix_web::test]
async fn pseudonyms_group_an_author_and_survive_exports_and_restarts() {
    let app = spawn().await;
    let seeded = seed(&app).await;
    let researcher = app.researcher().await;
    let (_, first) = download(&app, &researcher, "format=ndjson").await;
    let first = pseudonyms_by_id(&first);

    let author: BTreeSet<Option<String>> = seeded
        .same_author
        .iter()
        .map(|id| first[id].clone())
        .collect();
    assert_eq!(author.len(), 1, "one author, one pseudonym: {author:?}");
    let pseudonym = author.into_iter().next().unwrap().expect("a pseudonym");
    assert_eq!(pseudonym.len(), 64);
    assert!(pseudonym
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    // It is the HMAC of the stored author group with the stored key.
    let key = pseudonym_key(&app, None);
    let group = author_groups(&app)[&seeded.same_author[0]].clone();
    assert_eq!(pseudonym, hmac_hex(&key, &group));
    assert_ne!(first[&seeded.organization], Some(pseudonym.clone()));
    assert_eq!(first[&seeded.paper], None, "no e-mail, no pseudonym");
    let distinct: BTreeSet<_> = first.values().flatten().collect();
    assert_eq!(
        distinct.len(),
        2,
        "two authors with an e-mail (spam and hidden left out)"
    );

    let (_, again) = download(&app, &researcher, "format=ndjson").await;
    assert_eq!(
        pseudonyms_by_id(&again),
        first,
        "the same in a second export"
    );

    // Another server process on the same database: the stored key is reused.
    let restarted = app
        .spawn_on_same_database(|config| config.rate_limit_per_minute = 10_000)
        .await;
    let (_, after_restart) = download(&restarted, &researcher, "format=ndjson").await;
    assert_eq!(
        pseudonyms_by_id(&after_restart),
        first,
        "the same after a restart"
    );
    let (_, csv_bytes) = download(&restarted, &researcher, "format=csv").await;
    let (_, rows) = parse_csv(&csv_bytes);
    let column = COLUMNS
        .iter()
        .position(|c| *c == "author_pseudonym")
        .unwrap();
    for row in rows {
        assert_eq!(first[&row[0]].clone().unwrap_or_default(), row[column]);
    }

    // A configured key takes over from the stored one.
    let configured = app
        .spawn_on_same_database(|config| config.pseudonym_key = Some(CONFIGURED_KEY.into()))
        .await;
    let (_, keyed) = download(&configured, &researcher, "format=ndjson").await;
    let keyed = pseudonyms_by_id(&keyed);
    assert_eq!(
        keyed[&seeded.same_author[0]],
        Some(hmac_hex(CONFIGURED_KEY.as_bytes(), &group))
    );
}

#[actix_web::test]
async fn roles_personal_data_and_the_audit_log() {
    let app = spawn().await;
    let seeded = seed(&app).await;
    let researcher = app.researcher().await;
    let moderator = app.moderator().await;
    let admin = app.admin().await;

    for path in [
        paths::with_query(paths::exports_contributions(), "format=csv"),
        paths::datapackage(),
    ] {
        let anonymous = app.get(&path).await;
        assert!(anonymous.headers().contains_key("www-authenticate"));
        assert_problem(anonymous, 401).await;
        let wrong = app
            .as_staff(Method::GET, &path, "rf_not-a-real-token")
            .send()
            .await
            .unwrap();
        assert_problem(wrong, 401).await;
    }
    for token in [&researcher, &moderator] {
        download(&app, token, "format=xlsx").await;
        let personal = app
            .get_as(
                token,
                &paths::with_query(paths::exports_contributions(), "include_personal_data=true"),
            )
            .await;
        assert_problem(personal, 403).await;
        let descriptor = app
            .get_as(
                token,
                &paths::with_query(paths::datapackage(), "include_personal_data=true"),
            )
            .await;
        assert_problem(descriptor, 403).await;
    }
    // Not even one row of personal data was audited so far.
    assert!(personal_export_events(&app).is_empty());

    let (_, bytes) = download(
        &app,
        &admin,
        "format=csv&include_personal_data=true&thematic_area=mobilita-green",
    )
    .await;
    let (header, rows) = parse_csv(&bytes);
    let mut all: Vec<&str> = COLUMNS.to_vec();
    all.extend(PERSONAL_COLUMNS);
    assert_eq!(header, all);
    let key = pseudonym_key(&app, None);
    let want: Vec<Vec<String>> = expected(&app, None, &key)
        .iter()
        .filter(|e| e.row.thematic_area == "mobilita-green")
        .map(|e| csv_cells(e, true))
        .collect();
    assert_eq!(rows, want);
    assert_eq!(rows.len(), 2);
    assert!(rows
        .iter()
        .all(|r| r[22] == "Ermenegilda" && r[23] == "Quarantotti"));

    let (_, bytes) = download(&app, &admin, "format=json&include_personal_data=true").await;
    let items = parse_json_items(&bytes);
    assert_eq!(items.len(), 5);
    let paper = items
        .iter()
        .find(|i| i["id"] == seeded.paper.as_str())
        .unwrap();
    assert_eq!(paper["given_name"], "Gervasio");
    assert_eq!(paper["email"], Value::Null);

    let admin_id: String = app
        .db
        .read_blocking(|conn| {
            Ok::<_, DbError>(
                staff::table
                    .filter(staff::role.eq("admin"))
                    .select(staff::id)
                    .first(conn)?,
            )
        })
        .unwrap();
    let events = personal_export_events(&app);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].actor, admin_id);
    let details: Value = serde_json::from_str(events[0].details.as_deref().unwrap()).unwrap();
    assert_eq!(details["rows"], 2);
    assert_eq!(details["complete"], true);
    assert_eq!(details["format"], "csv");
    assert_eq!(
        details["filters"]["thematic_area"],
        json!(["mobilita-green"])
    );
    assert_eq!(
        details["filters"]["excluded_status"],
        json!(["spam", "hidden"])
    );
    assert_eq!(events[0].to_value.as_deref(), Some("2"));
    let details: Value = serde_json::from_str(events[1].details.as_deref().unwrap()).unwrap();
    assert_eq!(details["rows"], 5);
    // The audit log shows it to admins.
    let log: Value = app
        .get_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=personal_data_exported"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 2, "{log}");
    // Newest first: the earlier export, of 2 rows, is second.
    assert_eq!(log["items"][1]["details"]["rows"], 2);

    // Pseudonymised exports by admins are not audited as personal data.
    download(&app, &admin, "format=csv").await;
    assert_eq!(personal_export_events(&app).len(), 2);
}

pub(crate) fn personal_export_events(app: &TestApp) -> Vec<rinasce::db::audit::AuditRow> {
    use rinasce::db::audit::{self, AuditFilter};
    app.db
        .read_blocking(|conn| {
            audit::list(
                conn,
                &AuditFilter {
                    action: Some(rinasce::domain::AuditAction::PersonalDataExported),
                    ..AuditFilter::default()
                },
                None,
                100,
            )
        })
        .unwrap()
}

async fn ids_of(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let (_, bytes) = download(app, token, &format!("format=ndjson&{query}")).await;
    parse_ndjson(&bytes)
        .into_iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn the_moderation_filters_apply_and_spam_needs_asking() {
    let app = spawn().await;
    let seeded = seed(&app).await;
    let researcher = app.researcher().await;
    let everything = ids_of(&app, &researcher, "").await;
    assert_eq!(everything.len(), 5);
    assert!(
        !everything.contains(&seeded.formulas),
        "hidden left out by default"
    );
    assert!(
        !everything.contains(&seeded.spam),
        "spam left out by default"
    );

    assert_eq!(
        ids_of(&app, &researcher, "status=spam").await,
        vec![seeded.spam.clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "status=spam,hidden").await,
        vec![seeded.formulas.clone(), seeded.spam.clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "thematic_area=mobilita-green").await,
        vec![seeded.same_author[0].clone(), seeded.same_author[2].clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "tag=zona-30").await,
        vec![seeded.same_author[0].clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "quartiere=4").await,
        vec![
            seeded.same_author[0].clone(),
            seeded.same_author[1].clone(),
            seeded.same_author[2].clone(),
            seeded.paper.clone()
        ]
    );
    assert_eq!(
        ids_of(&app, &researcher, "channel=paper").await,
        vec![seeded.paper.clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "author_kind=cultural_association").await,
        vec![seeded.organization.clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "q=CINEMA%20Isolotto").await,
        vec![seeded.same_author[1].clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "q=RF-000002").await,
        vec![seeded.same_author[1].clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "received_to=2026-02-01T00:00:00Z").await,
        vec![seeded.paper.clone()]
    );
    assert_eq!(
        ids_of(
            &app,
            &researcher,
            "received_from=2026-02-01T00:00:00Z&channel=form"
        )
        .await
        .len(),
        4
    );

    for (query, field) in [
        ("format=pdf", "format"),
        ("status=archived", "status"),
        ("quartiere=9", "quartiere"),
        ("include_personal_data=yes", "include_personal_data"),
        ("received_from=ieri", "received_from"),
        ("limit=10", "limit"),
        ("cursor=abc", "cursor"),
        ("sort=-received_at", "sort"),
    ] {
        let response = app
            .get_as(
                &researcher,
                &paths::with_query(paths::exports_contributions(), query),
            )
            .await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(failing_fields(&problem), vec![field.to_owned()], "{query}");
    }
}

#[actix_web::test]
async fn hidden_contributions_are_left_out_unless_asked_and_the_data_package_says_so() {
    let app = spawn().await;
    seed(&app).await;
    let private = "la signora Zeffirina Bargellini di via dei Serragli 12";
    let hidden = app
        .submit_ok(&submission(
            4,
            PEOPLE[4].2,
            ("citizen", None, Some(1)),
            "vivere-spazi-urbani",
            "Rumore notturno in Oltrarno",
            &format!("Da mesi {private} lascia la musica alta fino alle tre."),
        ))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.publish(&hidden).await;
    app.set_status(&hidden, "hidden").await;
    let researcher = app.researcher().await;
    let mut defaults = all_exports_text(&app, &researcher, "").await;
    let (_, qdpx) = download(&app, &researcher, "format=qdpx").await;
    let mut archive = zip::ZipArchive::new(Cursor::new(qdpx)).unwrap();
    let mut qdpx_text = String::new();
    for index in 0..archive.len() {
        std::io::Read::read_to_string(&mut archive.by_index(index).unwrap(), &mut qdpx_text)
            .unwrap();
    }
    defaults.push(("qdpx".into(), qdpx_text));
    for (format, text) in &defaults {
        assert!(
            !text.contains("Zeffirina"),
            "a hidden text in the default {format} export"
        );
        assert!(
            !text.contains(&hidden),
            "a hidden id in the default {format} export"
        );
    }
    for (format, text) in all_exports_text(&app, &researcher, "status=hidden").await {
        assert!(
            text.contains(private),
            "status=hidden asks for it ({format})"
        );
    }
    let descriptor = app.get_json_as(&researcher, &paths::datapackage()).await;
    assert!(descriptor["description"]
        .as_str()
        .unwrap()
        .contains("non contiene lo spam né i contributi nascosti (hidden"));
    let status = descriptor["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "status")
        .unwrap()
        .clone();
    assert!(status["description"]
        .as_str()
        .unwrap()
        .contains("tranne lo spam e i nascosti"));
}

#[actix_web::test]
async fn duplicates_name_their_original_and_the_reason_is_exported() {
    let app = spawn().await;
    let seeded = seed(&app).await;
    app.mark_duplicate(&seeded.same_author[2], &seeded.same_author[0])
        .await;
    let researcher = app.researcher().await;
    let (_, csv_bytes) = download(&app, &researcher, "format=csv").await;
    let want = expected(&app, None, &pseudonym_key(&app, None));
    let duplicate = want
        .iter()
        .find(|e| e.row.id.to_string() == seeded.same_author[2])
        .unwrap();
    assert_eq!(duplicate.duplicate_of.as_deref(), Some("RF-000001"));
    assert!(want.iter().any(|e| e.row.status_reason.is_some()));

    let (header, rows) = parse_csv(&csv_bytes);
    assert_eq!(header, COLUMNS);
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows.iter().find(|r| r[0] == seeded.same_author[2]).unwrap();
    assert_eq!(row[at("duplicate_of")], "RF-000001");
    assert_eq!(row[at("status")], "duplicate");
    assert_eq!(
        rows,
        want.iter().map(|e| csv_cells(e, false)).collect::<Vec<_>>()
    );
    let (_, json_bytes) = download(&app, &researcher, "format=json").await;
    let items = parse_json_items(&json_bytes);
    assert_eq!(
        items,
        want.iter().map(|e| json_item(e, false)).collect::<Vec<_>>()
    );
    let item = items
        .iter()
        .find(|i| i["id"] == seeded.same_author[2].as_str())
        .unwrap();
    assert_eq!(item["duplicate_of"], "RF-000001");
    assert!(items.iter().any(|i| i["status_reason"].is_string()));
    let (_, xlsx_bytes) = download(&app, &researcher, "format=xlsx").await;
    assert_xlsx_matches(&parse_xlsx(&xlsx_bytes), &want, false);
    // The data package describes both columns.
    let descriptor = app.get_json_as(&researcher, &paths::datapackage()).await;
    let fields: Vec<&str> = descriptor["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(fields, COLUMNS);
}

#[actix_web::test]
async fn quartiere_is_an_integer_in_every_format() {
    let app = spawn().await;
    seed(&app).await;
    let researcher = app.researcher().await;
    let (_, csv_bytes) = download(&app, &researcher, "format=csv").await;
    let (header, rows) = parse_csv(&csv_bytes);
    let at = header.iter().position(|h| h == "quartiere").unwrap();
    let csv: Vec<Option<i64>> = rows
        .iter()
        .map(|r| (!r[at].is_empty()).then(|| r[at].parse().expect("an integer")))
        .collect();
    assert!(csv.contains(&None) && csv.contains(&Some(4)));
    let (_, json_bytes) = download(&app, &researcher, "format=json").await;
    let json: Vec<Option<i64>> = parse_json_items(&json_bytes)
        .iter()
        .map(|i| {
            assert!(i["quartiere"].is_null() || i["quartiere"].is_i64());
            i["quartiere"].as_i64()
        })
        .collect();
    assert_eq!(json, csv);
    let (_, xlsx_bytes) = download(&app, &researcher, "format=xlsx").await;
    let xlsx: Vec<Option<i64>> = parse_xlsx(&xlsx_bytes)["contributi"][1..]
        .iter()
        .map(|r| match r.get(at) {
            None | Some(Data::Empty) => None,
            Some(Data::Float(n)) if n.fract() == 0.0 => Some(*n as i64),
            Some(Data::Int(n)) => Some(*n),
            Some(other) => panic!("quartiere {other:?} is not a number"),
        })
        .collect();
    assert_eq!(xlsx, csv);
    let descriptor = app.get_json_as(&researcher, &paths::datapackage()).await;
    let field = descriptor["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "quartiere")
        .unwrap()
        .clone();
    assert_eq!(field["type"], "integer");
    let (_, qdpx) = download(&app, &researcher, "format=qdpx").await;
    let mut archive = zip::ZipArchive::new(Cursor::new(qdpx)).unwrap();
    let mut qde = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("project.qde").unwrap(), &mut qde).unwrap();
    let integers = qde.matches("<IntegerValue>").count();
    assert_eq!(integers, csv.iter().flatten().count());
    assert!(qde.contains("name=\"quartiere\" typeOfVariable=\"Integer\""));
}

#[actix_web::test]
async fn formula_cells_are_neutralised_in_csv_only_and_xlsx_has_the_exact_text() {
    let app = spawn().await;
    let seeded = seed(&app).await;
    let admin = app.admin().await;
    let query = "status=hidden,approved,pending,rejected,spam&include_personal_data=true";

    let (_, csv_bytes) = download(&app, &admin, &format!("format=csv&{query}")).await;
    let (header, rows) = parse_csv(&csv_bytes);
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let formulas = rows.iter().find(|r| r[0] == seeded.formulas).unwrap();
    assert_eq!(
        formulas[column("title")],
        "'=HYPERLINK(\"http://example.org\";\"clic\")"
    );
    assert!(formulas[column("body")].starts_with("'-1+1 è una formula?"));
    let organization = rows.iter().find(|r| r[0] == seeded.organization).unwrap();
    assert_eq!(
        organization[column("organization_name")],
        "'@Circolo dei Lettori; \"Oltrarno\""
    );
    assert_eq!(
        organization[column("body")],
        "Proponiamo letture ad alta voce, con \"ospiti\" e musica;\nogni giovedì sera."
    );
    let spam = rows.iter().find(|r| r[0] == seeded.spam).unwrap();
    assert!(spam[column("body")].starts_with("'+39 333"));
    // No cell of the raw file starts a formula.
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(&csv_bytes[3..]);
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell:?}");
        }
    }

    // XLSX: the exact text, in string cells (never formulas).
    let (_, xlsx_bytes) = download(&app, &admin, &format!("format=xlsx&{query}")).await;
    let sheets = parse_xlsx(&xlsx_bytes);
    let row = sheets["contributi"]
        .iter()
        .find(|r| xlsx_text(&r[0]) == seeded.formulas)
        .unwrap();
    assert_eq!(
        row[6],
        Data::String("=HYPERLINK(\"http://example.org\";\"clic\")".into())
    );
    assert!(xlsx_text(&row[7]).starts_with("-1+1 è una formula?"));
    let row = sheets["contributi"]
        .iter()
        .find(|r| xlsx_text(&r[0]) == seeded.organization)
        .unwrap();
    assert_eq!(
        row[11],
        Data::String("@Circolo dei Lettori; \"Oltrarno\"".into())
    );
    assert!(!sheets["contributi"]
        .iter()
        .flatten()
        .any(|cell| xlsx_text(cell).starts_with("'")));
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(xlsx_bytes.clone())).unwrap();
    let formulas = workbook.worksheet_formula("contributi").unwrap();
    assert!(formulas.cells().all(|(_, _, f)| f.is_empty()));

    // JSON keeps the text as written.
    let (_, json_bytes) = download(&app, &admin, &format!("format=json&{query}")).await;
    let items = parse_json_items(&json_bytes);
    let item = items
        .iter()
        .find(|i| i["id"] == seeded.formulas.as_str())
        .unwrap();
    assert_eq!(item["title"], "=HYPERLINK(\"http://example.org\";\"clic\")");
}

#[actix_web::test]
async fn the_data_package_validates_a_real_export_with_frictionless() {
    let app = spawn().await;
    seed(&app).await;
    let researcher = app.researcher().await;
    let admin = app.admin().await;
    for (token, personal) in [(&researcher, false), (&admin, true)] {
        let query = if personal {
            "?include_personal_data=true"
        } else {
            ""
        };
        let response = app
            .get_as(token, &format!("{}{query}", paths::datapackage()))
            .await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let descriptor: Value = response.json().await.unwrap();
        let resource = &descriptor["resources"][0];
        let fields: Vec<&str> = resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let mut want: Vec<&str> = COLUMNS.to_vec();
        if personal {
            want.extend(PERSONAL_COLUMNS);
        }
        assert_eq!(fields, want);
        for field in resource["schema"]["fields"].as_array().unwrap() {
            assert!(field["description"].as_str().unwrap().len() > 10, "{field}");
        }
        let status = &resource["schema"]["fields"][8];
        assert_eq!(
            status["constraints"]["enum"],
            json!([
                "pending",
                "approved",
                "rejected",
                "spam",
                "duplicate",
                "hidden"
            ])
        );
        assert_eq!(resource["dialect"]["delimiter"], ";");
        // Codes carry their Italian labels (Table Schema v2 `categories`,
        // repeated in the description for readers that ignore them).
        let field = |name: &str| {
            resource["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .unwrap()
                .clone()
        };
        let author_kind = field("author_kind");
        assert!(author_kind["categories"].as_array().unwrap().contains(
            &json!({"value": "cultural_association", "label": "associazione culturale"})
        ));
        assert!(author_kind["description"]
            .as_str()
            .unwrap()
            .contains("citizen = cittadina o cittadino"));
        assert_eq!(
            field("quartiere")["categories"][3],
            json!({"value": 4, "label": "Quartiere 4 – Isolotto-Legnaia"})
        );
        let area = field("thematic_area");
        assert_eq!(
            area["categories"].as_array().unwrap().len(),
            area["constraints"]["enum"].as_array().unwrap().len()
        );
        assert!(area["categories"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["label"].as_str().is_some_and(|l| !l.is_empty())));
        assert_eq!(field("received_at_rome")["type"], "datetime");

        // A real export beside the descriptor, under the name it gives.
        let csv_query = format!(
            "format=csv&status=pending,approved,rejected,spam,duplicate,hidden{}",
            if personal {
                "&include_personal_data=true"
            } else {
                ""
            }
        );
        let (_, csv_bytes) = download(&app, token, &csv_query).await;
        let dir = tempfile::tempdir().unwrap();
        let path = resource["path"].as_str().unwrap();
        assert!(path.ends_with(".csv") && !path.contains('/'), "{path}");
        std::fs::write(dir.path().join(path), &csv_bytes).unwrap();
        std::fs::write(
            dir.path().join("datapackage.json"),
            serde_json::to_vec_pretty(&descriptor).unwrap(),
        )
        .unwrap();
        let output = Command::new(frictionless())
            .args(["validate", "--json", "datapackage.json"])
            .current_dir(dir.path())
            .output()
            .expect("frictionless runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
            panic!(
                "frictionless gave no JSON report: {stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        assert_eq!(report["valid"], true, "frictionless report: {report:#}");
        assert!(output.status.success());
        let rows = &report["tasks"][0]["stats"];
        assert_eq!(rows["rows"], 7, "{report:#}");

        // pandas, as a researcher would: the path and dialect of the
        // descriptor, the field names as the columns, no renaming.
        let output = Command::new("python3")
            .args(["-c", PANDAS_READS_THE_PACKAGE])
            .current_dir(dir.path())
            .output()
            .expect("python3 runs");
        assert!(
            output.status.success(),
            "pandas: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let read: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(read["columns"], json!(fields), "{read}");
        assert_eq!(read["rows"], 7);
        assert_eq!(read["quartiere_dtype"], "Int64");
        let offsets = read["received_at_rome_offsets"].as_array().unwrap();
        assert!(
            !offsets.is_empty() && offsets.iter().all(|o| o == "+01:00" || o == "+02:00"),
            "{read}"
        );
        assert_eq!(read["same_instants"], true);
    }
}

/// Reads `datapackage.json` and its CSV with pandas, the types from the
/// descriptor; prints what a researcher would check.
const PANDAS_READS_THE_PACKAGE: &str = r#"
import json, pandas
package = json.load(open("datapackage.json", encoding="utf-8"))
resource = package["resources"][0]
fields = resource["schema"]["fields"]
dtypes = {f["name"]: ("Int64" if f["type"] == "integer" else "string") for f in fields}
frame = pandas.read_csv(resource["path"], sep=resource["dialect"]["delimiter"],
                        encoding="utf-8-sig", dtype=dtypes, keep_default_na=False,
                        na_values=[""])
utc = pandas.to_datetime(frame["received_at"], utc=True)
rome = pandas.to_datetime(frame["received_at_rome"], format="ISO8601", utc=True)
print(json.dumps({
    "columns": list(frame.columns),
    "rows": len(frame),
    "quartiere_dtype": str(frame["quartiere"].dtype),
    "received_at_rome_offsets": sorted({t[-6:] for t in frame["received_at_rome"]}),
    "same_instants": bool((rome == utc).all()),
}))
"#;

/// The `frictionless` command: on the PATH, or where pip put it (pyenv
/// makes a shim for it only after a rehash). Fails the test when missing.
fn frictionless() -> std::path::PathBuf {
    let on_path = Command::new("frictionless").arg("--version").output();
    if on_path.is_ok_and(|o| o.status.success()) {
        return "frictionless".into();
    }
    let scripts = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_path('scripts'))",
        ])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let beside_python = std::path::Path::new(&scripts).join("frictionless");
    assert!(
        !scripts.is_empty() && beside_python.exists(),
        "the `frictionless` command is needed to validate the data package and is not \
         installed: run `python3 -m pip install frictionless` (.ci/run does)"
    );
    beside_python
}

/// The `rinasce` binary on the test database, without the caller's settings.
pub(crate) fn rinasce(app: &TestApp) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rinasce"));
    for (name, _) in std::env::vars() {
        if name.starts_with("RINASCE_") || name == "DATABASE_URL" {
            command.env_remove(name);
        }
    }
    command
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn");
    command
}

#[actix_web::test]
async fn the_command_line_writes_the_same_files() {
    let app = spawn().await;
    seed(&app).await;
    let researcher = app.researcher().await;
    let dir = tempfile::tempdir().unwrap();
    for (format, query) in [
        ("csv", "format=csv"),
        ("ndjson", "format=ndjson&thematic_area=mobilita-green"),
        ("json", "format=json&status=spam"),
    ] {
        let (_, http) = download(&app, &researcher, query).await;
        let path = dir.path().join(format!("export.{format}"));
        let mut command = rinasce(&app);
        command
            .args(["export", "--format", format, "--output"])
            .arg(&path);
        if query.contains("mobilita") {
            command.args(["--thematic-area", "mobilita-green"]);
        }
        if query.contains("spam") {
            command.args(["--status", "spam"]);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(std::fs::read(&path).unwrap(), http, "{format}");
    }
    // XLSX to standard output, parsed back.
    let output = rinasce(&app)
        .args(["export", "--format", "xlsx", "--status", "approved,hidden"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let sheets = parse_xlsx(&output.stdout);
    assert_eq!(sheets["contributi"].len(), 3);
    // Bad filters are named.
    let output = rinasce(&app)
        .args(["export", "--format", "csv", "--quartiere", "9"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--quartiere"));
    // Personal data from the command line are audited too.
    let output = rinasce(&app)
        .args(["export", "--format", "ndjson", "--include-personal-data"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("Quarantotti"));
    let events = personal_export_events(&app);
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].actor, "command-line");
}

#[actix_web::test]
async fn demo_data_is_varied_and_exports_in_batches() {
    let app = spawn().await;
    let output = rinasce(&app)
        .args(["demo-data", "--count", "4500", "--seed", "7"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("inserted 4500"));
    assert_eq!(app.count_contributions(), 4500);

    let researcher = app.researcher().await;
    let (_, bytes) = download(&app, &researcher, "format=ndjson").await;
    let items = parse_ndjson(&bytes);
    let key = pseudonym_key(&app, None);
    let want = expected(&app, None, &key);
    assert!(want.len() > 4000 && want.len() < 4500, "{}", want.len());
    let want_items: Vec<Value> = want.iter().map(|e| json_item(e, false)).collect();
    assert_eq!(
        items, want_items,
        "more than two batches, in order, none twice"
    );

    let count = |field: &str| -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for item in &items {
            *counts.entry(item[field].to_string()).or_default() += 1;
        }
        counts
    };
    assert_eq!(count("thematic_area").len(), 9);
    assert_eq!(count("status").len(), 4, "every status but spam and hidden");
    assert_eq!(count("author_kind").len(), 4);
    assert_eq!(count("channel").len(), 4);
    assert_eq!(count("quartiere").len(), 6, "five quartieri and none");
    let days: BTreeSet<&str> = items
        .iter()
        .map(|i| &i["received_at"].as_str().unwrap()[..10])
        .collect();
    assert!(days.len() >= 55, "spread over the days: {}", days.len());
    let authors = count("author_pseudonym");
    assert!(authors.values().any(|n| *n >= 3), "repeat authors");
    assert!(authors.len() > 500, "{} authors", authors.len());
    for item in &items {
        let published = !item["published_at"].is_null();
        assert_eq!(
            published,
            matches!(item["status"].as_str(), Some("approved" | "hidden"))
        );
    }
    assert!(items
        .iter()
        .any(|i| !i["tags"].as_array().unwrap().is_empty()));
    // The search terms were written: text search finds words of the texts.
    let found = ids_of(&app, &researcher, "q=TRAMVIA").await;
    assert!(!found.is_empty());
    for item in items
        .iter()
        .filter(|i| found.contains(&i["id"].as_str().unwrap().to_owned()))
    {
        let text = format!("{} {}", item["title"], item["body"]).to_lowercase();
        assert!(text.contains("tramvia"));
    }
    // Every demo contribution would pass the form's rules.
    for e in &want {
        rinasce::domain::ContributionTitle::parse(&e.row.title).unwrap();
        rinasce::domain::ContributionBody::parse(&e.row.body).unwrap();
    }

    // Also as XLSX (constant-memory sheet across batches).
    let (_, xlsx) = download(&app, &researcher, "format=xlsx").await;
    assert_xlsx_matches(&parse_xlsx(&xlsx), &want, false);
}

#[actix_web::test]
async fn export_filters_take_comma_lists_and_refuse_values_that_do_not_exist() {
    let app = spawn().await;
    let seeded = seed(&app).await;
    let researcher = app.researcher().await;
    assert_eq!(
        ids_of(
            &app,
            &researcher,
            "thematic_area=cultura-diffusa,bambini-famiglie"
        )
        .await,
        vec![
            seeded.same_author[1].clone(),
            seeded.organization.clone(),
            seeded.paper.clone()
        ]
    );
    assert_eq!(
        ids_of(&app, &researcher, "channel=paper,email&quartiere=4,5").await,
        vec![seeded.paper.clone()]
    );
    assert_eq!(
        ids_of(&app, &researcher, "tag=Zona%2030,zona-30").await,
        vec![seeded.same_author[0].clone()]
    );
    // Researchers never find an author by name or e-mail.
    assert!(ids_of(&app, &researcher, "q=Quarantotti").await.is_empty());

    for (query, field) in [
        ("thematic_area=mobilita", "thematic_area"),
        ("thematic_area=mobilita-green,mobilita", "thematic_area"),
        ("tag=inesistente", "tag"),
        ("channel=paper,fax", "channel"),
        ("author_kind=citizen,robot", "author_kind"),
        ("quartiere=4,6", "quartiere"),
        ("area=mobilita-green", "area"),
        ("formato=csv", "formato"),
    ] {
        let response = app
            .get_as(
                &researcher,
                &paths::with_query(paths::exports_contributions(), query),
            )
            .await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(failing_fields(&problem), vec![field.to_owned()], "{query}");
    }
    let problem = assert_problem(
        app.get_as(
            &researcher,
            &paths::with_query(paths::exports_contributions(), "thematic_area=mobilita"),
        )
        .await,
        422,
    )
    .await;
    let detail = problem.to_string();
    assert!(
        detail.contains("mobilita-green"),
        "names the areas: {detail}"
    );
}
