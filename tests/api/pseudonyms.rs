//! Export pseudonyms that an address alone does not reveal (issue 16 item 3)
//! and that survive erasure (issue 17 §2): a contribution's pseudonym comes
//! from a stored author group, random until its author confirms the address
//! through the link in the acknowledgement.

use std::collections::BTreeMap;

use diesel::prelude::*;
use rinasce::db::schema::{contributions, outbox};
use rinasce::db::DbError;
use serde_json::{json, Value};

use crate::exports::{download, parse_ndjson};
use crate::support::*;

const VICTIM: &str = "Vittoria.Bellandi@example.org";

/// A form submission from `email`; answers its id.
async fn submit_from(app: &TestApp, email: &str, title: &str) -> String {
    let body = with(example_submission(), "author.email", json!(email));
    let body = with(body, "title", json!(title));
    app.submit_ok(&body).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The path of the confirmation link in the acknowledgement of `id`, as the
/// author finds it in the message.
pub(crate) fn confirmation_path(app: &TestApp, id: &str) -> String {
    let bodies: Vec<(String, String)> = app
        .db
        .read_blocking(|conn| {
            Ok::<_, DbError>(
                outbox::table
                    .filter(outbox::contribution_id.eq(id))
                    .select((outbox::body_text, outbox::body_html))
                    .load(conn)?,
            )
        })
        .unwrap();
    let (text, html) = bodies.first().expect("an acknowledgement");
    let start = text.find("/conferma/").expect("a confirmation link");
    let path: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(html.contains(&path), "the HTML part has the same link");
    path
}

/// Confirms `id` as its author does: opens the link, presses the button.
pub(crate) async fn confirm(app: &TestApp, id: &str) {
    let path = confirmation_path(app, id);
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    let confirmed = app.client.post(app.url(&path)).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
}

fn confirmed_at(app: &TestApp, id: &str) -> Option<chrono::NaiveDateTime> {
    app.db
        .read_blocking(|conn| {
            Ok::<_, DbError>(
                contributions::table
                    .filter(contributions::id.eq(id))
                    .select(contributions::author_confirmed_at)
                    .first(conn)?,
            )
        })
        .unwrap()
}

/// Each contribution's pseudonym in a researcher's export.
async fn pseudonyms(app: &TestApp) -> BTreeMap<String, Option<String>> {
    let researcher = app.researcher().await;
    let (_, bytes) = download(app, &researcher, "format=ndjson").await;
    parse_ndjson(&bytes)
        .into_iter()
        .map(|item: Value| {
            (
                item["id"].as_str().unwrap().to_owned(),
                item["author_pseudonym"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_contribution_sent_with_someone_elses_address_does_not_get_their_pseudonym() {
    let app = TestApp::spawn().await;
    let first = submit_from(&app, VICTIM, "Più alberi in piazza").await;
    let second = submit_from(&app, "vittoria.bellandi@EXAMPLE.org", "Panchine all'ombra").await;
    let before = pseudonyms(&app).await;
    assert_ne!(
        before[&first], before[&second],
        "unconfirmed contributions are not grouped"
    );

    confirm(&app, &first).await;
    confirm(&app, &second).await;
    // The researcher's attack: a contribution with the victim's address.
    let probe = submit_from(&app, VICTIM, "Una prova").await;
    let after = pseudonyms(&app).await;
    let victims = after[&first].clone().expect("a pseudonym");
    assert_eq!(
        after[&second].as_ref(),
        Some(&victims),
        "confirmed ones group"
    );
    let probes = after[&probe].clone().expect("a pseudonym of its own");
    assert_ne!(probes, victims, "the probe learns nothing");
    assert_eq!(
        after[&first], before[&first],
        "the first keeps its pseudonym"
    );
}

#[actix_web::test]
async fn the_link_shows_a_button_and_only_its_post_confirms_once() {
    let app = TestApp::spawn().await;
    let id = submit_from(&app, VICTIM, "Più alberi in piazza").await;
    let path = confirmation_path(&app, &id);

    // Opening the link (as a mail scanner does) confirms nothing.
    let page = app.get(&path).await;
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, "cache-control").as_deref(), Some("no-store"));
    assert!(content_type_of(&page).starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("<form method=\"post\" action=\"{path}\">")),
        "{html}"
    );
    assert!(html.contains("<button type=\"submit\">"), "{html}");
    assert!(
        !html.contains(VICTIM) && !html.contains("Maria"),
        "no personal data"
    );
    assert_eq!(confirmed_at(&app, &id), None);

    let confirmed = app.client.post(app.url(&path)).send().await.unwrap();
    assert_eq!(confirmed.status(), 200);
    assert!(confirmed.text().await.unwrap().contains("è confermato"));
    let first_time = confirmed_at(&app, &id).expect("confirmed");
    let again = app.client.post(app.url(&path)).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(confirmed_at(&app, &id), Some(first_time), "confirmed once");
    let shown = app.get(&path).await.text().await.unwrap();
    assert!(
        shown.contains("è confermato") && !shown.contains("<form"),
        "{shown}"
    );

    // A token no contribution has, a malformed one, another method.
    let unknown = format!("/conferma/{}", "A".repeat(43));
    for (method, wrong) in [
        (reqwest::Method::GET, unknown.as_str()),
        (reqwest::Method::POST, unknown.as_str()),
        (reqwest::Method::GET, "/conferma/non-un-token"),
        (reqwest::Method::POST, "/conferma/%00"),
    ] {
        let response = app
            .client
            .request(method.clone(), app.url(wrong))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{method} {wrong}");
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Collegamento non valido"));
    }
    let put = app.client.put(app.url(&path)).send().await.unwrap();
    assert_eq!(put.status(), 405);
    assert_eq!(header(&put, "allow").as_deref(), Some("GET, POST"));
}

#[actix_web::test]
async fn erasure_keeps_the_pseudonyms_and_ends_the_link() {
    let app = TestApp::spawn().await;
    let first = submit_from(&app, VICTIM, "Più alberi in piazza").await;
    let second = submit_from(&app, VICTIM, "Panchine all'ombra").await;
    let unconfirmed = submit_from(&app, VICTIM, "Fontanelle").await;
    confirm(&app, &first).await;
    confirm(&app, &second).await;
    let link = confirmation_path(&app, &unconfirmed);
    let before = pseudonyms(&app).await;

    let admin = app.admin().await;
    let erased = app
        .post_json_as(
            &admin,
            &paths::erasure_requests(),
            &json!({ "email": VICTIM }),
        )
        .await;
    assert_eq!(erased.status(), 200);
    assert_eq!(
        erased.json::<Value>().await.unwrap()["contributions_affected"],
        3
    );

    let after = pseudonyms(&app).await;
    for id in [&first, &second, &unconfirmed] {
        assert!(after[id].is_some());
        assert_eq!(after[id], before[id], "{id} keeps its pseudonym");
    }
    assert_eq!(
        after[&first], after[&second],
        "and its author's stay grouped"
    );
    assert_eq!(
        app.get(&link).await.status(),
        404,
        "the link confirms nothing now"
    );
}

#[actix_web::test]
async fn an_offline_contribution_with_an_address_joins_its_confirmed_group() {
    let app = TestApp::spawn().await;
    let online = submit_from(&app, VICTIM, "Più alberi in piazza").await;
    confirm(&app, &online).await;
    let moderator = app.moderator().await;
    let registered = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &json!({
                "channel": "email",
                "received_at": "2026-01-15T10:30:00Z",
                "thematic_area": "mobilita-green",
                "title": "Lettera sugli alberi",
                "body": "Scritta dalla stessa persona e registrata dalla redazione.",
                "author": {"kind": "citizen", "given_name": "Vittoria", "email": VICTIM},
            }),
        )
        .await;
    assert_eq!(
        registered.status(),
        201,
        "{}",
        registered.text().await.unwrap()
    );
    let offline = registered.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pseudonyms = pseudonyms(&app).await;
    assert_eq!(pseudonyms[&offline], pseudonyms[&online]);
}
