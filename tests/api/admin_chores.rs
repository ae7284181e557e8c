//! Issue 14: the administrators' chores through the API — staff changes and
//! new tokens, area order, the audit log's filters, the outbox, settings,
//! demo data, and errors that name the right resource.

use crate::support::*;
use serde_json::{json, Value};

async fn staff_id(app: &TestApp, admin: &str, email_part: &str) -> String {
    let staff = app.get_json_as(admin, &paths::admin_staff()).await;
    staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["email"].as_str().unwrap().contains(email_part))
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .expect("the account")
}

async fn create_moderator(app: &TestApp, admin: &str) -> Value {
    let response = app
        .post_json_as(
            admin,
            &paths::admin_staff(),
            &json!({"email": "paola@comune.example", "name": "Paola Neri", "role": "moderator"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn an_admin_renames_changes_the_role_deactivates_and_reactivates_an_account() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = create_moderator(&app, &admin).await;
    let id = created["id"].as_str().unwrap();
    let token = created["token"].as_str().unwrap();
    let member = paths::admin_staff_member(id);

    let changed = app
        .patch_as(
            &admin,
            &member,
            None,
            &json!({"role": "researcher", "name": "Paola Neri Bianchi"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["role"], "researcher");
    assert_eq!(changed["name"], "Paola Neri Bianchi");
    // The role applies at once: a researcher may export, not moderate.
    assert_eq!(
        app.get_as(token, &paths::moderation_contributions())
            .await
            .status(),
        403
    );

    // Off, then on again: the same token stops, then works.
    for (active, token_status) in [(false, 401), (true, 200)] {
        let account: Value = app
            .patch_as(&admin, &member, None, &json!({ "active": active }))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(account["active"], active);
        assert_eq!(account["deactivated_at"].is_string(), !active);
        let status = app
            .get_as(token, &paths::exports_contributions())
            .await
            .status();
        assert_eq!(status, token_status, "active {active}");
    }

    let log = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=staff_updated"),
        )
        .await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    // Newest first: the reactivation.
    assert_eq!(
        items[0]["to"],
        json!(r#"{"active":true,"name":"Paola Neri Bianchi","role":"researcher"}"#)
    );
    assert_eq!(items[0]["target_id"], id);
}

#[actix_web::test]
async fn staff_changes_refuse_bad_input_and_keep_an_active_admin() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = create_moderator(&app, &admin).await;
    let member = paths::admin_staff_member(created["id"].as_str().unwrap());
    for (body, fields) in [
        (json!({"role": "boss"}), vec!["role"]),
        (json!({"active": "yes"}), vec!["active"]),
        (json!({"name": ""}), vec!["name"]),
        (json!({"email": "x@example.org"}), vec!["email"]),
        (json!([1]), vec!["$"]),
    ] {
        let problem = assert_problem(app.patch_as(&admin, &member, None, &body).await, 422).await;
        assert_eq!(failing_fields(&problem), fields, "{body}");
    }
    let me = staff_id(&app, &admin, "admin").await;
    let mine = paths::admin_staff_member(&me);
    let problem = assert_problem(
        app.patch_as(&admin, &mine, None, &json!({"active": false}))
            .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["active"]);
    let problem = assert_problem(
        app.patch_as(&admin, &mine, None, &json!({"role": "moderator"}))
            .await,
        422,
    )
    .await;
    assert_eq!(
        failing_fields(&problem),
        ["role"],
        "the last active admin stays one"
    );

    let missing = paths::admin_staff_member("0190f5e4-0000-7000-8000-000000000000");
    let problem = assert_problem(
        app.patch_as(&admin, &missing, None, &json!({"active": true}))
            .await,
        404,
    )
    .await;
    assert_eq!(problem["detail"], "L'account richiesto non esiste.");
    let moderator = created["token"].as_str().unwrap();
    assert_problem(
        app.patch_as(moderator, &member, None, &json!({"active": false}))
            .await,
        403,
    )
    .await;
}

#[actix_web::test]
async fn a_new_token_works_at_once_and_the_old_one_stops() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = create_moderator(&app, &admin).await;
    let id = created["id"].as_str().unwrap();
    let old = created["token"].as_str().unwrap();
    let path = format!("{}/token", paths::admin_staff_member(id));
    let response = app.post_json_as(&admin, &path, &json!({})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let issued: Value = response.json().await.unwrap();
    let new = issued["token"].as_str().unwrap();
    assert_ne!(new, old);
    assert_eq!(issued["id"], id);
    assert_eq!(
        app.get_as(old, &paths::moderation_contributions())
            .await
            .status(),
        401
    );
    assert_eq!(
        app.get_as(new, &paths::moderation_contributions())
            .await
            .status(),
        200
    );
    let log = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=staff_token_issued"),
        )
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
    assert!(!log.to_string().contains(new), "the log keeps no token");
    let missing = format!(
        "{}/token",
        paths::admin_staff_member("0190f5e4-0000-7000-8000-000000000000")
    );
    assert_problem(app.post_json_as(&admin, &missing, &json!({})).await, 404).await;
    assert_problem(app.post_json_as(new, &path, &json!({})).await, 403).await;
}

async fn area_positions(app: &TestApp) -> Vec<(String, i64)> {
    let areas = app.get_json(&paths::thematic_areas()).await;
    areas["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["code"].as_str().unwrap().to_owned(),
                a["position"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn moving_or_adding_an_area_keeps_positions_one_to_n() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let before = area_positions(&app).await;
    let n = before.len() as i64;
    assert_eq!(
        before.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    let last = before.last().unwrap().0.clone();
    let moved = app
        .patch_as(
            &admin,
            &paths::admin_thematic_area(&last),
            None,
            &json!({"position": 3}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let after = area_positions(&app).await;
    assert_eq!(
        after.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    assert_eq!(after[2].0, last);
    assert_eq!(after[3].0, before[2].0, "the area at 3 moved down one");

    // Down, to a position past the end: last.
    let first = after[0].0.clone();
    app.patch_as(
        &admin,
        &paths::admin_thematic_area(&first),
        None,
        &json!({"position": 999}),
    )
    .await;
    let after = area_positions(&app).await;
    assert_eq!(after.last().unwrap().0, first);
    assert_eq!(
        after.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );

    // A new area at 2 pushes the others down.
    let created = app
        .post_json_as(
            &admin,
            &paths::admin_thematic_areas(),
            &json!({"code": "sport", "name": "Sport nei quartieri", "position": 2}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let after = area_positions(&app).await;
    assert_eq!(after[1].0, "sport");
    assert_eq!(
        after.iter().map(|(_, p)| *p).collect::<Vec<_>>(),
        (1..=n + 1).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn errors_name_the_area_and_the_e_mail_not_a_contribution() {
    let app = TestApp::spawn_with(manual_mail).await;
    let admin = app.admin().await;
    let area = area_positions(&app).await[0].0.clone();
    let stale = app
        .patch_as(
            &admin,
            &paths::admin_thematic_area(&area),
            Some("\"v999\""),
            &json!({"name": "Nuovo nome"}),
        )
        .await;
    let problem = assert_problem(stale, 412).await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("L'area tematica è stata modificata"),
        "{detail}"
    );
    let missing = app
        .patch_as(
            &admin,
            &paths::admin_thematic_area("nessuna"),
            None,
            &json!({"name": "Nuovo nome"}),
        )
        .await;
    assert_eq!(
        assert_problem(missing, 404).await["detail"],
        "L'area tematica richiesta non esiste."
    );

    app.submit_ok(&example_submission()).await;
    app.deliver_pending_mail().await;
    let outbox = app.get_json_as(&admin, &paths::outbox()).await;
    let sent = outbox["items"][0]["id"].as_str().unwrap().to_owned();
    let problem = assert_problem(
        app.post_json_as(&admin, &paths::outbox_retry(&sent), &json!({}))
            .await,
        409,
    )
    .await;
    assert_eq!(problem["type"], "/problems/not-retriable");
    assert_eq!(
        problem["detail"],
        "Un'e-mail in stato «sent» non può essere rimessa in coda."
    );
    assert!(!problem.to_string().contains("contribut"), "{problem}");
}

#[actix_web::test]
async fn the_audit_log_is_newest_first_with_actor_names_and_filters() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    create_moderator(&app, &admin).await;
    let area = area_positions(&app).await[0].0.clone();
    app.patch_as(
        &admin,
        &paths::admin_thematic_area(&area),
        None,
        &json!({"description": "Aggiornata"}),
    )
    .await;
    let log = app.get_json_as(&admin, &paths::audit_log()).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions[..2], ["thematic_area_updated", "staff_created"]);
    assert!(log["items"][0]["actor_name"].is_string());
    let oldest = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "sort=occurred_at"),
        )
        .await;
    let first = oldest["items"].as_array().unwrap().first().unwrap()["action"].clone();
    assert_eq!(first, actions.last().copied().unwrap());

    let admin_name = log["items"][0]["actor_name"].as_str().unwrap().to_owned();
    let part = admin_name.split_whitespace().next().unwrap().to_uppercase();
    for query in [format!("actor={part}"), "actor=example".to_owned()] {
        let by_name = app
            .get_json_as(&admin, &paths::with_query(paths::audit_log(), &query))
            .await;
        assert!(!by_name["items"].as_array().unwrap().is_empty(), "{query}");
    }
    let nobody = app
        .get_json_as(&admin, &paths::with_query(paths::audit_log(), "actor=zzzz"))
        .await;
    assert_eq!(nobody["items"], json!([]));
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    for (query, expected_empty) in [
        (format!("since={today}"), false),
        (format!("until={today}"), false),
        (format!("until={yesterday}"), true),
        (
            format!("since={today}T00:00:00Z&until={today}T23:59:59Z&target={area}"),
            false,
        ),
    ] {
        let page = app
            .get_json_as(&admin, &paths::with_query(paths::audit_log(), &query))
            .await;
        assert_eq!(
            page["items"].as_array().unwrap().is_empty(),
            expected_empty,
            "{query}"
        );
    }
    // Pages newest first follow each other without overlap.
    let page1 = app
        .get_json_as(&admin, &paths::with_query(paths::audit_log(), "limit=1"))
        .await;
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), format!("limit=1&cursor={cursor}")),
        )
        .await;
    assert_eq!(page2["items"][0]["action"], "staff_created");

    for (query, field) in [
        ("sort=newest", "sort"),
        ("since=ieri", "since"),
        ("until=2026-13-01", "until"),
        ("action=erased", "action"),
    ] {
        let problem = assert_problem(
            app.get_as(&admin, &paths::with_query(paths::audit_log(), query))
                .await,
            422,
        )
        .await;
        assert_eq!(failing_fields(&problem), [field], "{query}");
    }
}

#[actix_web::test]
async fn the_outbox_is_filtered_read_one_by_one_and_failed_mail_retried_at_once() {
    let app = TestApp::spawn_with(|config| {
        manual_mail(config);
        // Nothing listens there: each delivery fails, and one attempt is all.
        config.mail = rinasce::config::MailTransport::Smtp("smtp://127.0.0.1:9".into());
        config.mail_max_attempts = 1;
    })
    .await;
    let admin = app.admin().await;
    app.submit_ok(&example_submission()).await;
    app.submit_ok(&with(
        example_submission(),
        "author.email",
        json!("Luca@Example.org"),
    ))
    .await;
    app.deliver_pending_mail().await;

    let failed = app
        .get_json_as(&admin, &paths::with_query(paths::outbox(), "status=failed"))
        .await;
    let items = failed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items[0]["last_error"].is_string());
    let luca = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::outbox(), "recipient=LUCA%40example"),
        )
        .await;
    assert_eq!(luca["items"].as_array().unwrap().len(), 1);
    assert_eq!(luca["items"][0]["recipient"], "Luca@Example.org");
    let none = app
        .get_json_as(&admin, &paths::with_query(paths::outbox(), "recipient=%25"))
        .await;
    assert_eq!(
        none["items"],
        json!([]),
        "a % is a character, not a wildcard"
    );

    let id = luca["items"][0]["id"].as_str().unwrap();
    let one = app
        .get_json_as(&admin, &paths::api(&format!("/admin/outbox/{id}")))
        .await;
    assert_eq!(one["id"], id);
    assert!(
        one["body_text"].as_str().unwrap().contains("RF-000002"),
        "{one}"
    );
    let missing = app
        .get_as(
            &admin,
            &paths::api("/admin/outbox/0190f5e4-0000-7000-8000-000000000000"),
        )
        .await;
    assert_eq!(
        assert_problem(missing, 404).await["detail"],
        "L'e-mail richiesta non esiste."
    );

    let retry_all = paths::api("/admin/outbox/retry-failed");
    let retried = app.post_json_as(&admin, &retry_all, &json!({})).await;
    assert_eq!(retried.status(), 200);
    let retried: Value = retried.json().await.unwrap();
    let statuses: Vec<&str> = retried["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["pending", "pending"]);
    let log = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=outbox_retried"),
        )
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 2);
    let again: Value = app
        .post_json_as(&admin, &retry_all, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["items"], json!([]), "nothing failed any more");
    let researcher = app.researcher().await;
    assert_problem(
        app.post_json_as(&researcher, &retry_all, &json!({})).await,
        403,
    )
    .await;
    assert_problem(
        app.get_as(&admin, &paths::with_query(paths::outbox(), "status=lost"))
            .await,
        422,
    )
    .await;
}

#[actix_web::test]
async fn admins_read_the_settings_without_secrets() {
    let app = TestApp::spawn_with(|config| {
        config.target = 250;
        config.retention_days = Some(400);
        config.pseudonym_key = Some("segreto-della-chiave".into());
    })
    .await;
    let admin = app.admin().await;
    let settings = app
        .get_json_as(&admin, &paths::api("/admin/settings"))
        .await;
    assert_eq!(settings["target"], 250);
    assert_eq!(settings["retention_days"], 400);
    assert_eq!(settings["mail_transport"], "file");
    assert_eq!(settings["database"], backend_name());
    let text = settings.to_string();
    assert!(!text.contains("segreto"), "{text}");
    assert!(!text.contains(&app.database_url), "{text}");
    let moderator = app.moderator().await;
    assert_problem(
        app.get_as(&moderator, &paths::api("/admin/settings")).await,
        403,
    )
    .await;
}

#[actix_web::test]
async fn demo_data_sends_no_notice_and_is_removed_alone() {
    let app = TestApp::spawn_with(|config| {
        manual_mail(config);
        config.target = 5;
    })
    .await;
    let admin = app.admin().await;
    let real = app.submit_ok(&example_submission()).await;
    let run = |args: &[&str]| app.run_command(args);
    run(&["demo-data", "--count", "40", "--seed", "3"]);
    // Publishing a demo row tells no demo author, and the target it
    // reaches (5, with the demo rows) tells no admin.
    let queue = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::moderation_contributions(), "status=pending&limit=5"),
        )
        .await;
    let demo_row = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] != real["id"])
        .expect("a pending demo row")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = app.outbox().len();
    app.publish(&demo_row).await;
    assert_eq!(app.outbox().len(), before, "no outcome or target e-mail");
    let indicators = app.get_json(&paths::indicators()).await;
    assert!(indicators["reached_at"].is_string(), "{indicators}");

    let removed = run(&["demo-data", "--remove"]);
    assert!(
        removed.contains("removed 40 demo contributions"),
        "{removed}"
    );
    assert_eq!(app.count_contributions(), 1, "the real contribution stays");
    let kept = app
        .get_json_as(
            &admin,
            &paths::moderation_contribution(real["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(kept["reference"], real["reference"]);
}

#[actix_web::test]
async fn an_admin_ends_an_accounts_console_sessions_and_deactivation_ends_them_too() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let browser = app.console_sign_in("moderator").await;
    let id = browser.account.id.to_string();
    assert_eq!(app.console_get(&browser, "/console/").await.status(), 200);

    let path = format!("{}/sessions", paths::admin_staff_member(&id));
    let response = app.delete_as(&admin, &path).await;
    assert_eq!(response.status(), 200);
    let ended: Value = response.json().await.unwrap();
    assert_eq!(ended["ended"], 1);
    let after = app.console_get(&browser, "/console/").await;
    assert_ne!(after.status(), 200, "signed out everywhere");
    let log = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=staff_sessions_ended"),
        )
        .await;
    assert_eq!(log["items"][0]["to"], "1");

    let again = app.console_session_of(browser.account.clone()).await;
    app.patch_as(
        &admin,
        &paths::admin_staff_member(&id),
        None,
        &json!({"active": false}),
    )
    .await;
    assert_ne!(app.console_get(&again, "/console/").await.status(), 200);
    let missing = format!(
        "{}/sessions",
        paths::admin_staff_member("0190f5e4-0000-7000-8000-000000000000")
    );
    assert_problem(app.delete_as(&admin, &missing).await, 404).await;
}
