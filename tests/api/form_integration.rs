//! What a form on another site meets: the quota of accepted submissions, the
//! rate-limit headers on every answer, CORS.

use crate::support::*;
use serde_json::json;

const ORIGIN: &str = "https://www.comune.fi.it";

fn quota(response: &reqwest::Response) -> (String, String) {
    let read = |name: &str| {
        response
            .headers()
            .get(name)
            .unwrap_or_else(|| panic!("{name} on a {}", response.status()))
            .to_str()
            .unwrap()
            .to_owned()
    };
    (read("x-ratelimit-limit"), read("x-ratelimit-remaining"))
}

#[actix_web::test]
async fn a_citizen_correcting_errors_keeps_the_quota_and_floods_are_still_stopped() {
    let app = TestApp::spawn_with(|config| {
        config.rate_limit_per_minute = 2;
        config.attempt_limit_per_minute = 8;
    })
    .await;
    let invalid = with(example_submission(), "title", json!(""));
    for _ in 0..4 {
        let response = app.submit(&invalid).await;
        assert_eq!(quota(&response), ("2".into(), "2".into()));
        assert_problem(response, 422).await;
    }
    let malformed = app.post_raw(&paths::contributions(), "{not json").await;
    assert_eq!(quota(&malformed), ("2".into(), "2".into()));
    assert_problem(malformed, 400).await;
    for remaining in ["1", "0"] {
        let response = app.submit(&example_submission()).await;
        assert_eq!(response.status(), 201);
        assert_eq!(quota(&response), ("2".into(), remaining.into()));
    }
    let refused = app.submit(&example_submission()).await;
    assert_eq!(quota(&refused), ("2".into(), "0".into()));
    assert!(refused.headers().contains_key("retry-after"));
    assert_problem(refused, 429).await;
    assert_eq!(app.count_contributions(), 2);

    // The looser bound counts every request: eight a minute here.
    let flood = TestApp::spawn_with(|config| {
        config.rate_limit_per_minute = 2;
        config.attempt_limit_per_minute = 8;
    })
    .await;
    for _ in 0..8 {
        assert_problem(flood.submit(&invalid).await, 422).await;
    }
    let stopped = flood.submit(&example_submission()).await;
    assert!(stopped.headers().contains_key("retry-after"));
    assert_problem(stopped, 429).await;
    assert_eq!(flood.count_contributions(), 0);
}

#[actix_web::test]
async fn a_replayed_submission_does_not_use_the_quota() {
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 2).await;
    let send = || {
        app.client
            .post(app.url(&paths::contributions()))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", "doppio-clic-1")
            .body(example_submission().to_string())
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(quota(&first).1, "1");
    let replayed = send().await.unwrap();
    assert_eq!(replayed.status(), 201);
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    assert_eq!(quota(&replayed).1, "1");
}

#[actix_web::test]
async fn english_errors_keep_the_rate_limit_headers() {
    let app = TestApp::spawn().await;
    let english = |content_type: &str, body: String| {
        app.client
            .post(app.url(&paths::contributions()))
            .header("Content-Type", content_type)
            .header("Accept-Language", "en")
            .body(body)
            .send()
    };
    for (status, content_type, body) in [
        (400, "application/json", "{".to_owned()),
        (415, "text/plain", example_submission().to_string()),
        (422, "application/json", json!({"title": 1}).to_string()),
    ] {
        let response = english(content_type, body).await.unwrap();
        assert_eq!(response.headers()["content-language"], "en");
        assert_eq!(
            quota(&response).0,
            app.config.rate_limit_per_minute.to_string(),
            "{status}"
        );
        assert!(response.headers().contains_key("x-ratelimit-reset"));
        assert_problem(response, status).await;
    }
}

#[actix_web::test]
async fn a_form_on_another_origin_reads_the_headers_it_needs_and_a_refused_preflight_is_a_problem()
{
    let app = TestApp::spawn_with(|config| config.cors_origins = vec![ORIGIN.into()]).await;
    let response = app
        .client
        .post(app.url(&paths::contributions()))
        .header("Origin", ORIGIN)
        .header("Content-Type", "application/json")
        .body(example_submission().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["access-control-allow-origin"], ORIGIN);
    let exposed = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    for header in [
        "idempotent-replayed",
        "location",
        "retry-after",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(exposed.contains(header), "{header} in {exposed}");
    }
    for (origin, method) in [("https://evil.example", "POST"), (ORIGIN, "PUT")] {
        let refused = app
            .client
            .request(reqwest::Method::OPTIONS, app.url(&paths::contributions()))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .send()
            .await
            .unwrap();
        assert!(refused
            .headers()
            .get("access-control-allow-origin")
            .is_none());
        let problem = assert_problem(refused, 403).await;
        assert_eq!(
            problem["type"], "/problems/cors-refused",
            "{origin} {method}"
        );
    }
}

/// The contribution as moderators read it.
async fn as_moderated(app: &TestApp, id: &str) -> serde_json::Value {
    let token = app.moderator().await;
    app.get_json_as(&token, &paths::moderation_contribution(id))
        .await
}

#[actix_web::test]
async fn a_filled_honeypot_is_answered_like_a_person_but_stored_as_spam() {
    let app = TestApp::spawn().await;
    let bot = with(
        example_submission(),
        "website",
        json!("http://offerte.example"),
    );
    let receipt = app.submit_ok(&bot).await;
    assert_eq!(receipt["status"], "pending", "the bot is not told");
    let stored = as_moderated(&app, receipt["id"].as_str().unwrap()).await;
    assert_eq!(stored["status"], "spam");
    assert!(stored["status_reason"]
        .as_str()
        .unwrap()
        .contains("campo nascosto"));
    assert!(app.outbox().is_empty(), "no acknowledgement to a bot");
    assert_eq!(app.get_json(&paths::indicators()).await["counted"], 0);
    // People leave it empty, or the form does not have it.
    for person in [
        with(example_submission(), "website", json!("")),
        with(example_submission(), "website", json!(null)),
    ] {
        let receipt = app.submit_ok(&person).await;
        let stored = as_moderated(&app, receipt["id"].as_str().unwrap()).await;
        assert_eq!(stored["status"], "pending");
    }
    assert_eq!(app.outbox().len(), 2);
}

#[actix_web::test]
async fn a_form_sent_sooner_than_a_person_could_is_spam_and_a_forged_token_proves_nothing() {
    const KEY: &str = "chiave del modulo di prova";
    let app = TestApp::spawn_with(|config| {
        config.form_token_key = Some(KEY.into());
        config.form_min_seconds = 60;
    })
    .await;
    let issued = app.get(&paths::api("/form-token")).await;
    assert_eq!(issued.headers()["cache-control"], "no-store");
    let issued: serde_json::Value = issued.json().await.unwrap();
    assert_eq!(issued["min_seconds"], 60);
    let hasty = with(
        example_submission(),
        "form_token",
        issued["form_token"].clone(),
    );
    let receipt = app.submit_ok(&hasty).await;
    let stored = as_moderated(&app, receipt["id"].as_str().unwrap()).await;
    assert_eq!(stored["status"], "spam");
    assert!(stored["status_reason"]
        .as_str()
        .unwrap()
        .contains("troppo presto"));

    // A token from ten minutes ago, signed with the service's key: a person.
    let guard = rinasce::domain::FormGuard::new(KEY.as_bytes(), 60);
    let earlier = chrono::Utc::now() - chrono::TimeDelta::minutes(10);
    let patient = with(
        example_submission(),
        "form_token",
        json!(guard.issue(earlier)),
    );
    let receipt = app.submit_ok(&patient).await;
    let stored = as_moderated(&app, receipt["id"].as_str().unwrap()).await;
    assert_eq!(stored["status"], "pending");
    // Backdating breaks the signature: the token is ignored, not believed.
    let token = issued["form_token"].as_str().unwrap();
    let (_, signature) = token.split_once('.').unwrap();
    let forged = format!("{}.{signature}", earlier.timestamp());
    for ignored in [json!(forged), json!("garbage"), json!(42)] {
        let receipt = app
            .submit_ok(&with(example_submission(), "form_token", ignored))
            .await;
        let stored = as_moderated(&app, receipt["id"].as_str().unwrap()).await;
        assert_eq!(stored["status"], "pending");
    }
    assert_eq!(app.outbox().len(), 4, "acknowledged: all but the hasty one");
}
