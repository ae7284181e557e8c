//! E-mail through the outbox, against a real SMTP server the tests start.

use std::time::Duration;

use crate::support::smtp::{Received, SmtpSink};
use crate::support::*;
use rinasce::config::MailTransport;
use rinasce::db::outbox::{self, OutboxRow};
use serde_json::{json, Value};

fn outbox_rows(app: &TestApp) -> Vec<OutboxRow> {
    app.db
        .read_blocking(|conn| outbox::list(conn, &outbox::OutboxFilter::default(), None, 1000))
        .expect("outbox readable")
}

/// Waits (bounded) until `done` holds; the worker runs in the background.
async fn eventually<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(value) = check() {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

fn smtp_app_config(url: String) -> impl FnOnce(&mut rinasce::config::Config) {
    move |config| {
        config.mail = MailTransport::Smtp(url);
        config.mail_retry_base = Duration::from_millis(100);
        config.mail_max_attempts = 3;
    }
}

fn parsed(data: &str) -> mailparse::ParsedMail<'_> {
    mailparse::parse_mail(data.as_bytes()).expect("a valid message")
}

fn header(mail: &mailparse::ParsedMail<'_>, name: &str) -> String {
    use mailparse::MailHeaderMap;
    mail.headers.get_first_value(name).unwrap_or_default()
}

/// The plain-text and HTML parts of a message.
fn parts(mail: &mailparse::ParsedMail<'_>) -> (String, String) {
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    let text = mail
        .subparts
        .iter()
        .find(|p| p.ctype.mimetype == "text/plain")
        .expect("a text part");
    let html = mail
        .subparts
        .iter()
        .find(|p| p.ctype.mimetype == "text/html")
        .expect("an HTML part");
    (text.get_body().unwrap(), html.get_body().unwrap())
}

#[actix_web::test]
async fn the_acknowledgement_is_delivered_with_recipient_subject_reference_and_both_parts() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(smtp_app_config(sink.url())).await;
    let receipt = app.submit_ok(&example_submission()).await;
    let received: Vec<Received> = eventually("delivery", || {
        Some(sink.received()).filter(|r| !r.is_empty())
    })
    .await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].recipients, ["maria.rossi@example.org"]);
    let mail = parsed(&received[0].data);
    assert!(header(&mail, "Subject").contains("RF-000001"));
    assert_eq!(header(&mail, "To"), "maria.rossi@example.org");
    let (text, html) = parts(&mail);
    assert!(text.contains("RF-000001") && text.contains("Mobilità green"));
    assert!(html.contains("RF-000001"));
    let rows = eventually("sent status", || {
        let rows = outbox_rows(&app);
        (rows[0].status.as_str() == "sent").then_some(rows)
    })
    .await;
    assert_eq!(header(&mail, "Message-ID"), rows[0].message_id);
    assert_eq!(
        rows[0].contribution_id.map(|id| id.to_string()).as_deref(),
        receipt["id"].as_str()
    );
}

#[actix_web::test]
async fn nothing_is_lost_or_doubled_while_the_smtp_server_is_down() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let app = TestApp::spawn_with(|config| {
        smtp_app_config(format!("smtp://127.0.0.1:{port}"))(config);
        config.mail_max_attempts = 50;
    })
    .await;
    for _ in 0..3 {
        app.submit_ok(&example_submission()).await;
    }
    eventually("failed attempts while down", || {
        let rows = outbox_rows(&app);
        rows.iter()
            .all(|r| r.attempts >= 1 && r.status.as_str() == "pending")
            .then_some(())
    })
    .await;
    let sink = SmtpSink::start_on(port).await;
    eventually("delivery after the outage", || {
        (sink.received().len() >= 3).then_some(())
    })
    .await;
    eventually("every row sent", || {
        outbox_rows(&app)
            .iter()
            .all(|r| r.status.as_str() == "sent")
            .then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut ids: Vec<String> = sink
        .received()
        .iter()
        .map(|r| header(&parsed(&r.data), "Message-ID"))
        .collect();
    assert_eq!(ids.len(), 3, "none lost, none twice");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
}

#[actix_web::test]
async fn a_refused_address_ends_failed_after_the_set_attempts_and_a_manual_retry_delivers_it() {
    let sink = SmtpSink::start().await;
    sink.refuse("nobody@example.org");
    let app = TestApp::spawn_with(smtp_app_config(sink.url())).await;
    let admin = app.admin().await;
    app.submit_ok(&with(
        example_submission(),
        "author.email",
        json!("nobody@example.org"),
    ))
    .await;
    let failed = eventually("failed status", || {
        outbox_rows(&app)
            .into_iter()
            .find(|r| r.recipient == "nobody@example.org" && r.status.as_str() == "failed")
    })
    .await;
    assert_eq!(failed.attempts, 3);
    assert!(
        failed.last_error.as_deref().unwrap_or("").contains("550"),
        "{:?}",
        failed.last_error
    );

    let listed: Value = app
        .get_as(&admin, &paths::with_query(paths::outbox(), "status=failed"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["attempts"], 3);

    sink.accept_again("nobody@example.org");
    let retried = app
        .as_staff(
            reqwest::Method::POST,
            &paths::outbox_retry(failed.id),
            &admin,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 200);
    eventually("delivery after retry", || {
        sink.received()
            .iter()
            .any(|r| r.recipients == ["nobody@example.org"])
            .then_some(())
    })
    .await;
    let again = app
        .as_staff(
            reqwest::Method::POST,
            &paths::outbox_retry(failed.id),
            &admin,
        )
        .send()
        .await
        .unwrap();
    eventually("sent status", || {
        outbox_rows(&app)
            .into_iter()
            .find(|r| r.id == failed.id && r.status.as_str() == "sent")
    })
    .await;
    assert!(again.status() == 200 || again.status() == 409);
    let moderator = app.moderator().await;
    let forbidden = app.get_as(&moderator, &paths::outbox()).await;
    assert_problem(forbidden, 403).await;
}

#[actix_web::test]
async fn the_file_transport_writes_valid_eml_files() {
    let app = TestApp::spawn_with(manual_mail).await;
    app.submit_ok(&example_submission()).await;
    assert_eq!(app.deliver_pending_mail().await, 1);
    let file = std::fs::read_dir(&app.mail_dir)
        .expect("the mail directory")
        .filter_map(Result::ok)
        .find(|entry| entry.path().extension().is_some_and(|e| e == "eml"))
        .map(|entry| entry.path())
        .expect("an .eml file");
    let data = std::fs::read_to_string(file).unwrap();
    let mail = parsed(&data);
    assert!(header(&mail, "Subject").contains("RF-000001"));
    assert!(header(&mail, "From").contains("rinasce@localhost"));
    assert!(header(&mail, "Message-ID").starts_with('<'));
    let (text, html) = parts(&mail);
    assert!(text.contains("Gentile Maria Rossi"));
    assert!(html.contains("<html lang=\"it\">"));
}

#[actix_web::test]
async fn a_crlf_in_a_stored_subject_cannot_inject_a_header() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| {
        smtp_app_config(sink.url())(config);
        manual_mail(config);
    })
    .await;
    let message = rinasce::mail::Message {
        kind: rinasce::domain::MessageKind::Acknowledgement,
        recipient: "maria.rossi@example.org".into(),
        subject: "Oggetto\r\nBcc: spia@example.org".into(),
        body_text: "testo".into(),
        body_html: "<p>testo</p>".into(),
    };
    app.db
        .write_blocking(|conn| {
            outbox::queue(
                conn,
                &message,
                None,
                "localhost",
                rinasce::clock::now().naive_utc(),
            )
        })
        .unwrap();
    app.deliver_pending_mail().await;
    let received = sink.received();
    assert!(!received.is_empty(), "delivered");
    assert_eq!(received[0].recipients, ["maria.rossi@example.org"]);
    let mail = parsed(&received[0].data);
    use mailparse::MailHeaderMap;
    assert!(mail.headers.get_first_value("Bcc").is_none());
}

#[actix_web::test]
async fn moderation_outcomes_and_the_target_notice_reach_their_recipients() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| {
        smtp_app_config(sink.url())(config);
        manual_mail(config);
        config.target = 2;
    })
    .await;
    let admin = app.admin().await;
    let moderator = app.moderator().await;
    let first = app.submit_ok(&example_submission()).await;
    let second = app
        .submit_ok(&with(
            example_submission(),
            "author.email",
            json!("luca@example.org"),
        ))
        .await;
    for (receipt, patch) in [
        (&first, json!({"status": "approved"})),
        (
            &second,
            json!({"status": "rejected", "status_reason": "Fuori tema rispetto al documento"}),
        ),
    ] {
        let response = app
            .patch_as(
                &moderator,
                &paths::moderation_contribution(receipt["id"].as_str().unwrap()),
                Some("\"v1\""),
                &patch,
            )
            .await;
        assert_eq!(response.status(), 200);
    }
    app.deliver_pending_mail().await;
    let received = sink.received();
    assert!(
        received.len() >= 5,
        "two acks, two outcomes, one target notice: {}",
        received.len()
    );
    let subjects: Vec<(Vec<String>, String, String)> = received
        .iter()
        .map(|r| {
            let mail = parsed(&r.data);
            (
                r.recipients.clone(),
                header(&mail, "Subject"),
                parts(&mail).0,
            )
        })
        .collect();
    let find = |needle: &str| {
        subjects
            .iter()
            .filter(|(_, s, _)| s.contains(needle))
            .collect::<Vec<_>>()
    };
    let published = find("contributo pubblicato");
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].0, ["maria.rossi@example.org"]);
    assert!(
        published[0]
            .2
            .contains(&format!("{}/contributi/RF-000001", app.config.public_url)),
        "link to the contribution's page"
    );
    let rejected = find("non pubblicato");
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].0, ["luca@example.org"]);
    assert!(rejected[0].2.contains("Fuori tema rispetto al documento"));
    let target = find("obiettivo");
    assert_eq!(target.len(), 1, "sent once");
    assert!(target[0].0[0].starts_with("admin-"));
    let _ = admin;
    // A third submission does not announce the target again.
    app.submit_ok(&example_submission()).await;
    assert!(app.deliver_pending_mail().await >= 1, "the acknowledgement");
    assert_eq!(
        sink.received()
            .iter()
            .filter(|r| header(&parsed(&r.data), "Subject").contains("obiettivo"))
            .count(),
        1
    );
}

#[actix_web::test]
async fn every_outcome_tells_the_author_with_the_contact_address_and_the_form_page() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| {
        smtp_app_config(sink.url())(config);
        manual_mail(config);
        config.contact_email = "partecipazione@comune.fi.it".into();
        config.form_url = "https://rete.civica.example/rinasce".into();
    })
    .await;
    let mut ids = Vec::new();
    for author in ["approvato", "respinto", "doppio", "nascosto", "spam"] {
        let body = with(
            example_submission(),
            "author.email",
            json!(format!("{author}@example.org")),
        );
        ids.push(
            app.submit_ok(&body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    app.publish(&ids[0]).await;
    app.moderate(
        &ids[1],
        json!({"status": "rejected", "status_reason": "Fuori tema rispetto al documento"}),
    )
    .await;
    app.mark_duplicate(&ids[2], &ids[0]).await;
    app.publish(&ids[3]).await;
    app.moderate(
        &ids[3],
        json!({"status": "hidden", "status_reason": "Contiene dati personali di terzi"}),
    )
    .await;
    app.set_status(&ids[4], "spam").await;
    app.deliver_pending_mail().await;

    let sent = sink.received();
    let to = |address: &str| -> Vec<(String, String, String, String)> {
        sent.iter()
            .filter(|r| r.recipients == [address])
            .map(|r| {
                let mail = parsed(&r.data);
                let (text, html) = parts(&mail);
                (
                    header(&mail, "Subject"),
                    header(&mail, "Reply-To"),
                    text,
                    html,
                )
            })
            .collect()
    };
    let public = &app.config.public_url;
    for (address, subjects) in [
        (
            "approvato@example.org",
            vec!["contributo ricevuto", "contributo pubblicato"],
        ),
        (
            "respinto@example.org",
            vec!["contributo ricevuto", "contributo non pubblicato"],
        ),
        (
            "doppio@example.org",
            vec!["contributo ricevuto", "contributo unito a un altro"],
        ),
        (
            "nascosto@example.org",
            vec![
                "contributo ricevuto",
                "contributo pubblicato",
                "contributo nascosto",
            ],
        ),
        ("spam@example.org", vec!["contributo ricevuto"]),
    ] {
        let messages = to(address);
        let got: Vec<&str> = messages
            .iter()
            .map(|(subject, ..)| {
                subject
                    .split(": ")
                    .nth(1)
                    .unwrap()
                    .split(" (")
                    .next()
                    .unwrap()
            })
            .collect();
        assert_eq!(got, subjects, "{address}");
        for (subject, reply_to, text, html) in &messages {
            assert_eq!(reply_to, "partecipazione@comune.fi.it", "{subject}");
            assert!(text.contains("partecipazione@comune.fi.it"), "{subject}");
            assert!(
                text.contains("https://rete.civica.example/rinasce"),
                "{subject}"
            );
            assert!(
                html.contains("href=\"mailto:partecipazione@comune.fi.it\""),
                "{subject}"
            );
            assert!(
                html.contains("href=\"https://rete.civica.example/rinasce\""),
                "{subject}"
            );
        }
    }
    let published = &to("approvato@example.org")[1].2;
    assert!(published.contains(&format!("{public}/contributi/RF-000001")));
    assert!(!published.contains("/api/v1/"));
    let rejected = &to("respinto@example.org")[1].2;
    assert!(rejected.contains("Fuori tema rispetto al documento"));
    let duplicate = &to("doppio@example.org")[1].2;
    assert!(duplicate.contains("unito a RF-000001"), "{duplicate}");
    assert!(duplicate.contains(&format!("{public}/contributi/RF-000001")));
    let hidden = &to("nascosto@example.org")[2].2;
    assert!(hidden.contains("Contiene dati personali di terzi"));
}

#[actix_web::test]
async fn the_digest_goes_to_moderators_and_admins_only_when_the_queue_is_not_empty() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(smtp_app_config(sink.url())).await;
    app.moderator().await;
    app.admin().await;
    app.researcher().await;
    app.submit_ok(&example_submission()).await;
    // The last digest was two days ago: one is due.
    let two_days_ago = (rinasce::clock::now() - chrono::TimeDelta::days(2)).to_rfc3339();
    app.set_last_digest_at(&two_days_ago);
    let digests = eventually("digests", || {
        let digests: Vec<Received> = sink
            .received()
            .into_iter()
            .filter(|r| header(&parsed(&r.data), "Subject").contains("in attesa"))
            .collect();
        (digests.len() >= 2).then_some(digests)
    })
    .await;
    assert_eq!(digests.len(), 2, "moderator and admin, not the researcher");
    assert!(parts(&parsed(&digests[0].data))
        .0
        .contains("c'è 1 contributo in attesa"));
}

/// A `rinasce serve` process, killed when dropped.
struct ServerProcess {
    child: std::process::Child,
    address: String,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_process(
    database_url: &str,
    smtp: &str,
    mail_dir: &std::path::Path,
) -> ServerProcess {
    let port = free_port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_rinasce"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("RINASCE_BIND", format!("127.0.0.1:{port}"))
        .env("RINASCE_MAIL", smtp)
        .env("RINASCE_MAIL_RETRY_MS", "100")
        .env("RUST_LOG", "warn")
        .current_dir(mail_dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("rinasce starts");
    let process = ServerProcess {
        child,
        address: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client
            .get(format!("{}{}", process.address, paths::status()))
            .send()
            .await
            .is_ok()
        {
            return process;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("rinasce did not answer on {}", process.address);
}

#[actix_web::test]
async fn two_processes_on_one_database_send_each_acknowledgement_exactly_once() {
    let sink = SmtpSink::start().await;
    // The test app prepares the database; two real processes share it.
    let app = TestApp::spawn_with(|config| config.mail = MailTransport::Off).await;
    let first = start_process(
        &app.database_url,
        &sink.url(),
        app.mail_dir.parent().unwrap(),
    )
    .await;
    let second = start_process(
        &app.database_url,
        &sink.url(),
        app.mail_dir.parent().unwrap(),
    )
    .await;
    let client = reqwest::Client::new();
    let body = example_submission().to_string();
    let posts = (0..20).map(|i| {
        let address = if i % 2 == 0 {
            &first.address
        } else {
            &second.address
        };
        client
            .post(format!("{address}{}", paths::contributions()))
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
    });
    for response in futures::future::join_all(posts).await {
        assert_eq!(response.unwrap().status(), 201);
    }
    eventually("20 deliveries", || {
        (sink.received().len() >= 20).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut ids: Vec<String> = sink
        .received()
        .iter()
        .map(|r| header(&parsed(&r.data), "Message-ID"))
        .collect();
    assert_eq!(ids.len(), 20, "each acknowledgement exactly once");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert!(outbox_rows(&app)
        .iter()
        .all(|r| r.status.as_str() == "sent" && r.attempts == 1));
}
