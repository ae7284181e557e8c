//! Rate limits, browser-facing headers, request ids, CORS and GDPR erasure.

use crate::support::*;
use serde_json::{json, Value};

#[actix_web::test]
async fn submissions_over_the_limit_get_429_with_retry_after_and_rate_limit_headers() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 3).await;
    for remaining in [2, 1, 0] {
        let response = app.submit(&example_submission()).await;
        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["x-ratelimit-limit"], "3");
        assert_eq!(
            response.headers()["x-ratelimit-remaining"],
            remaining.to_string().as_str()
        );
        assert!(
            response.headers()["x-ratelimit-reset"]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .unwrap()
                <= 60
        );
    }
    let refused = app.submit(&example_submission()).await;
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    let problem = assert_problem(refused, 429).await;
    assert_eq!(problem["type"], "/problems/too-many-requests");
    assert_eq!(app.count_contributions(), 3);
    // Invalid submissions count too, and carry the headers.
    let other_routes = app.get(&paths::contributions()).await;
    assert_eq!(other_routes.status(), 200, "reading is not limited");
    assert!(other_routes.headers().get("x-ratelimit-limit").is_none());
}

#[actix_web::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let untrusted = TestApp::spawn_with(|config| config.rate_limit_per_minute = 1).await;
    let send = |app: &TestApp, client: &'static str| {
        app.client
            .post(app.url(&paths::contributions()))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", client)
            .body(example_submission().to_string())
            .send()
    };
    assert_eq!(
        send(&untrusted, "198.51.100.1").await.unwrap().status(),
        201
    );
    // A client cannot dodge the limit by writing another address.
    assert_eq!(
        send(&untrusted, "198.51.100.2").await.unwrap().status(),
        429
    );

    let behind_proxy = TestApp::spawn_with(|config| {
        config.rate_limit_per_minute = 1;
        config.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await;
    assert_eq!(
        send(&behind_proxy, "198.51.100.1").await.unwrap().status(),
        201
    );
    assert_eq!(
        send(&behind_proxy, "198.51.100.2").await.unwrap().status(),
        201
    );
    assert_eq!(
        send(&behind_proxy, "198.51.100.1").await.unwrap().status(),
        429
    );
}

#[actix_web::test]
async fn every_response_carries_the_safety_headers() {
    let app = TestApp::spawn().await;
    for path in [
        &paths::status(),
        &paths::api("/nothing"),
        &paths::contributions(),
        "/docs/",
        &paths::openapi(),
    ] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert!(!policy.contains("'unsafe-eval'"), "{path}");
    }
    let docs = app.get("/docs/").await;
    assert!(docs.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("script-src 'self'"));
    let api = app.get(&paths::status()).await;
    assert!(api.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
}

#[actix_web::test]
async fn request_ids_are_echoed_or_made() {
    let app = TestApp::spawn().await;
    let made = app.get(&paths::status()).await;
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36);
    let echoed = app
        .client
        .get(app.url(&paths::status()))
        .header("X-Request-Id", "proxy-1234.abc")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "proxy-1234.abc");
    let injected = app
        .client
        .get(app.url(&paths::status()))
        .header("X-Request-Id", "a b <script>")
        .send()
        .await
        .unwrap();
    assert_ne!(injected.headers()["x-request-id"], "a b <script>");
}

#[actix_web::test]
async fn cors_answers_only_the_configured_origins() {
    let app =
        TestApp::spawn_with(|config| config.cors_origins = vec!["https://www.comune.fi.it".into()])
            .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url(&paths::contributions()))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type")
            .send()
    };
    let allowed = preflight("https://www.comune.fi.it").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://www.comune.fi.it"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    let get = app
        .client
        .get(app.url(&paths::indicators()))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(get.headers().get("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn responses_with_personal_data_are_not_stored_by_caches() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let admin = app.admin().await;
    let receipt = app.submit_ok(&example_submission()).await;
    let id = receipt["id"].as_str().unwrap();
    for (path, token) in [
        (paths::moderation_contributions(), &moderator),
        (paths::moderation_contribution(id), &moderator),
        (paths::moderation_history(id), &moderator),
        (paths::admin_staff(), &admin),
        (paths::audit_log(), &admin),
        (paths::outbox(), &admin),
    ] {
        let response = app.get_as(token, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
}

async fn erase(app: &TestApp, token: &str, email: &str) -> reqwest::Response {
    app.post_json_as(
        token,
        &paths::erasure_requests(),
        &json!({ "email": email }),
    )
    .await
}

#[actix_web::test]
async fn an_erasure_request_removes_names_and_address_keeps_the_text_and_cancels_queued_mail() {
    let app = TestApp::spawn_with(|config| {
        // A mail server that never answers: the acknowledgements stay queued.
        config.mail = rinasce::config::MailTransport::Smtp("smtp://127.0.0.1:9".into());
        config.mail_max_attempts = 100;
    })
    .await;
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    let mine = app.submit_ok(&example_submission()).await;
    let also_mine = app
        .submit_ok(&with(
            example_submission(),
            "author.email",
            json!("Maria.Rossi@Example.org"),
        ))
        .await;
    let someone_else = app
        .submit_ok(&with(
            example_submission(),
            "author.email",
            json!("luca@example.org"),
        ))
        .await;

    let response = erase(&app, &admin, " MARIA.ROSSI@example.org ").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["contributions_affected"], 2);
    assert_eq!(report["emails_cancelled"], 2);

    for receipt in [&mine, &also_mine] {
        let record: Value = app
            .get_as(
                &moderator,
                &paths::moderation_contribution(receipt["id"].as_str().unwrap()),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(record["author"]["email"], Value::Null);
        assert_eq!(record["author"]["given_name"], Value::Null);
        assert_eq!(record["author"]["family_name"], Value::Null);
        assert_eq!(
            record["title"], "Più piste ciclabili sui viali",
            "the text stays"
        );
    }
    let other: Value = app
        .get_as(
            &moderator,
            &paths::moderation_contribution(someone_else["id"].as_str().unwrap()),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["author"]["email"], "luca@example.org");

    let outbox: Value = app
        .get_as(&admin, &paths::outbox())
        .await
        .json()
        .await
        .unwrap();
    let text = outbox.to_string();
    assert!(
        !text.to_lowercase().contains("maria.rossi@example.org"),
        "{text}"
    );
    let statuses: Vec<&str> = outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "cancelled").count(), 2);

    let log: Value = app
        .get_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=erasure_request"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
    assert!(
        !log.to_string().to_lowercase().contains("maria.rossi"),
        "the audit log keeps no address"
    );

    let again: Value = erase(&app, &admin, "maria.rossi@example.org")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["contributions_affected"], 0);
    assert_problem(
        erase(&app, &moderator, "maria.rossi@example.org").await,
        403,
    )
    .await;
    assert_problem(erase(&app, &admin, "not an address").await, 422).await;
}

#[actix_web::test]
async fn the_command_line_erases_the_same_way() {
    let app = TestApp::spawn().await;
    app.submit_ok(&example_submission()).await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rinasce"))
        .args(["erase", "--email", "maria.rossi@example.org"])
        .env("DATABASE_URL", &app.database_url)
        .env("RINASCE_MAIL", "off")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("erased: 1 contributions"));
    let admin = app.admin().await;
    let log: Value = app
        .get_as(
            &admin,
            &paths::with_query(
                paths::audit_log(),
                "action=erasure_request&actor=command-line",
            ),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn retention_erases_personal_data_older_than_the_period() {
    let app = TestApp::spawn().await;
    let old = app.submit_ok(&example_submission()).await;
    let recent = app.submit_ok(&example_submission()).await;
    app.backdate_received_at(old["id"].as_str().unwrap(), "2020-01-01 10:00:00");
    rinasce::app::erasure::run_if_due(&app.db, 365)
        .await
        .unwrap();
    // Once a day: a second run does nothing.
    rinasce::app::erasure::run_if_due(&app.db, 365)
        .await
        .unwrap();
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    let read = |id: &str| {
        app.as_staff(
            reqwest::Method::GET,
            &paths::moderation_contribution(id),
            &moderator,
        )
        .send()
    };
    let old_record: Value = read(old["id"].as_str().unwrap())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(old_record["author"]["email"], Value::Null);
    let recent_record: Value = read(recent["id"].as_str().unwrap())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(recent_record["author"]["email"], "maria.rossi@example.org");
    let log: Value = app
        .get_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=retention_erasure"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(log["items"].as_array().unwrap().len(), 1);
    assert_eq!(log["items"][0]["actor"], "system");
}
