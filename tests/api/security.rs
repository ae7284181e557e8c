//! Findings of the second security review (issue 16): one test per finding.

use crate::support::*;

async fn post_submission(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("Content-Type", "application/json")
        .body(example_submission().to_string())
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn percent_encoded_spellings_of_the_submission_path_are_limited_too() {
    // Issue 16 item 1: the limiter compared the raw path, the router decodes it.
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 2).await;
    let first = post_submission(&app, "/api/v1/contribution%73").await;
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["x-ratelimit-limit"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "1");
    let second = post_submission(&app, "/%61pi/v1/contributions").await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["x-ratelimit-remaining"], "0");
    for spelling in [
        paths::contributions(),
        "/api/v1/contribution%73".to_owned(),
        "/%61pi/v1/contributions".to_owned(),
    ] {
        let refused = post_submission(&app, &spelling).await;
        assert_eq!(refused.headers()["x-ratelimit-limit"], "2", "{spelling}");
        assert_problem(refused, 429).await;
    }
    assert_eq!(app.count_contributions(), 2);
}
