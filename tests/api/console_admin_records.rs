//! The console's record pages for admins, as a browser uses them: the audit
//! log (filters, names, links, paging), the e-mail outbox (filters, one
//! message, retrying one or every failed message, the last error masked
//! and blanked by erasure) and erasure requests (by e-mail or by
//! contribution, the confirmation step, notes rewritten or removed, the
//! answer). Who may use them, CSRF, bad input and English.

use serde_json::{json, Value};

use crate::support::console::ConsoleSession;
use crate::support::smtp::SmtpSink;
use crate::support::*;

async fn elena(app: &TestApp) -> ConsoleSession {
    let account = app.console_account("admin", "Elena Ferri");
    app.console_session_of(account).await
}

fn location(response: &reqwest::Response) -> String {
    header(response, "location").expect("a Location")
}

/// A form contribution from `email`: its id and reference.
async fn submit_from(app: &TestApp, email: &str, title: &str) -> (String, String) {
    let submission = with(
        with(example_submission(), "author.email", json!(email)),
        "title",
        json!(title),
    );
    let receipt = app.submit_ok(&submission).await;
    (
        receipt["id"].as_str().unwrap().to_owned(),
        receipt["reference"].as_str().unwrap().to_owned(),
    )
}

fn today_in_rome() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&rinasce::i18n::format::ROME)
        .date_naive()
}

/// The texts of the elements of `class` in `html` (no nested elements).
fn texts_of_class(html: &str, class: &str) -> Vec<String> {
    let marker = format!("class=\"{class}\"");
    html.match_indices(&marker)
        .map(|(at, _)| {
            let start = at + html[at..].find('>').unwrap() + 1;
            html[start..start + html[start..].find('<').unwrap()].to_owned()
        })
        .collect()
}

async fn audit_events(app: &TestApp, query: &str) -> Vec<Value> {
    let admin = app.admin().await;
    let log = app
        .get_json_as(&admin, &paths::with_query(paths::audit_log(), query))
        .await;
    log["items"].as_array().unwrap().clone()
}

async fn outbox_items(app: &TestApp, query: &str) -> Vec<Value> {
    let admin = app.admin().await;
    let page = app
        .get_json_as(&admin, &paths::with_query(paths::outbox(), query))
        .await;
    page["items"].as_array().unwrap().clone()
}

async fn moderation_record(app: &TestApp, id: &str) -> Value {
    let moderator = app.moderator().await;
    app.get_json_as(&moderator, &paths::moderation_contribution(id))
        .await
}

// --- the audit log ----------------------------------------------------------------

/// Two contributions: Anna notes the first in the console, the set-up
/// moderator approves the second.
async fn two_events(app: &TestApp) -> ((String, String), (String, String)) {
    let anna = app.console_account("moderator", "Anna Bianchi");
    let anna = app.console_session_of(anna).await;
    let first = submit_from(app, "maria.rossi@example.org", "Alberi in piazza").await;
    let second = submit_from(app, "luca.neri@example.org", "Panchine nuove").await;
    let noted = app
        .console_post(
            &anna,
            &format!("/console/coda/{}", first.0),
            &[("azione", "note"), ("nota", "Da richiamare")],
        )
        .await;
    assert_eq!(noted.status(), 303);
    app.publish(&second.0).await;
    (first, second)
}

#[actix_web::test]
async fn the_audit_log_is_newest_first_with_names_and_references_linked_to_their_review() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    let ((_, first_ref), (_, second_ref)) = two_events(&app).await;

    let (status, html) = app.console_page(&elena, "/console/admin/registro").await;
    assert_eq!(status, 200);
    assert!(html.contains("Registro delle attività"), "{html}");
    assert!(html.contains("Anna Bianchi") && html.contains("Staff moderator"));
    assert!(html.contains("nota aggiunta") && html.contains("in attesa → approvato"));
    assert!(
        html.contains(&format!(
            "href=\"/console/coda/{first_ref}\" class=\"riferimento\">{first_ref}</a>"
        )),
        "{html}"
    );
    let position = |html: &str, text: &str| html.find(text).unwrap_or_else(|| panic!("{text}"));
    assert!(position(&html, &second_ref) < position(&html, &first_ref));

    let (status, oldest) = app
        .console_page(&elena, "/console/admin/registro?sort=occurred_at")
        .await;
    assert_eq!(status, 200);
    assert!(position(&oldest, &first_ref) < position(&oldest, &second_ref));
    assert!(oldest.contains("<option value=\"occurred_at\" selected>"));
}

#[actix_web::test]
async fn the_audit_log_filters_by_actor_action_object_and_rome_days() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    let ((first, first_ref), (_, second_ref)) = two_events(&app).await;
    let shows = |html: &str, reference: &str| html.contains(&format!(">{reference}</a>"));
    let page = |query: String| {
        let (app, elena) = (&app, &elena);
        async move {
            let (status, html) = app
                .console_page(elena, &format!("/console/admin/registro?{query}"))
                .await;
            assert_eq!(status, 200, "{query}: {html}");
            html
        }
    };

    let by_anna = page("actor=ANNA".into()).await;
    assert!(shows(&by_anna, &first_ref) && !shows(&by_anna, &second_ref));
    assert!(by_anna.contains("value=\"ANNA\""), "the filter is kept");
    let approvals = page("action=status_changed".into()).await;
    assert!(shows(&approvals, &second_ref) && !shows(&approvals, &first_ref));
    assert!(approvals.contains("<option value=\"status_changed\" selected>"));
    for target in [first_ref.to_lowercase(), first.clone()] {
        let about_first = page(format!("target={target}&target_type=contribution")).await;
        assert!(shows(&about_first, &first_ref), "{target}");
        assert!(!shows(&about_first, &second_ref), "{target}");
    }

    let today = today_in_rome();
    let yesterday = today.pred_opt().unwrap();
    assert!(shows(
        &page(format!("since={today}&until={today}")).await,
        &first_ref
    ));
    let before = page(format!("until={yesterday}%2023:59")).await;
    assert!(!shows(&before, &first_ref) && before.contains("nessuno con questi filtri"));

    // 23:30 UTC on 9 March is 00:30 on the 10th in Rome: the day typed is
    // Rome's, and a time too.
    app.backdate_audit_events("note_added", "2026-03-09 23:30:00");
    for (query, found) in [
        ("since=2026-03-10&until=2026-03-10", true),
        ("until=2026-03-09", false),
        ("since=2026-03-10%2000:15&until=2026-03-10T00:45", true),
        ("since=2026-03-10%2000:31", false),
        (
            "since=2026-03-09T23:00:00Z&until=2026-03-09T23:59:00Z",
            true,
        ),
    ] {
        let html = page(format!("action=note_added&{query}")).await;
        assert_eq!(shows(&html, &first_ref), found, "{query}");
    }
}

#[actix_web::test]
async fn bad_audit_filters_give_the_form_back_with_the_message() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    two_events(&app).await;
    for (query, message, typed) in [
        ("since=ieri", "deve essere una data", Some("ieri")),
        (
            "until=2026-13-01",
            "deve essere una data",
            Some("2026-13-01"),
        ),
        ("action=erased", "valore non ammesso", None),
        (
            "target=RF-999999",
            "nessun contributo con questo id o riferimento",
            Some("RF-999999"),
        ),
        ("cursor=non-un-cursore", "cursore non valido", None),
    ] {
        let (status, html) = app
            .console_page(&elena, &format!("/console/admin/registro?{query}"))
            .await;
        assert_eq!(status, 422, "{query}");
        assert!(
            html.contains("avviso-errore") && html.contains(message),
            "{query}: {html}"
        );
        assert!(html.contains("<form method=\"get\""), "the form comes back");
        assert!(
            html.contains("nessuno con questi filtri"),
            "{query}: no rows"
        );
        if let Some(typed) = typed {
            assert!(html.contains(&format!("value=\"{typed}\"")), "{query}");
            assert!(html.contains("aria-invalid=\"true\""), "{query}");
        }
    }
}

#[actix_web::test]
async fn the_audit_log_pages_follow_each_other_without_overlap() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    let moderator = app.moderator().await;
    let (id, reference) = submit_from(&app, "maria.rossi@example.org", "Alberi").await;
    for n in 0..55 {
        let response = app
            .post_json_as(
                &moderator,
                &paths::moderation_notes(&id),
                &json!({ "text": format!("Nota {n}") }),
            )
            .await;
        assert_eq!(response.status(), 201);
    }
    let (_, first_page) = app
        .console_page(&elena, "/console/admin/registro?action=note_added")
        .await;
    assert_eq!(first_page.matches(&format!(">{reference}</a>")).count(), 50);
    let next = first_page
        .split("rel=\"next\"")
        .next()
        .and_then(|before| before.rsplit("href=\"").next())
        .and_then(|href| href.split('"').next())
        .expect("a next page")
        .replace("&#38;", "&");
    assert!(
        next.contains("action=note_added") && next.contains("cursor="),
        "{next}"
    );
    let (status, second_page) = app.console_page(&elena, &next).await;
    assert_eq!(status, 200);
    assert_eq!(second_page.matches(&format!(">{reference}</a>")).count(), 5);
    assert!(!second_page.contains("rel=\"next\""));
    assert!(second_page.contains("Prima pagina"));
}

#[actix_web::test]
async fn the_audit_log_api_takes_a_reference_as_target() {
    let app = TestApp::spawn().await;
    let ((first, first_ref), _) = two_events(&app).await;
    let events = audit_events(&app, &format!("target={first_ref}")).await;
    assert!(!events.is_empty());
    assert!(events.iter().all(|event| event["target_id"] == first));
    let admin = app.admin().await;
    let unknown = paths::with_query(paths::audit_log(), "target=RF-999999");
    let problem = assert_problem(app.get_as(&admin, &unknown).await, 422).await;
    assert_eq!(failing_fields(&problem), ["target"]);
}

// --- the outbox -------------------------------------------------------------------

/// An app whose deliveries go to `sink`, one attempt each, when the test
/// says so.
async fn app_mailing_to(sink: &SmtpSink) -> TestApp {
    let url = sink.url();
    TestApp::spawn_with(|config| {
        manual_mail(config);
        config.mail = rinasce::config::MailTransport::Smtp(url);
        config.mail_max_attempts = 1;
    })
    .await
}

#[actix_web::test]
async fn the_outbox_lists_and_filters_messages_and_shows_one_with_its_text() {
    let app = TestApp::spawn_with(manual_mail).await;
    let elena = elena(&app).await;
    let (_, maria_ref) = submit_from(&app, "maria.rossi@example.org", "Alberi").await;
    submit_from(&app, "Luca@Example.org", "Panchine").await;

    let (status, html) = app.console_page(&elena, "/console/admin/email").await;
    assert_eq!(status, 200);
    assert!(html.contains("maria.rossi@example.org") && html.contains("Luca@Example.org"));
    assert!(html.contains("conferma di ricezione") && html.contains("in coda"));
    let position = |text: &str| html.find(text).unwrap();
    assert!(
        position("Luca@Example.org") < position("maria.rossi"),
        "newest first"
    );
    assert!(
        !html.contains("/console/admin/email/ritenta"),
        "nothing failed"
    );

    let (_, luca) = app
        .console_page(&elena, "/console/admin/email?recipient=LUCA%40example")
        .await;
    assert!(luca.contains("Luca@Example.org") && !luca.contains("maria.rossi@"));
    let (_, sent) = app
        .console_page(&elena, "/console/admin/email?status=sent")
        .await;
    assert!(sent.contains("nessuno con questi filtri") && !sent.contains("maria.rossi@"));
    let (_, oldest) = app
        .console_page(&elena, "/console/admin/email?sort=oldest")
        .await;
    assert!(oldest.find("maria.rossi").unwrap() < oldest.find("Luca@Example.org").unwrap());

    let message = &outbox_items(&app, "recipient=maria").await[0];
    let id = message["id"].as_str().unwrap();
    let (status, html) = app
        .console_page(&elena, &format!("/console/admin/email/{id}"))
        .await;
    assert_eq!(status, 200);
    for shown in [
        "maria.rossi@example.org",
        message["subject"].as_str().unwrap(),
        &message["message_id"]
            .as_str()
            .unwrap()
            .replace('<', "&#60;")
            .replace('>', "&#62;"),
        "Rinasce Firenze &#60;rinasce@localhost&#62;",
        &format!("<a href=\"/console/coda/{maria_ref}\">{maria_ref}</a>"),
        "Gentile Maria",
        "&#60;!DOCTYPE html&#62;",
        "Ritenta ora",
    ] {
        assert!(html.contains(shown), "{shown}: {html}");
    }
    assert!(
        !html.contains("<body style="),
        "the HTML part is shown as source"
    );

    let (status, _) = app
        .console_page(
            &elena,
            "/console/admin/email/0190f5e4-0000-7000-8000-000000000000",
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = app.console_page(&elena, "/console/admin/email/abc").await;
    assert_eq!(status, 404);
    let (status, html) = app
        .console_page(&elena, "/console/admin/email?status=lost&recipient=maria")
        .await;
    assert_eq!(status, 422);
    assert!(html.contains("valore non ammesso") && html.contains("aria-invalid=\"true\""));
    assert!(html.contains("value=\"maria\""), "what was typed is kept");
}

#[actix_web::test]
async fn a_failed_message_shows_its_masked_error_and_is_retried_from_its_page() {
    let sink = SmtpSink::start().await;
    sink.refuse("nobody@example.org");
    let app = app_mailing_to(&sink).await;
    let elena = elena(&app).await;
    submit_from(&app, "nobody@example.org", "Alberi").await;
    app.deliver_pending_mail().await;
    let failed = &outbox_items(&app, "status=failed").await[0];
    let id = failed["id"].as_str().unwrap();

    let (_, list) = app
        .console_page(&elena, "/console/admin/email?status=failed")
        .await;
    assert!(list.contains("non riuscito") && list.contains(&format!("/console/admin/email/{id}")));
    assert!(list.contains("Ritenta il messaggio non riuscito"));
    let errors = texts_of_class(&list, "errore-invio");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("550") && errors[0].contains("[e-mail]"),
        "{errors:?}"
    );
    assert!(!errors[0].contains("nobody@"), "{errors:?}");

    sink.accept_again("nobody@example.org");
    let retried = app
        .console_post(&elena, &format!("/console/admin/email/{id}/ritenta"), &[])
        .await;
    assert_eq!(retried.status(), 303);
    let back = location(&retried);
    assert_eq!(back, format!("/console/admin/email/{id}?ritentato=1"));
    let (_, page) = app.console_page(&elena, &back).await;
    assert!(page.contains("Messaggio rimesso in coda"), "{page}");
    let queued = &outbox_items(&app, "status=pending").await[0];
    assert_eq!(
        (queued["id"].as_str(), queued["attempts"].as_i64()),
        (Some(id), Some(0))
    );
    let events = audit_events(&app, "action=outbox_retried").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["target_id"], id);
    assert_eq!(events[0]["actor_name"], "Elena Ferri");

    app.deliver_pending_mail().await;
    assert_eq!(outbox_items(&app, "status=sent").await.len(), 1);
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].recipients, ["nobody@example.org"]);
}

#[actix_web::test]
async fn every_failed_message_is_retried_at_once() {
    let app = TestApp::spawn_with(|config| {
        manual_mail(config);
        // Nothing listens there: each delivery fails, and one attempt is all.
        config.mail = rinasce::config::MailTransport::Smtp("smtp://127.0.0.1:9".into());
        config.mail_max_attempts = 1;
    })
    .await;
    let elena = elena(&app).await;
    submit_from(&app, "maria.rossi@example.org", "Alberi").await;
    submit_from(&app, "luca.neri@example.org", "Panchine").await;
    app.deliver_pending_mail().await;
    assert_eq!(outbox_items(&app, "status=failed").await.len(), 2);

    let (_, list) = app.console_page(&elena, "/console/admin/email").await;
    assert!(list.contains("Ritenta i 2 messaggi non riusciti"), "{list}");
    let retried = app
        .console_post(&elena, "/console/admin/email/ritenta", &[])
        .await;
    assert_eq!(retried.status(), 303);
    let back = location(&retried);
    assert_eq!(back, "/console/admin/email?ritentati=2");
    let (_, list) = app.console_page(&elena, &back).await;
    assert!(list.contains("2 messaggi rimessi in coda"), "{list}");
    assert!(
        !list.contains("messaggi non riusciti</button>"),
        "none failed any more"
    );
    assert!(outbox_items(&app, "status=failed").await.is_empty());
    assert_eq!(outbox_items(&app, "status=pending").await.len(), 2);
    let events = audit_events(&app, "action=outbox_retried").await;
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e["actor_name"] == "Elena Ferri"));

    let again = app
        .console_post(&elena, "/console/admin/email/ritenta", &[])
        .await;
    let (_, list) = app.console_page(&elena, &location(&again)).await;
    assert!(list.contains("Nessun messaggio non riuscito da ritentare"));
}

#[actix_web::test]
async fn a_sent_message_is_not_retried_and_its_page_says_why() {
    let app = TestApp::spawn_with(manual_mail).await;
    let elena = elena(&app).await;
    submit_from(&app, "maria.rossi@example.org", "Alberi").await;
    app.deliver_pending_mail().await;
    let sent = &outbox_items(&app, "status=sent").await[0];
    let id = sent["id"].as_str().unwrap();
    let (_, page) = app
        .console_page(&elena, &format!("/console/admin/email/{id}"))
        .await;
    assert!(page.contains("inviato") && !page.contains("Ritenta ora"));

    let refused = app
        .console_post(&elena, &format!("/console/admin/email/{id}/ritenta"), &[])
        .await;
    assert_eq!(refused.status(), 409);
    let page = refused.text().await.unwrap();
    assert!(page.contains("non può essere rimessa in coda"), "{page}");
    assert_eq!(outbox_items(&app, "status=sent").await.len(), 1);
    assert!(audit_events(&app, "action=outbox_retried").await.is_empty());
}

/// The key of the first link to `/{path}/` in `text`.
fn link_key(text: &str, path: &str) -> String {
    let start = text.find(&format!("/{path}/")).expect(path) + path.len() + 2;
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[actix_web::test]
async fn the_keys_of_private_links_are_not_shown() {
    let app = TestApp::spawn_with(manual_mail).await;
    let elena = elena(&app).await;
    submit_from(&app, "maria.rossi@example.org", "Alberi").await;
    let asked = app
        .console_post_raw(
            None,
            "/console/accesso",
            &app.public_origin(),
            &[("email", elena.account.email.as_str())],
        )
        .await;
    assert_eq!(asked.status(), 200);
    let admin = app.admin().await;
    for message in outbox_items(&app, "status=pending").await {
        let id = message["id"].as_str().unwrap();
        let stored = app
            .get_json_as(&admin, &paths::api(&format!("/admin/outbox/{id}")))
            .await;
        let text = stored["body_text"].as_str().unwrap();
        let keys: Vec<String> = match message["kind"].as_str().unwrap() {
            "acknowledgement" => vec![link_key(text, "stato"), link_key(text, "conferma")],
            _ => vec![text.split("token=").nth(1).unwrap()[..20].to_owned()],
        };
        let (status, page) = app
            .console_page(&elena, &format!("/console/admin/email/{id}"))
            .await;
        assert_eq!(status, 200);
        for key in keys {
            assert!(key.len() >= 20 && !page.contains(&key), "{key}: {page}");
        }
        assert!(page.contains("[chiave nascosta]"), "{page}");
    }
    // Once delivered, a sign-in link is not kept, and the page says so in Italian.
    app.deliver_pending_mail().await;
    let sign_in = outbox_items(&app, "status=sent")
        .await
        .into_iter()
        .find(|message| message["kind"] == "sign_in_link")
        .expect("the sign-in link was sent");
    let id = sign_in["id"].as_str().unwrap();
    let (_, page) = app
        .console_page(&elena, &format!("/console/admin/email/{id}"))
        .await;
    assert!(
        page.contains("(link di accesso consegnato; non conservato)"),
        "{page}"
    );
}

#[actix_web::test]
async fn after_an_erasure_the_outbox_shows_neither_the_address_nor_its_error() {
    let sink = SmtpSink::start().await;
    sink.refuse("nobody@example.org");
    let app = app_mailing_to(&sink).await;
    let elena = elena(&app).await;
    submit_from(&app, "nobody@example.org", "Alberi").await;
    app.deliver_pending_mail().await;
    let id = outbox_items(&app, "status=failed").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let erased = app
        .console_post(
            &elena,
            "/console/admin/cancellazioni",
            &[("email", "NOBODY@example.org")],
        )
        .await;
    assert_eq!(erased.status(), 303);
    let (_, list) = app.console_page(&elena, "/console/admin/email").await;
    assert!(!list.contains("nobody@"), "{list}");
    assert!(list.contains("indirizzo cancellato"));
    assert!(texts_of_class(&list, "errore-invio").is_empty(), "{list}");
    let (_, page) = app
        .console_page(&elena, &format!("/console/admin/email/{id}"))
        .await;
    assert!(!page.contains("nobody@") && texts_of_class(&page, "errore-invio").is_empty());
    assert!(page.contains("Il testo non è più conservato"), "{page}");
}

// --- erasure requests -------------------------------------------------------------

fn paper_by_giulia() -> Value {
    json!({
        "channel": "paper",
        "thematic_area": "citta-intelligente",
        "title": "Panchine all'ombra",
        "body": "Scritto a mano all'URP: panchine all'ombra lungo i viali per chi aspetta il bus.",
        "author": {"kind": "citizen", "given_name": "Giulia", "family_name": "Verdi"}
    })
}

async fn register_paper(app: &TestApp) -> (String, String) {
    let moderator = app.moderator().await;
    let response = app
        .post_json_as(
            &moderator,
            &paths::moderation_contributions(),
            &paper_by_giulia(),
        )
        .await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    (
        body["id"].as_str().unwrap().to_owned(),
        body["reference"].as_str().unwrap().to_owned(),
    )
}

async fn add_note(app: &TestApp, id: &str, text: &str) -> String {
    let moderator = app.moderator().await;
    let response = app
        .post_json_as(
            &moderator,
            &paths::moderation_notes(id),
            &json!({ "text": text }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let note: Value = response.json().await.unwrap();
    note["id"].as_str().unwrap().to_owned()
}

/// The confirmation form's fields for one note.
fn note_fields(note: &str, action: &str, text: &str) -> Vec<(String, String)> {
    vec![
        ("nota".to_owned(), note.to_owned()),
        (format!("azione-{note}"), action.to_owned()),
        (format!("testo-{note}"), text.to_owned()),
    ]
}

async fn post_form(
    app: &TestApp,
    session: &ConsoleSession,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    app.console_post(session, path, &fields).await
}

#[actix_web::test]
async fn an_erasure_by_email_is_confirmed_then_done_and_answers_the_references() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    let (first, first_ref) = submit_from(&app, "maria.rossi@example.org", "Alberi").await;
    let (second, second_ref) = submit_from(&app, "Maria.Rossi@Example.org", "Panchine").await;
    let (other, other_ref) = submit_from(&app, "luca.neri@example.org", "Fontane").await;

    let (status, form) = app
        .console_page(&elena, "/console/admin/cancellazioni")
        .await;
    assert_eq!(status, 200);
    assert!(form.contains("Per indirizzo e-mail") && form.contains("Per contributo"));
    let confirm = app
        .console_post(
            &elena,
            "/console/admin/cancellazioni/conferma",
            &[("email", "MARIA.ROSSI@example.org"), ("contribution", "")],
        )
        .await;
    assert_eq!(confirm.status(), 200);
    let confirm = confirm.text().await.unwrap();
    assert!(
        confirm.contains(&first_ref) && confirm.contains(&second_ref),
        "{confirm}"
    );
    assert!(!confirm.contains(&other_ref));
    assert!(confirm.contains("Maria Rossi") && confirm.contains("Conferma la cancellazione"));
    assert!(confirm.contains("name=\"email\" value=\"MARIA.ROSSI@example.org\""));
    assert_eq!(
        moderation_record(&app, &first).await["author"]["given_name"],
        "Maria",
        "the confirmation step changes nothing"
    );

    let erased = app
        .console_post(
            &elena,
            "/console/admin/cancellazioni",
            &[("email", "MARIA.ROSSI@example.org")],
        )
        .await;
    assert_eq!(erased.status(), 303);
    let answer = location(&erased);
    assert!(
        answer.starts_with("/console/admin/cancellazioni/"),
        "{answer}"
    );
    let (status, page) = app.console_page(&elena, &answer).await;
    assert_eq!(status, 200);
    assert!(page.contains("Cancellazione eseguita") && page.contains("Elena Ferri"));
    assert!(
        page.contains(&format!(">{first_ref}</a>")) && page.contains(&format!(">{second_ref}</a>"))
    );
    assert!(!page.contains(&other_ref));

    for id in [&first, &second] {
        let author = &moderation_record(&app, id).await["author"];
        assert_eq!(
            (
                &author["given_name"],
                &author["family_name"],
                &author["email"]
            ),
            (&Value::Null, &Value::Null, &Value::Null),
            "{id}"
        );
    }
    assert_eq!(
        moderation_record(&app, &other).await["author"]["given_name"],
        "Maria"
    );
    let events = audit_events(&app, "action=erasure_request").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["actor_name"], "Elena Ferri");
    assert_eq!(
        events[0]["details"]["references"],
        json!([first_ref, second_ref])
    );
    assert!(!events[0].to_string().to_lowercase().contains("maria.rossi"));
    // The log links the erasure to its answer.
    let (_, log) = app
        .console_page(&elena, "/console/admin/registro?action=erasure_request")
        .await;
    assert!(log.contains(&format!("href=\"{answer}\"")), "{log}");
}

#[actix_web::test]
async fn a_paper_contribution_is_erased_by_reference_rewriting_and_removing_its_notes() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    let (paper, paper_ref) = register_paper(&app).await;
    let named = add_note(&app, &paper, "Giulia Verdi ha telefonato").await;
    let also_named = add_note(&app, &paper, "Abita sopra la farmacia").await;
    let kept = add_note(&app, &paper, "Proposta già discussa").await;

    let confirm = app
        .console_post(
            &elena,
            "/console/admin/cancellazioni/conferma",
            &[("contribution", &paper_ref.to_lowercase())],
        )
        .await;
    assert_eq!(confirm.status(), 200);
    let confirm = confirm.text().await.unwrap();
    assert!(confirm.contains(&paper_ref) && confirm.contains("Giulia Verdi"));
    for note in [&named, &also_named, &kept] {
        assert!(confirm.contains(&format!("name=\"azione-{note}\" value=\"keep\" checked")));
    }
    assert!(confirm.contains("Giulia Verdi ha telefonato"));

    let mut fields = vec![("contribution".to_owned(), paper_ref.clone())];
    fields.extend(note_fields(&named, "edit", "L'autrice ha telefonato"));
    fields.extend(note_fields(
        &also_named,
        "remove",
        "Abita sopra la farmacia",
    ));
    fields.extend(note_fields(&kept, "keep", "ignorato"));
    let erased = post_form(&app, &elena, "/console/admin/cancellazioni", &fields).await;
    assert_eq!(erased.status(), 303);
    let (_, answer) = app.console_page(&elena, &location(&erased)).await;
    assert!(answer.contains(&format!(">{paper_ref}</a>")));
    assert!(answer.contains("Note riscritte</dt><dd>1</dd>"), "{answer}");
    assert!(answer.contains("Note rimosse</dt><dd>1</dd>"));

    let record = moderation_record(&app, &paper).await;
    assert_eq!(record["author"]["given_name"], Value::Null);
    let notes: Vec<&str> = record["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["L'autrice ha telefonato", "Proposta già discussa"]);
    let edited = audit_events(&app, "action=note_edited").await;
    let removed = audit_events(&app, "action=note_removed").await;
    assert_eq!((edited.len(), removed.len()), (1, 1));
    assert_eq!(edited[0]["actor_name"], "Elena Ferri");
    assert_eq!(edited[0]["target_id"], paper);
    let added = audit_events(&app, "action=note_added").await;
    let texts: Vec<String> = added.iter().map(|e| e["details"].to_string()).collect();
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("Giulia") || t.contains("farmacia")),
        "the log no longer holds the notes' text: {texts:?}"
    );
}

#[actix_web::test]
async fn a_contribution_is_also_found_by_its_id_and_an_empty_new_note_text_changes_nothing() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    let (paper, paper_ref) = register_paper(&app).await;
    let note = add_note(&app, &paper, "Giulia Verdi ha telefonato").await;
    let confirm = app
        .console_post(
            &elena,
            "/console/admin/cancellazioni/conferma",
            &[("contribution", &paper)],
        )
        .await;
    assert_eq!(confirm.status(), 200);
    assert!(confirm.text().await.unwrap().contains(&paper_ref));

    let mut fields = vec![("contribution".to_owned(), paper.clone())];
    fields.extend(note_fields(&note, "edit", "   "));
    let refused = post_form(&app, &elena, "/console/admin/cancellazioni", &fields).await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Conferma la cancellazione") && page.contains("campo obbligatorio"));
    assert!(
        page.contains(&format!("aria-describedby=\"testo-{note}-errore\"")),
        "{page}"
    );
    assert!(page.contains(&format!("name=\"azione-{note}\" value=\"edit\" checked")));
    let record = moderation_record(&app, &paper).await;
    assert_eq!(record["author"]["given_name"], "Giulia", "nothing erased");
    assert_eq!(record["notes"][0]["text"], "Giulia Verdi ha telefonato");
    assert!(audit_events(&app, "action=erasure_request")
        .await
        .is_empty());
}

#[actix_web::test]
async fn an_erasure_request_that_names_nobody_gives_the_form_back_with_the_message() {
    let app = TestApp::spawn().await;
    let elena = elena(&app).await;
    let (paper, _) = register_paper(&app).await;
    for (fields, message, typed) in [
        (
            vec![("email", "maria.rossi@")],
            "non è un indirizzo e-mail valido",
            "maria.rossi@",
        ),
        (
            vec![("contribution", "RF-999999")],
            "nessun contributo con questo id o riferimento",
            "RF-999999",
        ),
        (vec![("contribution", "RF-abc")], "deve essere l", "RF-abc"),
        (
            vec![("email", ""), ("contribution", "")],
            "oppure il contributo",
            "",
        ),
    ] {
        for step in [
            "/console/admin/cancellazioni/conferma",
            "/console/admin/cancellazioni",
        ] {
            let response = app.console_post(&elena, step, &fields).await;
            assert_eq!(response.status(), 422, "{step} {fields:?}");
            let page = response.text().await.unwrap();
            assert!(page.contains(message), "{step} {fields:?}: {page}");
            assert!(
                page.contains("Per contributo"),
                "the request form comes back"
            );
            assert!(page.contains(&format!("value=\"{typed}\"")), "{fields:?}");
        }
    }
    assert_eq!(
        moderation_record(&app, &paper).await["author"]["given_name"],
        "Giulia"
    );
    assert!(audit_events(&app, "action=erasure_request")
        .await
        .is_empty());
    for path in [
        "/console/admin/cancellazioni/0190f5e4-0000-7000-8000-000000000000",
        "/console/admin/cancellazioni/non-un-id",
    ] {
        assert_eq!(app.console_page(&elena, path).await.0, 404, "{path}");
    }
}

// --- who may, CSRF, language ----------------------------------------------------------

#[actix_web::test]
async fn moderators_and_researchers_get_403_and_change_nothing() {
    let sink = SmtpSink::start().await;
    sink.refuse("nobody@example.org");
    let app = app_mailing_to(&sink).await;
    let (paper, paper_ref) = register_paper(&app).await;
    submit_from(&app, "nobody@example.org", "Alberi").await;
    app.deliver_pending_mail().await;
    let failed = outbox_items(&app, "status=failed").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for role in ["moderator", "researcher"] {
        let session = app.console_sign_in(role).await;
        for path in [
            "/console/admin/registro".to_owned(),
            "/console/admin/email".to_owned(),
            format!("/console/admin/email/{failed}"),
            "/console/admin/cancellazioni".to_owned(),
        ] {
            let (status, page) = app.console_page(&session, &path).await;
            assert_eq!(status, 403, "{role} {path}");
            assert!(page.contains("Accesso non consentito"), "{role} {path}");
        }
        for (path, fields) in [
            (format!("/console/admin/email/{failed}/ritenta"), vec![]),
            ("/console/admin/email/ritenta".to_owned(), vec![]),
            (
                "/console/admin/cancellazioni/conferma".to_owned(),
                vec![("contribution", paper_ref.as_str())],
            ),
            (
                "/console/admin/cancellazioni".to_owned(),
                vec![("contribution", paper_ref.as_str())],
            ),
        ] {
            let response = app.console_post(&session, &path, &fields).await;
            assert_eq!(response.status(), 403, "{role} {path}");
        }
    }
    assert_eq!(outbox_items(&app, "status=failed").await.len(), 1);
    assert_eq!(
        moderation_record(&app, &paper).await["author"]["given_name"],
        "Giulia"
    );
    assert!(audit_events(&app, "action=outbox_retried").await.is_empty());
}

#[actix_web::test]
async fn changes_without_the_csrf_token_or_from_another_site_are_refused() {
    let app = TestApp::spawn_with(|config| {
        manual_mail(config);
        config.mail = rinasce::config::MailTransport::Smtp("smtp://127.0.0.1:9".into());
        config.mail_max_attempts = 1;
    })
    .await;
    let elena = elena(&app).await;
    let (paper, paper_ref) = register_paper(&app).await;
    submit_from(&app, "maria.rossi@example.org", "Alberi").await;
    app.deliver_pending_mail().await;
    let failed = outbox_items(&app, "status=failed").await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let origin = app.public_origin();
    for path in [
        format!("/console/admin/email/{failed}/ritenta"),
        "/console/admin/email/ritenta".to_owned(),
        "/console/admin/cancellazioni".to_owned(),
    ] {
        let without_token = app
            .console_post_raw(
                Some(&elena),
                &path,
                &origin,
                &[("contribution", &paper_ref)],
            )
            .await;
        assert_eq!(without_token.status(), 403, "{path}");
        let other_site = app
            .console_post_raw(
                Some(&elena),
                &path,
                "https://elsewhere.example",
                &[("csrf_token", &elena.csrf), ("contribution", &paper_ref)],
            )
            .await;
        assert_eq!(other_site.status(), 403, "{path}");
        assert!(other_site
            .text()
            .await
            .unwrap()
            .contains("Richiesta rifiutata"));
    }
    assert_eq!(outbox_items(&app, "status=failed").await.len(), 1);
    assert_eq!(
        moderation_record(&app, &paper).await["author"]["given_name"],
        "Giulia"
    );
}

#[actix_web::test]
async fn anyone_not_signed_in_is_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    for path in [
        "/console/admin/registro",
        "/console/admin/email",
        "/console/admin/cancellazioni",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert!(
            location(&response).starts_with("/console/accesso?next="),
            "{path}"
        );
    }
}

#[actix_web::test]
async fn the_record_pages_speak_english_when_asked() {
    let app = TestApp::spawn_with(manual_mail).await;
    let elena = elena(&app).await;
    two_events(&app).await;
    for (path, texts) in [
        (
            "/console/admin/registro",
            vec![
                "Audit log",
                "note added",
                "pending → approved",
                "Who (name or e-mail)",
            ],
        ),
        (
            "/console/admin/email",
            vec!["E-mail outbox", "acknowledgement", "queued"],
        ),
        (
            "/console/admin/cancellazioni",
            vec!["Erasure requests", "By e-mail address", "By contribution"],
        ),
        (
            "/console/admin/registro?since=yesterday",
            vec!["must be a date", "From"],
        ),
    ] {
        let (_, page) = app.console_page_in_english(&elena, path).await;
        assert!(page.contains("<html lang=\"en\">"), "{path}");
        for text in texts {
            assert!(page.contains(text), "{path}: {text}: {page}");
        }
    }
}
