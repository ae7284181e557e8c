//! REFI-QDA exports (`format=qdpx`, `format=qdc`): validated against the
//! standard's schema with `xmllint`, read back with a third-party reader
//! (pyrefiqda, through tests/refi-qda/read.py) and compared with the NDJSON
//! export of the same contributions.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::exports::{download, parse_ndjson, personal_export_events, rinasce};
use crate::support::*;
use diesel::prelude::*;
use rinasce::db::schema::{tags, thematic_areas};
use rinasce::db::DbError;
use serde_json::{json, Value};

const GUID_PATTERN: fn(&str) -> bool = |guid| {
    let parts: Vec<&str> = guid.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && guid.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
};

async fn spawn() -> TestApp {
    TestApp::spawn_with(|config| config.rate_limit_per_minute = 10_000).await
}

/// Demo-like contributions from `rinasce demo-data`.
fn demo_data(app: &TestApp, count: u32) {
    let output = rinasce(app)
        .args(["demo-data", "--count", &count.to_string(), "--seed", "17"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every entry of a zip, by name.
pub(crate) fn unzip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip archive");
    let mut entries = BTreeMap::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        entries.insert(entry.name().expect("a UTF-8 name").into_owned(), content);
    }
    entries
}

fn schema() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/refi-qda/Project.xsd")
}

/// The codebook exchange schema, derived from Project.xsd: the same types
/// in the codebook namespace, with `CodeBook` as the root element.
fn codebook_schema(dir: &Path) -> PathBuf {
    let project = std::fs::read_to_string(schema()).expect("../shared/refi-qda/Project.xsd");
    let root = "<xsd:element name=\"Project\" type=\"ProjectType\">";
    assert!(project.contains(root));
    let codebook = project
        .replace("urn:QDA-XML:project:1.0", "urn:QDA-XML:codebook:1.0")
        .replace(
            root,
            "<xsd:element name=\"CodeBook\" type=\"CodeBookType\">",
        );
    let path = dir.join("Codebook.xsd");
    std::fs::write(&path, codebook).unwrap();
    path
}

/// `xmllint --noout --schema SCHEMA FILE` must pass.
fn assert_valid(schema: &Path, file: &Path) {
    let output = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
        .expect(
            "`xmllint` is needed to validate REFI-QDA exports and is not installed: \
             apt-get install libxml2-utils (.ci/run does)",
        );
    assert!(
        output.status.success(),
        "{} does not validate: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What pyrefiqda reads in a `.qdpx` or `.qdc` file.
fn read_back(kind: &str, file: &Path, extract_dir: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/refi-qda/read.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(kind)
        .arg(file)
        .arg(extract_dir)
        .output()
        .expect("python3 is needed to read REFI-QDA exports back");
    assert!(
        output.status.success(),
        "pyrefiqda could not read the {kind} file: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the reader's JSON")
}

/// Every area (code, name) and every tag, as the database has them.
fn areas_and_tags(app: &TestApp) -> (Vec<(String, String)>, Vec<String>) {
    app.db
        .read_blocking(|conn| {
            let areas = thematic_areas::table
                .order((thematic_areas::position, thematic_areas::code))
                .select((thematic_areas::code, thematic_areas::name))
                .load(conn)?;
            let tags = tags::table
                .order(tags::name)
                .select(tags::name)
                .load(conn)?;
            Ok::<_, DbError>((areas, tags))
        })
        .unwrap()
}

/// Code GUID → "Parent/Name", checking the shape of the codebook: two
/// non-codable parents with codable children, one per area and per tag.
fn check_codes(codes: &Value, app: &TestApp) -> BTreeMap<String, String> {
    let (areas, tags) = areas_and_tags(app);
    let roots = codes.as_array().unwrap();
    let names: Vec<&str> = roots.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Area tematica", "Tag"]);
    let mut paths = BTreeMap::new();
    for (root, want) in roots.iter().zip([
        areas
            .iter()
            .map(|(_, name)| name.clone())
            .collect::<Vec<_>>(),
        tags.clone(),
    ]) {
        assert_eq!(root["codable"], false);
        let children = root["children"].as_array().unwrap();
        let got: Vec<String> = children
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(got, want, "the codes under {}", root["name"]);
        for child in children {
            assert_eq!(child["codable"], true);
            assert!(child["children"].as_array().unwrap().is_empty());
            let guid = child["guid"].as_str().unwrap().to_owned();
            assert!(GUID_PATTERN(&guid), "{guid}");
            paths.insert(
                guid,
                format!(
                    "{}/{}",
                    root["name"].as_str().unwrap(),
                    child["name"].as_str().unwrap()
                ),
            );
        }
    }
    assert!(!tags.is_empty(), "the data have tags");
    paths
}

/// Exports `query` as qdpx, validates it, and reads it back.
pub(crate) async fn qdpx(app: &TestApp, token: &str, query: &str, dir: &Path) -> (Vec<u8>, Value) {
    let (content_type, bytes) = download(app, token, &format!("format=qdpx{query}")).await;
    assert_eq!(content_type, "application/zip");
    let file = dir.join("export.qdpx");
    std::fs::write(&file, &bytes).unwrap();
    let entries = unzip(&bytes);
    let qde = dir.join("project.qde");
    std::fs::write(&qde, &entries["project.qde"]).expect("project.qde at the root");
    assert_valid(&schema(), &qde);
    let extract = dir.join("extracted");
    let project = read_back("qdpx", &file, &extract);
    let sources: BTreeSet<String> = entries
        .keys()
        .filter(|name| *name != "project.qde")
        .cloned()
        .collect();
    let want: BTreeSet<String> = project["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("sources/{}.txt", s["guid"].as_str().unwrap()))
        .collect();
    assert_eq!(
        sources, want,
        "one sources/<guid>.txt per TextSource, nothing else"
    );
    (bytes, project)
}

#[actix_web::test]
async fn qdpx_validates_and_a_third_party_reader_finds_sources_codes_and_codings() {
    let app = spawn().await;
    demo_data(&app, 400);
    let researcher = app.researcher().await;
    let (_, ndjson) = download(&app, &researcher, "format=ndjson").await;
    let items = parse_ndjson(&ndjson);
    let dir = tempfile::tempdir().unwrap();
    let (_, project) = qdpx(&app, &researcher, "", dir.path()).await;

    let code_paths = check_codes(&project["codes"], &app);
    let sources = project["sources"].as_array().unwrap();
    assert_eq!(
        sources.len(),
        items.len(),
        "spam left out, as in every format"
    );
    let mut guid_of = BTreeMap::new();
    let mut used_codes = BTreeSet::new();
    for (item, source) in items.iter().zip(sources) {
        let reference = item["reference"].as_str().unwrap();
        let title = item["title"].as_str().unwrap();
        let body = item["body"].as_str().unwrap();
        assert_eq!(source["name"], format!("{reference} {title}"));
        let text = format!("{title}\n\n{body}");
        assert_eq!(source["text"], text.as_str(), "{reference}");
        let selections = source["selections"].as_array().unwrap();
        assert_eq!(
            selections.len(),
            1,
            "{reference}: coded over the whole text"
        );
        assert_eq!(selections[0]["start"], 0);
        assert_eq!(selections[0]["end"], text.chars().count());
        let codes: BTreeSet<&str> = selections[0]["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|guid| code_paths[guid.as_str().unwrap()].as_str())
            .collect();
        let mut want: BTreeSet<String> = item["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| format!("Tag/{}", t.as_str().unwrap()))
            .collect();
        want.insert(format!(
            "Area tematica/{}",
            item["thematic_area_name"].as_str().unwrap()
        ));
        assert_eq!(
            codes,
            want.iter().map(String::as_str).collect(),
            "{reference}"
        );
        used_codes.extend(want);

        let values = &source["values"];
        assert_eq!(values["quartiere"], item["quartiere"], "{reference}");
        if let Some(quartiere) = item["quartiere"].as_i64() {
            let name = rinasce::domain::Quartiere::parse(quartiere).unwrap().name();
            assert_eq!(values["quartiere_nome"], name);
        } else {
            assert!(values.get("quartiere_nome").is_none());
        }
        for field in ["author_kind", "channel", "status", "author_pseudonym"] {
            assert_eq!(values[field], item[field], "{reference}: {field}");
        }
        for field in ["meeting_name", "meeting_date", "meeting_quartiere"] {
            match &item[field] {
                Value::Null => assert!(values.get(field).is_none(), "{reference}: {field}"),
                value => assert_eq!(&values[field], value, "{reference}: {field}"),
            }
        }
        let author_label = match item["author_kind"].as_str().unwrap() {
            "citizen" => "cittadina o cittadino",
            "cultural_association" => "associazione culturale",
            "trade_association" => "associazione di categoria",
            _ => "altra organizzazione",
        };
        assert_eq!(values["author_kind_nome"], author_label, "{reference}");
        let status_label = match item["status"].as_str().unwrap() {
            "approved" => "approvato e pubblicato",
            "pending" => "in attesa di revisione",
            "rejected" => "respinto dalla moderazione",
            "duplicate" => "duplicato di un altro contributo",
            other => other,
        };
        assert_eq!(values["status_nome"], status_label, "{reference}");
        assert!(values["channel_nome"].as_str().unwrap().len() > 5);
        let rome = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
        let (got, want) = (
            rome(&values["received_at_rome"]),
            rome(&item["received_at_rome"]),
        );
        assert_eq!((got, got.offset()), (want, want.offset()), "{reference}");
        let received =
            |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
        assert_eq!(
            received(&values["received_at"]),
            received(&item["received_at"])
        );
        assert!(values.get("email").is_none() && values.get("given_name").is_none());
        guid_of.insert(
            item["id"].as_str().unwrap().to_owned(),
            source["guid"].as_str().unwrap().to_owned(),
        );
    }
    let tags_in_use = used_codes.iter().filter(|c| c.starts_with("Tag/")).count();
    assert!(
        tags_in_use >= 3,
        "several tags with their codings: {tags_in_use}"
    );
    assert!(used_codes.iter().filter(|c| c.starts_with("Area")).count() >= 9);

    // Cases, one per author pseudonym, and sets per quartiere, area, kind.
    let group = |key: &dyn Fn(&Value) -> Option<String>| -> BTreeMap<String, BTreeSet<String>> {
        let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for item in &items {
            if let Some(key) = key(item) {
                groups
                    .entry(key)
                    .or_default()
                    .insert(guid_of[item["id"].as_str().unwrap()].clone());
            }
        }
        groups
    };
    let cases: BTreeMap<String, BTreeSet<String>> = project["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            assert_eq!(case["values"]["author_pseudonym"], case["name"]);
            let members = case["sources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
                .collect();
            (case["name"].as_str().unwrap().to_owned(), members)
        })
        .collect();
    assert_eq!(
        cases,
        group(&|i| i["author_pseudonym"].as_str().map(str::to_owned))
    );
    assert!(
        cases.values().any(|members| members.len() >= 3),
        "repeat authors"
    );
    let sets: BTreeMap<String, BTreeSet<String>> = project["sets"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, members)| {
            (
                name.clone(),
                members
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    let mut want_sets = group(&|i| i["quartiere"].as_i64().map(|q| format!("quartiere: {q}")));
    want_sets.extend(group(&|i| {
        Some(format!(
            "thematic_area: {}",
            i["thematic_area"].as_str().unwrap()
        ))
    }));
    want_sets.extend(group(&|i| {
        Some(format!(
            "author_kind: {}",
            i["author_kind"].as_str().unwrap()
        ))
    }));
    want_sets.extend(group(&|i| {
        let date = i["meeting_date"].as_str()?;
        Some(format!("meeting: {date} {}", i["meeting_name"].as_str()?))
    }));
    assert!(
        want_sets.keys().any(|k| k.starts_with("meeting: ")),
        "demo meetings"
    );
    assert_eq!(sets, want_sets);
    assert_eq!(
        sets.keys().filter(|k| k.starts_with("quartiere: ")).count(),
        5
    );
}

#[actix_web::test]
async fn qdc_is_the_codebook_alone_and_validates() {
    let app = spawn().await;
    demo_data(&app, 60);
    let researcher = app.researcher().await;
    let (content_type, bytes) = download(&app, &researcher, "format=qdc").await;
    assert_eq!(content_type, "application/xml");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("codebook.qdc");
    std::fs::write(&file, &bytes).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.contains("xmlns=\"urn:QDA-XML:codebook:1.0\""),
        "{text}"
    );
    assert_valid(&codebook_schema(dir.path()), &file);
    // The project schema does not accept a codebook: the check can fail.
    assert!(!Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(schema())
        .arg(&file)
        .output()
        .unwrap()
        .status
        .success());
    let codebook = read_back("qdc", &file, dir.path());
    let codes = check_codes(&codebook["codes"], &app);
    // The same codes, with the same GUIDs, as in a project.
    let (_, project) = qdpx(&app, &researcher, "", dir.path()).await;
    assert_eq!(codes, check_codes(&project["codes"], &app));
}

#[actix_web::test]
async fn qdpx_guids_stay_filters_apply_and_personal_data_are_admins_and_audited() {
    let app = spawn().await;
    demo_data(&app, 120);
    let researcher = app.researcher().await;
    let dir = tempfile::tempdir().unwrap();
    let (first, project) = qdpx(&app, &researcher, "", dir.path()).await;
    let guids = |project: &Value| -> BTreeMap<String, String> {
        project["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["name"].as_str().unwrap()[..9].to_owned(),
                    s["guid"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let before = guids(&project);

    // A moderation change, a new contribution: the old GUIDs stay.
    let (_, ndjson) = download(&app, &researcher, "format=ndjson").await;
    let first_item = &parse_ndjson(&ndjson)[0];
    app.moderate(
        first_item["id"].as_str().unwrap(),
        json!({"tags": ["nuovo-tag"]}),
    )
    .await;
    app.submit_ok(&example_submission()).await;
    let (_, project) = qdpx(&app, &researcher, "", dir.path()).await;
    let after = guids(&project);
    assert_eq!(after.len(), before.len() + 1);
    for (reference, guid) in &before {
        assert_eq!(&after[reference], guid, "{reference}");
    }

    // Filters, as in the other formats.
    let (_, ndjson) = download(
        &app,
        &researcher,
        "format=ndjson&thematic_area=mobilita-green&quartiere=3",
    )
    .await;
    let want: BTreeSet<String> = parse_ndjson(&ndjson)
        .iter()
        .map(|i| i["reference"].as_str().unwrap().to_owned())
        .collect();
    assert!(!want.is_empty());
    let (_, project) = qdpx(
        &app,
        &researcher,
        "&thematic_area=mobilita-green&quartiere=3",
        dir.path(),
    )
    .await;
    assert_eq!(guids(&project).into_keys().collect::<BTreeSet<_>>(), want);

    // Pseudonymised: no e-mail anywhere in the archive.
    let emails: Vec<String> = app
        .db
        .read_blocking(|conn| {
            use rinasce::db::schema::contributions;
            Ok::<_, DbError>(
                contributions::table
                    .filter(contributions::email.is_not_null())
                    .select(contributions::email.assume_not_null())
                    .limit(50)
                    .load::<String>(conn)?,
            )
        })
        .unwrap();
    assert!(!emails.is_empty());
    let all_text: String = unzip(&first)
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for email in &emails {
        assert!(
            !all_text.contains(email.as_str()),
            "{email} in a pseudonymised export"
        );
    }

    // Personal data: admins only, as variables, and audited.
    let response = app
        .get_as(
            &researcher,
            &paths::with_query(
                paths::exports_contributions(),
                "format=qdpx&include_personal_data=true",
            ),
        )
        .await;
    assert_eq!(response.status(), 403);
    let admin = app.admin().await;
    let personal_dir = dir.path().join("personal");
    std::fs::create_dir(&personal_dir).unwrap();
    let (_, project) = qdpx(&app, &admin, "&include_personal_data=true", &personal_dir).await;
    let sources = project["sources"].as_array().unwrap();
    assert!(sources.iter().any(|s| s["values"]["email"].is_string()));
    let variables: Vec<&str> = project["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[0].as_str().unwrap())
        .collect();
    assert!(variables.contains(&"email") && variables.contains(&"given_name"));
    let events = personal_export_events(&app);
    assert_eq!(events.len(), 1);
    let details: Value = serde_json::from_str(events[0].details.as_deref().unwrap()).unwrap();
    assert_eq!(details["rows"], sources.len());
    assert_eq!(details["format"], "qdpx");
    assert_eq!(details["complete"], true);

    // The command line writes the same archive.
    let path = dir.path().join("cli.qdpx");
    let output = rinasce(&app)
        .args([
            "export",
            "--format",
            "qdpx",
            "--thematic-area",
            "mobilita-green",
            "--quartiere",
            "3",
            "--output",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let (_, http) = download(
        &app,
        &researcher,
        "format=qdpx&thematic_area=mobilita-green&quartiere=3",
    )
    .await;
    assert_eq!(unzip(&std::fs::read(&path).unwrap()), unzip(&http));
}
