//! Signing in to the console by e-mail link: the same answer for every
//! address, the link in the delivered message, single use, 15 minutes, the
//! session cookie, the command line's link, audit and rate limits.

use diesel::prelude::*;
use rinasce::db::schema::{audit_events, console_sessions, outbox, sign_in_links};
use rinasce::db::staff::StaffRow;

use crate::support::console::{csrf_of, ConsoleSession};
use crate::support::{header, manual_mail, paths, TestApp};

/// Asks for a link for `email` from the sign-in page.
async fn ask_link(app: &TestApp, email: &str) -> reqwest::Response {
    app.console_post_raw(
        None,
        "/console/accesso",
        &app.public_origin(),
        &[("email", email), ("next", "/console/")],
    )
    .await
}

/// The sign-in links in the delivered messages to `address`.
fn delivered_links(app: &TestApp, address: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(&app.mail_dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "eml"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .filter_map(|data| {
            let mail = mailparse::parse_mail(data.as_bytes()).unwrap();
            use mailparse::MailHeaderMap;
            let to = mail.headers.get_first_value("To").unwrap_or_default();
            if !to.contains(address) {
                return None;
            }
            let text = mail
                .subparts
                .iter()
                .find(|p| p.ctype.mimetype == "text/plain")?
                .get_body()
                .ok()?;
            text.lines()
                .map(str::trim)
                .find(|line| line.contains("/console/accesso/link?token="))
                .map(str::to_owned)
        })
        .collect()
}

/// The path and query of a link (the test server is not at the public URL).
fn path_of(link: &str) -> String {
    let start = link.find("/console/").expect("a console link");
    link[start..].to_owned()
}

fn token_of(link: &str) -> String {
    let query = link.split_once('?').unwrap().1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    pairs
        .into_iter()
        .find(|(name, _)| name == "token")
        .unwrap()
        .1
}

/// Opens the link's page and presses its button: the answer.
async fn follow_link(app: &TestApp, link: &str) -> reqwest::Response {
    let page = app.get(&path_of(link)).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let token = token_of(link);
    assert!(
        page.contains(&format!("name=\"token\" value=\"{token}\"")),
        "{page}"
    );
    assert!(page.contains("action=\"/console/accesso/link\""));
    app.console_post_raw(
        None,
        "/console/accesso/link",
        &app.public_origin(),
        &[("token", &token), ("next", "/console/")],
    )
    .await
}

/// A link for `account`, asked and delivered by mail.
async fn mailed_link(app: &TestApp, account: &StaffRow) -> String {
    let answer = ask_link(app, &account.email).await;
    assert_eq!(answer.status(), 200);
    app.deliver_pending_mail().await;
    delivered_links(app, &account.email)
        .pop()
        .expect("a link was delivered")
}

/// The session the answer's cookie opened.
async fn session_from(
    app: &TestApp,
    account: &StaffRow,
    answer: &reqwest::Response,
) -> ConsoleSession {
    let cookie = header(answer, "set-cookie").expect("a session cookie");
    let value = cookie
        .strip_prefix("rinasce_sessione=")
        .and_then(|rest| rest.split(';').next())
        .expect("the session cookie")
        .to_owned();
    let mut session = ConsoleSession {
        account: account.clone(),
        cookie: value,
        csrf: String::new(),
    };
    let home = app.console_get(&session, "/console/").await;
    assert_eq!(home.status(), 200);
    session.csrf = csrf_of(&home.text().await.unwrap()).unwrap();
    session
}

fn sessions_count(app: &TestApp) -> i64 {
    app.db
        .read_blocking(|conn| {
            Ok::<_, rinasce::db::DbError>(console_sessions::table.count().get_result(conn)?)
        })
        .unwrap()
}

fn sign_ins_audited(app: &TestApp, account: &StaffRow) -> Vec<(String, Option<String>)> {
    let id = account.id.to_string();
    app.db
        .read_blocking(move |conn| {
            Ok::<_, rinasce::db::DbError>(
                audit_events::table
                    .filter(audit_events::action.eq("console_signed_in"))
                    .filter(audit_events::target_id.eq(id))
                    .select((audit_events::actor, audit_events::to_value))
                    .load(conn)?,
            )
        })
        .unwrap()
}

#[actix_web::test]
async fn a_moderator_signs_in_with_the_link_from_the_delivered_message() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    assert!(link.starts_with(&format!(
        "{}/console/accesso/link?token=rfl_",
        app.config.public_url
    )));
    let answer = follow_link(&app, &link).await;
    assert_eq!(answer.status(), 303);
    assert_eq!(header(&answer, "location").unwrap(), "/console/");
    let cookie = header(&answer, "set-cookie").unwrap();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(cookie.contains(attribute), "{attribute}: {cookie}");
    }
    assert!(!cookie.contains("Secure"), "http: not Secure: {cookie}");
    let session = session_from(&app, &anna, &answer).await;
    let home = app
        .console_get(&session, "/console/")
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains("Anna Bianchi"));
    assert_eq!(
        sign_ins_audited(&app, &anna),
        [(anna.id.to_string(), Some("email_link".to_owned()))]
    );
}

#[actix_web::test]
async fn the_answer_is_the_same_whether_or_not_an_account_exists() {
    let app = TestApp::spawn_with(manual_mail).await;
    let active = app.console_account("moderator", "Anna Bianchi");
    let gone = app.console_account("moderator", "Marco Neri");
    let admin = app.admin().await;
    let deactivated = app
        .delete_as(&admin, &paths::admin_staff_member(gone.id))
        .await;
    assert_eq!(deactivated.status(), 200);
    let mut pages = Vec::new();
    for email in [
        active.email.as_str(),
        "nessuno@comune.example.org",
        gone.email.as_str(),
    ] {
        let answer = ask_link(&app, email).await;
        assert_eq!(answer.status(), 200, "{email}");
        pages.push(answer.text().await.unwrap());
    }
    assert!(pages[0].contains("Controlla la posta"));
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[0], pages[2]);
    let queued = app.outbox();
    assert_eq!(queued.len(), 1, "only the active account gets a link");
    assert_eq!(queued[0].0, active.email);
    assert_eq!(queued[0].1, "Rinasce Firenze: accesso alla console");
}

#[actix_web::test]
async fn the_address_is_matched_without_regard_to_case() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let answer = ask_link(&app, &format!("  {}  ", anna.email.to_uppercase())).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(app.outbox().len(), 1);
}

#[actix_web::test]
async fn a_link_works_once() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    assert_eq!(follow_link(&app, &link).await.status(), 303);
    let again = follow_link(&app, &link).await;
    assert_eq!(again.status(), 403);
    assert!(header(&again, "set-cookie").is_none());
    let page = again.text().await.unwrap();
    assert!(page.contains("Collegamento non valido"), "{page}");
    assert!(page.contains("href=\"/console/accesso\""), "{page}");
    assert_eq!(sessions_count(&app), 1);
}

#[actix_web::test]
async fn a_link_expires_after_fifteen_minutes() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    let (created, expires): (chrono::NaiveDateTime, chrono::NaiveDateTime) = app
        .db
        .read_blocking(|conn| {
            Ok::<_, rinasce::db::DbError>(
                sign_in_links::table
                    .select((sign_in_links::created_at, sign_in_links::expires_at))
                    .first(conn)?,
            )
        })
        .unwrap();
    assert_eq!(expires - created, chrono::Duration::minutes(15));
    app.expire_sign_in_links();
    let answer = follow_link(&app, &link).await;
    assert_eq!(answer.status(), 403);
    assert_eq!(sessions_count(&app), 0);
}

#[actix_web::test]
async fn a_link_of_a_deactivated_account_opens_nothing() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    let admin = app.admin().await;
    app.delete_as(&admin, &paths::admin_staff_member(anna.id))
        .await;
    assert_eq!(follow_link(&app, &link).await.status(), 403);
    assert_eq!(sessions_count(&app), 0);
}

#[actix_web::test]
async fn unknown_empty_or_forged_tokens_open_nothing() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    let token = token_of(&link);
    let hash = rinasce::domain::staff::token_hash(&token);
    let origin = app.public_origin();
    for forged in [
        String::new(),
        "rfl_nothing".to_owned(),
        hash,
        format!("{token}x"),
        "x".repeat(300),
    ] {
        let answer = app
            .console_post_raw(
                None,
                "/console/accesso/link",
                &origin,
                &[("token", &forged)],
            )
            .await;
        assert_eq!(answer.status(), 403, "{forged}");
    }
    let missing = app
        .console_post_raw(
            None,
            "/console/accesso/link",
            &origin,
            &[("next", "/console/")],
        )
        .await;
    assert_eq!(missing.status(), 403);
    assert_eq!(sessions_count(&app), 0);
    // The real one still works.
    assert_eq!(follow_link(&app, &link).await.status(), 303);
}

#[actix_web::test]
async fn a_link_pressed_from_another_site_opens_nothing_and_stays_usable() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    let token = token_of(&link);
    for origin in ["https://evil.example", ""] {
        let answer = app
            .console_post_raw(None, "/console/accesso/link", origin, &[("token", &token)])
            .await;
        assert_eq!(answer.status(), 403, "{origin:?}");
    }
    let asked = app
        .console_post_raw(
            None,
            "/console/accesso",
            "https://evil.example",
            &[("email", &anna.email)],
        )
        .await;
    assert_eq!(asked.status(), 403);
    assert_eq!(sessions_count(&app), 0);
    assert_eq!(follow_link(&app, &link).await.status(), 303);
}

#[actix_web::test]
async fn the_link_goes_back_to_the_page_asked_for_and_nowhere_else() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let origin = app.public_origin();
    app.console_post_raw(
        None,
        "/console/accesso",
        &origin,
        &[
            ("email", &anna.email),
            ("next", "/console/coda?stato=pending"),
        ],
    )
    .await;
    app.deliver_pending_mail().await;
    let link = delivered_links(&app, &anna.email).pop().unwrap();
    let token = token_of(&link);
    assert!(
        link.contains("next=%2Fconsole%2Fcoda%3Fstato%3Dpending"),
        "{link}"
    );
    let answer = app
        .console_post_raw(
            None,
            "/console/accesso/link",
            &origin,
            &[("token", &token), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(header(&answer, "location").unwrap(), "/console/");
}

#[actix_web::test]
async fn only_the_hash_of_a_link_is_stored_and_the_delivered_message_is_not_kept() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    let token = token_of(&link);
    let stored: Vec<String> = app
        .db
        .read_blocking(|conn| {
            Ok::<_, rinasce::db::DbError>(
                sign_in_links::table
                    .select(sign_in_links::token_hash)
                    .load(conn)?,
            )
        })
        .unwrap();
    assert_eq!(stored, [rinasce::domain::staff::token_hash(&token)]);
    let bodies: Vec<(String, String)> = app
        .db
        .read_blocking(|conn| {
            Ok::<_, rinasce::db::DbError>(
                outbox::table
                    .select((outbox::body_text, outbox::body_html))
                    .load(conn)?,
            )
        })
        .unwrap();
    assert_eq!(bodies.len(), 1);
    assert!(!bodies[0].0.contains(&token) && !bodies[0].1.contains(&token));
}

#[actix_web::test]
async fn the_session_cookie_is_secure_when_the_service_is_https() {
    let app = TestApp::spawn_with(|config| {
        manual_mail(config);
        config.public_url = "https://rinasce.example".to_owned();
    })
    .await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    assert!(link.starts_with("https://rinasce.example/console/accesso/link?"));
    let answer = follow_link(&app, &link).await;
    assert_eq!(answer.status(), 303);
    assert!(header(&answer, "set-cookie").unwrap().contains("Secure"));
}

#[actix_web::test]
async fn an_invalid_address_is_named_on_the_form() {
    let app = TestApp::spawn_with(manual_mail).await;
    let answer = ask_link(&app, "non-un-indirizzo").await;
    assert_eq!(answer.status(), 422);
    let page = answer.text().await.unwrap();
    assert!(page.contains("aria-invalid=\"true\"") && page.contains("value=\"non-un-indirizzo\""));
    assert!(page.contains("Scrivi un indirizzo e-mail valido"));
    assert!(app.outbox().is_empty());
}

#[actix_web::test]
async fn repeated_links_for_one_address_are_rate_limited() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    for _ in 0..3 {
        assert_eq!(ask_link(&app, &anna.email).await.status(), 200);
    }
    let refused = ask_link(&app, &anna.email).await;
    assert_eq!(refused.status(), 429);
    assert!(
        header(&refused, "retry-after")
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 0
    );
    assert!(refused.text().await.unwrap().contains("Troppi tentativi"));
    assert_eq!(app.outbox().len(), 3);
    // An address with no account is limited the same way: nothing tells them apart.
    for _ in 0..3 {
        assert_eq!(
            ask_link(&app, "nessuno@comune.example.org").await.status(),
            200
        );
    }
    assert_eq!(
        ask_link(&app, "nessuno@comune.example.org").await.status(),
        429
    );
}

#[actix_web::test]
async fn repeated_attempts_from_one_client_are_rate_limited() {
    let app = TestApp::spawn_with(manual_mail).await;
    let anna = app.console_account("moderator", "Anna Bianchi");
    let link = mailed_link(&app, &anna).await;
    let origin = app.public_origin();
    // One attempt went to asking for the link; nine guesses fill the burst.
    for guess in 0..9 {
        let answer = app
            .console_post_raw(
                None,
                "/console/accesso/link",
                &origin,
                &[("token", &format!("rfl_{guess}"))],
            )
            .await;
        assert_eq!(answer.status(), 403);
    }
    let token = token_of(&link);
    let refused = app
        .console_post_raw(None, "/console/accesso/link", &origin, &[("token", &token)])
        .await;
    assert_eq!(refused.status(), 429, "even the right link waits");
    assert_eq!(sessions_count(&app), 0);
}

#[actix_web::test]
async fn the_command_line_prints_a_working_link() {
    let app = TestApp::spawn().await;
    let admin = app.console_account("admin", "Prima Amministratrice");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_rinasce"))
        .args(["staff", "sign-in-link", "--email", &admin.email])
        .env("DATABASE_URL", &app.database_url)
        .env("RINASCE_PUBLIC_URL", &app.config.public_url)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let link = stdout.lines().last().unwrap().trim().to_owned();
    assert!(link.starts_with(&format!(
        "{}/console/accesso/link?token=",
        app.config.public_url
    )));
    let answer = follow_link(&app, &link).await;
    assert_eq!(answer.status(), 303);
    let session = session_from(&app, &admin, &answer).await;
    let home = app
        .console_get(&session, "/console/")
        .await
        .text()
        .await
        .unwrap();
    assert!(home.contains("Prima Amministratrice"));

    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_rinasce"))
        .args([
            "staff",
            "sign-in-link",
            "--email",
            "nessuno@comune.example.org",
        ])
        .env("DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no active staff account"));
}
