//! The committed OpenAPI document is the one the server serves.

use crate::support::*;
use serde_json::Value;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[actix_web::test]
async fn the_committed_document_is_what_the_server_serves() {
    let app = TestApp::spawn().await;
    let served: Value = app.get_json(&paths::openapi()).await;
    let committed: Value = serde_json::from_str(COMMITTED).expect("openapi/openapi.json is JSON");
    assert!(
        served == committed,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[test]
fn the_openapi_command_prints_the_committed_document() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rinasce"))
        .arg("openapi")
        .output()
        .expect("rinasce runs");
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), COMMITTED);
}

#[actix_web::test]
async fn swagger_ui_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let redirect = app.get("/docs").await;
    assert_eq!(redirect.status(), 308);
    let page = app.get("/docs/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    assert!(
        !html.contains("cdn") && !html.contains("unpkg"),
        "no external assets"
    );
    let script = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(script.status(), 200);
}

#[test]
fn every_documented_path_is_relative_to_the_api_base() {
    let document: Value = serde_json::from_str(COMMITTED).unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.contains_key("/status"));
    assert!(paths.keys().all(|p| !p.starts_with("/api")));
    assert_eq!(document["servers"][0]["url"], "/api/v1");
}
