//! Claims (issue 13 §4): who is reviewing a pending contribution, shown to
//! the other moderators in the list and the detail, skipped by "next pending".

use crate::support::*;
use reqwest::Method;
use serde_json::Value;

/// A moderator with a name others will read; returns the token.
fn moderator_named(app: &TestApp, name: &str) -> String {
    use rinasce::app::staff::{self, NewStaff};
    use rinasce::domain::{Actor, EmailAddress, PersonName, Role};
    let email = format!("m-{}@comune.example.org", uuid::Uuid::new_v4().simple());
    let new = NewStaff {
        email: EmailAddress::parse(&email).unwrap(),
        name: PersonName::parse(name).unwrap(),
        role: Role::Moderator,
    };
    let (_, token) = futures::executor::block_on(staff::create(&app.db, Actor::CommandLine, new))
        .expect("staff account created");
    token.as_str().to_owned()
}

fn claim_path(id: &str) -> String {
    format!("{}/claim", paths::moderation_contribution(id))
}

fn next_pending_path() -> String {
    paths::api("/moderation/next-pending")
}

async fn claim(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
    app.as_staff(Method::POST, &claim_path(id), token)
        .send()
        .await
        .unwrap()
}

async fn next_pending(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.as_staff(
        Method::POST,
        &paths::with_query(next_pending_path(), query),
        token,
    )
    .send()
    .await
    .unwrap()
}

async fn submit_ids(app: &TestApp, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..count {
        let receipt = app.submit_ok(&example_submission()).await;
        ids.push(receipt["id"].as_str().unwrap().to_owned());
    }
    ids
}

/// The claim shown in the queue's row for `id`.
async fn claim_in_queue(app: &TestApp, token: &str, id: &str) -> Value {
    let page = app
        .get_json_as(
            token,
            &paths::with_query(paths::moderation_contributions(), "status=pending"),
        )
        .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == id)
        .expect("listed")["claim"]
        .clone()
}

#[actix_web::test]
async fn a_claim_is_taken_renewed_and_seen_by_other_moderators_in_list_and_detail() {
    let app = TestApp::spawn().await;
    let anna = moderator_named(&app, "Anna Bianchi");
    let marco = moderator_named(&app, "Marco Neri");
    let ids = submit_ids(&app, 1).await;

    let response = claim(&app, &anna, &ids[0]).await;
    assert_eq!(response.status(), 200);
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["staff_name"], "Anna Bianchi");
    let until =
        chrono::DateTime::parse_from_rfc3339(first["claimed_until"].as_str().unwrap()).unwrap();
    let minutes = (until.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds();
    assert!(
        (590..=600).contains(&minutes),
        "ten minutes, got {minutes} s"
    );

    // Renewing answers the same holder with a time no earlier.
    let renewed: Value = claim(&app, &anna, &ids[0]).await.json().await.unwrap();
    assert_eq!(renewed["staff_id"], first["staff_id"]);
    assert!(renewed["claimed_until"].as_str() >= first["claimed_until"].as_str());

    // Marco sees Anna's claim in the detail and the queue…
    let detail = app
        .get_json_as(&marco, &paths::moderation_contribution(&ids[0]))
        .await;
    assert_eq!(detail["claim"]["staff_name"], "Anna Bianchi");
    assert_eq!(
        claim_in_queue(&app, &marco, &ids[0]).await["staff_name"],
        "Anna Bianchi"
    );
    // …cannot take it over, and is told by whom it is held…
    let problem = assert_problem(claim(&app, &marco, &ids[0]).await, 409).await;
    assert_eq!(problem["type"], "/problems/claimed");
    assert!(
        problem["detail"].as_str().unwrap().contains("Anna Bianchi"),
        "{problem}"
    );
    // …but may still act: a warning, not a lock. Acting ends the claim.
    app.set_status(&ids[0], "approved").await;
    let detail = app
        .get_json_as(&marco, &paths::moderation_contribution(&ids[0]))
        .await;
    assert_eq!(detail["claim"], Value::Null);
}

#[actix_web::test]
async fn releasing_ends_ones_own_claim_only() {
    let app = TestApp::spawn().await;
    let anna = moderator_named(&app, "Anna Bianchi");
    let marco = moderator_named(&app, "Marco Neri");
    let ids = submit_ids(&app, 1).await;
    assert_eq!(claim(&app, &anna, &ids[0]).await.status(), 200);

    // Marco's DELETE leaves Anna's claim in place.
    let response = app.delete_as(&marco, &claim_path(&ids[0])).await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        claim_in_queue(&app, &marco, &ids[0]).await["staff_name"],
        "Anna Bianchi"
    );

    let response = app.delete_as(&anna, &claim_path(&ids[0])).await;
    assert_eq!(response.status(), 204);
    assert_eq!(claim_in_queue(&app, &marco, &ids[0]).await, Value::Null);
    // Free again, Marco may claim it.
    let taken: Value = claim(&app, &marco, &ids[0]).await.json().await.unwrap();
    assert_eq!(taken["staff_name"], "Marco Neri");
}

#[actix_web::test]
async fn next_pending_skips_claimed_contributions_and_claims_what_it_answers() {
    let app = TestApp::spawn().await;
    let anna = moderator_named(&app, "Anna Bianchi");
    let marco = moderator_named(&app, "Marco Neri");
    let ids = submit_ids(&app, 3).await;
    app.set_status(&ids[1], "approved").await;

    // Anna reviews the oldest; Marco's next is the third (the second is done).
    assert_eq!(claim(&app, &anna, &ids[0]).await.status(), 200);
    let response = next_pending(&app, &marco, "").await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "etag").is_some());
    let next: Value = response.json().await.unwrap();
    assert_eq!(next["id"], ids[2].as_str());
    assert_eq!(next["claim"]["staff_name"], "Marco Neri");

    // Anna, leaving the first, gets nothing: the third is Marco's now.
    let response = next_pending(&app, &anna, &format!("skip={}", ids[0])).await;
    assert_eq!(response.status(), 204);
    // Leaving released her claim on the first, so Marco's next is the first.
    let next: Value = next_pending(&app, &marco, &format!("skip={}", ids[2]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["id"], ids[0].as_str());
}

#[actix_web::test]
async fn claims_refuse_what_is_not_there_or_not_pending() {
    let app = TestApp::spawn().await;
    let anna = moderator_named(&app, "Anna Bianchi");
    let ids = submit_ids(&app, 1).await;
    let unknown = uuid::Uuid::now_v7().to_string();

    assert_problem(claim(&app, &anna, &unknown).await, 404).await;
    assert_problem(claim(&app, &anna, "not-an-id").await, 404).await;
    assert_problem(app.delete_as(&anna, &claim_path(&unknown)).await, 404).await;

    app.set_status(&ids[0], "approved").await;
    let problem = assert_problem(claim(&app, &anna, &ids[0]).await, 409).await;
    assert_eq!(problem["type"], "/problems/not-pending");

    let problem = assert_problem(next_pending(&app, &anna, "skip=RF-nope").await, 422).await;
    assert_eq!(failing_fields(&problem), vec!["skip"]);
    let problem = assert_problem(next_pending(&app, &anna, "after=1").await, 422).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("after"),
        "{problem}"
    );

    // Without a token, or with a researcher's, nothing is claimed.
    let researcher = app.researcher().await;
    assert_problem(claim(&app, &researcher, &unknown).await, 403).await;
    let response = app
        .client
        .post(app.url(&claim_path(&unknown)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
