//! The console names a contribution by its reference (issue 13 §7):
//! `/console/coda/RF-000401` is the review page, an id (or a reference
//! written otherwise) redirects there, and every link, redirect and form of
//! the console uses the reference.

use serde_json::json;

use crate::support::console::ConsoleSession;
use crate::support::*;

async fn submit_titled(app: &TestApp, title: &str, body: &str) -> (String, String) {
    let submission = with(
        with(example_submission(), "title", json!(title)),
        "body",
        json!(body),
    );
    let receipt = app.submit_ok(&submission).await;
    (
        receipt["id"].as_str().unwrap().to_owned(),
        receipt["reference"].as_str().unwrap().to_owned(),
    )
}

async fn html(app: &TestApp, session: &ConsoleSession, path: &str) -> String {
    let response = app.console_get(session, path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.text().await.unwrap()
}

fn location(response: &reqwest::Response) -> String {
    header(response, "location").expect("a Location")
}

/// Every `/console/coda/…` address a page links to or posts to.
fn console_addresses(html: &str) -> Vec<String> {
    html.split(['"', '\''])
        .filter(|part| part.starts_with("/console/coda/"))
        .map(str::to_owned)
        .collect()
}

fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect(name) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

#[actix_web::test]
async fn the_review_page_is_at_the_reference_and_an_id_redirects_there() {
    let app = TestApp::spawn().await;
    let anna = app.console_sign_in("moderator").await;
    let (id, reference) = submit_titled(
        &app,
        "Alberi in piazza",
        "Servono alberi in piazza per l'ombra d'estate.",
    )
    .await;

    let page = html(&app, &anna, &format!("/console/coda/{reference}")).await;
    assert!(page.contains("Alberi in piazza") && page.contains(&reference));

    for (asked, expected) in [
        (
            format!("/console/coda/{id}"),
            format!("/console/coda/{reference}"),
        ),
        (
            format!("/console/coda/{id}?fatto=1"),
            format!("/console/coda/{reference}?fatto=1"),
        ),
        (
            format!("/console/coda/{}", reference.to_lowercase()),
            format!("/console/coda/{reference}"),
        ),
        (
            "/console/coda/RF-1".to_owned(),
            format!("/console/coda/{reference}"),
        ),
    ] {
        let response = app.console_get(&anna, &asked).await;
        assert_eq!(response.status(), 308, "{asked}");
        assert_eq!(location(&response), expected, "{asked}");
    }

    for unknown in [
        "/console/coda/RF-009999".to_owned(),
        format!("/console/coda/{}", uuid::Uuid::now_v7()),
        "/console/coda/RF-".to_owned(),
        "/console/coda/nessuno".to_owned(),
    ] {
        let response = app.console_get(&anna, &unknown).await;
        assert_eq!(response.status(), 404, "{unknown}");
    }
}

#[actix_web::test]
async fn every_console_link_and_redirect_names_the_reference() {
    let app = TestApp::spawn().await;
    let anna = app.console_sign_in("moderator").await;
    let text = "Servono alberi in piazza per l'ombra d'estate e panchine.";
    let (original, original_ref) = submit_titled(&app, "Alberi in piazza", text).await;
    let (copy, copy_ref) = submit_titled(&app, "Alberi in piazza, di nuovo", text).await;
    let (third, third_ref) = submit_titled(
        &app,
        "Panchine nuove",
        "Servono panchine nei giardini del quartiere.",
    )
    .await;
    let ids = [&original, &copy, &third];
    let no_id = |addresses: Vec<String>| {
        assert!(!addresses.is_empty());
        for address in addresses {
            assert!(
                !ids.iter().any(|id| address.contains(id.as_str())),
                "{address} names an id"
            );
        }
    };

    // The queue's rows and its checkboxes.
    let queue = html(&app, &anna, "/console/coda").await;
    for reference in [&original_ref, &copy_ref, &third_ref] {
        assert!(queue.contains(&format!("href=\"/console/coda/{reference}\"")));
        assert!(queue.contains(&format!("name=\"ids\" value=\"{reference}\"")));
    }
    no_id(console_addresses(&queue));

    // The review page: its forms, its near-duplicate, the original.
    let page = html(&app, &anna, &format!("/console/coda/{copy_ref}")).await;
    assert!(page.contains(&format!("action=\"/console/coda/{copy_ref}\"")));
    assert!(page.contains(&format!("href=\"/console/coda/{original_ref}\"")));
    no_id(console_addresses(&page));
    app.mark_duplicate(&copy, &original).await;
    let page = html(&app, &anna, &format!("/console/coda/{copy_ref}")).await;
    let duplicate_line = page.split("duplicato di").nth(1).unwrap();
    assert!(
        duplicate_line.starts_with(&format!(
            " <a href=\"/console/coda/{original_ref}\">{original_ref}</a>"
        )),
        "{duplicate_line}"
    );

    // A step posted to the id's address still works, and lands on the reference.
    let page = html(&app, &anna, &format!("/console/coda/{third_ref}")).await;
    let step = [
        ("azione", "add_tag"),
        ("tag", "verde"),
        ("versione", &hidden(&page, "versione")),
        ("storia", &hidden(&page, "storia")),
    ];
    let response = app
        .console_post(&anna, &format!("/console/coda/{third}"), &step)
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        location(&response),
        format!("/console/coda/{third_ref}?fatto=1")
    );

    // "Next pending" names the reference.
    let response = app
        .console_post(&anna, "/console/coda/successivo", &[])
        .await;
    assert_eq!(location(&response), format!("/console/coda/{original_ref}"));

    // The bulk outcome links each row by the reference sent.
    let response = app
        .console_post(
            &anna,
            "/console/coda/azioni",
            &[
                ("ids", original_ref.as_str()),
                ("ids", third_ref.as_str()),
                ("azione", "approve"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let outcome = response.text().await.unwrap();
    for reference in [&original_ref, &third_ref] {
        assert!(outcome.contains(&format!("href=\"/console/coda/{reference}\"")));
    }
    let token = app.moderator().await;
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(&third))
        .await;
    assert_eq!(detail["status"], "approved");
}

#[actix_web::test]
async fn the_claim_is_renewed_and_released_at_the_reference() {
    let app = TestApp::spawn().await;
    let anna = app.console_sign_in("moderator").await;
    let (id, reference) = submit_titled(
        &app,
        "Alberi in piazza",
        "Servono alberi in piazza per l'ombra d'estate.",
    )
    .await;
    let response = app
        .client
        .post(app.url(&format!("/console/coda/{reference}/presa")))
        .header("Cookie", anna.cookie_header())
        .header("Origin", app.public_origin())
        .header("X-CSRF-Token", &anna.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let claim: serde_json::Value = response.json().await.unwrap();
    assert_eq!(claim["held"], true);
    let token = app.moderator().await;
    let claimed = app
        .get_json_as(&token, &paths::moderation_contribution(&id))
        .await;
    assert_eq!(claimed["claim"]["staff_id"], anna.account.id.to_string());

    let response = app
        .console_post(&anna, &format!("/console/coda/{reference}/rilascio"), &[])
        .await;
    assert_eq!(response.status(), 204);
    let released = app
        .get_json_as(&token, &paths::moderation_contribution(&id))
        .await;
    assert_eq!(released["claim"], serde_json::Value::Null);

    // The JSON API's claim takes the reference too.
    let response = app
        .as_staff(
            reqwest::Method::POST,
            &format!("{}/claim", paths::moderation_contribution(&reference)),
            &token,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = app
        .delete_as(
            &token,
            &format!("{}/claim", paths::moderation_contribution(&reference)),
        )
        .await;
    assert_eq!(response.status(), 204);
}
