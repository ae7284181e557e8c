//! The public listing and detail: approved contributions only, no personal data.

use crate::support::*;
use serde_json::{json, Value};

async fn submit_and_publish(app: &TestApp, body: Value) -> String {
    let receipt = app.submit_ok(&body).await;
    let id = receipt["id"].as_str().unwrap().to_owned();
    app.publish(&id).await;
    id
}

#[actix_web::test]
async fn only_approved_contributions_are_listed_without_personal_data() {
    let app = TestApp::spawn().await;
    let organisation = with(
        with(
            example_submission(),
            "author.kind",
            json!("trade_association"),
        ),
        "author.organization_name",
        json!("Confcommercio Firenze"),
    );
    let published_org = submit_and_publish(&app, organisation).await;
    let published_citizen = submit_and_publish(&app, example_submission()).await;
    let pending = app.submit_ok(&example_submission()).await;
    for status in ["rejected", "spam", "duplicate", "hidden"] {
        let receipt = app.submit_ok(&example_submission()).await;
        let id = receipt["id"].as_str().unwrap();
        if status == "duplicate" {
            app.mark_duplicate(id, &published_citizen).await;
        } else {
            app.set_status(id, status).await;
        }
    }

    let response = app.get(&paths::contributions()).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    for personal in [
        "Maria",
        "Rossi",
        "maria.rossi@example.org",
        "email",
        "given_name",
    ] {
        assert!(!text.contains(personal), "{personal} leaked: {text}");
    }
    let page: Value = serde_json::from_str(&text).unwrap();
    let items = page["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [published_citizen.as_str(), published_org.as_str()]);
    assert_eq!(page["next_cursor"], Value::Null);
    let keys: Vec<&String> = items[1].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "author_kind",
            "body",
            "id",
            "organization_name",
            "published_at",
            "quartiere",
            "reference",
            "thematic_area",
            "thematic_area_name",
            "title"
        ]
    );
    assert_eq!(items[1]["organization_name"], "Confcommercio Firenze");
    assert_eq!(items[1]["reference"], "RF-000001");
    assert_problem(
        app.get(&paths::contribution(pending["id"].as_str().unwrap()))
            .await,
        404,
    )
    .await;
}

#[actix_web::test]
async fn filters_by_area_quartiere_and_text_ignoring_case_and_accents() {
    let app = TestApp::spawn().await;
    let tram = submit_and_publish(
        &app,
        with(
            with(
                example_submission(),
                "title",
                json!("La TRAMVIA fino a Bagno a Ripoli"),
            ),
            "author.quartiere",
            json!(3),
        ),
    )
    .await;
    let culture = submit_and_publish(
        &app,
        with(
            with(
                example_submission(),
                "thematic_area",
                json!("cultura-diffusa"),
            ),
            "body",
            json!("Più attività culturali nelle biblioteche di quartiere."),
        ),
    )
    .await;
    let ids = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(app
            .get_json(&paths::with_query(
                paths::contributions(),
                "thematic_area=cultura-diffusa"
            ))
            .await),
        [culture.as_str()]
    );
    assert_eq!(
        ids(app
            .get_json(&paths::with_query(paths::contributions(), "quartiere=3"))
            .await),
        [tram.as_str()]
    );
    assert_eq!(
        ids(app
            .get_json(&paths::with_query(
                paths::contributions(),
                "q=tramvia%20RIPOLI"
            ))
            .await),
        [tram.as_str()]
    );
    assert_eq!(
        ids(app
            .get_json(&paths::with_query(paths::contributions(), "q=ATTIVITA"))
            .await),
        [culture.as_str()]
    );
    assert_eq!(
        ids(app
            .get_json(&paths::with_query(
                paths::contributions(),
                "q=attivit%C3%A0"
            ))
            .await),
        [culture.as_str()]
    );
    assert!(ids(app
        .get_json(&paths::with_query(paths::contributions(), "q=%25"))
        .await)
    .is_empty());
    assert!(ids(app
        .get_json(&paths::with_query(
            paths::contributions(),
            "thematic_area=nessuna"
        ))
        .await)
    .is_empty());
}

#[actix_web::test]
async fn cursor_pages_cover_every_item_once_even_while_new_ones_arrive() {
    let app = TestApp::spawn().await;
    let mut expected = Vec::new();
    for _ in 0..7 {
        expected.push(submit_and_publish(&app, example_submission()).await);
    }
    expected.reverse();
    let mut seen = Vec::new();
    let mut path = paths::with_query(paths::contributions(), "limit=3");
    loop {
        let page = app.get_json(&path).await;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        // A publication during paging does not shift the pages already handed out.
        submit_and_publish(&app, example_submission()).await;
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = paths::with_query(paths::contributions(), format!("limit=3&cursor={cursor}"))
            }
            None => break,
        }
    }
    assert_eq!(seen, expected);
}
