//! Every error, including those actix raises itself, is problem+json, in
//! Italian by default and in English on request.

use crate::support::*;
use serde_json::Value;

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    for body in ["{", "{\"title\": }", "not json", "", "{\"a\":1}{\"b\":2}"] {
        let problem = assert_problem(app.post_raw(&paths::contributions(), body).await, 400).await;
        assert_eq!(problem["type"], "/problems/malformed-request", "{body}");
    }
}

#[actix_web::test]
async fn invalid_utf8_is_refused() {
    let app = TestApp::spawn().await;
    let mut bytes = example_submission().to_string().into_bytes();
    let at = bytes.iter().position(|b| *b == b'M').unwrap();
    bytes[at] = 0xff;
    assert_problem(app.post_raw(&paths::contributions(), bytes).await, 400).await;
    assert_eq!(app.count_contributions(), 0);
}

#[actix_web::test]
async fn deeply_nested_json_is_refused_without_crashing() {
    let app = TestApp::spawn().await;
    let nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    assert_problem(app.post_raw(&paths::contributions(), nested).await, 400).await;
    let status = app.get(&paths::status()).await;
    assert_eq!(status.status(), 200);
}

#[actix_web::test]
async fn a_body_over_64_kib_is_413() {
    let app = TestApp::spawn().await;
    let body = with(
        example_submission(),
        "body",
        Value::String("x".repeat(70 * 1024)),
    );
    let problem = assert_problem(app.submit(&body).await, 413).await;
    assert_eq!(problem["type"], "/problems/payload-too-large");
    assert_eq!(app.count_contributions(), 0);
}

#[actix_web::test]
async fn a_body_that_is_not_json_is_415() {
    let app = TestApp::spawn().await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = app
            .client
            .post(app.url(&paths::contributions()))
            .body(example_submission().to_string());
        if let Some(content_type) = content_type {
            request = request.header("Content-Type", content_type);
        }
        assert_problem(request.send().await.unwrap(), 415).await;
    }
    let charset = app
        .client
        .post(app.url(&paths::contributions()))
        .header("Content-Type", "application/json; charset=utf-8")
        .body(example_submission().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(charset.status(), 201);
}

#[actix_web::test]
async fn unknown_routes_are_404_and_wrong_methods_405() {
    let app = TestApp::spawn().await;
    for path in [
        &paths::api("/nothing"),
        "/nothing",
        "/api/v2/status",
        &paths::api("/contributions/a/b"),
    ] {
        assert_problem(app.get(path).await, 404).await;
    }
    let response = app
        .client
        .delete(app.url(&paths::contributions()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET, POST");
    assert_problem(response, 405).await;
    let response = app
        .client
        .put(app.url(&paths::indicators()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    assert_problem(response, 405).await;
}

#[actix_web::test]
async fn ids_that_are_not_uuids_are_404() {
    let app = TestApp::spawn().await;
    for id in [
        "42",
        "..%2F..%2Fetc%2Fpasswd",
        "%27%20OR%201%3D1",
        "00000000-0000-0000-0000-000000000000",
    ] {
        assert_problem(app.get(&paths::contribution(id)).await, 404).await;
    }
}

#[actix_web::test]
async fn a_pending_contribution_is_not_public() {
    let app = TestApp::spawn().await;
    let receipt = app.submit_ok(&example_submission()).await;
    let id = receipt["id"].as_str().unwrap();
    assert_problem(app.get(&paths::contribution(id)).await, 404).await;
}

#[actix_web::test]
async fn messages_are_italian_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let body = without(example_submission(), "title");
    let italian = assert_problem(app.submit(&body).await, 422).await;
    assert_eq!(italian["title"], "Dati non validi");
    assert_eq!(italian["errors"][0]["message"], "campo obbligatorio");

    let english = app
        .client
        .post(app.url(&paths::contributions()))
        .header("Content-Type", "application/json")
        .header("Accept-Language", "en-GB,en;q=0.9,it;q=0.5")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(english.headers()["content-language"], "en");
    let english = assert_problem(english, 422).await;
    assert_eq!(english["title"], "Invalid data");
    assert_eq!(english["errors"][0]["message"], "is required");

    let not_found = app
        .client
        .get(app.url(&paths::api("/nothing")))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(assert_problem(not_found, 404).await["title"], "Not found");
}

#[actix_web::test]
async fn invalid_query_parameters_are_422_naming_them() {
    let app = TestApp::spawn().await;
    let problem = assert_problem(
        app.get(&paths::with_query(
            paths::contributions(),
            "limit=0&quartiere=9&cursor=garbage",
        ))
        .await,
        422,
    )
    .await;
    let mut fields = failing_fields(&problem);
    fields.sort();
    assert_eq!(fields, ["cursor", "limit", "quartiere"]);
    assert_problem(
        app.get(&paths::with_query(paths::contributions(), "limit=501"))
            .await,
        422,
    )
    .await;
    assert_problem(
        app.get(&paths::with_query(paths::contributions(), "limit=abc"))
            .await,
        422,
    )
    .await;
    assert_problem(
        app.get(&paths::with_query(paths::contributions(), "quartiere=1.5"))
            .await,
        422,
    )
    .await;
}

#[actix_web::test]
async fn status_is_a_problem_document_with_200() {
    let app = TestApp::spawn().await;
    let response = app.get(&paths::status()).await;
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], 200);
}

#[actix_web::test]
async fn status_is_503_with_retry_after_when_the_database_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    // A SQLite path inside a missing directory can never be opened; on
    // PostgreSQL a closed port plays the same part.
    let unreachable = match backend_name() {
        "postgres" => "postgres://postgres@127.0.0.1:1/none".to_owned(),
        _ => dir.path().join("missing/dir/x.db").display().to_string(),
    };
    let mut config = test_config(&unreachable, dir.path());
    config.db_pool_size = 2;
    let state = actix_web::web::Data::new(rinasce::http::AppState::new(
        rinasce::db::Db::connect(&unreachable, 2),
        config,
    ));
    let app = actix_web::test::init_service(rinasce::http::application(state)).await;
    for path in [
        &paths::status(),
        &paths::indicators(),
        &paths::thematic_areas(),
    ] {
        let request = actix_web::test::TestRequest::get().uri(path).to_request();
        let response = actix_web::test::call_service(&app, request).await;
        assert_eq!(response.status(), 503, "{path}");
        assert_eq!(response.headers().get("retry-after").unwrap(), "5");
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
    }
}

#[actix_web::test]
async fn control_characters_and_odd_query_strings_are_422_not_500() {
    let app = TestApp::spawn().await;
    for query in [
        "q=%00",
        "q=a%00b",
        "thematic_area=%00",
        "q=%1b%5b31m",
        "limit=1&limit=2",
        "limit=-1",
        "limit=99999999999999999999",
        "cursor=LTkyMjMzNzIwMzY4NTQ3NzU4MDg6MQ",
        "cursor=MjUzNDAyMzAwODAwMDAwMDAwOjU",
    ] {
        let problem = assert_problem(
            app.get(&paths::with_query(paths::contributions(), query))
                .await,
            422,
        )
        .await;
        assert!(problem["detail"].is_string(), "{query}");
    }
    let long = "a".repeat(201);
    let problem = assert_problem(
        app.get(&paths::with_query(
            paths::contributions(),
            format!("q={long}"),
        ))
        .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["q"]);
}

#[actix_web::test]
async fn head_answers_like_get_without_a_body() {
    let app = TestApp::spawn().await;
    for path in [
        &paths::status(),
        &paths::indicators(),
        &paths::thematic_areas(),
    ] {
        let response = app.client.head(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(response.bytes().await.unwrap().is_empty());
    }
    let missing = app
        .client
        .head(app.url(&paths::api("/nothing")))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[actix_web::test]
async fn translated_answers_vary_by_language() {
    let app = TestApp::spawn().await;
    let response = app.get(&paths::api("/nothing")).await;
    let vary = response.headers()["vary"].to_str().unwrap();
    assert!(vary.contains("Accept-Language"), "{vary}");
}
