//! Tags renamed and merged (issue 13 item 7), audited: through the API and
//! the console's tags page.

use crate::support::console::{set_cookie, ConsoleSession, FLASH_COOKIE};
use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

/// Three contributions: `a` tagged `mercati` and `verde`, `b` tagged
/// `mercati`, `c` tagged `verde` and `mercati-rionali`.
async fn tagged(app: &TestApp) -> [String; 3] {
    let [a, b, c] = [0, 1, 2].map(|_| example_submission());
    let a = id_of(&app.submit_ok(&a).await);
    let b = id_of(&app.submit_ok(&b).await);
    let c = id_of(&app.submit_ok(&c).await);
    app.moderate(&a, json!({"tags": ["mercati", "verde"]}))
        .await;
    app.moderate(&b, json!({"tags": ["Mercati"]})).await;
    app.moderate(&c, json!({"tags": ["verde", "mercati-rionali"]}))
        .await;
    [a, b, c]
}

async fn tag_counts(app: &TestApp, token: &str) -> Vec<(String, i64)> {
    let list = app.get_json_as(token, &paths::tags()).await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["tag"].as_str().unwrap().to_owned(),
                t["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

async fn detail(app: &TestApp, token: &str, id: &str) -> (Value, String) {
    let response = app.get_as(token, &paths::moderation_contribution(id)).await;
    assert_eq!(response.status(), 200);
    let etag = header(&response, "etag").unwrap();
    (response.json().await.unwrap(), etag)
}

async fn rename(app: &TestApp, token: &str, tag: &str, body: Value) -> reqwest::Response {
    app.as_staff(Method::PATCH, &paths::tag(tag), token)
        .header("Content-Type", "application/merge-patch+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn merge(app: &TestApp, token: &str, tag: &str, body: Value) -> reqwest::Response {
    app.post_json_as(token, &paths::tag_merge(tag), &body).await
}

/// The audit log's events of `action`, newest first.
async fn events(app: &TestApp, action: &str) -> Vec<Value> {
    let admin = app.admin().await;
    let log = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), format!("action={action}")),
        )
        .await;
    log["items"].as_array().unwrap().clone()
}

/// The tag changes in a contribution's history, as (from, to).
async fn tag_history(app: &TestApp, token: &str, id: &str) -> Vec<(String, String)> {
    let history = app.get_json_as(token, &paths::moderation_history(id)).await;
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "tags_changed")
        .map(|e| {
            (
                e["from"].as_str().unwrap_or_default().to_owned(),
                e["to"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_rename_reaches_every_contribution_with_a_new_version_and_is_audited() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let [a, b, c] = tagged(&app).await;
    let (_, etag_a) = detail(&app, &moderator, &a).await;
    let (_, etag_c) = detail(&app, &moderator, &c).await;

    let response = rename(
        &app,
        &moderator,
        "mercati",
        json!({"name": "Mercati Storici"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"tag": "mercati-storici", "count": 2, "contributions_changed": 2})
    );
    let (renamed, new_etag_a) = detail(&app, &moderator, &a).await;
    assert_eq!(renamed["tags"], json!(["mercati-storici", "verde"]));
    assert_ne!(new_etag_a, etag_a, "a new version");
    let (b_now, _) = detail(&app, &moderator, &b).await;
    assert_eq!(b_now["tags"], json!(["mercati-storici"]));
    assert_eq!(detail(&app, &moderator, &c).await.1, etag_c, "untouched");
    // A change made on the version read before the rename is refused.
    let stale = app
        .patch_as(
            &moderator,
            &paths::moderation_contribution(&a),
            Some(&etag_a),
            &json!({"status": "approved"}),
        )
        .await;
    assert_problem(stale, 412).await;
    assert_eq!(
        tag_counts(&app, &moderator).await,
        [
            ("mercati-rionali".to_owned(), 1),
            ("mercati-storici".to_owned(), 2),
            ("verde".to_owned(), 2)
        ]
    );
    // The queue's tag filter follows.
    let listed = app
        .get_json_as(
            &moderator,
            &paths::with_query(paths::moderation_contributions(), "tag=mercati-storici"),
        )
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);

    let renamed_events = events(&app, "tag_renamed").await;
    assert_eq!(renamed_events.len(), 1);
    let event = &renamed_events[0];
    assert_eq!(
        (
            &event["target_type"],
            &event["target_id"],
            &event["from"],
            &event["to"]
        ),
        (
            &json!("tag"),
            &json!("mercati"),
            &json!("mercati"),
            &json!("mercati-storici")
        )
    );
    assert_eq!(event["details"]["contributions"], 2);
    assert!(event["actor_name"].is_string());
    assert_eq!(
        tag_history(&app, &moderator, &a).await.last().unwrap(),
        &(
            "mercati,verde".to_owned(),
            "mercati-storici,verde".to_owned()
        )
    );
    assert_eq!(
        tag_history(&app, &moderator, &c).await.len(),
        1,
        "only its own tagging"
    );

    // The same name changes nothing and records nothing.
    let same = rename(&app, &moderator, "verde", json!({"name": "Verde"})).await;
    assert_eq!(
        same.json::<Value>().await.unwrap(),
        json!({"tag": "verde", "count": 2, "contributions_changed": 0})
    );
    assert_eq!(events(&app, "tag_renamed").await.len(), 1);
    assert_eq!(detail(&app, &moderator, &c).await.1, etag_c);

    // A tag nobody carries renames too.
    app.moderate(&c, json!({"tags": ["verde"]})).await;
    let unused = rename(
        &app,
        &moderator,
        "mercati-rionali",
        json!({"name": "rionali"}),
    )
    .await;
    assert_eq!(
        unused.json::<Value>().await.unwrap(),
        json!({"tag": "rionali", "count": 0, "contributions_changed": 0})
    );
}

#[actix_web::test]
async fn renaming_onto_an_existing_tag_is_a_409_that_suggests_merging() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let [a, ..] = tagged(&app).await;
    let (_, etag) = detail(&app, &moderator, &a).await;
    let response = rename(
        &app,
        &moderator,
        "mercati",
        json!({"name": "Mercati rionali"}),
    )
    .await;
    let problem = assert_problem(response, 409).await;
    assert_eq!(problem["type"], "/problems/tag-exists");
    let detail_text = problem["detail"].as_str().unwrap();
    assert!(
        detail_text.contains("«mercati-rionali» esiste già"),
        "{detail_text}"
    );
    assert!(
        detail_text.contains("POST /api/v1/moderation/tags/mercati/merge"),
        "{detail_text}"
    );
    let english = app
        .as_staff(Method::PATCH, &paths::tag("mercati"), &moderator)
        .header("Content-Type", "application/json")
        .header("Accept-Language", "en")
        .body(json!({"name": "mercati-rionali"}).to_string())
        .send()
        .await
        .unwrap();
    let problem = assert_problem(english, 409).await;
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("merge the two tags"));
    assert_eq!(
        detail(&app, &moderator, &a).await.1,
        etag,
        "nothing changed"
    );
    assert!(events(&app, "tag_renamed").await.is_empty());
    assert_eq!(tag_counts(&app, &moderator).await.len(), 3);
}

#[actix_web::test]
async fn a_merge_moves_every_contribution_once_and_deletes_the_tag() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let [a, b, c] = tagged(&app).await;
    let (_, etag_c) = detail(&app, &moderator, &c).await;
    // `a` carries both `mercati` and `verde`: merging keeps `verde` once.
    let response = merge(&app, &moderator, "mercati", json!({"into": "verde"})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"tag": "verde", "count": 3, "contributions_changed": 2})
    );
    assert_eq!(
        detail(&app, &moderator, &a).await.0["tags"],
        json!(["verde"])
    );
    assert_eq!(
        detail(&app, &moderator, &b).await.0["tags"],
        json!(["verde"])
    );
    assert_eq!(detail(&app, &moderator, &c).await.1, etag_c, "untouched");
    assert_eq!(
        tag_counts(&app, &moderator).await,
        [("mercati-rionali".to_owned(), 1), ("verde".to_owned(), 3)]
    );
    let merged = events(&app, "tag_merged").await;
    assert_eq!(merged.len(), 1);
    assert_eq!(
        (
            &merged[0]["target_id"],
            &merged[0]["from"],
            &merged[0]["to"]
        ),
        (&json!("mercati"), &json!("mercati"), &json!("verde"))
    );
    assert_eq!(merged[0]["details"]["contributions"], 2);
    assert_eq!(
        tag_history(&app, &moderator, &a).await.last().unwrap(),
        &("mercati,verde".to_owned(), "verde".to_owned())
    );
    // The old tag is gone: renaming or merging it again is a 404.
    assert_problem(
        merge(&app, &moderator, "mercati", json!({"into": "verde"})).await,
        404,
    )
    .await;
    // Tagging with the old name later creates it anew.
    app.moderate(&c, json!({"tags": ["mercati", "mercati-rionali", "verde"]}))
        .await;
    assert!(tag_counts(&app, &moderator)
        .await
        .contains(&("mercati".to_owned(), 1)));
}

#[actix_web::test]
async fn bad_input_is_named_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let [a, ..] = tagged(&app).await;
    let (_, etag) = detail(&app, &moderator, &a).await;

    for tag in ["nessuna", "Mercati", "mercati--x", "%C3%A8"] {
        let problem = assert_problem(
            rename(&app, &moderator, tag, json!({"name": "altro"})).await,
            404,
        )
        .await;
        assert_eq!(problem["type"], "/problems/not-found", "{tag}");
        assert!(
            problem["detail"].as_str().unwrap().contains("etichetta"),
            "{problem}"
        );
        assert_problem(
            merge(&app, &moderator, tag, json!({"into": "verde"})).await,
            404,
        )
        .await;
    }
    for (body, field) in [
        (json!({}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"name": "!!!"}), "name"),
        (json!({"name": 3}), "name"),
        (json!({"name": "x".repeat(51)}), "name"),
        (json!({"name": "ok", "colore": "rosso"}), "colore"),
    ] {
        let problem =
            assert_problem(rename(&app, &moderator, "mercati", body.clone()).await, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{body}");
    }
    for (body, field) in [
        (json!({}), "into"),
        (json!({"into": "mercati"}), "into"),
        (json!({"into": "Mercati"}), "into"),
        (json!({"into": "inesistente"}), "into"),
        (json!({"into": ["verde"]}), "into"),
        (json!({"into": "verde", "poi": true}), "poi"),
    ] {
        let problem =
            assert_problem(merge(&app, &moderator, "mercati", body.clone()).await, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{body}");
    }
    let problem = assert_problem(
        merge(&app, &moderator, "mercati", json!({"into": "inesistente"})).await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["message"], "«inesistente» non esiste");
    let problem = assert_problem(
        merge(&app, &moderator, "mercati", json!({"into": "mercati"})).await,
        422,
    )
    .await;
    assert_eq!(
        problem["errors"][0]["message"],
        "deve essere un'etichetta diversa da quella da unire"
    );
    let not_json = app
        .as_staff(Method::PATCH, &paths::tag("mercati"), &moderator)
        .header("Content-Type", "text/plain")
        .body("name=altro")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, 415).await;
    let malformed = app
        .as_staff(Method::POST, &paths::tag_merge("mercati"), &moderator)
        .header("Content-Type", "application/json")
        .body("{\"into\": ")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, 400).await;
    let wrong_method = app
        .as_staff(Method::DELETE, &paths::tag("mercati"), &moderator)
        .send()
        .await
        .unwrap();
    assert_problem(wrong_method, 405).await;

    assert_eq!(detail(&app, &moderator, &a).await.1, etag);
    assert!(events(&app, "tag_renamed").await.is_empty());
    assert!(events(&app, "tag_merged").await.is_empty());
}

#[actix_web::test]
async fn only_moderators_and_admins_manage_tags() {
    let app = TestApp::spawn().await;
    let researcher = app.researcher().await;
    tagged(&app).await;
    assert_problem(app.get_as(&researcher, &paths::tags()).await, 403).await;
    assert_problem(
        rename(&app, &researcher, "mercati", json!({"name": "altro"})).await,
        403,
    )
    .await;
    assert_problem(
        merge(&app, &researcher, "mercati", json!({"into": "verde"})).await,
        403,
    )
    .await;
    let anonymous = app
        .client
        .patch(app.url(&paths::tag("mercati")))
        .header("Content-Type", "application/json")
        .body(json!({"name": "altro"}).to_string())
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401).await;
    let admin = app.admin().await;
    let renamed = rename(&app, &admin, "mercati", json!({"name": "altro"})).await;
    assert_eq!(renamed.status(), 200);
    assert_eq!(tag_counts(&app, &admin).await[0], ("altro".to_owned(), 2));
}

// --- The console's tags page ---------------------------------------------

async fn tags_page(app: &TestApp, session: &ConsoleSession) -> (u16, String) {
    let response = app.console_get(session, "/console/etichette").await;
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Follows a redirect of the console with its cookies (the flash message).
async fn follow(app: &TestApp, session: &ConsoleSession, response: reqwest::Response) -> String {
    assert_eq!(
        header(&response, "location").as_deref(),
        Some("/console/etichette")
    );
    let flash = set_cookie(&response, FLASH_COOKIE).expect("a message for the next page");
    assert!(
        flash.contains("HttpOnly") && flash.contains("Path=/console"),
        "{flash}"
    );
    let page = app.console_follow(session, &response).await;
    assert_eq!(page.status(), 200);
    let cleared = set_cookie(&page, FLASH_COOKIE).expect("the message is cleared once shown");
    assert!(cleared.starts_with("rinasce_messaggio=;"), "{cleared}");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    page.text().await.unwrap()
}

#[actix_web::test]
async fn the_tags_page_lists_renames_and_merges_with_confirmation() {
    let app = TestApp::spawn().await;
    let [a, ..] = tagged(&app).await;
    let anna = app.console_sign_in("moderator").await;
    let (status, html) = tags_page(&app, &anna).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<a href=\"/console/etichette\" aria-current=\"page\">Etichette</a>"),
        "{html}"
    );
    assert!(html.contains("<span class=\"etichetta\">mercati</span>"));
    assert!(
        html.contains("href=\"/console/coda?tag=mercati\">2 contributi"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/console/coda?tag=mercati-rionali\">1 contributo<"),
        "{html}"
    );
    assert!(html.contains("action=\"/console/etichette/mercati/rinomina\""));
    assert!(
        html.contains("<option value=\"verde\">"),
        "a datalist of the tags"
    );
    assert!(!html.contains("rinominata"), "no message without a change");

    // Rename: back to the list, which says so once.
    let renamed = app
        .console_post(
            &anna,
            "/console/etichette/mercati/rinomina",
            &[("nome", "Mercati Storici")],
        )
        .await;
    let html = follow(&app, &anna, renamed).await;
    assert!(
        html.contains(
            "Etichetta «mercati» rinominata in «mercati-storici»: 2 contributi aggiornati."
        ),
        "{html}"
    );
    let token = app.moderator().await;
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(&a))
        .await;
    assert_eq!(detail["tags"], json!(["mercati-storici", "verde"]));
    assert_eq!(
        events(&app, "tag_renamed").await[0]["actor_name"],
        anna.account.name
    );
    let (_, again) = tags_page(&app, &anna).await;
    assert!(!again.contains("rinominata"), "shown once");

    // Onto an existing tag: refused, with the merge offered.
    let refused = app
        .console_post(
            &anna,
            "/console/etichette/mercati-storici/rinomina",
            &[("nome", "verde")],
        )
        .await;
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Etichetta «mercati-storici»: operazione non eseguita"),
        "{html}"
    );
    assert!(
        html.contains("Unisci «mercati-storici» a «verde»…"),
        "{html}"
    );
    let bad = app
        .console_post(
            &anna,
            "/console/etichette/mercati-storici/rinomina",
            &[("nome", "!!")],
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad
        .text()
        .await
        .unwrap()
        .contains("nome: deve contenere solo lettere minuscole"));

    // Merge: a confirmation first, which changes nothing.
    let asked = app
        .console_post(
            &anna,
            "/console/etichette/mercati-storici/unisci",
            &[("in_etichetta", "verde")],
        )
        .await;
    assert_eq!(asked.status(), 200);
    let html = asked.text().await.unwrap();
    assert!(
        html.contains("Unire «mercati-storici» a «verde»?"),
        "{html}"
    );
    assert!(html.contains("name=\"conferma\" value=\"1\""));
    assert!(html.contains("2 contributi"));
    assert!(events(&app, "tag_merged").await.is_empty());
    let merged = app
        .console_post(
            &anna,
            "/console/etichette/mercati-storici/unisci",
            &[("in_etichetta", "verde"), ("conferma", "1")],
        )
        .await;
    let html = follow(&app, &anna, merged).await;
    assert!(
        html.contains(
            "Etichetta «mercati-storici» unita a «verde» ed eliminata: 2 contributi aggiornati."
        ),
        "{html}"
    );
    assert!(!html.contains("<span class=\"etichetta\">mercati-storici</span>"));
    assert_eq!(events(&app, "tag_merged").await.len(), 1);

    // A merge into nothing, or into itself, is refused before the confirmation.
    for into in ["inesistente", "verde"] {
        let refused = app
            .console_post(
                &anna,
                "/console/etichette/verde/unisci",
                &[("in_etichetta", into)],
            )
            .await;
        assert_eq!(refused.status(), 422, "{into}");
    }
    assert_eq!(
        app.console_post(
            &anna,
            "/console/etichette/sparita/unisci",
            &[("in_etichetta", "verde")]
        )
        .await
        .status(),
        404
    );
}

#[actix_web::test]
async fn the_tags_page_is_for_moderators_in_both_languages_and_needs_the_csrf_token() {
    let app = TestApp::spawn().await;
    tagged(&app).await;
    let researcher = app.console_sign_in("researcher").await;
    assert_eq!(tags_page(&app, &researcher).await.0, 403);
    let home = app
        .console_get(&researcher, "/console/")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !home.contains("/console/etichette"),
        "not in a researcher's navigation"
    );
    let denied = app
        .console_post(
            &researcher,
            "/console/etichette/mercati/rinomina",
            &[("nome", "altro")],
        )
        .await;
    assert_eq!(denied.status(), 403);

    let anna = app.console_sign_in("moderator").await;
    let english = app
        .client
        .get(app.url("/console/etichette"))
        .header("Cookie", anna.cookie_header())
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        english.contains("<h1>Tags</h1>") && english.contains("2 contributions"),
        "{english}"
    );
    // Without the token, or from another site: 403, nothing changes.
    let no_token = app
        .console_post_raw(
            Some(&anna),
            "/console/etichette/mercati/rinomina",
            &app.public_origin(),
            &[("nome", "altro")],
        )
        .await;
    assert_eq!(no_token.status(), 403);
    let elsewhere = app
        .console_post_raw(
            Some(&anna),
            "/console/etichette/mercati/unisci",
            "https://altro.example.org",
            &[
                ("csrf_token", anna.csrf.as_str()),
                ("in_etichetta", "verde"),
                ("conferma", "1"),
            ],
        )
        .await;
    assert_eq!(elsewhere.status(), 403);
    let token = app.moderator().await;
    assert!(tag_counts(&app, &token)
        .await
        .iter()
        .any(|(t, _)| t == "mercati"));
    assert!(
        events(&app, "tag_renamed").await.is_empty() && events(&app, "tag_merged").await.is_empty()
    );
}
