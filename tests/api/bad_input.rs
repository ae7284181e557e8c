//! A corpus of hostile input against every route that takes a body, a path
//! id or a query: each answer is a 4xx problem+json (or a success where the
//! input is in fact acceptable), never a 500 and never a hang.

use std::time::Duration;

use crate::support::*;
use serde_json::json;

fn corpus_bodies() -> Vec<Vec<u8>> {
    let mut bodies: Vec<Vec<u8>> = vec![
        vec![0xff, 0xfe, 0xfd],
        b"{\"title\": \"\xc3\x28\"}".to_vec(),
        format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
        format!("{}1{}", "{\"a\":".repeat(3_000), "}".repeat(3_000)).into_bytes(),
        b"{\"quartiere\": 1e999999}".to_vec(),
        b"{\"ids\": [99999999999999999999999999999999999999]}".to_vec(),
        json!({"ids": vec!["00000000-0000-0000-0000-000000000000"; 10_000]})
            .to_string()
            .into_bytes(),
        json!({"tags": vec!["a"; 10_000]}).to_string().into_bytes(),
        json!({"title": "'; DROP TABLE contributions; --", "email": "\" OR 1=1 --"})
            .to_string()
            .into_bytes(),
        json!({"title": "<script>alert(1)</script>", "text": "<img src=x onerror=alert(1)>"})
            .to_string()
            .into_bytes(),
        json!({"email": "a@b.c\r\nBcc: x@y.z", "name": "x\r\nSet-Cookie: a=b"})
            .to_string()
            .into_bytes(),
        b"null".to_vec(),
        b"\"\"".to_vec(),
        b"".to_vec(),
        vec![b' '; 70 * 1024],
    ];
    bodies.push(
        example_submission()
            .to_string()
            .replace("Maria", "Ma\u{0000}ria")
            .into_bytes(),
    );
    bodies
}

async fn assert_client_error_or_success(response: reqwest::Response, what: &str) {
    let status = response.status().as_u16();
    assert!(status < 500, "{what}: {status}");
    if status >= 400 {
        let content_type = content_type_of(&response);
        assert!(
            content_type.starts_with("application/problem+json"),
            "{what}: {status} {content_type}"
        );
    }
}

#[actix_web::test]
async fn hostile_bodies_get_4xx_problem_json_on_every_route_that_takes_one() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receipt = app.submit_ok(&example_submission()).await;
    let id = receipt["id"].as_str().unwrap().to_owned();
    let routes: Vec<(reqwest::Method, String, &str)> = vec![
        (
            reqwest::Method::POST,
            paths::contributions(),
            "application/json",
        ),
        (
            reqwest::Method::POST,
            paths::moderation_contributions(),
            "application/json",
        ),
        (
            reqwest::Method::PATCH,
            paths::moderation_contribution(&id),
            "application/merge-patch+json",
        ),
        (
            reqwest::Method::POST,
            paths::moderation_notes(&id),
            "application/json",
        ),
        (
            reqwest::Method::POST,
            paths::bulk_actions(),
            "application/json",
        ),
        (
            reqwest::Method::POST,
            paths::admin_staff(),
            "application/json",
        ),
        (
            reqwest::Method::POST,
            paths::admin_thematic_areas(),
            "application/json",
        ),
        (
            reqwest::Method::PATCH,
            paths::admin_thematic_area("mobilita-green"),
            "application/merge-patch+json",
        ),
        (
            reqwest::Method::POST,
            paths::erasure_requests(),
            "application/json",
        ),
    ];
    for (method, path, content_type) in &routes {
        for body in corpus_bodies() {
            let response = app
                .as_staff(method.clone(), path, &admin)
                .header("Content-Type", *content_type)
                .header("If-Match", "*")
                .timeout(Duration::from_secs(10))
                .body(body.clone())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{method} {path}: no answer: {e}"));
            let preview = String::from_utf8_lossy(&body[..body.len().min(40)]).into_owned();
            assert_client_error_or_success(response, &format!("{method} {path} {preview}")).await;
        }
    }
    assert_eq!(app.get(&paths::status()).await.status(), 200);
}

#[actix_web::test]
async fn hostile_ids_queries_and_headers_get_4xx_problem_json() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ids = [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "1%27%20OR%20%271%27%3D%271",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%00",
        "9999999999999999999999",
        &"a".repeat(2000),
    ];
    for id in ids {
        for path in [
            paths::contribution(id),
            paths::moderation_contribution(id),
            paths::moderation_history(id),
            paths::moderation_similar(id),
            paths::outbox_retry(id),
            paths::admin_staff_member(id),
        ] {
            let response = app.get_as(&admin, &path).await;
            assert_client_error_or_success(response, &path).await;
        }
    }
    for query in [
        "status=pending%00",
        "q=%27%20OR%201%3D1%20--",
        "q=%3Cscript%3E",
        "limit=1e9",
        "cursor=%FF%FE",
        "received_from=2020-13-45",
        "sort=;DROP",
        "tag=../../etc",
        "quartiere=99999999999999999999",
        "channel[]=form",
        "author_kind=citizen&author_kind=citizen",
    ] {
        for route in [
            &paths::moderation_contributions(),
            &paths::contributions(),
            &paths::audit_log(),
            &paths::outbox(),
        ] {
            let path = format!("{route}?{query}");
            let response = app.get_as(&admin, &path).await;
            assert_client_error_or_success(response, &path).await;
        }
    }
    for header in [
        "Bearer \u{0}",
        "Bearer a\tb",
        &format!("Bearer {}", "x".repeat(8000)),
        "Basic YTpi",
        "Bearer",
    ] {
        let response = app
            .client
            .get(app.url(&paths::moderation_contributions()))
            .header("Authorization", header.as_bytes())
            .send()
            .await;
        if let Ok(response) = response {
            assert_client_error_or_success(response, header).await;
        }
    }
}
