//! `/assets/…`: the pages' files come from the binary, with their type, and
//! revalidate by content hash; an unknown file is a 404 problem.

use crate::support::*;

#[actix_web::test]
async fn an_asset_is_served_with_its_type_and_revalidates_by_its_hash() {
    let app = TestApp::spawn().await;
    let response = app.get("/assets/favicon.svg").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(response.text().await.unwrap().starts_with("<svg"));

    let again = app
        .client
        .get(app.url("/assets/favicon.svg"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
}

#[actix_web::test]
async fn an_unknown_asset_is_a_404_problem() {
    let app = TestApp::spawn().await;
    for path in ["/assets/nothing.css", "/assets/../Cargo.toml", "/assets/"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{path}"
        );
    }
}
