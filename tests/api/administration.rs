//! The administrators' API: staff accounts, thematic areas, the audit log.

use std::time::{Duration, Instant};

use crate::support::*;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

async fn patch_area(
    app: &TestApp,
    token: &str,
    code: &str,
    if_match: Option<&str>,
    body: Value,
) -> reqwest::Response {
    app.patch_as(token, &paths::admin_thematic_area(code), if_match, &body)
        .await
}

/// Creates an account through the API; returns the answer's body.
async fn create_staff(app: &TestApp, admin: &str, email: &str, role: &str) -> Value {
    let response = app
        .post_json_as(
            admin,
            &paths::admin_staff(),
            &json!({"email": email, "name": "Persona dello staff", "role": role}),
        )
        .await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 201, "{text}");
    serde_json::from_str(&text).unwrap()
}

/// Polls the indicator (at most ~1.5 s) until `ready` holds, then returns it.
async fn indicators_when(app: &TestApp, ready: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_millis(1500);
    loop {
        let indicators = app.get_json(&paths::indicators()).await;
        if ready(&indicators) || Instant::now() > deadline {
            return indicators;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn area_codes(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn areas(app: &TestApp) -> Vec<Value> {
    app.get_json(&paths::thematic_areas()).await["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[actix_web::test]
async fn a_new_account_gets_a_token_that_works_at_once_for_its_role() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;

    let response = app
        .post_json_as(
            &admin,
            &paths::admin_staff(),
            &json!({"email": "Anna.Neri@Comune.Example.org", "name": "Anna Neri", "role": "moderator"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    let anna: Value = response.json().await.unwrap();
    assert_eq!(anna["email"], "anna.neri@comune.example.org");
    assert_eq!(anna["name"], "Anna Neri");
    assert_eq!(anna["role"], "moderator");
    assert_eq!(anna["active"], true);
    assert_eq!(anna["deactivated_at"], Value::Null);
    assert!(anna["id"].is_string() && anna["created_at"].is_string());
    let token = anna["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 40, "{token}");

    let status = |path: String, token: String| {
        let app = &app;
        async move { app.get_as(&token, &path).await.status().as_u16() }
    };
    assert_eq!(
        status(paths::moderation_contributions(), token.clone()).await,
        200
    );
    assert_eq!(status(paths::admin_staff(), token.clone()).await, 403);

    let researcher = create_staff(&app, &admin, "ricerca@unifi.example.org", "researcher").await;
    let researcher = researcher["token"].as_str().unwrap().to_owned();
    assert_eq!(
        status(paths::moderation_contributions(), researcher.clone()).await,
        403
    );
    assert_eq!(status(paths::admin_staff(), researcher).await, 403);

    let second_admin = create_staff(&app, &admin, "admin2@comune.example.org", "admin").await;
    let second_admin = second_admin["token"].as_str().unwrap().to_owned();
    assert_eq!(
        status(paths::admin_staff(), second_admin.clone()).await,
        200
    );
    assert_eq!(
        status(paths::moderation_contributions(), second_admin).await,
        200
    );
    assert_ne!(token, admin, "every account has its own token");
}

#[actix_web::test]
async fn new_accounts_are_validated() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    create_staff(&app, &admin, "anna.neri@comune.example.org", "moderator").await;
    let path = &paths::admin_staff();
    for (body, fields) in [
        (
            json!({"email": "anna.neri@comune.example.org", "name": "Anna", "role": "admin"}),
            vec!["email"],
        ),
        (
            json!({"email": "ANNA.NERI@comune.example.org", "name": "Anna", "role": "moderator"}),
            vec!["email"],
        ),
        (
            json!({"email": "non-una-email", "name": "", "role": "capo"}),
            vec!["email", "name", "role"],
        ),
        (json!({"name": "Anna", "role": "moderator"}), vec!["email"]),
        (
            json!({"email": "b@comune.example.org", "name": "B", "role": "moderator", "token": "mio"}),
            vec!["token"],
        ),
    ] {
        let problem = assert_problem(app.post_json_as(&admin, path, &body).await, 422).await;
        let mut failing = failing_fields(&problem);
        failing.sort();
        assert_eq!(failing, fields, "{body}");
    }
    let response = app
        .as_staff(Method::POST, path, &admin)
        .header("Content-Type", "text/plain")
        .body("email=b@comune.example.org")
        .send()
        .await
        .unwrap();
    assert_problem(response, 415).await;
    let list = app.get_json_as(&admin, path).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
}

#[actix_web::test]
async fn the_staff_list_never_shows_a_token_and_deactivation_is_immediate() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let anna = create_staff(&app, &admin, "anna.neri@comune.example.org", "moderator").await;
    let id = anna["id"].as_str().unwrap().to_owned();
    let token = anna["token"].as_str().unwrap().to_owned();

    let response = app.get_as(&admin, &paths::admin_staff()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    let text = response.text().await.unwrap();
    for secret in [
        token.clone(),
        admin.clone(),
        hex::encode(Sha256::digest(token.as_bytes())),
        hex::encode(Sha256::digest(admin.as_bytes())),
        "token".to_owned(),
        "hash".to_owned(),
    ] {
        assert!(!text.contains(&secret), "{secret} shown: {text}");
    }
    let list: Value = serde_json::from_str(&text).unwrap();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let keys: Vec<&String> = items[1].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "active",
            "created_at",
            "deactivated_at",
            "email",
            "id",
            "name",
            "role"
        ]
    );
    assert_eq!(items[1]["id"], id.as_str());

    let before = app.get_as(&token, &paths::tags()).await;
    assert_eq!(before.status(), 200);
    let response = app.delete_as(&admin, &paths::admin_staff_member(&id)).await;
    assert_eq!(response.status(), 200);
    let deactivated: Value = response.json().await.unwrap();
    assert_eq!(deactivated["active"], false);
    assert!(deactivated["deactivated_at"].is_string());
    assert!(deactivated.get("token").is_none());
    let after = app.get_as(&token, &paths::tags()).await;
    assert_problem(after, 401).await;

    let list = app.get_json_as(&admin, &paths::admin_staff()).await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id.as_str())
        .expect("a deactivated account stays listed")
        .clone();
    assert_eq!(listed["active"], false);
    assert_eq!(listed["deactivated_at"], deactivated["deactivated_at"]);

    // Again: still deactivated, same time.
    let response = app.delete_as(&admin, &paths::admin_staff_member(&id)).await;
    assert_eq!(response.status(), 200);
    let again: Value = response.json().await.unwrap();
    assert_eq!(again["deactivated_at"], deactivated["deactivated_at"]);
    for unknown in [uuid::Uuid::new_v4().to_string(), "non-un-id".to_owned()] {
        let response = app
            .delete_as(&admin, &paths::admin_staff_member(&unknown))
            .await;
        assert_problem(response, 404).await;
    }
}

#[actix_web::test]
async fn a_new_thematic_area_is_listed_and_counted() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let response = app
        .post_json_as(
            &admin,
            &paths::admin_thematic_areas(),
            &json!({"code": "sport-quartieri", "name": "Sport nei quartieri",
                "description": "Impianti sportivi di base in ogni quartiere."}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"v1\""));
    let area: Value = response.json().await.unwrap();
    assert_eq!(
        area,
        json!({"code": "sport-quartieri", "name": "Sport nei quartieri",
               "description": "Impianti sportivi di base in ogni quartiere.",
               "position": 10, "active": true})
    );
    let listed = areas(&app).await;
    assert_eq!(listed.len(), 10);
    assert_eq!(listed[9], area, "after the nine seeded areas");

    let indicators = indicators_when(&app, |i| {
        i["by_thematic_area"].as_array().unwrap().len() == 10
    })
    .await;
    let codes = area_codes(&indicators["by_thematic_area"]);
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert!(codes.contains(&"sport-quartieri".to_owned()));

    app.submit_ok(&with(
        example_submission(),
        "thematic_area",
        json!("sport-quartieri"),
    ))
    .await;
    let indicators = indicators_when(&app, |i| i["counted"] == 1).await;
    let sport = indicators["by_thematic_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "sport-quartieri")
        .unwrap()
        .clone();
    assert_eq!(
        sport,
        json!({"code": "sport-quartieri", "name": "Sport nei quartieri", "count": 1})
    );

    // An explicit position, and an area created inactive.
    let first: Value = app
        .post_json_as(
            &admin,
            &paths::admin_thematic_areas(),
            &json!({"code": "in-evidenza", "name": "In evidenza", "position": 0}),
        )
        .await
        .json()
        .await
        .unwrap();
    // Positions stay 1..n: 0 means first, and the others move down one.
    assert_eq!(first["position"], 1);
    assert_eq!(areas(&app).await[0]["code"], "in-evidenza");
    let response = app
        .post_json_as(
            &admin,
            &paths::admin_thematic_areas(),
            &json!({"code": "in-preparazione", "name": "In preparazione", "active": false}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let problem = assert_problem(
        app.submit(&with(
            example_submission(),
            "thematic_area",
            json!("in-preparazione"),
        ))
        .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["thematic_area"]);
}

#[actix_web::test]
async fn new_thematic_areas_are_validated() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let path = &paths::admin_thematic_areas();
    for (body, fields) in [
        (
            json!({"code": "mobilita-green", "name": "Di nuovo"}),
            vec!["code"],
        ),
        (json!({"code": "Sport", "name": "Sport"}), vec!["code"]),
        (
            json!({"code": "sport quartieri", "name": "Sport"}),
            vec!["code"],
        ),
        (json!({"code": "città", "name": "Città"}), vec!["code"]),
        (json!({"code": "-sport", "name": "Sport"}), vec!["code"]),
        (json!({"code": "", "name": "Sport"}), vec!["code"]),
        (json!({"name": "Sport"}), vec!["code"]),
        (json!({"code": "sport", "name": "S"}), vec!["name"]),
        (json!({"code": "sport"}), vec!["name"]),
        (
            json!({"code": "sport", "name": "Sport", "position": -1, "active": "si"}),
            vec!["active", "position"],
        ),
        (
            json!({"code": "sport", "name": "Sport", "colore": "blu"}),
            vec!["colore"],
        ),
    ] {
        let problem = assert_problem(app.post_json_as(&admin, path, &body).await, 422).await;
        let mut failing = failing_fields(&problem);
        failing.sort();
        assert_eq!(failing, fields, "{body}");
    }
    assert_eq!(areas(&app).await.len(), 9, "nothing was created");
}

#[actix_web::test]
async fn areas_are_renamed_and_deactivated() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    let existing = app.submit_ok(&example_submission()).await;
    let other = app
        .submit_ok(&with(
            example_submission(),
            "thematic_area",
            json!("cultura-diffusa"),
        ))
        .await;

    // Without If-Match.
    let response = patch_area(
        &app,
        &admin,
        "mobilita-green",
        None,
        json!({"name": "Mobilità sostenibile"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"v2\""));
    let area: Value = response.json().await.unwrap();
    assert_eq!(area["name"], "Mobilità sostenibile");
    assert_eq!(area["position"], 4);
    let listed = areas(&app).await;
    assert_eq!(listed[3]["name"], "Mobilità sostenibile");
    let indicators = indicators_when(&app, |i| {
        i["by_thematic_area"][3]["name"] == "Mobilità sostenibile"
    })
    .await;
    assert_eq!(indicators["by_thematic_area"][3]["code"], "mobilita-green");
    assert_eq!(
        indicators["by_thematic_area"][3]["name"],
        "Mobilità sostenibile"
    );

    // A stale or unreadable If-Match: 412, or 400 when not an ETag.
    for (stale, status) in [("\"v1\"", 412), ("\"v3\"", 412), ("versione", 400)] {
        assert_problem(
            patch_area(
                &app,
                &admin,
                "mobilita-green",
                Some(stale),
                json!({"active": false}),
            )
            .await,
            status,
        )
        .await;
    }
    assert_eq!(areas(&app).await[3]["active"], true);

    // The current If-Match: deactivated.
    let response = patch_area(
        &app,
        &admin,
        "mobilita-green",
        Some("\"v2\""),
        json!({"active": false}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"v3\""));
    let listed = areas(&app).await;
    assert_eq!(listed.len(), 9);
    assert_eq!(listed[3]["code"], "mobilita-green");
    assert_eq!(listed[3]["active"], false);

    let problem = assert_problem(app.submit(&example_submission()).await, 422).await;
    assert_eq!(failing_fields(&problem), ["thematic_area"]);
    // Still listed while it has counted contributions, so that the
    // breakdown sums to `counted` (issue 14); an empty inactive area is not.
    let indicators = indicators_when(&app, |i| {
        i["by_thematic_area"].as_array().unwrap().len() == 9
    })
    .await;
    let codes = area_codes(&indicators["by_thematic_area"]);
    assert!(codes.contains(&"mobilita-green".to_owned()), "{codes:?}");
    let sum: i64 = indicators["by_thematic_area"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["count"].as_i64().unwrap())
        .sum();
    assert_eq!(sum, indicators["counted"].as_i64().unwrap());

    // Moderators cannot move contributions into it, nor register offline ones.
    let other_id = other["id"].as_str().unwrap();
    let response = app
        .patch_as(
            &moderator,
            &paths::moderation_contribution(other_id),
            Some("\"v1\""),
            &json!({"thematic_area": "mobilita-green"}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(failing_fields(&problem), ["thematic_area"]);
    let response = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &json!({"channel": "email", "thematic_area": "mobilita-green",
                    "title": "Tram fino a Bagno a Ripoli", "body": "Arrivata per posta elettronica: prolungare la tramvia.",
                    "author": {"kind": "citizen"}}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(failing_fields(&problem), ["thematic_area"]);
    // What it holds stays readable for moderators.
    let existing_id = existing["id"].as_str().unwrap();
    let record = app
        .get_as(&moderator, &paths::moderation_contribution(existing_id))
        .await;
    assert_eq!(record.status(), 200);

    // Invalid patches.
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"active": "no"}), "active"),
        (json!({"position": 10001}), "position"),
        (json!({"code": "altro"}), "code"),
    ] {
        let problem = assert_problem(
            patch_area(&app, &admin, "mobilita-green", None, body.clone()).await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "{body}");
    }
    assert_problem(
        patch_area(&app, &admin, "non-esiste", None, json!({"active": true})).await,
        404,
    )
    .await;
    let response = app
        .patch_raw_as(
            &admin,
            &paths::admin_thematic_area("mobilita-green"),
            None,
            "text/plain",
            "active=true",
        )
        .await;
    assert_problem(response, 415).await;

    // Reactivated: accepted again, counted again.
    let response = patch_area(
        &app,
        &admin,
        "mobilita-green",
        None,
        json!({"active": true}),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"v4\""));
    app.submit_ok(&example_submission()).await;
    let indicators = indicators_when(&app, |i| i["counted"] == 3).await;
    let mobility = indicators["by_thematic_area"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "mobilita-green")
        .expect("listed again")
        .clone();
    assert_eq!(mobility["count"], 2);
}

/// Every page of the audit log for `query`, joined.
async fn audit_log(app: &TestApp, admin: &str, query: &str, limit: usize) -> Vec<Value> {
    let mut events = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..200 {
        // Oldest first, so that the events read as the story of the test.
        let mut path = paths::with_query(
            paths::audit_log(),
            format!("sort=occurred_at&limit={limit}&{query}"),
        );
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.get_json_as(admin, &path).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= limit);
        events.extend(items.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return events,
        }
    }
    panic!("the audit log does not end");
}

fn actions(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn the_audit_log_records_every_change_and_filters() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let staff = app.get_json_as(&admin, &paths::admin_staff()).await;
    let admin_id = staff["items"][0]["id"].as_str().unwrap().to_owned();

    let moderator = create_staff(&app, &admin, "moderatrice@comune.example.org", "moderator").await;
    let moderator_id = moderator["id"].as_str().unwrap().to_owned();
    let moderator = moderator["token"].as_str().unwrap().to_owned();
    let leaving = create_staff(&app, &admin, "uscente@comune.example.org", "researcher").await;
    let leaving_id = leaving["id"].as_str().unwrap().to_owned();

    let contribution = app.submit_ok(&example_submission()).await;
    let id = contribution["id"].as_str().unwrap().to_owned();
    let spam = app.submit_ok(&example_submission()).await;
    let spam_id = spam["id"].as_str().unwrap().to_owned();
    let item = paths::moderation_contribution(&id);
    for (version, body) in [
        (1, json!({"thematic_area": "cultura-diffusa"})),
        (2, json!({"status": "approved"})),
        (3, json!({"tags": ["musei"]})),
    ] {
        let response = app
            .patch_as(&moderator, &item, Some(&format!("\"v{version}\"")), &body)
            .await;
        assert_eq!(response.status(), 200, "{body}");
    }
    let response = app
        .post_json_as(
            &moderator,
            &format!("{item}/notes"),
            &json!({"text": "Segnalare all'assessorato"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .post_json_as(
            &moderator,
            &paths::bulk_actions(),
            &json!({"ids": [spam_id], "status": "spam"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &json!({"channel": "paper", "thematic_area": "cultura-diffusa",
                    "title": "Musei aperti la sera", "body": "Lettera: aprire i musei civici il giovedì sera.",
                    "author": {"kind": "citizen"}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .post_json_as(
            &admin,
            &paths::admin_thematic_areas(),
            &json!({"code": "sport-quartieri", "name": "Sport nei quartieri"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let response = patch_area(
        &app,
        &admin,
        "sport-quartieri",
        None,
        json!({"name": "Sport di quartiere"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    for _ in 0..2 {
        let response = app
            .delete_as(&admin, &paths::admin_staff_member(&leaving_id))
            .await;
        assert_eq!(response.status(), 200);
    }

    // The whole log.
    let response = app.get_as(&admin, &paths::audit_log()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    let all = audit_log(&app, &admin, "", 500).await;
    for event in &all {
        for field in [
            "id",
            "actor",
            "action",
            "target_type",
            "target_id",
            "occurred_at",
        ] {
            assert!(event[field].is_string(), "{field} in {event}");
        }
    }
    let times: Vec<&str> = all
        .iter()
        .map(|e| e["occurred_at"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {times:?}"
    );
    let mine: Vec<&Value> = all
        .iter()
        .filter(|e| e["actor"] != "command-line")
        .collect();
    let summary: Vec<(&str, &str, &str)> = mine
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["target_type"].as_str().unwrap(),
                e["actor"].as_str().unwrap(),
            )
        })
        .collect();
    let (a, m) = (admin_id.as_str(), moderator_id.as_str());
    assert_eq!(
        summary,
        [
            ("staff_created", "staff", a),
            ("staff_created", "staff", a),
            ("thematic_area_changed", "contribution", m),
            ("status_changed", "contribution", m),
            ("tags_changed", "contribution", m),
            ("note_added", "contribution", m),
            ("status_changed", "contribution", m),
            ("bulk_action", "bulk_action", m),
            ("offline_registered", "contribution", m),
            ("thematic_area_created", "thematic_area", a),
            ("thematic_area_updated", "thematic_area", a),
            ("staff_deactivated", "staff", a),
        ]
    );
    assert_eq!(mine[0]["target_id"], moderator_id.as_str());
    assert_eq!(mine[0]["to"], "moderator");
    assert_eq!(mine[2]["from"], "mobilita-green");
    assert_eq!(mine[2]["to"], "cultura-diffusa");
    assert_eq!(
        (mine[3]["from"].clone(), mine[3]["to"].clone()),
        (json!("pending"), json!("approved"))
    );
    assert_eq!(mine[6]["target_id"], spam_id.as_str());
    assert_eq!(mine[6]["to"], "spam");
    assert_eq!(mine[11]["target_id"], leaving_id.as_str());

    // Filters.
    let by_actor = audit_log(&app, &admin, &format!("actor={moderator_id}"), 500).await;
    assert_eq!(
        actions(&by_actor),
        [
            "thematic_area_changed",
            "status_changed",
            "tags_changed",
            "note_added",
            "status_changed",
            "bulk_action",
            "offline_registered"
        ]
    );
    let by_action = audit_log(&app, &admin, "action=status_changed", 500).await;
    assert_eq!(by_action.len(), 2);
    assert!(by_action.iter().all(|e| e["action"] == "status_changed"));
    let staff_created = audit_log(&app, &admin, "action=staff_created", 500).await;
    assert_eq!(
        staff_created.len(),
        3,
        "one by the test helper, two by the API"
    );
    let by_target = audit_log(&app, &admin, &format!("target={id}"), 500).await;
    assert_eq!(
        actions(&by_target),
        [
            "thematic_area_changed",
            "status_changed",
            "tags_changed",
            "note_added"
        ]
    );
    // The same events as the contribution's history, which moderators read.
    let history = app
        .get_json_as(&moderator, &format!("{item}/history"))
        .await;
    // The history also names each actor.
    let without_names = |events: &[Value]| -> Vec<Value> {
        events
            .iter()
            .map(|event| {
                let mut event = event.clone();
                event.as_object_mut().unwrap().remove("actor_name");
                event
            })
            .collect()
    };
    let history_items = history["items"].as_array().unwrap();
    assert!(history_items.iter().all(|e| e["actor_name"].is_string()));
    assert_eq!(without_names(history_items), without_names(&by_target));
    let by_area = audit_log(&app, &admin, "target=sport-quartieri", 500).await;
    assert_eq!(
        actions(&by_area),
        ["thematic_area_created", "thematic_area_updated"]
    );
    let combined = audit_log(
        &app,
        &admin,
        &format!("actor={admin_id}&action=staff_deactivated&target={leaving_id}"),
        500,
    )
    .await;
    assert_eq!(combined.len(), 1, "a second deactivation records nothing");
    let nobody = audit_log(&app, &admin, "actor=nessuno", 500).await;
    assert!(nobody.is_empty());

    // `since` is inclusive.
    let since = mine[5]["occurred_at"].as_str().unwrap();
    let later = audit_log(&app, &admin, &format!("since={since}"), 500).await;
    let expected: Vec<&Value> = all
        .iter()
        .filter(|e| e["occurred_at"].as_str().unwrap() >= since)
        .collect();
    assert_eq!(later.iter().collect::<Vec<_>>(), expected);
    assert!(
        later.contains(mine[5]) && later.len() < all.len(),
        "{later:?}"
    );
    let future = audit_log(&app, &admin, "since=2999-01-01T00:00:00Z", 500).await;
    assert!(future.is_empty());
    let past = audit_log(&app, &admin, "since=2000-01-01T00:00:00%2B01:00", 500).await;
    assert_eq!(past, all);

    // Paging: every event once, in the same order.
    for limit in [1, 2, 5] {
        assert_eq!(
            audit_log(&app, &admin, "", limit).await,
            all,
            "limit={limit}"
        );
    }
    let paged_filter = audit_log(&app, &admin, &format!("actor={moderator_id}"), 2).await;
    assert_eq!(paged_filter, by_actor);

    for (query, field) in [
        ("since=ieri", "since"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=%25%25", "cursor"),
    ] {
        let response = app
            .get_as(&admin, &paths::with_query(paths::audit_log(), query))
            .await;
        let problem = assert_problem(response, 422).await;
        assert_eq!(failing_fields(&problem), [field], "{query}");
    }

    // Moderators read histories, not the log; nobody rewrites it.
    let response = app.get_as(&moderator, &paths::audit_log()).await;
    assert_problem(response, 403).await;
    for method in [Method::DELETE, Method::POST, Method::PATCH] {
        let response = app
            .as_staff(method.clone(), &paths::audit_log(), &admin)
            .header("Content-Type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_problem(response, 405).await;
    }
    assert_eq!(audit_log(&app, &admin, "", 500).await, all);
}

#[actix_web::test]
async fn simultaneous_creations_of_the_same_account_or_area_answer_422() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for n in 0..10 {
        for (path, body) in [
            (
                &paths::admin_staff(),
                json!({"email": format!("doppio-{n}@comune.example.org"), "name": "Doppio", "role": "moderator"}),
            ),
            (
                &paths::admin_thematic_areas(),
                json!({"code": format!("doppia-{n}"), "name": "Area doppia"}),
            ),
        ] {
            let (first, second) = futures::join!(
                app.post_json_as(&admin, path, &body),
                app.post_json_as(&admin, path, &body),
            );
            let mut statuses = [first.status().as_u16(), second.status().as_u16()];
            statuses.sort();
            assert_eq!(statuses, [201, 422], "{path} {body}");
        }
    }
}
