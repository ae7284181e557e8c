//! The public listing as the Rete Civica reads it: area names, totals,
//! lookup by reference, strict parameters, caching; and framing the dashboard.

use crate::support::*;
use serde_json::{json, Value};

async fn published(app: &TestApp, area: &str) -> String {
    let body = with(example_submission(), "thematic_area", json!(area));
    let id = app.submit_ok(&body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.publish(&id).await;
    id
}

async fn listing(app: &TestApp, query: &str) -> Value {
    app.get_json(&paths::with_query(paths::contributions(), query))
        .await
}

#[actix_web::test]
async fn the_listing_names_areas_counts_matches_and_finds_a_reference() {
    let app = TestApp::spawn().await;
    published(&app, "mobilita-green").await;
    published(&app, "citta-policentrica").await;
    let all = listing(&app, "limit=1").await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["items"].as_array().unwrap().len(), 1);
    assert_eq!(all["items"][0]["thematic_area"], "citta-policentrica");
    assert_eq!(all["items"][0]["thematic_area_name"], "Città policentrica");
    let green = listing(&app, "thematic_area=mobilita-green").await;
    assert_eq!(green["total"], 1);
    assert_eq!(green["items"][0]["thematic_area_name"], "Mobilità green");
    for query in ["q=RF-000001", "q=rf-000001", "reference=RF-000001"] {
        let found = listing(&app, query).await;
        assert_eq!(found["total"], 1, "{query}");
        assert_eq!(found["items"][0]["reference"], "RF-000001", "{query}");
    }
    assert_eq!(listing(&app, "reference=RF-000099").await["total"], 0);
}

#[actix_web::test]
async fn an_invalid_filter_or_an_unknown_parameter_is_422() {
    let app = TestApp::spawn().await;
    for (query, field) in [
        ("reference=42", Some("reference")),
        ("thematic_area=MOBILITA", Some("thematic_area")),
        ("quartiere=9", Some("quartiere")),
        ("colour=blue", None),
        ("area=mobilita-green", None),
    ] {
        let problem = assert_problem(
            app.get(&paths::with_query(paths::contributions(), query))
                .await,
            422,
        )
        .await;
        if let Some(field) = field {
            assert_eq!(failing_fields(&problem), [field], "{query}");
        } else {
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains(query.split('=').next().unwrap()),
                "{problem}"
            );
        }
    }
}

#[actix_web::test]
async fn the_listing_can_be_cached_and_revalidated() {
    let app = TestApp::spawn().await;
    published(&app, "mobilita-green").await;
    let first = app.get(&paths::contributions()).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "public, max-age=60");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let conditional = |etag: String| {
        app.client
            .get(app.url(&paths::contributions()))
            .header("If-None-Match", etag)
            .send()
    };
    let unchanged = conditional(etag.clone()).await.unwrap();
    assert_eq!(unchanged.status(), 304);
    assert_eq!(unchanged.headers()["etag"], etag.as_str());
    assert!(unchanged.bytes().await.unwrap().is_empty());
    published(&app, "mobilita-green").await;
    let changed = conditional(etag.clone()).await.unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"], etag.as_str());
}

#[actix_web::test]
async fn the_dashboard_can_be_framed_only_by_the_listed_origins() {
    let closed = TestApp::spawn().await;
    let page = closed.get("/cruscotto").await;
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.ends_with("frame-ancestors 'none'"), "{policy}");

    let open = TestApp::spawn_with(|config| {
        config.frame_ancestors = vec![
            "https://www.comune.fi.it".into(),
            "https://rete.civica.example".into(),
        ]
    })
    .await;
    let page = open.get("/cruscotto").await;
    assert!(page.headers().get("x-frame-options").is_none());
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.ends_with("frame-ancestors https://www.comune.fi.it https://rete.civica.example"),
        "{policy}"
    );
    // Only the dashboard: the API still refuses to be framed.
    let api = open.get(&paths::contributions()).await;
    assert_eq!(api.headers()["x-frame-options"], "DENY");
}
