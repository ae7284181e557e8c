//! `GET /api/v1/indicators`: the PEG indicator as SPEC §2 defines it.

use crate::support::*;
use serde_json::{json, Value};

#[actix_web::test]
async fn counted_excludes_spam_duplicates_and_other_channels() {
    let app = TestApp::spawn().await;
    let mut ids = Vec::new();
    for area in [
        "mobilita-green",
        "mobilita-green",
        "cultura-diffusa",
        "cultura-diffusa",
        "bambini-famiglie",
    ] {
        let receipt = app
            .submit_ok(&with(example_submission(), "thematic_area", json!(area)))
            .await;
        ids.push(receipt["id"].as_str().unwrap().to_owned());
    }
    app.set_status(&ids[2], "spam").await;
    app.mark_duplicate(&ids[3], &ids[0]).await;
    app.set_status(&ids[4], "rejected").await;
    // A letter a moderator registers: another channel, never counted.
    let moderator = app.moderator().await;
    let offline = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &json!({
                "channel": "paper",
                "thematic_area": "mobilita-green",
                "title": "Più piste ciclabili sui viali",
                "body": "Lettera: collegare i viali con una pista ciclabile protetta.",
                "author": {"kind": "citizen", "quartiere": 2}
            }),
        )
        .await;
    assert_eq!(offline.status(), 201);

    let indicators = app.indicators_when(|i| i["counted"] == 3).await;
    assert_eq!(indicators["target"], 300);
    assert_eq!(indicators["received"], 5);
    assert_eq!(indicators["counted"], 3);
    assert_eq!(indicators["percent"], 1.0);
    assert_eq!(indicators["reached_at"], Value::Null);
    let areas = indicators["by_thematic_area"].as_array().unwrap();
    assert_eq!(areas.len(), 9, "every active area, zeros included");
    let count_of = |code: &str| areas.iter().find(|a| a["code"] == code).unwrap()["count"].clone();
    assert_eq!(count_of("mobilita-green"), 2);
    assert_eq!(count_of("cultura-diffusa"), 0);
    assert_eq!(count_of("bambini-famiglie"), 1);
    assert_eq!(count_of("citta-intelligente"), 0);
    assert_eq!(
        indicators["by_quartiere"][1],
        json!({"quartiere": 2, "count": 3})
    );
    assert_eq!(
        indicators["by_author_kind"][0],
        json!({"kind": "citizen", "count": 3})
    );
    let daily = indicators["daily"].as_array().unwrap();
    assert_eq!(daily.len(), 1);
    assert_eq!(daily[0]["count"], 3);
    assert_eq!(daily[0]["cumulative"], 3);
}

#[actix_web::test]
async fn a_submission_shows_at_once_and_inactive_areas_are_left_out() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_json(&paths::indicators()).await["counted"], 0);
    app.submit_ok(&example_submission()).await;
    assert_eq!(app.get_json(&paths::indicators()).await["counted"], 1);
    // Written by another server on the same database, whose cache this one
    // does not share: visible within one second.
    let other = app.spawn_on_same_database(|_| {}).await;
    other
        .change_area("cultura-diffusa", json!({"active": false}))
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let areas = app.get_json(&paths::indicators()).await["by_thematic_area"].clone();
    assert_eq!(areas.as_array().unwrap().len(), 8);
}

#[actix_web::test]
async fn reaching_the_target_is_recorded_once_and_kept() {
    let app = TestApp::spawn_with(|config| config.target = 3).await;
    let mut receipts = Vec::new();
    for _ in 0..3 {
        receipts.push(app.submit_ok(&example_submission()).await);
    }
    let indicators = app.get_json(&paths::indicators()).await;
    assert_eq!(indicators["counted"], 3);
    assert_eq!(indicators["percent"], 100.0);
    assert_eq!(indicators["reached_at"], receipts[2]["received_at"]);

    // Later spam marking lowers the count but not the milestone.
    app.set_status(receipts[0]["id"].as_str().unwrap(), "spam")
        .await;
    let indicators = app.indicators_when(|i| i["counted"] == 2).await;
    assert_eq!(indicators["counted"], 2);
    assert_eq!(indicators["reached_at"], receipts[2]["received_at"]);
}

#[actix_web::test]
async fn a_milestone_missed_by_writers_is_recorded_from_the_data() {
    let app = TestApp::spawn_with(|config| config.target = 2).await;
    let first = app.submit_ok(&example_submission()).await;
    // Changed where no writer sees it, so none records the milestone.
    app.set_status_unseen_by_writers(first["id"].as_str().unwrap(), "spam");
    let second = app.submit_ok(&example_submission()).await;
    app.set_status_unseen_by_writers(first["id"].as_str().unwrap(), "pending");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let indicators = app.get_json(&paths::indicators()).await;
    assert_eq!(indicators["counted"], 2);
    assert_eq!(indicators["reached_at"], second["received_at"]);
}
