//! Erasure requests by contribution (for authors without an address) and
//! the notes that name the person.

use crate::support::*;
use serde_json::{json, Value};

fn paper_by_giulia() -> Value {
    json!({
        "channel": "paper",
        "thematic_area": "citta-intelligente",
        "title": "Panchine all'ombra",
        "body": "Scritto a mano all'URP: panchine all'ombra lungo i viali per chi aspetta il bus.",
        "author": {"kind": "citizen", "given_name": "Giulia", "family_name": "Verdi"}
    })
}

async fn register(app: &TestApp, moderator: &str, body: &Value) -> Value {
    let response = app
        .post_json_as(moderator, &paths::moderation_contributions(), body)
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn add_note(app: &TestApp, moderator: &str, id: &str, text: &str) -> String {
    let response = app
        .post_json_as(
            moderator,
            &paths::moderation_notes(id),
            &json!({ "text": text }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let note: Value = response.json().await.unwrap();
    note["id"].as_str().unwrap().to_owned()
}

async fn erase(app: &TestApp, token: &str, body: Value) -> reqwest::Response {
    app.post_json_as(token, &paths::erasure_requests(), &body)
        .await
}

#[actix_web::test]
async fn a_paper_contribution_is_erased_by_its_reference_with_the_notes_that_name_the_author() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    let by_mail = app.submit_ok(&example_submission()).await;
    let paper = register(&app, &moderator, &paper_by_giulia()).await;
    let paper_id = paper["id"].as_str().unwrap();
    let named = add_note(&app, &moderator, paper_id, "Giulia Verdi ha telefonato").await;
    let also_named = add_note(&app, &moderator, paper_id, "Abita sopra la farmacia").await;
    let kept = add_note(&app, &moderator, paper_id, "Proposta già discussa").await;

    let response = erase(
        &app,
        &admin,
        json!({
            "contribution": paper["reference"].as_str().unwrap().to_lowercase(),
            "notes": [
                {"id": named, "text": "L'autrice ha telefonato"},
                {"id": also_named, "text": null}
            ]
        }),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let report: Value = response.json().await.unwrap();
    assert_eq!(report["references"], json!([paper["reference"]]));
    assert_eq!(report["contributions_affected"], 1);
    assert_eq!(report["emails_cancelled"], 0);
    assert_eq!(report["notes_edited"], 1);
    assert_eq!(report["notes_removed"], 1);

    let record = app
        .get_json_as(&moderator, &paths::moderation_contribution(paper_id))
        .await;
    assert_eq!(record["author"]["given_name"], Value::Null);
    assert_eq!(record["author"]["family_name"], Value::Null);
    assert_eq!(record["title"], "Panchine all'ombra", "the text stays");
    let notes: Vec<(&str, &str)> = record["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        notes,
        [
            (named.as_str(), "L'autrice ha telefonato"),
            (kept.as_str(), "Proposta già discussa")
        ]
    );
    let other = app
        .get_json_as(
            &moderator,
            &paths::moderation_contribution(by_mail["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(other["author"]["email"], "maria.rossi@example.org");

    let history = app
        .get_json_as(&admin, &paths::moderation_history(paper_id))
        .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"note_edited"), "{actions:?}");
    assert!(actions.contains(&"note_removed"), "{actions:?}");
    let log = app
        .get_json_as(&admin, &paths::audit_log())
        .await
        .to_string();
    assert!(!log.contains("Giulia"), "the log keeps no name: {log}");
    assert!(!log.contains("farmacia"), "the log keeps no note text");

    // Asked again: nothing left to erase.
    let again: Value = erase(&app, &admin, json!({ "contribution": paper_id }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["references"], json!([]));
    assert_eq!(again["contributions_affected"], 0);
}

#[actix_web::test]
async fn erasing_a_contribution_with_an_address_erases_everything_sent_from_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let first = app.submit_ok(&example_submission()).await;
    let second = app.submit_ok(&example_submission()).await;
    let other = app
        .submit_ok(&with(
            example_submission(),
            "author.email",
            json!("luca@example.org"),
        ))
        .await;
    let report: Value = erase(&app, &admin, json!({ "contribution": first["id"] }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        report["references"],
        json!([first["reference"], second["reference"]])
    );
    assert_eq!(report["contributions_affected"], 2);
    let outbox = app.get_json_as(&admin, &paths::outbox()).await.to_string();
    assert!(!outbox.contains("maria.rossi"), "{outbox}");
    assert!(outbox.contains("luca@example.org"), "{other}");
}

#[actix_web::test]
async fn an_erasure_request_by_email_lists_the_references() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let mine = app.submit_ok(&example_submission()).await;
    let report: Value = erase(&app, &admin, json!({ "email": "Maria.Rossi@example.org" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(report["references"], json!([mine["reference"]]));
}

#[actix_web::test]
async fn erasure_requests_refuse_bad_subjects_and_notes_and_change_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    let paper = register(&app, &moderator, &paper_by_giulia()).await;
    let paper_id = paper["id"].as_str().unwrap();
    let note = add_note(&app, &moderator, paper_id, "Giulia Verdi").await;
    let unknown_note = "0190f5e4-0000-7000-8000-000000000000";
    // Someone else's contribution: its notes are out of this request's reach.
    let mut by_paolo = paper_by_giulia();
    by_paolo["author"] = json!({"kind": "citizen", "given_name": "Paolo", "family_name": "Neri"});
    let other = register(&app, &moderator, &by_paolo).await;
    let other_id = other["id"].as_str().unwrap();
    let others_note = add_note(&app, &moderator, other_id, "Paolo Neri").await;
    let cases = [
        (json!({}), vec!["email"]),
        (
            json!({"email": "maria@example.org", "contribution": paper_id}),
            vec!["email"],
        ),
        (json!({"contribution": "RF-12x"}), vec!["contribution"]),
        (json!({"contribution": 42}), vec!["contribution"]),
        (json!({"contribution": "RF-999999"}), vec!["contribution"]),
        (
            json!({"contribution": paper_id, "notes": {"id": note}}),
            vec!["notes"],
        ),
        (
            json!({"contribution": paper_id, "notes": [{"id": note, "text": "", "x": 1}]}),
            vec!["notes[0].x", "notes[0].text"],
        ),
        (
            json!({"contribution": paper_id, "notes": [{"text": "nuovo"}]}),
            vec!["notes[0].id"],
        ),
        (
            json!({"contribution": paper_id, "notes": [{"id": note, "text": "ok"}, {"id": unknown_note, "text": null}]}),
            vec!["notes[1].id"],
        ),
        (
            json!({"contribution": paper_id, "notes": [{"id": others_note, "text": null}]}),
            vec!["notes[0].id"],
        ),
        (
            json!({"contribution": paper_id, "notes": vec![json!({"id": note, "text": null}); 101]}),
            vec!["notes"],
        ),
    ];
    for (body, fields) in cases {
        let problem = assert_problem(erase(&app, &admin, body.clone()).await, 422).await;
        assert_eq!(failing_fields(&problem), fields, "{body}");
    }
    // The refused requests changed nothing, not even the first note of the last.
    let record = app
        .get_json_as(&moderator, &paths::moderation_contribution(paper_id))
        .await;
    assert_eq!(record["author"]["given_name"], "Giulia");
    assert_eq!(record["notes"][0]["text"], "Giulia Verdi");
    let record = app
        .get_json_as(&moderator, &paths::moderation_contribution(other_id))
        .await;
    assert_eq!(record["author"]["given_name"], "Paolo");
    assert_eq!(record["notes"][0]["text"], "Paolo Neri");
    assert_problem(
        erase(&app, &moderator, json!({ "contribution": paper_id })).await,
        403,
    )
    .await;
}
