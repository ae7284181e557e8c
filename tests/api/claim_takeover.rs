//! Taking over another moderator's claim (issue 13 §4) is audited as
//! `claim_taken_over`, from whom and by whom; taking, renewing and
//! releasing a claim are not (an open page renews every two minutes).

use reqwest::Method;
use serde_json::Value;

use crate::support::*;

/// A moderator named `name`: their staff id and bearer token.
fn moderator_named(app: &TestApp, name: &str) -> (String, String) {
    use rinasce::app::staff::{self, NewStaff};
    use rinasce::domain::{Actor, EmailAddress, PersonName, Role};
    let email = format!("m-{}@comune.example.org", uuid::Uuid::new_v4().simple());
    let new = NewStaff {
        email: EmailAddress::parse(&email).unwrap(),
        name: PersonName::parse(name).unwrap(),
        role: Role::Moderator,
    };
    let (row, token) = futures::executor::block_on(staff::create(&app.db, Actor::CommandLine, new))
        .expect("staff account created");
    (row.id.to_string(), token.as_str().to_owned())
}

fn claim_path(id: &str, query: &str) -> String {
    paths::with_query(
        format!("{}/claim", paths::moderation_contribution(id)),
        query,
    )
}

async fn call(app: &TestApp, method: Method, path: &str, token: &str) -> reqwest::Response {
    app.as_staff(method, path, token).send().await.unwrap()
}

/// The contribution's audit events with `action`.
async fn events(app: &TestApp, token: &str, id: &str, action: &str) -> Vec<Value> {
    let history = app.get_json_as(token, &paths::moderation_history(id)).await;
    history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|event| event["action"] == action)
        .cloned()
        .collect()
}

async fn all_events(app: &TestApp, token: &str, id: &str) -> usize {
    let history = app.get_json_as(token, &paths::moderation_history(id)).await;
    history["items"].as_array().unwrap().len()
}

async fn submit(app: &TestApp) -> String {
    let receipt = app.submit_ok(&example_submission()).await;
    receipt["id"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn taking_over_a_claim_in_force_is_audited_and_plain_claims_are_not() {
    let app = TestApp::spawn().await;
    let (anna_id, anna) = moderator_named(&app, "Anna Bianchi");
    let (marco_id, marco) = moderator_named(&app, "Marco Neri");
    let id = submit(&app).await;
    let before = all_events(&app, &anna, &id).await;

    // Claimed, renewed, refused to another, released, claimed again: no event.
    assert_eq!(
        call(&app, Method::POST, &claim_path(&id, ""), &anna)
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, Method::POST, &claim_path(&id, ""), &anna)
            .await
            .status(),
        200
    );
    let refused = call(&app, Method::POST, &claim_path(&id, ""), &marco).await;
    let problem = assert_problem(refused, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("Anna Bianchi"));
    assert_eq!(
        call(&app, Method::DELETE, &claim_path(&id, ""), &anna)
            .await
            .status(),
        204
    );
    assert_eq!(
        call(&app, Method::POST, &claim_path(&id, ""), &anna)
            .await
            .status(),
        200
    );
    assert_eq!(
        all_events(&app, &anna, &id).await,
        before,
        "claims are not audited"
    );

    // Marco takes over: his claim now, and one event from Anna to Marco.
    let response = call(
        &app,
        Method::POST,
        &claim_path(&id, "take_over=true"),
        &marco,
    )
    .await;
    assert_eq!(response.status(), 200);
    let claim: Value = response.json().await.unwrap();
    assert_eq!(claim["staff_id"], marco_id.as_str());
    assert_eq!(claim["staff_name"], "Marco Neri");
    let detail = app
        .get_json_as(&anna, &paths::moderation_contribution(&id))
        .await;
    assert_eq!(detail["claim"]["staff_id"], marco_id.as_str());
    let taken = events(&app, &anna, &id, "claim_taken_over").await;
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert_eq!(taken[0]["actor"], marco_id.as_str());
    assert_eq!(taken[0]["actor_name"], "Marco Neri");
    assert_eq!(taken[0]["from"], anna_id.as_str());
    assert_eq!(taken[0]["to"], marco_id.as_str());
    assert_eq!(taken[0]["target_id"], id.as_str());

    // Anna's renewal no longer takes it back; Marco taking over his own
    // claim, or an unclaimed one, is a plain claim: no event.
    let refused = call(&app, Method::POST, &claim_path(&id, ""), &anna).await;
    assert_problem(refused, 409).await;
    let again = call(
        &app,
        Method::POST,
        &claim_path(&id, "take_over=true"),
        &marco,
    )
    .await;
    assert_eq!(again.status(), 200);
    let free = submit(&app).await;
    let response = call(
        &app,
        Method::POST,
        &claim_path(&free, "take_over=true"),
        &anna,
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(events(&app, &anna, &id, "claim_taken_over").await.len(), 1);
    assert!(events(&app, &anna, &free, "claim_taken_over")
        .await
        .is_empty());

    // The audit log finds it by its action.
    let admin = app.admin().await;
    let log = app
        .get_json_as(
            &admin,
            &paths::with_query(paths::audit_log(), "action=claim_taken_over"),
        )
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
}

#[actix_web::test]
async fn take_over_refuses_what_cannot_be_claimed_and_a_bad_value() {
    let app = TestApp::spawn().await;
    let (_, anna) = moderator_named(&app, "Anna Bianchi");
    let (_, marco) = moderator_named(&app, "Marco Neri");
    let id = submit(&app).await;
    call(&app, Method::POST, &claim_path(&id, ""), &anna).await;

    for query in ["take_over=forse", "rubare=true"] {
        let response = call(&app, Method::POST, &claim_path(&id, query), &marco).await;
        assert_problem(response, 422).await;
    }

    app.publish(&id).await;
    let response = call(
        &app,
        Method::POST,
        &claim_path(&id, "take_over=true"),
        &marco,
    )
    .await;
    assert_problem(response, 409).await;
    let missing = claim_path("RF-009999", "take_over=true");
    assert_problem(call(&app, Method::POST, &missing, &marco).await, 404).await;
    assert!(events(&app, &anna, &id, "claim_taken_over")
        .await
        .is_empty());
}

#[actix_web::test]
async fn the_console_offers_to_take_over_and_shows_it_in_the_history() {
    let app = TestApp::spawn().await;
    let anna_row = app.console_account("moderator", "Anna Bianchi");
    let anna = app.console_session_of(anna_row).await;
    let marco_row = app.console_account("moderator", "Marco Neri");
    let marco = app.console_session_of(marco_row).await;
    let receipt = app.submit_ok(&example_submission()).await;
    let reference = receipt["reference"].as_str().unwrap().to_owned();
    let page = format!("/console/coda/{reference}");

    assert_eq!(app.console_get(&anna, &page).await.status(), 200);
    let marcos = app.console_get(&marco, &page).await.text().await.unwrap();
    assert!(marcos.contains("in revisione da Anna Bianchi"), "{marcos}");
    let take_over = format!("{page}/subentro");
    assert!(
        marcos.contains(&format!("action=\"{take_over}\"")),
        "{marcos}"
    );

    // Without the CSRF token nothing changes.
    let response = app
        .console_post_raw(Some(&marco), &take_over, &app.public_origin(), &[])
        .await;
    assert_eq!(response.status(), 403);
    let annas = app.console_get(&anna, &page).await.text().await.unwrap();
    assert!(annas.contains("Lo stai rivedendo tu"), "{annas}");

    let response = app.console_post(&marco, &take_over, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location").unwrap(), page);
    let marcos = app.console_get(&marco, &page).await.text().await.unwrap();
    assert!(marcos.contains("Lo stai rivedendo tu"), "{marcos}");
    assert!(
        marcos.contains("ha preso la revisione al posto di Anna Bianchi"),
        "{marcos}"
    );

    // Anna's open page learns it at its next renewal.
    let renewal = app
        .client
        .post(app.url(&format!("{page}/presa")))
        .header("Cookie", anna.cookie_header())
        .header("Origin", app.public_origin())
        .header("X-CSRF-Token", &anna.csrf)
        .send()
        .await
        .unwrap();
    let claim: Value = renewal.json().await.unwrap();
    assert_eq!(claim["held"], false);
    assert!(
        claim["text"].as_str().unwrap().contains("Marco Neri"),
        "{claim}"
    );

    // The admin's audit log names the action and both moderators.
    let elena = app.console_account("admin", "Elena Ferri");
    let elena = app.console_session_of(elena).await;
    let (status, log) = app
        .console_page(&elena, "/console/admin/registro?action=claim_taken_over")
        .await;
    assert_eq!(status, 200);
    assert!(log.contains("revisione presa a un collega"), "{log}");
    assert!(log.contains("Anna Bianchi → Marco Neri"), "{log}");
    assert!(log.contains(&format!("href=\"{page}\"")), "{log}");
    let (_, log) = app
        .console_page_in_english(&elena, "/console/admin/registro?action=claim_taken_over")
        .await;
    assert!(log.contains("review taken over"), "{log}");
}

/// Moderators asking for "next pending" at the same moment each get their
/// own contribution, and hold its claim (on PostgreSQL two could get the
/// same one, the second's claim overwriting the first's).
#[actix_web::test]
async fn concurrent_next_pending_gives_each_moderator_a_different_contribution() {
    let app = TestApp::spawn().await;
    let moderators: Vec<(String, String)> = (0..6)
        .map(|n| moderator_named(&app, &format!("Moderatrice {n}")))
        .collect();
    let mut pending = Vec::new();
    for _ in 0..18 {
        pending.push(submit(&app).await);
    }
    let path = paths::api("/moderation/next-pending");
    let mut seen = std::collections::HashSet::new();
    for round in 0..3 {
        let answers = futures::future::join_all(
            moderators
                .iter()
                .map(|(_, token)| call(&app, Method::POST, &path, token)),
        )
        .await;
        for ((staff_id, token), answer) in moderators.iter().zip(answers) {
            assert_eq!(answer.status(), 200, "round {round}");
            let body: Value = answer.json().await.unwrap();
            let id = body["id"].as_str().unwrap().to_owned();
            assert!(seen.insert(id.clone()), "round {round}: {id} given twice");
            let detail = app
                .get_json_as(token, &paths::moderation_contribution(&id))
                .await;
            assert_eq!(detail["claim"]["staff_id"], staff_id.as_str());
            // Done with it: the next round's choices skip it.
            app.publish(&id).await;
        }
    }
    assert_eq!(seen.len(), pending.len());
}
