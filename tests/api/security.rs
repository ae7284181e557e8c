//! Findings of the second security review (issue 16): one test per finding.

use crate::support::*;
use serde_json::{json, Value};

async fn post_submission(app: &TestApp, path: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .header("Content-Type", "application/json")
        .body(example_submission().to_string())
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn percent_encoded_spellings_of_the_submission_path_are_limited_too() {
    // Issue 16 item 1: the limiter compared the raw path, the router decodes it.
    let app = TestApp::spawn_with(|config| config.rate_limit_per_minute = 2).await;
    let first = post_submission(&app, "/api/v1/contribution%73").await;
    assert_eq!(first.status(), 201);
    assert_eq!(first.headers()["x-ratelimit-limit"], "2");
    assert_eq!(first.headers()["x-ratelimit-remaining"], "1");
    let second = post_submission(&app, "/%61pi/v1/contributions").await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["x-ratelimit-remaining"], "0");
    for spelling in [
        paths::contributions(),
        "/api/v1/contribution%73".to_owned(),
        "/%61pi/v1/contributions".to_owned(),
    ] {
        let refused = post_submission(&app, &spelling).await;
        assert_eq!(refused.headers()["x-ratelimit-limit"], "2", "{spelling}");
        assert_problem(refused, 429).await;
    }
    assert_eq!(app.count_contributions(), 2);
}

/// An SMTP server that never answers: acknowledgements stay queued.
fn unreachable_mail(config: &mut rinasce::config::Config) {
    config.mail = rinasce::config::MailTransport::Smtp("smtp://127.0.0.1:9".into());
    config.mail_max_attempts = 100;
}

async fn erase(app: &TestApp, token: &str, email: &str) -> Value {
    let response = app
        .post_json_as(
            token,
            &paths::erasure_requests(),
            &json!({ "email": email }),
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn author_of(app: &TestApp, moderator: &str, receipt: &Value) -> Value {
    app.get_json_as(
        moderator,
        &paths::moderation_contribution(receipt["id"].as_str().unwrap()),
    )
    .await["author"]
        .clone()
}

#[actix_web::test]
async fn erasure_finds_addresses_with_non_ascii_capitals() {
    // Issue 16 item 4: SQLite's lower() folds ASCII only.
    let app = TestApp::spawn_with(unreachable_mail).await;
    let (admin, moderator) = (app.admin().await, app.moderator().await);
    let submission = with(
        example_submission(),
        "author.email",
        json!("elodie@EXÄMPLE.org"),
    );
    let receipt = app.submit_ok(&submission).await;
    let report = erase(&app, &admin, "Elodie@exämple.ORG").await;
    assert_eq!(report["contributions_affected"], 1);
    assert_eq!(report["emails_cancelled"], 1);
    let author = author_of(&app, &moderator, &receipt).await;
    assert_eq!(author["email"], Value::Null);
    assert_eq!(author["given_name"], Value::Null);
    let outbox = app.get_json_as(&admin, &paths::outbox()).await.to_string();
    assert!(!outbox.to_lowercase().contains("elodie"), "{outbox}");
}

#[actix_web::test]
async fn rows_stored_before_the_normalised_address_are_filled_at_start_up() {
    let app = TestApp::spawn_with(unreachable_mail).await;
    let submission = with(
        example_submission(),
        "author.email",
        json!("elodie@EXÄMPLE.org"),
    );
    let receipt = app.submit_ok(&submission).await;
    app.forget_normalised_addresses();
    let restarted = app.spawn_on_same_database(unreachable_mail).await;
    let (admin, moderator) = (restarted.admin().await, restarted.moderator().await);
    let report = erase(&restarted, &admin, "elodie@exämple.org").await;
    assert_eq!(report["contributions_affected"], 1);
    assert_eq!(report["emails_cancelled"], 1);
    let author = author_of(&restarted, &moderator, &receipt).await;
    assert_eq!(author["email"], Value::Null);
}

#[actix_web::test]
async fn an_smtp_answer_quoting_the_address_is_stored_masked_and_erasure_blanks_it() {
    // Issue 16 item 5: `550 <addr>` reached outbox.last_error, the
    // outbox_retried reason and the log.
    let sink = crate::support::smtp::SmtpSink::start().await;
    sink.refuse("nobody@example.org");
    let app = TestApp::spawn_with(|config| {
        config.mail = rinasce::config::MailTransport::Smtp(sink.url());
        config.mail_retry_base = std::time::Duration::from_millis(50);
        config.mail_max_attempts = 1;
    })
    .await;
    let admin = app.admin().await;
    let submission = with(
        example_submission(),
        "author.email",
        json!("nobody@example.org"),
    );
    app.submit_ok(&submission).await;
    let failed_list = paths::with_query(paths::outbox(), "status=failed");
    let mut failed = Value::Null;
    for _ in 0..200 {
        let listed = app.get_json_as(&admin, &failed_list).await;
        if let Some(item) = listed["items"].get(0) {
            failed = item.clone();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let last_error = failed["last_error"].as_str().expect("a failed message");
    assert!(last_error.contains("550"), "{last_error}");
    assert!(!last_error.contains("nobody@"), "{last_error}");
    assert!(last_error.contains("[e-mail]"), "{last_error}");

    let id = failed["id"].as_str().unwrap();
    let retried = app
        .as_staff(reqwest::Method::POST, &paths::outbox_retry(id), &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 200);
    let retried_events = paths::with_query(paths::audit_log(), "action=outbox_retried");
    let log = app.get_json_as(&admin, &retried_events).await;
    let reason = log["items"][0]["reason"]
        .as_str()
        .expect("the reason")
        .to_owned();
    assert!(
        reason.contains("550") && !reason.contains("nobody@"),
        "{reason}"
    );

    erase(&app, &admin, "nobody@example.org").await;
    let outbox = app.get_json_as(&admin, &paths::outbox()).await;
    for item in outbox["items"].as_array().unwrap() {
        assert_eq!(item["last_error"], Value::Null, "{item}");
    }
    let log = app.get_json_as(&admin, &retried_events).await;
    assert_eq!(log["items"][0]["reason"], Value::Null, "{log}");
}

/// The access log's lines (JSON, target `access`), captured from the whole
/// test binary: the server's workers run on threads of their own.
fn access_log_lines() -> Vec<Value> {
    use std::sync::{Arc, Mutex, OnceLock};
    #[derive(Clone)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    let log = LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = Captured(buffer.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("access=info"))
            .with_writer(move || writer.clone())
            .json()
            .flatten_event(true)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        buffer
    });
    let text = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    text.lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

async fn logged_client(request: reqwest::RequestBuilder) -> (u16, String) {
    access_log_lines();
    let request_id = uuid::Uuid::new_v4().to_string();
    let response = request
        .header("X-Request-Id", &request_id)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    drop(response);
    for _ in 0..100 {
        if let Some(line) = access_log_lines()
            .into_iter()
            .find(|line| line["request_id"] == request_id.as_str())
        {
            return (status, line["client"].as_str().unwrap().to_owned());
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no access log line for {request_id}");
}

#[actix_web::test]
async fn the_access_log_believes_forwarded_addresses_only_from_trusted_proxies() {
    // Issue 16 item 7: the log believed Forwarded and X-Forwarded-For from anyone.
    let app = TestApp::spawn().await;
    let forged = app
        .client
        .get(app.url(&paths::status()))
        .header("X-Forwarded-For", "6.6.6.6")
        .header("Forwarded", "for=7.7.7.7");
    assert_eq!(logged_client(forged).await, (200, "127.0.0.1".to_owned()));
}

#[actix_web::test]
async fn behind_a_trusted_range_every_forwarded_for_line_counts_in_order() {
    // A proxy such as HAProxy adds its own line after the client's forged one.
    let app = TestApp::spawn_with(|config| {
        config.rate_limit_per_minute = 1;
        config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let behind_haproxy = |forged: &str| {
        app.client
            .post(app.url(&paths::contributions()))
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", forged)
            .header("X-Forwarded-For", "198.51.100.7")
            .body(example_submission().to_string())
    };
    let first = behind_haproxy("6.6.6.1");
    assert_eq!(logged_client(first).await, (201, "198.51.100.7".to_owned()));
    let second = behind_haproxy("6.6.6.2");
    assert_eq!(
        logged_client(second).await,
        (429, "198.51.100.7".to_owned()),
        "a new forged first line is the same client"
    );
}

#[actix_web::test]
async fn a_body_sent_byte_by_byte_gets_408_at_the_deadline_and_the_connection_closes() {
    // Issue 16 item 9: a body at one byte a second held its connection.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app =
        TestApp::spawn_with(|config| config.body_deadline = std::time::Duration::from_secs(1))
            .await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let (mut reader, mut writer) = stream.into_split();
    let started = std::time::Instant::now();
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Content-Length: 1000\r\n\r\n{{",
        paths::contributions()
    );
    writer.write_all(head.as_bytes()).await.unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            if writer.write_all(b" ").await.is_err() {
                break;
            }
        }
    });
    let mut answer = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(8),
        reader.read_to_end(&mut answer),
    )
    .await;
    let elapsed = started.elapsed();
    trickle.abort();
    assert!(read.is_ok(), "the server closed the connection");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(app.count_contributions(), 0);
}

fn offline_on(received_at: &str) -> Value {
    json!({
        "channel": "paper",
        "received_at": received_at,
        "thematic_area": "citta-intelligente",
        "title": "Wi-fi gratuito nelle piazze",
        "body": "Proposta raccolta all'assemblea del Quartiere: wi-fi pubblico nelle piazze.",
        "author": {"kind": "citizen", "quartiere": 4}
    })
}

#[actix_web::test]
async fn offline_received_at_is_bounded_and_every_issued_cursor_is_accepted() {
    // Issue 16 item 11: 1900-01-01 was accepted, then its cursor refused.
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let register = |body: Value| {
        let moderator = moderator.clone();
        let app = &app;
        async move {
            app.post_json_as(&moderator, &paths::moderation_contributions(), &body)
                .await
        }
    };
    for too_early in ["1900-01-01T00:00:00Z", "1999-12-31T23:59:59Z"] {
        let problem = assert_problem(register(offline_on(too_early)).await, 422).await;
        assert_eq!(failing_fields(&problem), ["received_at"], "{too_early}");
    }
    assert_eq!(
        register(offline_on("2000-01-01T00:00:00Z")).await.status(),
        201
    );
    // A row stored before the bound (as by an earlier version) still pages.
    let old = register(offline_on("2001-01-01T00:00:00Z")).await;
    let old: Value = old.json().await.unwrap();
    app.backdate_received_at(old["id"].as_str().unwrap(), "1900-01-01 00:00:00");
    app.submit_ok(&example_submission()).await;
    let mut seen = 0;
    let mut path = paths::with_query(paths::moderation_contributions(), "limit=1");
    loop {
        let response = app.get_as(&moderator, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        let page: Value = response.json().await.unwrap();
        seen += page["items"].as_array().unwrap().len();
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = paths::with_query(
                    paths::moderation_contributions(),
                    format!("limit=1&cursor={cursor}"),
                )
            }
            None => break,
        }
    }
    assert_eq!(seen, 3);
}

#[actix_web::test]
async fn the_dashboard_and_the_docs_answer_405_to_other_methods() {
    // Issue 16 item 12: they answered 404.
    let app = TestApp::spawn().await;
    for path in [
        "/cruscotto",
        "/cruscotto/progress.svg",
        "/docs",
        "/docs/",
        "/docs/index.css",
    ] {
        for method in [reqwest::Method::POST, reqwest::Method::DELETE] {
            let response = app
                .client
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_eq!(response.headers()["allow"], "GET", "{method} {path}");
            assert_problem(response, 405).await;
        }
    }
    assert_eq!(app.get("/cruscotto").await.status(), 200);
    assert_problem(app.get("/cruscotto/nothing").await, 404).await;
}

#[actix_web::test]
async fn an_original_with_duplicates_cannot_become_a_duplicate() {
    // Issue 16 item 12: chains of duplicates. Refused, naming `status`.
    let app = TestApp::spawn().await;
    let moderator = app.moderator().await;
    let id = |receipt: &Value| receipt["id"].as_str().unwrap().to_owned();
    let original = id(&app.submit_ok(&example_submission()).await);
    let copy = id(&app.submit_ok(&example_submission()).await);
    let other = id(&app.submit_ok(&example_submission()).await);
    app.mark_duplicate(&copy, &original).await;
    let response = app
        .patch_as(
            &moderator,
            &paths::moderation_contribution(&original),
            Some("\"v1\""),
            &json!({"status": "duplicate", "duplicate_of": other}),
        )
        .await;
    let problem = assert_problem(response, 422).await;
    assert_eq!(failing_fields(&problem), ["status"]);
    let stored = app
        .get_json_as(&moderator, &paths::moderation_contribution(&original))
        .await;
    assert_eq!(stored["status"], "pending");
}

#[actix_web::test]
async fn an_admin_cannot_deactivate_themself_or_the_last_active_admin() {
    // Issue 16 item 12.
    let app = TestApp::spawn().await;
    let first = app.admin().await;
    let second = app.admin().await;
    let staff = app.get_json_as(&first, &paths::admin_staff()).await;
    let admins: Vec<String> = staff["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["role"] == "admin")
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(admins.len(), 2);
    let myself = app
        .delete_as(&first, &paths::admin_staff_member(&admins[0]))
        .await;
    let problem = assert_problem(myself, 422).await;
    assert_eq!(failing_fields(&problem), ["id"]);
    let staff = app.get_json_as(&second, &paths::admin_staff()).await;
    assert_eq!(staff["items"][0]["active"], true);
    // The other admin may; then the first is the last one, which nobody,
    // not even the command line, may deactivate.
    let other = app
        .delete_as(&first, &paths::admin_staff_member(&admins[1]))
        .await;
    assert_eq!(other.status(), 200);
    let last = rinasce::domain::StaffId::parse(&admins[0]).unwrap();
    let refused =
        rinasce::app::staff::deactivate(&app.db, rinasce::domain::Actor::CommandLine, last).await;
    assert!(
        matches!(refused, Err(rinasce::app::AppError::Invalid(_))),
        "{refused:?}"
    );
    assert_eq!(
        app.get_as(&first, &paths::admin_staff()).await.status(),
        200
    );
}

#[cfg(unix)]
#[actix_web::test]
async fn the_database_and_mail_files_are_readable_by_their_owner_only() {
    // Issue 16 item 6: they were created world-readable.
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    app.submit_ok(&example_submission()).await;
    let mut mail_files = Vec::new();
    for _ in 0..100 {
        mail_files = std::fs::read_dir(&app.mail_dir)
            .map(|dir| dir.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        if !mail_files.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(!mail_files.is_empty(), "the acknowledgement is written");
    let mut checked = mail_files;
    checked.push(app.mail_dir.clone());
    if backend_name() == "sqlite" {
        for suffix in ["", "-wal", "-shm"] {
            checked.push(format!("{}{suffix}", app.database_url).into());
        }
    }
    for path in checked {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{} is {mode:o}", path.display());
    }
}

#[actix_web::test]
async fn sqlite_overwrites_what_erasure_removes() {
    if backend_name() != "sqlite" {
        return;
    }
    let app = TestApp::spawn_with(unreachable_mail).await;
    let admin = app.admin().await;
    let submission = with(
        example_submission(),
        "author.email",
        json!("segreto.unico@example.org"),
    );
    app.submit_ok(&submission).await;
    erase(&app, &admin, "segreto.unico@example.org").await;
    {
        use diesel::connection::SimpleConnection;
        use diesel::Connection;
        let mut conn = diesel::SqliteConnection::establish(&app.database_url).unwrap();
        conn.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let file = std::fs::read(&app.database_url).unwrap();
    // The address as sent, and its words as the search index had them.
    for needle in [&b"segreto.unico"[..], &b"segreto unico"[..]] {
        assert!(
            !file.windows(needle.len()).any(|w| w == needle),
            "the erased address is still in the database file"
        );
    }
}

/// The `.eml` files the file transport wrote, with their text.
fn mail_files(app: &TestApp) -> Vec<String> {
    std::fs::read_dir(&app.mail_dir)
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                .collect()
        })
        .unwrap_or_default()
}

#[actix_web::test]
async fn erasure_removes_the_file_transports_messages_to_the_address() {
    // Issue 16 item 6: the .eml files were never removed.
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for email in ["segreto.unico@example.org", "luca@example.org"] {
        app.submit_ok(&with(example_submission(), "author.email", json!(email)))
            .await;
    }
    for _ in 0..100 {
        if mail_files(&app).len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(mail_files(&app).len(), 2, "both acknowledgements written");
    erase(&app, &admin, "Segreto.Unico@example.org").await;
    let left = mail_files(&app);
    assert_eq!(left.len(), 1);
    assert!(left[0].contains("luca@example.org"));
    assert!(!left.iter().any(|text| text.contains("segreto.unico")));
}
