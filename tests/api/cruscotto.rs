//! `/cruscotto` and `/cruscotto/progress.svg`: the public dashboard shows
//! exactly the figures of `GET /api/v1/indicators`, in Italian, escaped,
//! with no external assets. The real-browser checks are in tests/browser/.

use crate::support::*;
use chrono::{Duration, NaiveDate, Utc};
use rinasce::domain::indicators::DailyCount;
use rinasce::domain::projection::{project, Outlook};
use serde_json::{json, Value};

async fn page(app: &TestApp) -> String {
    let response = app.get("/cruscotto").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    response.text().await.unwrap()
}

/// `(key, text)` of every element marked `data-figure="key"`.
fn figures(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("data-figure=\"") {
        rest = &rest[start + "data-figure=\"".len()..];
        let key_end = rest.find('"').expect("a closed attribute");
        let key = rest[..key_end].to_owned();
        let text_start = rest.find('>').expect("a closed tag") + 1;
        let text_end = text_start + rest[text_start..].find('<').expect("an element's end");
        found.push((key, rest[text_start..text_end].to_owned()));
        rest = &rest[text_end..];
    }
    found
}

/// `1.234,5%` → 1234.5
fn italian_number(text: &str) -> f64 {
    text.trim()
        .trim_end_matches('%')
        .replace('.', "")
        .replace(',', ".")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// The figures the page must show, keyed as in its `data-figure` attributes.
fn expected_figures(api: &Value) -> Vec<(String, f64)> {
    let mut expected = vec![
        ("counted".to_owned(), api["counted"].as_f64().unwrap()),
        ("target".to_owned(), api["target"].as_f64().unwrap()),
        ("received".to_owned(), api["received"].as_f64().unwrap()),
        ("percent".to_owned(), api["percent"].as_f64().unwrap()),
    ];
    for area in api["by_thematic_area"].as_array().unwrap() {
        expected.push((
            format!("area:{}", area["code"].as_str().unwrap()),
            area["count"].as_f64().unwrap(),
        ));
    }
    for q in api["by_quartiere"].as_array().unwrap() {
        let key = q["quartiere"]
            .as_u64()
            .map_or("nessuno".to_owned(), |n| n.to_string());
        expected.push((format!("quartiere:{key}"), q["count"].as_f64().unwrap()));
    }
    for kind in api["by_author_kind"].as_array().unwrap() {
        expected.push((
            format!("autore:{}", kind["kind"].as_str().unwrap()),
            kind["count"].as_f64().unwrap(),
        ));
    }
    expected
}

fn assert_figures_equal(html: &str, api: &Value) {
    let shown = figures(html);
    for (key, value) in expected_figures(api) {
        let texts: Vec<&str> = shown
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, text)| text.as_str())
            .collect();
        assert!(!texts.is_empty(), "figure {key} is missing");
        for text in texts {
            assert_eq!(
                italian_number(text),
                value,
                "{key} shows {text:?}, the API says {value}"
            );
        }
    }
}

async fn submit_varied(app: &TestApp) -> Vec<String> {
    let mut ids = Vec::new();
    for (i, (area, quartiere, kind)) in [
        ("mobilita-green", json!(1), "citizen"),
        ("mobilita-green", json!(2), "citizen"),
        ("cultura-diffusa", json!(2), "cultural_association"),
        ("cultura-diffusa", json!(null), "trade_association"),
        ("bambini-famiglie", json!(5), "other_organization"),
        ("citta-intelligente", json!(4), "citizen"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = with(example_submission(), "thematic_area", json!(area));
        body = with(body, "author.quartiere", quartiere);
        body = with(body, "author.kind", json!(kind));
        if kind != "citizen" {
            body = with(
                body,
                "author.organization_name",
                json!(format!("Associazione {i}")),
            );
        }
        let receipt = app.submit_ok(&body).await;
        ids.push(receipt["id"].as_str().unwrap().to_owned());
    }
    ids
}

#[actix_web::test]
async fn dashboard_is_italian_html_without_external_assets() {
    let app = TestApp::spawn().await;
    app.submit_ok(&example_submission()).await;
    let response = app.get("/cruscotto").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    assert!(response.headers().contains_key("cache-control"));
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"it\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    // Everything inline: one style block, one script block, nothing fetched.
    assert_eq!(html.matches("<style").count(), 1);
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("<script>"), "an inline script, no src");
    for external in [
        "<img",
        "<iframe",
        "url(",
        "@import",
        "<link rel=\"stylesheet\"",
    ] {
        assert!(!html.contains(external), "{external} in the page");
    }
    assert_eq!(
        html.matches("<link").count(),
        1,
        "only the empty icon, so that the browser asks for no /favicon.ico"
    );
    assert!(html.contains("<link rel=\"icon\" href=\"data:,\">"));
    // Ready for a strict Content-Security-Policy: no inline style or handler attributes.
    assert!(!html.contains(" style=\""));
    assert!(!html.contains(" onclick=") && !html.contains(" onload="));
    // No timed reload (WCAG 2.2.1); the script's updates can be paused
    // (2.2.2), and their control only shows when the script runs.
    assert!(!html.contains("http-equiv=\"refresh\""));
    assert!(html.contains("<span id=\"automatico\" hidden>"));
    assert!(html.contains("<button type=\"button\" id=\"pausa\""));
    // The progress is a native element.
    assert!(html.contains("<progress class=\"progresso\" max=\"300\" value=\"1\""));
    for text in [
        "Cruscotto dei contributi",
        "Avanzamento verso l'obiettivo",
        "Contributi per area tematica",
        "Contributi per quartiere",
        "Contributi per tipo di autore",
        "Andamento giorno per giorno",
        "Dati aggiornati al",
    ] {
        assert!(html.contains(text), "{text:?} missing");
    }
}

/// The text between `open` and `close`.
fn between<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
    let start = html.find(open).expect("the opening tag") + open.len();
    &html[start..start + html[start..].find(close).expect("the closing tag")]
}

#[actix_web::test]
async fn the_page_allows_its_own_style_and_script_by_hash_and_nothing_else() {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let app = TestApp::spawn().await;
    let response = app.get("/cruscotto").await;
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    let hash = |text: &str| {
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
        )
    };
    let style = hash(between(&html, "<style>", "</style>"));
    let script = hash(between(&html, "<script>", "</script>"));
    assert!(policy.starts_with("default-src 'none';"), "{policy}");
    assert!(policy.contains(&format!("style-src {style};")), "{policy}");
    assert!(
        policy.contains(&format!("script-src {script};")),
        "{policy}"
    );
    assert!(policy.contains("connect-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
}

#[actix_web::test]
async fn figures_equal_the_indicator_api() {
    let app = TestApp::spawn().await;
    let ids = submit_varied(&app).await;
    app.set_status(&ids[1], "spam").await;
    app.mark_duplicate(&ids[3], &ids[0]).await;
    app.set_status(&ids[4], "rejected").await;

    let html = page(&app).await;
    let api = app.get_json(&paths::indicators()).await;
    assert_eq!(api["counted"], 4);
    assert_eq!(api["received"], 6);
    assert_figures_equal(&html, &api);
    // Every active area, zeros included, by name.
    assert_eq!(api["by_thematic_area"].as_array().unwrap().len(), 9);
    for area in api["by_thematic_area"].as_array().unwrap() {
        let name = area["name"].as_str().unwrap().replace('\'', "&#39;");
        assert!(html.contains(&name), "{name} missing");
    }
    assert!(html.contains("data-figure=\"area:centro-storico-nuovo\">0<"));
    // The daily table ends at the counted total.
    assert!(
        html.contains("<td>1</td><td>4</td></tr>") || html.contains("<td>4</td><td>4</td></tr>")
    );
}

#[actix_web::test]
async fn quartieri_and_author_kinds_have_italian_names() {
    let app = TestApp::spawn().await;
    submit_varied(&app).await;
    let html = page(&app).await;
    for label in [
        "1 – Centro Storico",
        "2 – Campo di Marte",
        "3 – Gavinana-Galluzzo",
        "4 – Isolotto-Legnaia",
        "5 – Rifredi",
        "Non indicato",
        "Cittadine e cittadini",
        "Associazioni culturali",
        "Associazioni di categoria",
        "Altre organizzazioni",
    ] {
        assert!(html.contains(label), "{label:?} missing");
    }
    let shown = figures(&html);
    let value = |key: &str| {
        shown
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    assert_eq!(value("quartiere:2"), "2");
    assert_eq!(value("quartiere:3"), "0");
    assert_eq!(value("quartiere:nessuno"), "1");
    assert_eq!(value("autore:citizen"), "3");
    assert_eq!(value("autore:trade_association"), "1");
}

#[actix_web::test]
async fn area_names_are_html_escaped() {
    let app = TestApp::spawn().await;
    app.change_area(
        "mobilita-green",
        json!({"name": "<script>alert(1)</script>"}),
    )
    .await;
    app.change_area(
        "cultura-diffusa",
        json!({"name": "Cultura \"><img src=x onerror=alert(2)>"}),
    )
    .await;
    app.submit_ok(&example_submission()).await;
    let html = page(&app).await;
    assert!(!html.contains("<script>alert(1)</script>"));
    // askama writes numeric character references.
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert_eq!(html.matches("<script").count(), 1, "only the page's own");
    assert!(!html.contains("<img"));
    assert!(!html.contains("\"><img"), "an attribute was broken out of");
    assert!(html.contains("Cultura &#34;&#62;&#60;img src=x onerror=alert(2)&#62;"));
}

#[actix_web::test]
async fn an_empty_dashboard_shows_zeros() {
    let app = TestApp::spawn().await;
    let html = page(&app).await;
    let api = app.get_json(&paths::indicators()).await;
    assert_figures_equal(&html, &api);
    assert!(html.contains("data-figure=\"counted\">0<"));
    assert!(html.contains("Nessun contributo conteggiato finora"));
    assert!(!html.contains("obiettivo raggiunto il"));
}

#[actix_web::test]
async fn badge_is_an_svg_image_with_cache_headers() {
    let app = TestApp::spawn().await;
    submit_varied(&app).await;
    let response = app.get("/cruscotto/progress.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let cache = response.headers()["cache-control"].to_str().unwrap();
    assert!(
        cache.contains("public") && cache.contains("max-age=60"),
        "{cache}"
    );
    let svg = response.text().await.unwrap();
    assert_well_formed_xml(&svg);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(
        "<title id=\"titolo\">Rinasce Firenze: 6 contributi conteggiati su un obiettivo di 300 (2%)</title>"
    ));
    assert!(svg.contains("6 su 300 contributi"));
    let head = app
        .client
        .head(app.url("/cruscotto/progress.svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 200);
}

#[actix_web::test]
async fn projection_is_hidden_with_too_little_data() {
    let app = TestApp::spawn().await;
    let ids = submit_varied(&app).await;
    let html = page(&app).await;
    assert!(!html.contains("data-figure=\"projection\""));
    assert!(html.contains("ancora pochi dati"));

    // The same contributions spread over the last 20 days: now there is a pace.
    let now = Utc::now().naive_utc();
    for (i, id) in ids.iter().enumerate() {
        let at = now - Duration::days(20 - 3 * i as i64);
        app.backdate_received_at(id, &at.format("%Y-%m-%d %H:%M:%S%.6f").to_string());
    }
    tokio::time::sleep(std::time::Duration::from_millis(600)).await; // the cache's horizon
    let html = page(&app).await;
    let api = app.get_json(&paths::indicators()).await;
    let daily: Vec<DailyCount> = api["daily"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| DailyCount {
            date: d["date"].as_str().unwrap().parse().unwrap(),
            count: d["count"].as_i64().unwrap(),
            cumulative: d["cumulative"].as_i64().unwrap(),
        })
        .collect();
    let today: NaiveDate = api["generated_at"].as_str().unwrap()[..10].parse().unwrap();
    let Outlook::Projected(projection) = project(&daily, 6, 300, today, None) else {
        panic!("six contributions over 20 days give a pace")
    };
    assert!(
        html.contains(&format!(
            "<strong data-figure=\"projection\">Data prevista per l'obiettivo: <time datetime=\"{}\">",
            projection.date
        )),
        "{}",
        &html[html.find("class=\"stima\"").unwrap()..][..400]
    );
}

#[actix_web::test]
async fn reaching_the_target_is_announced_with_its_date() {
    let app = TestApp::spawn_with(|c| c.target = 2).await;
    app.submit_ok(&example_submission()).await;
    let html = page(&app).await;
    assert!(!html.contains("obiettivo raggiunto il"));
    assert!(html.contains("ne mancano <strong>1</strong>"));

    app.submit_ok(&example_submission()).await;
    let html = page(&app).await;
    let api = app.get_json(&paths::indicators()).await;
    assert_figures_equal(&html, &api);
    let reached_at = api["reached_at"].as_str().expect("reached_at is set");
    let reached = chrono::DateTime::parse_from_rfc3339(reached_at)
        .unwrap()
        .with_timezone(&Utc);
    assert!(
        html.contains(&format!(
            "obiettivo raggiunto il <time datetime=\"{}\">{}</time>",
            reached.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            rinasce::i18n::format::italian_moment(reached, false)
        )),
        "{html}"
    );
    assert!(!html.contains("ne mancano"));
    assert!(!html.contains("data-figure=\"projection\""));
    let badge = app
        .get("/cruscotto/progress.svg")
        .await
        .text()
        .await
        .unwrap();
    assert!(badge.contains("2 su 2 · obiettivo raggiunto"));
    assert!(badge.contains("; obiettivo raggiunto il "));
}

#[actix_web::test]
async fn the_dashboard_is_outside_the_api_document() {
    let app = TestApp::spawn().await;
    let document = app.get_json(&paths::openapi()).await;
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.keys().all(|path| !path.contains("cruscotto")));
    assert_eq!(app.get("/cruscotto/").await.status(), 404);
    let post = app.client.post(app.url("/cruscotto")).send().await.unwrap();
    assert!(post.status().is_client_error(), "{}", post.status());
}

/// A small well-formedness check: tags balance, attributes are quoted,
/// entities are XML's.
fn assert_well_formed_xml(xml: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml.trim();
    let mut roots = 0;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->").expect("comment closed") + 3..];
        } else if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>").expect("declaration closed") + 2..];
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after.find('>').expect("end tag closed");
            let name = after[..end].trim();
            assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            rest = &after[end + 1..];
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after.find('>').expect("tag closed");
            let tag = &after[..end];
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name = tag.split_whitespace().next().expect("a tag name");
            let attributes = &tag[name.len()..];
            assert_eq!(attributes.matches('"').count() % 2, 0, "quotes in <{tag}>");
            assert!(!attributes.contains('<'), "< in <{tag}>");
            if stack.is_empty() {
                roots += 1;
            }
            if !self_closing {
                stack.push(name);
            }
            rest = &after[end + 1..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            assert!(
                !stack.is_empty() || text.trim().is_empty(),
                "text outside the root"
            );
            for (i, _) in text.match_indices('&') {
                let entity = &text[i..i + text[i..].find(';').expect("entity closed") + 1];
                assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity)
                        || entity.starts_with("&#"),
                    "entity {entity}"
                );
            }
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    assert!(stack.is_empty(), "unclosed {stack:?}");
    assert_eq!(roots, 1, "one root element");
}
