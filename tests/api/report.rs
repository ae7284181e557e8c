//! The descriptive report (issue 17 §3): every figure of its tables equals
//! what the test counts in the NDJSON export with the same filters; the
//! command line writes the same report; bad filters and roles are refused.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use chrono::{Datelike, Duration, NaiveDate};
use serde_json::Value;

use crate::exports::{download, parse_ndjson, rinasce};
use crate::support::*;

/// Every CSV table of a report, by file name: the `data:` links.
pub(crate) fn tables(html: &str) -> BTreeMap<String, Vec<Vec<String>>> {
    const LINK: &str = "href=\"data:text/csv;charset=utf-8;base64,";
    let mut found = BTreeMap::new();
    for piece in html.split(LINK).skip(1) {
        let (data, rest) = piece.split_once('"').unwrap();
        let name = rest
            .split_once("download=\"")
            .unwrap()
            .1
            .split_once('"')
            .unwrap()
            .0;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').expect("a BOM");
        let rows = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        found.insert(name.to_owned(), rows);
    }
    found
}

/// A table's rows as (key columns) → the count in `count_column`.
fn counts_of(
    rows: &[Vec<String>],
    key_columns: &[&str],
    count_column: &str,
) -> BTreeMap<Vec<String>, u64> {
    let header = &rows[0];
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    rows[1..]
        .iter()
        .map(|row| {
            let key = key_columns.iter().map(|c| row[at(c)].clone()).collect();
            (key, row[at(count_column)].parse().unwrap())
        })
        .collect()
}

fn area_names(items: &[Value]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|i| {
            (
                i["thematic_area"].as_str().unwrap().to_owned(),
                i["thematic_area_name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The Monday of an item's week on Rome's calendar.
fn week(item: &Value) -> NaiveDate {
    let rome = chrono::DateTime::parse_from_rfc3339(item["received_at_rome"].as_str().unwrap())
        .unwrap()
        .date_naive();
    rome - Duration::days(i64::from(rome.weekday().num_days_from_monday()))
}

async fn report(app: &TestApp, token: &str, query: &str) -> String {
    let response = app
        .get_as(token, &paths::with_query(paths::export_report(), query))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "content-type").unwrap(),
        "text/html; charset=utf-8"
    );
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .format("%Y-%m-%d");
    assert_eq!(
        header(&response, "content-disposition").unwrap(),
        format!("inline; filename=\"rinasce-rapporto-{today}.html\"")
    );
    let policy = header(&response, "content-security-policy").unwrap();
    assert!(
        policy.starts_with("default-src 'none'; style-src 'sha256-") && !policy.contains("script"),
        "{policy}"
    );
    assert_eq!(header(&response, "cache-control").unwrap(), "no-store");
    response.text().await.unwrap()
}

#[actix_web::test]
async fn the_reports_figures_equal_the_counts_of_the_export() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 10_000).await;
    let demo = rinasce(&app)
        .args(["demo-data", "--count", "600", "--seed", "11"])
        .output()
        .unwrap();
    assert!(demo.status.success());
    let researcher = app.researcher().await;

    for query in ["", "status=approved,pending&quartiere=2"] {
        let html = report(&app, &researcher, query).await;
        let (_, ndjson) = download(&app, &researcher, &format!("format=ndjson&{query}")).await;
        let items = parse_ndjson(&ndjson);
        assert!(items.len() > 50, "{query}: {}", items.len());
        let names = area_names(&items);
        let tables = tables(&html);
        assert_eq!(
            tables.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "aree-per-quartiere.csv",
                "aree-per-tipo-di-autore.csv",
                "aree-quartieri-tipi-di-autore.csv",
                "etichette-per-area.csv",
                "parole-caratteristiche.csv",
                "settimane.csv"
            ]
        );
        assert!(items.len() < 1000, "no digit grouping to undo");
        assert!(
            html.contains(&format!("<dd id=\"totale\">{}</dd>", items.len())),
            "{query}: the total on the first page"
        );

        // Area × quartiere × author kind.
        let mut want: BTreeMap<Vec<String>, u64> = BTreeMap::new();
        for item in &items {
            let quartiere = item["quartiere"]
                .as_i64()
                .map(|q| q.to_string())
                .unwrap_or_default();
            let key = vec![
                item["thematic_area"].as_str().unwrap().to_owned(),
                quartiere,
                item["author_kind"].as_str().unwrap().to_owned(),
            ];
            *want.entry(key).or_default() += 1;
        }
        assert_eq!(
            counts_of(
                &tables["aree-quartieri-tipi-di-autore.csv"],
                &["thematic_area", "quartiere", "author_kind"],
                "contributi"
            ),
            want,
            "{query}"
        );

        // Areas by author kind: the margins, by area name.
        let by_kind = &tables["aree-per-tipo-di-autore.csv"];
        assert_eq!(by_kind[0][1], "cittadina o cittadino");
        for row in &by_kind[1..] {
            let area = names.iter().find(|(_, n)| **n == row[0]).unwrap().0;
            let of_area: Vec<&Value> = items
                .iter()
                .filter(|i| i["thematic_area"] == area.as_str())
                .collect();
            let citizens = of_area
                .iter()
                .filter(|i| i["author_kind"] == "citizen")
                .count();
            assert_eq!(row[1], citizens.to_string(), "{query}: {area}");
            assert_eq!(
                row.last().unwrap(),
                &of_area.len().to_string(),
                "{query}: {area}"
            );
        }
        let by_quartiere = &tables["aree-per-quartiere.csv"];
        assert_eq!(by_quartiere[0][4], "Quartiere 4 – Isolotto-Legnaia");
        let column_sums: Vec<u64> = (1..by_quartiere[0].len())
            .map(|c| {
                by_quartiere[1..]
                    .iter()
                    .map(|r| r[c].parse::<u64>().unwrap())
                    .sum()
            })
            .collect();
        assert_eq!(*column_sums.last().unwrap(), items.len() as u64);
        let in_quartiere_2 = items.iter().filter(|i| i["quartiere"] == 2).count() as u64;
        assert_eq!(column_sums[1], in_quartiere_2);

        // Weeks: every week from the first to the last, zeros included.
        let mut weeks: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for item in &items {
            *weeks.entry(week(item)).or_default() += 1;
        }
        let (first, last) = (*weeks.keys().next().unwrap(), *weeks.keys().last().unwrap());
        let mut monday = first;
        while monday <= last {
            weeks.entry(monday).or_default();
            monday += Duration::weeks(1);
        }
        let shown: BTreeMap<NaiveDate, u64> =
            counts_of(&tables["settimane.csv"], &["dal"], "contributi")
                .into_iter()
                .map(|(k, n)| (NaiveDate::parse_from_str(&k[0], "%Y-%m-%d").unwrap(), n))
                .collect();
        assert_eq!(shown, weeks, "{query}");

        // Tags by area.
        let mut tags: BTreeMap<Vec<String>, u64> = BTreeMap::new();
        for item in &items {
            for tag in item["tags"].as_array().unwrap() {
                let area = item["thematic_area_name"].as_str().unwrap().to_owned();
                *tags
                    .entry(vec![area, tag.as_str().unwrap().to_owned()])
                    .or_default() += 1;
            }
        }
        assert!(!tags.is_empty());
        assert_eq!(
            counts_of(
                &tables["etichette-per-area.csv"],
                &["area tematica", "etichetta"],
                "contributi"
            ),
            tags,
            "{query}"
        );

        // Characteristic words: each occurs in its area's texts at least as
        // often as its shown form, and every area with texts has some.
        let words = &tables["parole-caratteristiche.csv"];
        let areas_with_words: BTreeSet<&str> = words[1..].iter().map(|r| r[0].as_str()).collect();
        assert!(
            areas_with_words.len() >= names.len() - 1,
            "{query}: {areas_with_words:?}"
        );
        for row in &words[1..] {
            let (area, word, in_area) = (&row[0], &row[2], row[4].parse::<usize>().unwrap());
            let occurrences: usize = items
                .iter()
                .filter(|i| i["thematic_area_name"] == area.as_str())
                .map(|i| {
                    format!(
                        "{} {}",
                        i["title"].as_str().unwrap(),
                        i["body"].as_str().unwrap()
                    )
                    .to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| w == word)
                    .count()
                })
                .sum();
            assert!(
                occurrences >= 1 && in_area >= occurrences,
                "{query}: {row:?} vs {occurrences}"
            );
            assert!(row[6].parse::<f64>().unwrap() > 0.0);
        }

        // Samples: references of the selection, each under its area, no
        // e-mail address.
        let references: BTreeMap<&str, &Value> = items
            .iter()
            .map(|i| (i["reference"].as_str().unwrap(), i))
            .collect();
        let samples: Vec<&str> = html
            .split("<p class=\"meta\">")
            .skip(1)
            .map(|p| p.split_once(' ').unwrap().0)
            .collect();
        assert!(samples.len() >= names.len(), "{query}: {samples:?}");
        assert!(
            samples.iter().all(|r| references.contains_key(r)),
            "{query}"
        );
        let body = html.split_once("</style>").unwrap().1;
        assert!(!body.contains('@'), "no e-mail address");
    }
}

#[actix_web::test]
async fn spam_and_hidden_stay_out_and_the_first_page_names_the_filters() {
    let app = TestApp::spawn().await;
    let first = app.submit_ok(&example_submission()).await;
    let id = first["id"].as_str().unwrap().to_owned();
    let kept = app.submit_ok(&example_submission()).await;
    app.set_status(&id, "spam").await;
    let researcher = app.researcher().await;

    let html = report(&app, &researcher, "").await;
    assert!(html.contains("<dd id=\"totale\">1</dd>"), "spam left out");
    assert!(html.contains("<dt>Stati esclusi</dt><dd>spam, hidden</dd>"));
    assert!(html.contains(kept["reference"].as_str().unwrap()));
    assert!(!html.contains(first["reference"].as_str().unwrap()));
    assert!(html.contains("(ora di Roma)"));

    let html = report(&app, &researcher, "status=spam").await;
    assert!(html.contains("<dd id=\"totale\">1</dd>"));
    assert!(html.contains("<dt>Stato</dt><dd>spam</dd>"));
    assert!(html.contains(first["reference"].as_str().unwrap()));
}

#[actix_web::test]
async fn the_command_line_writes_the_same_report() {
    let app = TestApp::spawn().await;
    for _ in 0..3 {
        app.submit_ok(&example_submission()).await;
    }
    let researcher = app.researcher().await;
    let html = report(&app, &researcher, "").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rapporto.html");
    let output = rinasce(&app)
        .args(["report", "--output", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("report of 3 contributions"));
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(tables(&written), tables(&html));
    assert!(written.contains("<dd id=\"totale\">3</dd>"));

    let refused = rinasce(&app)
        .args([
            "report",
            "--output",
            file.to_str().unwrap(),
            "--quartiere",
            "9",
        ])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--quartiere"));
}

#[actix_web::test]
async fn bad_filters_and_roles_are_refused() {
    let app = TestApp::spawn().await;
    let researcher = app.researcher().await;
    for (query, field) in [
        ("limit=10", "limit"),
        ("cursor=abc", "cursor"),
        ("status=archived", "status"),
        ("quartiere=9", "quartiere"),
        ("received_from=ieri", "received_from"),
    ] {
        let response = app
            .get_as(
                &researcher,
                &paths::with_query(paths::export_report(), query),
            )
            .await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{query}");
    }
    let anonymous = app.get(&paths::export_report()).await;
    assert_problem(anonymous, 401).await;
    let moderator = app.moderator().await;
    let response = app.get_as(&moderator, &paths::export_report()).await;
    let status = response.status().as_u16();
    let exports = app
        .get_as(&moderator, &paths::exports_contributions())
        .await;
    assert_eq!(
        status,
        exports.status().as_u16(),
        "the same roles as the exports"
    );
}
