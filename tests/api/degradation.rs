//! The public side while the database is down: the dashboard, its badge and
//! the thematic areas answer from the last figures they had; submissions
//! get 503 with Retry-After.

use crate::support::*;

#[actix_web::test]
async fn while_the_database_is_down_the_public_side_answers_from_the_last_figures() {
    let app = TestApp::spawn().await;
    app.submit_ok(&example_submission()).await;
    let page = app.get("/cruscotto").await.text().await.unwrap();
    assert!(!page.contains("Il database non risponde"));
    assert_eq!(app.get(&paths::thematic_areas()).await.status(), 200);
    // A second contribution makes the figures the page showed out of date.
    app.submit_ok(&example_submission()).await;

    let Some(_outage) = app.take_database_down() else {
        eprintln!("outage tests need PostgreSQL (TEST_DATABASE_URL); see support::outage");
        return;
    };
    let submission = app.submit(&example_submission()).await;
    assert!(submission.headers().contains_key("retry-after"));
    assert_problem(submission, 503).await;

    let dashboard = app.get("/cruscotto").await;
    assert_eq!(dashboard.status(), 200);
    let page = dashboard.text().await.unwrap();
    assert!(
        page.contains("Il database non risponde in questo momento"),
        "the notice"
    );
    assert!(page.contains("ultimi dati disponibili, aggiornati al <time datetime="));

    let badge = app.get("/cruscotto/progress.svg").await;
    assert_eq!(badge.status(), 200);
    assert_eq!(badge.headers()["content-type"], "image/svg+xml");
    assert_eq!(badge.headers()["cache-control"], "no-cache");
    let svg = badge.text().await.unwrap();
    assert!(svg.contains("1 su "), "the last figures: {svg}");

    let areas = app.get(&paths::thematic_areas()).await;
    assert_eq!(areas.status(), 200);
    assert!(areas.headers().contains_key("last-modified"));
    assert!(areas.headers()["warning"]
        .to_str()
        .unwrap()
        .starts_with("110"));
    let areas: serde_json::Value = areas.json().await.unwrap();
    assert_eq!(areas["items"].as_array().unwrap().len(), 9);
}

#[actix_web::test]
async fn a_badge_with_no_figures_yet_is_still_an_image() {
    let app = TestApp::spawn().await;
    let Some(_outage) = app.take_database_down() else {
        eprintln!("outage tests need PostgreSQL (TEST_DATABASE_URL); see support::outage");
        return;
    };
    let badge = app.get("/cruscotto/progress.svg").await;
    assert_eq!(badge.status(), 200);
    assert_eq!(badge.headers()["content-type"], "image/svg+xml");
    assert_eq!(badge.headers()["cache-control"], "no-store");
    assert!(badge.text().await.unwrap().contains("dati non disponibili"));
    assert_problem(app.get(&paths::thematic_areas()).await, 503).await;
}
