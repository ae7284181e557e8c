//! Offline contributions (issue 13 item 6): the meeting they came from
//! (stored, shown, exported), the acknowledgement e-mail, the
//! `Idempotency-Key` rule of the form, the privacy flag and a `received_at`
//! in the future; through the API and the console's form.

use crate::exports::{download, excel_time, parse_csv, parse_ndjson, parse_xlsx, COLUMNS};
use crate::moderation::offline;
use crate::support::console::ConsoleSession;
use crate::support::*;
use diesel::prelude::*;
use reqwest::Method;
use rinasce::db::schema::{audit_events, contributions};
use serde_json::{json, Value};

const MEETING: &str = "Assemblea pubblica del Quartiere 4";

/// A contribution handed in at a meeting, with the author's address.
fn from_a_meeting() -> Value {
    let body = with(
        offline("event"),
        "meeting",
        json!({"name": MEETING, "date": "2026-11-20", "quartiere": 4}),
    );
    let body = with(body, "author.given_name", json!("Giulia"));
    let body = with(body, "author.family_name", json!("Verdi"));
    with(body, "author.email", json!("giulia.verdi@example.org"))
}

async fn register(
    app: &TestApp,
    token: &str,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    register_text(app, token, key, body.to_string()).await
}

/// Registers the JSON text `body` exactly as written.
async fn register_text(
    app: &TestApp,
    token: &str,
    key: Option<&str>,
    body: String,
) -> reqwest::Response {
    let mut request = app
        .as_staff(Method::POST, &paths::moderation_contributions(), token)
        .header("Content-Type", "application/json")
        .body(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("request sent")
}

fn offline_events(app: &TestApp) -> i64 {
    app.db
        .read_blocking(|conn| {
            Ok::<_, rinasce::db::DbError>(
                audit_events::table
                    .filter(audit_events::action.eq("offline_registered"))
                    .count()
                    .get_result(conn)?,
            )
        })
        .unwrap()
}

#[actix_web::test]
async fn a_retry_with_the_same_key_and_body_answers_the_first_registration() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let body = from_a_meeting();
    let first = register(&app, &moderator, Some("incontro-q4-001"), &body).await;
    assert_eq!(first.status(), 201);
    assert_eq!(header(&first, "idempotent-replayed"), None);
    let location = header(&first, "location");
    let etag = header(&first, "etag");
    let first: Value = first.json().await.unwrap();

    // The same JSON, spaced otherwise and its keys in another order.
    let respelled = r#"{
        "title": "Wi-fi gratuito nelle piazze",
        "meeting": {"quartiere": 4, "date": "2026-11-20", "name": "Assemblea pubblica del Quartiere 4"},
        "channel": "event",
        "body": "Proposta raccolta all'assemblea del Quartiere: wi-fi pubblico nelle piazze principali.",
        "thematic_area": "citta-intelligente",
        "author": {"email": "giulia.verdi@example.org", "family_name": "Verdi",
                   "given_name": "Giulia", "quartiere": 4, "kind": "citizen"}
    }"#
    .to_owned();
    assert_eq!(serde_json::from_str::<Value>(&respelled).unwrap(), body);
    let again = register_text(&app, &moderator, Some("incontro-q4-001"), respelled).await;
    assert_eq!(again.status(), 201);
    assert_eq!(
        header(&again, "idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(header(&again, "location"), location);
    assert_eq!(header(&again, "etag"), etag);
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(app.count_contributions(), 1);
    assert_eq!(offline_events(&app), 1);
    assert_eq!(app.outbox().len(), 1, "one acknowledgement");

    // After a change, a retry answers the contribution as it now is.
    let id = first["id"].as_str().unwrap();
    app.set_status(id, "approved").await;
    let later = register(&app, &moderator, Some("incontro-q4-001"), &body).await;
    assert_eq!(later.status(), 201);
    assert_eq!(header(&later, "etag").as_deref(), Some("\"v2\""));
    let later: Value = later.json().await.unwrap();
    assert_eq!(
        (later["id"].as_str(), later["status"].as_str()),
        (Some(id), Some("approved"))
    );
    assert_eq!(app.count_contributions(), 1);

    // Without a key, every request registers one.
    for _ in 0..2 {
        assert_eq!(register(&app, &moderator, None, &body).await.status(), 201);
    }
    assert_eq!(app.count_contributions(), 3);
}

#[actix_web::test]
async fn the_same_key_with_another_body_is_refused_as_on_the_form() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let body = from_a_meeting();
    assert_eq!(
        register(&app, &moderator, Some("k-1"), &body)
            .await
            .status(),
        201
    );
    let other = with(body.clone(), "title", json!("Un altro titolo"));
    let problem = assert_problem(register(&app, &moderator, Some("k-1"), &other).await, 409).await;
    assert_eq!(problem["type"], "/problems/idempotency-key-reused");
    assert_eq!(app.count_contributions(), 1);

    // A key is each moderator's own, and the form's are apart.
    let colleague = app.moderator().await;
    let theirs = register(&app, &colleague, Some("k-1"), &body).await;
    assert_eq!(theirs.status(), 201);
    assert_eq!(header(&theirs, "idempotent-replayed"), None);
    let form = app
        .client
        .post(app.url(&paths::contributions()))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "k-1")
        .body(example_submission().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 201);
    assert_eq!(header(&form, "idempotent-replayed"), None);
    assert_eq!(app.count_contributions(), 3);

    for bad in ["", "con spazi", &"x".repeat(256)] {
        let problem = assert_problem(register(&app, &moderator, Some(bad), &body).await, 422).await;
        assert_eq!(failing_fields(&problem), ["Idempotency-Key"], "{bad:?}");
    }
    assert_eq!(app.count_contributions(), 3);
}

#[actix_web::test]
async fn concurrent_retries_with_one_key_store_once() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let body = from_a_meeting();
    let answers = futures::future::join_all(
        (0..6).map(|_| register(&app, &moderator, Some("doppio-clic"), &body)),
    )
    .await;
    let mut ids = std::collections::BTreeSet::new();
    let mut replayed = 0;
    for answer in answers {
        assert_eq!(answer.status(), 201);
        replayed += usize::from(header(&answer, "idempotent-replayed").is_some());
        ids.insert(answer.json::<Value>().await.unwrap()["id"].to_string());
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(replayed, 5);
    assert_eq!(app.count_contributions(), 1);
    assert_eq!(offline_events(&app), 1);
}

#[actix_web::test]
async fn a_received_at_in_the_future_is_refused_saying_so() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    let body = with(
        offline("paper"),
        "received_at",
        json!(tomorrow.to_rfc3339()),
    );
    for (language, message) in [
        ("it", "non può essere nel futuro"),
        ("en", "cannot be in the future"),
    ] {
        let response = app
            .as_staff(Method::POST, &paths::moderation_contributions(), &moderator)
            .header("Content-Type", "application/json")
            .header("Accept-Language", language)
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(
            problem["errors"],
            json!([{"field": "received_at", "message": message}]),
            "{language}"
        );
    }
    // The meeting's day too.
    let tomorrow = (tomorrow + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let body = with(from_a_meeting(), "meeting.date", json!(tomorrow));
    let problem = assert_problem(register(&app, &moderator, None, &body).await, 422).await;
    assert_eq!(
        problem["errors"],
        json!([{"field": "meeting.date", "message": "non può essere nel futuro"}])
    );
    // Too early says so, too.
    let early = with(
        offline("paper"),
        "received_at",
        json!("1999-12-31T23:00:00Z"),
    );
    let problem = assert_problem(register(&app, &moderator, None, &early).await, 422).await;
    assert_eq!(
        problem["errors"][0]["message"],
        "non può essere precedente a 2000-01-01T00:00:00Z"
    );
    assert_eq!(app.count_contributions(), 0);
}

#[actix_web::test]
async fn the_privacy_flag_is_recorded_as_given() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let accepted = register(
        &app,
        &moderator,
        None,
        &with(offline("paper"), "privacy_notice_accepted", json!(true)),
    )
    .await;
    assert_eq!(accepted.status(), 201);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["privacy_notice_accepted"], true);
    let unsaid: Value = register(&app, &moderator, None, &offline("paper"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unsaid["privacy_notice_accepted"], false);
    let stored: Vec<(String, bool)> = app
        .db
        .read_blocking(|conn| {
            Ok::<_, rinasce::db::DbError>(
                contributions::table
                    .order(contributions::seq)
                    .select((contributions::id, contributions::privacy_notice_accepted))
                    .load(conn)?,
            )
        })
        .unwrap();
    assert_eq!(
        stored,
        [
            (accepted["id"].as_str().unwrap().to_owned(), true),
            (unsaid["id"].as_str().unwrap().to_owned(), false)
        ]
    );
    let detail = app
        .get_json_as(
            &moderator,
            &paths::moderation_contribution(accepted["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(detail["privacy_notice_accepted"], true);
    // The form's contributions accepted it, always.
    let form = app.submit_ok(&example_submission()).await;
    let detail = app
        .get_json_as(
            &moderator,
            &paths::moderation_contribution(form["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(detail["privacy_notice_accepted"], true);

    let problem = assert_problem(
        register(
            &app,
            &moderator,
            None,
            &with(offline("paper"), "privacy_notice_accepted", json!("sì")),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(failing_fields(&problem), ["privacy_notice_accepted"]);
}

#[actix_web::test]
async fn the_meeting_is_stored_and_in_the_moderators_answers() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let response = register(&app, &moderator, None, &from_a_meeting()).await;
    assert_eq!(response.status(), 201);
    let registered: Value = response.json().await.unwrap();
    let meeting = json!({"name": MEETING, "date": "2026-11-20", "quartiere": 4});
    assert_eq!(registered["meeting"], meeting);
    let id = registered["id"].as_str().unwrap();
    let detail = app
        .get_json_as(&moderator, &paths::moderation_contribution(id))
        .await;
    assert_eq!(detail["meeting"], meeting);
    let queue = app
        .get_json_as(
            &moderator,
            &paths::with_query(paths::moderation_contributions(), "channel=event"),
        )
        .await;
    assert_eq!(queue["items"][0]["meeting"], meeting);
    // An event of the whole city has no quartiere; other channels no meeting.
    let city = with(
        offline("event"),
        "meeting",
        json!({"name": "Festa della Rificolona", "date": "2026-09-07"}),
    );
    let city: Value = register(&app, &moderator, None, &city)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        city["meeting"],
        json!({"name": "Festa della Rificolona", "date": "2026-09-07", "quartiere": null})
    );
    let paper: Value = register(&app, &moderator, None, &offline("paper"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(paper["meeting"], Value::Null);
    let form = app.submit_ok(&example_submission()).await;
    let form = app
        .get_json_as(
            &moderator,
            &paths::moderation_contribution(form["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(form["meeting"], Value::Null);
}

#[actix_web::test]
async fn meeting_rules_name_each_failing_field() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let cases = [
        (without(from_a_meeting(), "meeting"), vec!["meeting"]),
        (
            with(
                offline("paper"),
                "meeting",
                json!({"name": MEETING, "date": "2026-11-20"}),
            ),
            vec!["meeting"],
        ),
        (
            with(from_a_meeting(), "meeting", json!({"quartiere": 4})),
            vec!["meeting.name", "meeting.date"],
        ),
        (
            with(from_a_meeting(), "meeting.date", json!("20/11/2026")),
            vec!["meeting.date"],
        ),
        (
            with(from_a_meeting(), "meeting.date", json!("1999-12-31")),
            vec!["meeting.date"],
        ),
        (
            with(from_a_meeting(), "meeting.quartiere", json!(9)),
            vec!["meeting.quartiere"],
        ),
        (
            with(from_a_meeting(), "meeting.name", json!("x")),
            vec!["meeting.name"],
        ),
        (
            with(from_a_meeting(), "meeting.luogo", json!("Isolotto")),
            vec!["meeting.luogo"],
        ),
        (
            with(from_a_meeting(), "meeting", json!("assemblea")),
            vec!["meeting"],
        ),
    ];
    for (body, fields) in cases {
        let problem = assert_problem(register(&app, &moderator, None, &body).await, 422).await;
        assert_eq!(failing_fields(&problem), fields, "{body}");
    }
    let problem = assert_problem(
        register(
            &app,
            &moderator,
            None,
            &without(from_a_meeting(), "meeting"),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(
        problem["errors"][0]["message"],
        "obbligatorio per un contributo raccolto a un incontro (canale event)"
    );
    assert_eq!(app.count_contributions(), 0);
}

/// The text and HTML parts of the one .eml file written so far to `to`.
fn delivered_to(app: &TestApp, to: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&app.mail_dir).expect("the mail directory") {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let data = std::fs::read_to_string(&path).unwrap();
        let mail = mailparse::parse_mail(data.as_bytes()).unwrap();
        use mailparse::MailHeaderMap;
        if mail.headers.get_first_value("To").as_deref() != Some(to) {
            continue;
        }
        let part = |kind: &str| {
            mail.subparts
                .iter()
                .find(|p| p.ctype.mimetype == kind)
                .unwrap()
                .get_body()
                .unwrap()
        };
        let subject = mail.headers.get_first_value("Subject").unwrap_or_default();
        found.push((subject, part("text/plain"), part("text/html")));
    }
    found
}

#[actix_web::test]
async fn an_acknowledgement_tells_how_the_contribution_arrived() {
    let app = TestApp::spawn_with(manual_mail).await;
    let moderator = app.moderator().await;
    let registered: Value = register(&app, &moderator, None, &from_a_meeting())
        .await
        .json()
        .await
        .unwrap();
    let by_email = with(
        with(
            offline("email"),
            "author.email",
            json!("piero.neri@example.org"),
        ),
        "received_at",
        json!("2026-11-02T09:00:00Z"),
    );
    register(&app, &moderator, None, &by_email).await;
    let on_paper = with(
        offline("paper"),
        "author.email",
        json!("anna.gialli@example.org"),
    );
    register(&app, &moderator, None, &on_paper).await;
    // No address, no message.
    register(&app, &moderator, None, &offline("paper")).await;
    assert_eq!(app.deliver_pending_mail().await, 3);

    let mails = delivered_to(&app, "giulia.verdi@example.org");
    assert_eq!(mails.len(), 1);
    let (subject, text, html) = &mails[0];
    assert_eq!(subject, "Rinasce Firenze: contributo ricevuto (RF-000001)");
    assert_eq!(registered["reference"], "RF-000001");
    let text = text.replace("\r\n", "\n");
    assert!(text.contains("Gentile Giulia Verdi,"), "{text}");
    assert!(
        text.contains(
            "grazie per il contributo a \"Rinasce Firenze\" che ha consegnato all'incontro «Assemblea pubblica del Quartiere 4» del 20 novembre 2026 (Quartiere 4 – Isolotto-Legnaia)."
        ),
        "{text}"
    );
    assert!(
        text.contains("La redazione lo ha trascritto e registrato"),
        "{text}"
    );
    assert!(text.contains("Codice di ricevuta: RF-000001"), "{text}");
    assert!(
        text.contains("Se non ha consegnato lei questo contributo"),
        "{text}"
    );
    // Offline contributions count as confirmed: no confirmation link; the
    // private status page, yes.
    assert!(!text.contains("/conferma/"), "{text}");
    assert!(
        text.contains(&format!("{}/stato/", app.config.public_url)),
        "{text}"
    );
    assert!(
        html.contains("Assemblea pubblica del Quartiere 4"),
        "{html}"
    );
    assert!(!html.contains("/conferma/"));

    let (_, text, _) = &delivered_to(&app, "piero.neri@example.org")[0];
    let text = text.replace("\r\n", " ").replace('\n', " ");
    assert!(
        text.contains("che ci ha inviato per posta elettronica."),
        "{text}"
    );
    assert!(text.contains("Ricevuto il: 2 novembre 2026"), "{text}");
    let (_, text, _) = &delivered_to(&app, "anna.gialli@example.org")[0];
    assert!(
        text.replace("\r\n", " ")
            .contains("che ha consegnato su carta."),
        "{text}"
    );

    // The form's acknowledgement is unchanged: it asks to confirm.
    app.submit_ok(&example_submission()).await;
    app.deliver_pending_mail().await;
    let (_, text, _) = &delivered_to(&app, "maria.rossi@example.org")[0];
    assert!(
        text.contains("/conferma/") && !text.contains("trascritto"),
        "{text}"
    );
}

#[actix_web::test]
async fn the_meeting_is_in_every_export_format() {
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let registered: Value = register(&app, &moderator, None, &from_a_meeting())
        .await
        .json()
        .await
        .unwrap();
    register(&app, &moderator, None, &offline("paper")).await;
    let researcher = app.researcher().await;
    let at = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();

    let (_, csv) = download(&app, &researcher, "format=csv").await;
    let (header, rows) = parse_csv(&csv);
    assert_eq!(header, COLUMNS);
    assert_eq!(
        [
            &rows[0][at("meeting_name")],
            &rows[0][at("meeting_date")],
            &rows[0][at("meeting_quartiere")]
        ],
        [MEETING, "2026-11-20", "4"]
    );
    assert_eq!(
        [
            &rows[1][at("meeting_name")],
            &rows[1][at("meeting_date")],
            &rows[1][at("meeting_quartiere")]
        ],
        ["", "", ""]
    );

    let (_, ndjson) = download(&app, &researcher, "format=ndjson").await;
    let items = parse_ndjson(&ndjson);
    assert_eq!(items[0]["id"], registered["id"]);
    assert_eq!(
        (
            &items[0]["meeting_name"],
            &items[0]["meeting_date"],
            &items[0]["meeting_quartiere"]
        ),
        (&json!(MEETING), &json!("2026-11-20"), &json!(4))
    );
    assert_eq!(items[1]["meeting_date"], Value::Null);

    let (_, xlsx) = download(&app, &researcher, "format=xlsx").await;
    let sheets = parse_xlsx(&xlsx);
    let row = &sheets["contributi"][1];
    assert_eq!(
        row[at("meeting_name")],
        calamine::Data::String(MEETING.into())
    );
    assert_eq!(
        excel_time(&row[at("meeting_date")]).date().to_string(),
        "2026-11-20"
    );
    assert_eq!(row[at("meeting_quartiere")], calamine::Data::Float(4.0));
    let codebook: Vec<String> = sheets["dizionario"]
        .iter()
        .map(|r| r[0].to_string())
        .collect();
    assert!(codebook.contains(&"meeting_date".to_owned()));

    // The data package describes the new columns with their types.
    let descriptor = app.get_json_as(&researcher, &paths::datapackage()).await;
    let fields = descriptor["resources"][0]["schema"]["fields"]
        .as_array()
        .unwrap();
    let field = |name: &str| fields.iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(field("meeting_name")["type"], "string");
    assert_eq!(field("meeting_date")["type"], "date");
    assert_eq!(field("meeting_quartiere")["type"], "integer");
    assert_eq!(field("meeting_quartiere")["constraints"]["maximum"], 5);
    assert!(field("meeting_name")["description"]
        .as_str()
        .unwrap()
        .contains("incontro"));

    // REFI-QDA: variables of the source (validated and read back by a
    // third-party reader), and a set of the meeting's contributions.
    let dir = tempfile::tempdir().unwrap();
    let (_, project) = crate::refi_qda::qdpx(&app, &researcher, "", dir.path()).await;
    let values = &project["sources"][0]["values"];
    assert_eq!(values["meeting_name"], MEETING);
    assert_eq!(values["meeting_date"], "2026-11-20");
    assert_eq!(values["meeting_quartiere"], 4);
    assert!(project["sources"][1]["values"]
        .get("meeting_name")
        .is_none());
    assert_eq!(
        project["sets"][format!("meeting: 2026-11-20 {MEETING}")]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

// --- The console's form -------------------------------------------------

/// The value of the hidden `idempotency_key` of a rendered form.
fn form_key(html: &str) -> String {
    let start = html
        .find("name=\"idempotency_key\" value=\"")
        .expect("a hidden idempotency key")
        + 30;
    let end = html[start..].find('"').unwrap() + start;
    html[start..end].to_owned()
}

async fn offline_form(app: &TestApp, session: &ConsoleSession) -> String {
    let page = app.console_get(session, "/console/offline").await;
    assert_eq!(page.status(), 200);
    page.text().await.unwrap()
}

fn meeting_fields(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("idempotency_key", key),
        ("channel", "event"),
        ("received_at", "2026-11-20T21:15"),
        ("meeting_name", MEETING),
        ("meeting_date", "2026-11-20"),
        ("meeting_quartiere", "4"),
        ("thematic_area", "mobilita-green"),
        ("title", "Più bus la sera"),
        (
            "body",
            "Chiedo più corse dei bus la sera nel Quartiere 4, dopo le 21.",
        ),
        ("kind", "citizen"),
        ("given_name", "Lucia"),
        ("family_name", "Neri"),
        ("email", "lucia.neri@example.org"),
        ("quartiere", "4"),
        ("privacy_notice_accepted", "true"),
    ]
}

#[actix_web::test]
async fn the_console_form_stores_a_double_submission_once_and_shows_the_meeting() {
    let app = TestApp::spawn().await;
    let anna = app.console_sign_in("moderator").await;
    let html = offline_form(&app, &anna).await;
    assert!(
        html.contains("name=\"meeting_name\"") && html.contains("name=\"privacy_notice_accepted\"")
    );
    let key = form_key(&html);
    assert_eq!(key.len(), 36, "a UUID drawn for this filling");
    assert_ne!(
        form_key(&offline_form(&app, &anna).await),
        key,
        "one key per showing"
    );

    let fields = meeting_fields(&key);
    let (first, second) = futures::join!(
        app.console_post(&anna, "/console/offline", &fields),
        app.console_post(&anna, "/console/offline", &fields)
    );
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (303, 303)
    );
    let location = header(&first, "location").unwrap();
    assert_eq!(
        header(&second, "location").as_deref(),
        Some(location.as_str())
    );
    assert_eq!(app.count_contributions(), 1);

    // The review page shows the meeting and the privacy flag.
    let review = app
        .console_get(&anna, &location)
        .await
        .text()
        .await
        .unwrap();
    assert!(review.contains(MEETING), "{review}");
    assert!(
        review.contains("<time datetime=\"2026-11-20\">20 novembre 2026</time>"),
        "{review}"
    );
    assert!(review.contains("Quartiere 4 – Isolotto-Legnaia"));
    assert!(review.contains("Informativa sulla privacy</dt><dd>accettata"));
    let token = app.moderator().await;
    let id = location.trim_start_matches("/console/coda/");
    let detail = app
        .get_json_as(&token, &paths::moderation_contribution(id))
        .await;
    assert_eq!(detail["meeting"]["quartiere"], 4);
    assert_eq!(detail["privacy_notice_accepted"], true);
    assert_eq!(
        detail["received_at"], "2026-11-20T20:15:00Z",
        "Rome time read as such"
    );

    // The same filling sent again after a change (the browser's Back): refused,
    // and the form comes back with a new key, so that it can be sent as new.
    let mut changed = fields.clone();
    changed[7] = ("title", "Più tram la sera");
    let refused = app.console_post(&anna, "/console/offline", &changed).await;
    assert_eq!(refused.status(), 409);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("già stato registrato con dati diversi"),
        "{html}"
    );
    assert!(html.contains("Più tram la sera"), "what was typed is kept");
    let new_key = form_key(&html);
    assert_ne!(new_key, key);
    let mut again = changed.clone();
    again[0] = ("idempotency_key", new_key.as_str());
    assert_eq!(
        app.console_post(&anna, "/console/offline", &again)
            .await
            .status(),
        303
    );
    assert_eq!(app.count_contributions(), 2);
}

#[actix_web::test]
async fn the_console_form_names_failing_fields_by_their_labels() {
    let app = TestApp::spawn().await;
    let anna = app.console_sign_in("moderator").await;
    let key = form_key(&offline_form(&app, &anna).await);
    let mut fields = meeting_fields(&key);
    fields.retain(|(name, _)| !name.starts_with("meeting_"));
    fields[2] = ("received_at", "2999-01-01T10:00");
    let response = app.console_post(&anna, "/console/offline", &fields).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Ricevuto il: non può essere nel futuro"),
        "{html}"
    );
    assert!(
        html.contains("Incontro: obbligatorio per un contributo raccolto a un incontro"),
        "{html}"
    );
    assert_eq!(form_key(&html), key, "nothing stored: the same filling");
    // A meeting on paper: refused, named.
    let mut paper = meeting_fields(&key);
    paper[1] = ("channel", "paper");
    let html = app
        .console_post(&anna, "/console/offline", &paper)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Incontro: solo per un contributo raccolto a un incontro"),
        "{html}"
    );
    let mut nameless = meeting_fields(&key);
    nameless[3] = ("meeting_name", "");
    nameless[4] = ("meeting_date", "2999-12-31");
    let html = app
        .console_post(&anna, "/console/offline", &nameless)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Nome dell&#39;incontro: campo obbligatorio")
            || html.contains("Nome dell'incontro: campo obbligatorio"),
        "{html}"
    );
    assert!(html.contains("non può essere nel futuro"), "{html}");
    assert_eq!(app.count_contributions(), 0);

    // A researcher may not register.
    let researcher = app.console_sign_in("researcher").await;
    assert_eq!(
        app.console_get(&researcher, "/console/offline")
            .await
            .status(),
        403
    );
    let post = app
        .console_post(&researcher, "/console/offline", &meeting_fields(&key))
        .await;
    assert_eq!(post.status(), 403);
    assert_eq!(app.count_contributions(), 0);
}
