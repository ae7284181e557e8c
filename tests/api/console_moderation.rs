//! The console's moderation pages as a browser uses them: the queue's rows
//! and filters, paging, claims, one-step actions with the version in the
//! form, stale edits, bulk actions, "next pending" and offline registration.

use serde_json::{json, Value};

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

async fn moderator(app: &TestApp, name: &str) -> ConsoleSession {
    let account = app.console_account("moderator", name);
    app.console_session_of(account).await
}

async fn page(app: &TestApp, session: &ConsoleSession, path: &str) -> (u16, String) {
    let response = app.console_get(session, path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// A hidden field's value in the first form of `html` that has it.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect(name) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

fn location(response: &reqwest::Response) -> String {
    header(response, "location").expect("a Location")
}

async fn stored_status(app: &TestApp, id: &str) -> String {
    let token = app.moderator().await;
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(id))
        .await;
    detail["status"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn the_queue_lists_filtered_rows_with_status_area_time_and_who_is_reviewing() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let marco = moderator(&app, "Marco Neri").await;
    let (_, first_ref) = submit_titled(
        &app,
        "Alberi in piazza",
        "Servono alberi in piazza per l'ombra d'estate.",
    )
    .await;
    let (second, second_ref) = submit_titled(
        &app,
        "Panchine nuove",
        "Servono panchine nei giardini del quartiere.",
    )
    .await;
    app.publish(&second).await;

    // Anna opens the first: Marco's queue says she is reviewing it.
    let (status, _) = page(&app, &anna, &format!("/console/coda/{first_ref}")).await;
    assert_eq!(status, 200);
    let (status, html) = page(&app, &marco, "/console/coda?status=pending").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&first_ref) && html.contains("Alberi in piazza"),
        "{html}"
    );
    assert!(html.contains("in revisione da Anna Bianchi"), "{html}");
    assert!(
        html.contains("in attesa") && html.contains("Mobilità"),
        "{html}"
    );
    assert!(!html.contains(&second_ref), "filtered by status");

    // Several statuses as checkboxes, a text search, the newest first.
    let (_, html) = page(
        &app,
        &marco,
        "/console/coda?status=pending&status=approved&sort=-received_at",
    )
    .await;
    let (at_second, at_first) = (
        html.find(&second_ref).unwrap(),
        html.find(&first_ref).unwrap(),
    );
    assert!(at_second < at_first, "newest first");
    let (_, html) = page(&app, &marco, "/console/coda?q=panchine&thematic_area=&tag=").await;
    assert!(html.contains(&second_ref) && !html.contains(&first_ref));

    // A bad filter is named, with a 422, not an empty list.
    let (status, html) = page(&app, &marco, "/console/coda?quartiere=9").await;
    assert_eq!(status, 422);
    assert!(html.contains("quartiere"), "{html}");
    // So is a filter the page does not know (an Italian name typed by hand).
    let (status, html) = page(&app, &marco, "/console/coda?stato=pending").await;
    assert_eq!(status, 422);
    assert!(html.contains("stato: campo non previsto"), "{html}");
    assert!(
        !html.contains(&first_ref),
        "no list for a filter not applied"
    );
}

#[actix_web::test]
async fn paging_newest_first_survives_new_arrivals() {
    let app = TestApp::spawn().await;
    let marco = moderator(&app, "Marco Neri").await;
    let mut references = Vec::new();
    for n in 0..51 {
        let (_, reference) = submit_titled(
            &app,
            &format!("Proposta numero {n}"),
            "Un testo abbastanza lungo per la prova.",
        )
        .await;
        references.push(reference);
    }
    let (_, first_page) = page(&app, &marco, "/console/coda?sort=-received_at").await;
    assert!(
        first_page.contains(&references[50])
            && !first_page.contains(&format!("{}<", references[0]))
    );
    let next = first_page
        .split("rel=\"next\"")
        .next()
        .and_then(|before| before.rsplit("href=\"").next())
        .map(|href| href.trim_end_matches(['"', ' ']).replace("&#38;", "&"))
        .expect("a next-page link");
    // A new arrival does not shift the second page.
    submit_titled(
        &app,
        "Arrivata dopo",
        "Un testo arrivato mentre si sfogliava la coda.",
    )
    .await;
    let (status, second_page) = page(&app, &marco, &next).await;
    assert_eq!(status, 200, "{next}");
    assert!(
        second_page.contains(&format!("{}<", references[0])),
        "{second_page}"
    );
    assert!(!second_page.contains(&references[1]) && !second_page.contains("Arrivata dopo"));
}

#[actix_web::test]
async fn the_review_page_shows_the_author_history_with_names_and_the_claim() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let marco = moderator(&app, "Marco Neri").await;
    let (id, reference) = submit_titled(
        &app,
        "Alberi in piazza",
        "Servono alberi in piazza per l'ombra d'estate.",
    )
    .await;

    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{id}"),
            &[
                ("azione", "note"),
                ("nota", "Da verificare con il Quartiere"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let (status, html) = page(&app, &anna, &format!("/console/coda/{reference}")).await;
    assert_eq!(status, 200);
    for expected in [
        reference.as_str(),
        "maria.rossi@example.org",
        "Maria Rossi",
        "Quartiere 2 – Campo di Marte",
        "modulo online",
        "Da verificare con il Quartiere",
        "Anna Bianchi",
        "nota aggiunta",
        "Lo stai rivedendo tu",
    ] {
        assert!(html.contains(expected), "{expected} missing: {html}");
    }
    // Marco sees Anna's claim as a warning, and the actions are still there.
    let (_, html) = page(&app, &marco, &format!("/console/coda/{reference}")).await;
    assert!(html.contains("in revisione da Anna Bianchi"), "{html}");
    assert!(html.contains("Approva e successivo"));
}

#[actix_web::test]
async fn one_step_actions_use_the_version_in_the_form_and_approve_and_next_goes_on() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let (first, first_ref) = submit_titled(
        &app,
        "Alberi in piazza",
        "Servono alberi in piazza per l'ombra d'estate.",
    )
    .await;
    let (second, second_ref) = submit_titled(
        &app,
        "Panchine nuove",
        "Servono panchine nei giardini del quartiere.",
    )
    .await;

    let (_, html) = page(&app, &anna, &format!("/console/coda/{first_ref}")).await;
    let (version, seen) = (hidden(&html, "versione"), hidden(&html, "storia"));
    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{first}"),
            &[
                ("azione", "status"),
                ("stato", "approved"),
                ("versione", &version),
                ("storia", &seen),
                ("poi", "successivo"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), format!("/console/coda/{second_ref}"));
    assert_eq!(stored_status(&app, &first).await, "approved");
    // The next page names the contribution just saved, once.
    let next = app.console_follow(&anna, &response).await;
    let html = next.text().await.unwrap();
    assert!(
        html.contains(&format!("{first_ref}: modifica salvata.")),
        "{html}"
    );
    let (_, again) = page(&app, &anna, &format!("/console/coda/{second_ref}")).await;
    assert!(!again.contains("modifica salvata"), "{again}");

    // Rejecting with a standard reason; the written one would win.
    let (_, html) = page(&app, &anna, &format!("/console/coda/{second_ref}")).await;
    let reason = app.config.rejection_reasons[0].clone();
    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{second}"),
            &[
                ("azione", "status"),
                ("stato", "rejected"),
                ("motivo", &reason),
                ("motivo_scritto", ""),
                ("versione", &hidden(&html, "versione")),
                ("storia", &hidden(&html, "storia")),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let token = app.moderator().await;
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(&second))
        .await;
    assert_eq!(detail["status"], "rejected");
    assert_eq!(detail["status_reason"], reason.as_str());

    // A tag, then a move; a form without its version changes nothing.
    let (_, html) = page(&app, &anna, &format!("/console/coda/{second_ref}")).await;
    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{second}"),
            &[
                ("azione", "add_tag"),
                ("tag", "Verde urbano"),
                ("versione", &hidden(&html, "versione")),
                ("storia", "0"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "words become the tag verde-urbano");
    // A tag that no words make is refused by the field's label.
    let (_, html) = page(&app, &anna, &format!("/console/coda/{second_ref}")).await;
    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{second}"),
            &[
                ("azione", "add_tag"),
                ("tag", " -- "),
                ("versione", &hidden(&html, "versione")),
                ("storia", "0"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let refused = response.text().await.unwrap();
    assert!(
        refused.contains("Etichetta: deve contenere solo lettere minuscole"),
        "{refused}"
    );
    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{second}"),
            &[("azione", "move"), ("area", "cultura-diffusa")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(&second))
        .await;
    assert_eq!(detail["tags"], json!(["verde-urbano"]));
    assert_eq!(detail["thematic_area"], "mobilita-green");

    // Nothing pending left: "next pending" goes back to the queue and says so.
    let response = app
        .console_post(&anna, "/console/coda/successivo", &[])
        .await;
    assert_eq!(location(&response), "/console/coda?status=pending&vuota=1");
    let (_, html) = page(&app, &anna, "/console/coda?status=pending&vuota=1").await;
    assert!(html.contains("Nessun altro contributo in attesa"));
}

#[actix_web::test]
async fn a_stale_edit_shows_who_changed_what_and_keeps_their_change() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let marco = moderator(&app, "Marco Neri").await;
    let (id, reference) = submit_titled(
        &app,
        "Alberi in piazza",
        "Servono alberi in piazza per l'ombra d'estate.",
    )
    .await;

    let (_, annas_page) = page(&app, &anna, &format!("/console/coda/{reference}")).await;
    let (_, marcos_page) = page(&app, &marco, &format!("/console/coda/{reference}")).await;
    let response = app
        .console_post(
            &marco,
            &format!("/console/coda/{id}"),
            &[
                ("azione", "status"),
                ("stato", "approved"),
                ("versione", &hidden(&marcos_page, "versione")),
                ("storia", &hidden(&marcos_page, "storia")),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);

    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{id}"),
            &[
                ("azione", "status"),
                ("stato", "spam"),
                ("versione", &hidden(&annas_page, "versione")),
                ("storia", &hidden(&annas_page, "storia")),
            ],
        )
        .await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.unwrap();
    assert!(html.contains("Modifica non salvata"), "{html}");
    assert!(
        html.contains("Marco Neri") && html.contains("in attesa → approvato"),
        "{html}"
    );
    assert_eq!(stored_status(&app, &id).await, "approved");
}

#[actix_web::test]
async fn changes_without_the_csrf_token_or_from_another_origin_change_nothing() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let (id, reference) = submit_titled(
        &app,
        "Alberi in piazza",
        "Servono alberi in piazza per l'ombra d'estate.",
    )
    .await;
    let (_, html) = page(&app, &anna, &format!("/console/coda/{reference}")).await;
    let version = hidden(&html, "versione");
    let fields = [
        ("azione", "status"),
        ("stato", "approved"),
        ("versione", version.as_str()),
    ];

    let response = app
        .console_post_raw(
            Some(&anna),
            &format!("/console/coda/{id}"),
            &app.public_origin(),
            &fields,
        )
        .await;
    assert_eq!(response.status(), 403);
    let mut forged = vec![("csrf_token", anna.csrf.as_str())];
    forged.extend_from_slice(&fields);
    let response = app
        .console_post_raw(
            Some(&anna),
            &format!("/console/coda/{id}"),
            "https://evil.example",
            &forged,
        )
        .await;
    assert_eq!(response.status(), 403);
    let response = app
        .console_post_raw(
            Some(&anna),
            "/console/coda/azioni",
            &app.public_origin(),
            &[("ids", id.as_str()), ("azione", "spam")],
        )
        .await;
    assert_eq!(response.status(), 403);
    // The claim script's renewal needs the header.
    let response = app
        .client
        .post(app.url(&format!("/console/coda/{id}/presa")))
        .header("Cookie", anna.cookie_header())
        .header("Origin", app.public_origin())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(stored_status(&app, &id).await, "pending");
}

#[actix_web::test]
async fn bulk_actions_report_each_rows_outcome() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(
            submit_titled(
                &app,
                &format!("Proposta {n}"),
                "Un testo abbastanza lungo per la prova.",
            )
            .await
            .0,
        );
    }
    app.set_status(&ids[2], "rejected").await;
    let mut fields: Vec<(&str, &str)> = ids.iter().map(|id| ("ids", id.as_str())).collect();
    fields.extend([("azione", "approve"), ("back", "status=pending")]);
    let response = app
        .console_post(&anna, "/console/coda/azioni", &fields)
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert_eq!(html.matches("✓ applicata").count(), 2, "{html}");
    assert_eq!(html.matches("✗ ").count(), 1, "{html}");
    assert!(html.contains("href=\"/console/coda?status=pending\""));
    assert_eq!(stored_status(&app, &ids[0]).await, "approved");

    // Several marked as duplicates of one, named by its reference.
    let (original, original_ref) = submit_titled(
        &app,
        "Originale",
        "Il testo originale della proposta sui giardini.",
    )
    .await;
    let (copy, _) = submit_titled(
        &app,
        "Copia",
        "Il testo originale della proposta sui giardini!",
    )
    .await;
    let response = app
        .console_post(
            &anna,
            "/console/coda/azioni",
            &[
                ("ids", copy.as_str()),
                ("azione", "duplicate"),
                ("duplicato_di", original_ref.as_str()),
            ],
        )
        .await;
    assert!(response.text().await.unwrap().contains("✓ applicata"));
    let token = app.moderator().await;
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(&copy))
        .await;
    assert_eq!(detail["duplicate_of"], original.as_str());

    // Rejecting needs a reason: nothing is tried without one.
    let response = app
        .console_post(
            &anna,
            "/console/coda/azioni",
            &[("ids", original.as_str()), ("azione", "reject")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("✗"), "{html}");
    let response = app
        .console_post(&anna, "/console/coda/azioni", &[("azione", "approve")])
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(stored_status(&app, &original).await, "pending");
}

/// An original with duplicates of its own cannot become a duplicate (no
/// chains): its page says so instead of offering it, and no page offers to
/// mark something a duplicate of a duplicate.
#[actix_web::test]
async fn duplicates_are_offered_only_onto_originals_and_never_from_one() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let body = "Il testo originale della proposta sui giardini del quartiere.";
    let (_, original_ref) = submit_titled(&app, "Originale", body).await;
    let (copy, copy_ref) = submit_titled(&app, "Copia", &format!("{body}!")).await;
    let (_, third_ref) = submit_titled(&app, "Terza", &format!("{body}?")).await;
    let copy_page = format!("/console/coda/{copy_ref}");
    let (_, html) = page(&app, &anna, &copy_page).await;
    let response = app
        .console_post(
            &anna,
            &copy_page,
            &[
                ("azione", "status"),
                ("stato", "duplicate"),
                ("duplicato_di", original_ref.as_str()),
                ("versione", hidden(&html, "versione").as_str()),
                ("storia", hidden(&html, "storia").as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(stored_status(&app, &copy).await, "duplicate");

    let (_, html) = page(&app, &anna, &format!("/console/coda/{original_ref}")).await;
    assert!(
        html.contains("non può diventare a sua volta un duplicato"),
        "{html}"
    );
    assert!(
        !html.contains("name=\"stato\" value=\"duplicate\""),
        "{html}"
    );

    let (_, html) = page(&app, &anna, &format!("/console/coda/{third_ref}")).await;
    assert!(
        html.contains(&format!("Segna come duplicato di questo ({original_ref})")),
        "{html}"
    );
    assert!(
        !html.contains(&format!("Segna come duplicato di questo ({copy_ref})")),
        "{html}"
    );
    assert!(!html.contains("non può diventare a sua volta un duplicato"));
}

#[actix_web::test]
async fn next_pending_skips_what_another_moderator_is_reviewing_and_leaving_releases() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let marco = moderator(&app, "Marco Neri").await;
    let (first, first_ref) =
        submit_titled(&app, "Prima", "Un testo abbastanza lungo per la prova.").await;
    let (_, second_ref) = submit_titled(
        &app,
        "Seconda",
        "Un altro testo abbastanza lungo per la prova.",
    )
    .await;

    let (_, html) = page(&app, &anna, &format!("/console/coda/{first_ref}")).await;
    let response = app
        .console_post(&marco, "/console/coda/successivo", &[])
        .await;
    assert_eq!(location(&response), format!("/console/coda/{second_ref}"));

    // Anna's page is left: the beacon releases the claim it saw.
    let until = html
        .split("data-presa-fino=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let response = app
        .console_post(
            &anna,
            &format!("/console/coda/{first}/rilascio"),
            &[("fino", until.as_str())],
        )
        .await;
    assert_eq!(response.status(), 204);
    let token = app.moderator().await;
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(&first))
        .await;
    assert_eq!(detail["claim"], Value::Null);
}

#[actix_web::test]
async fn an_offline_contribution_is_registered_from_the_form_or_the_form_says_what_is_wrong() {
    let app = TestApp::spawn().await;
    let anna = moderator(&app, "Anna Bianchi").await;
    let (status, html) = page(&app, &anna, "/console/offline").await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"received_at\""));

    let fields = [
        ("channel", "paper"),
        ("received_at", "2026-11-20T18:30"),
        ("thematic_area", "mobilita-green"),
        ("title", "Lettera sui bus"),
        ("body", "Chiedo più corse dei bus la sera nel Quartiere 4."),
        ("kind", "citizen"),
        ("given_name", "Lucia"),
        ("family_name", ""),
        ("email", ""),
        ("quartiere", "4"),
    ];
    let response = app.console_post(&anna, "/console/offline", &fields).await;
    assert_eq!(response.status(), 303);
    let id = location(&response)
        .trim_start_matches("/console/coda/")
        .to_owned();
    let token = app.moderator().await;
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(&id))
        .await;
    assert_eq!(detail["channel"], "paper");
    assert_eq!(
        detail["received_at"], "2026-11-20T17:30:00Z",
        "Rome time read as such"
    );
    assert_eq!(detail["author"]["quartiere"], 4);

    let mut bad = fields.to_vec();
    bad[3] = ("title", "Bus");
    bad[1] = ("received_at", "2999-01-01T10:00");
    let response = app.console_post(&anna, "/console/offline", &bad).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("title") && html.contains("received_at"),
        "{html}"
    );
    assert!(
        html.contains("Chiedo più corse dei bus"),
        "the form keeps what was typed"
    );
}
