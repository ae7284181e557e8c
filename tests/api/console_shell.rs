//! The console's shell: sessions resumed from the cookie, the sign-in
//! redirect, CSRF and origin checks on changes, sign-out, expiry, the
//! language, and the pages' headers.

use diesel::prelude::*;
use rinasce::db::schema::{audit_events, console_sessions};

use crate::support::console::ConsoleSession;
use crate::support::{header, paths, TestApp};

fn sessions_of(app: &TestApp, session: &ConsoleSession) -> i64 {
    let id = session.account.id.to_string();
    app.db
        .read_blocking(move |conn| {
            Ok::<_, rinasce::db::DbError>(
                console_sessions::table
                    .filter(console_sessions::staff_id.eq(id))
                    .count()
                    .get_result(conn)?,
            )
        })
        .unwrap()
}

fn audited(app: &TestApp, action: &str, target: &str) -> Vec<Option<String>> {
    let (action, target) = (action.to_owned(), target.to_owned());
    app.db
        .read_blocking(move |conn| {
            Ok::<_, rinasce::db::DbError>(
                audit_events::table
                    .filter(audit_events::action.eq(action))
                    .filter(audit_events::target_id.eq(target))
                    .select(audit_events::to_value)
                    .load(conn)?,
            )
        })
        .unwrap()
}

/// Moves the session's clock back: last used `idle_minutes` ago, begun
/// `age_minutes` ago.
fn age_session(app: &TestApp, session: &ConsoleSession, idle_minutes: i64, age_minutes: i64) {
    let now = chrono::Utc::now().naive_utc();
    let id = session.account.id.to_string();
    app.db
        .write_blocking(move |conn| {
            diesel::update(console_sessions::table.filter(console_sessions::staff_id.eq(id)))
                .set((
                    console_sessions::last_seen_at
                        .eq(now - chrono::Duration::minutes(idle_minutes)),
                    console_sessions::created_at.eq(now - chrono::Duration::minutes(age_minutes)),
                ))
                .execute(conn)?;
            Ok::<_, rinasce::db::DbError>(())
        })
        .unwrap();
}

/// Asserts an HTML page (not a problem document) with `status` that says `text`.
async fn assert_page(response: reqwest::Response, status: u16, text: &str) {
    assert_eq!(response.status(), status);
    let content_type = header(&response, "content-type").unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await.unwrap();
    assert!(page.contains(text), "{page}");
}

async fn assert_signed_in(app: &TestApp, session: &ConsoleSession) {
    let home = app.console_get(session, "/console/").await;
    assert_eq!(home.status(), 200, "the session is live");
}

async fn assert_sent_to_sign_in(app: &TestApp, session: &ConsoleSession) {
    let home = app.console_get(session, "/console/").await;
    assert_eq!(home.status(), 303, "the session has ended");
    assert_eq!(
        header(&home, "location").unwrap(),
        "/console/accesso?next=%2Fconsole%2F"
    );
}

#[actix_web::test]
async fn a_page_without_a_session_leads_to_sign_in_and_back() {
    let app = TestApp::spawn().await;
    let response = app.get("/console/coda?stato=pending&pagina=2").await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        header(&response, "location").unwrap(),
        "/console/accesso?next=%2Fconsole%2Fcoda%3Fstato%3Dpending%26pagina%3D2"
    );
    let sign_in = app.get("/console/accesso?next=%2Fconsole%2Fcoda").await;
    assert_eq!(sign_in.status(), 200);
    let page = sign_in.text().await.unwrap();
    assert!(
        page.contains("name=\"next\" value=\"/console/coda\""),
        "{page}"
    );
}

#[actix_web::test]
async fn a_foreign_next_is_replaced_by_the_home() {
    let app = TestApp::spawn().await;
    for next in [
        "https://evil.example/",
        "//evil.example/console/",
        "/api/v1/status",
    ] {
        let query = serde_urlencoded::to_string([("next", next)]).unwrap();
        let page = app.get(&format!("/console/accesso?{query}")).await;
        let page = page.text().await.unwrap();
        assert!(page.contains("name=\"next\" value=\"/console/\""), "{next}");
        let switch = app.get(&format!("/console/lingua/en?{query}")).await;
        assert_eq!(header(&switch, "location").unwrap(), "/console/", "{next}");
    }
}

#[actix_web::test]
async fn a_change_without_a_session_is_refused_with_a_page() {
    let app = TestApp::spawn().await;
    let origin = app.public_origin();
    let response = app
        .console_post_raw(None, "/console/esci", &origin, &[("csrf_token", "x")])
        .await;
    assert_page(response, 403, "Sessione scaduta").await;
}

#[actix_web::test]
async fn the_home_says_who_is_signed_in_and_what_their_role_may_use() {
    let app = TestApp::spawn().await;
    let moderator = app.console_account("moderator", "Anna Bianchi");
    let session = app.console_session_of(moderator.clone()).await;
    let response = app.console_get(&session, "/console/").await;
    assert_eq!(response.status(), 200);
    let csp = header(&response, "content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(header(&response, "cache-control").unwrap(), "no-store");
    assert_eq!(header(&response, "referrer-policy").unwrap(), "same-origin");
    let page = response.text().await.unwrap();
    assert!(page.contains("<html lang=\"it\">"));
    assert!(
        page.contains("Anna Bianchi") && page.contains(&moderator.email),
        "{page}"
    );
    assert!(page.contains("moderazione"));
    assert!(page.contains("href=\"/console/coda\""));
    assert!(!page.contains("href=\"/console/admin\""));
    assert!(page.contains("action=\"/console/esci\""));
    assert!(page.contains("href=\"#contenuto\"") && page.contains("<main id=\"contenuto\""));

    let admin = app.console_sign_in("admin").await;
    let page = app
        .console_get(&admin, "/console/")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("href=\"/console/admin\"") && page.contains("amministrazione"));
    let researcher = app.console_sign_in("researcher").await;
    let page = app
        .console_get(&researcher, "/console/")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("href=\"/console/coda\""));
    assert!(page.contains("href=\"/console/esportazioni\""));
}

#[actix_web::test]
async fn english_by_accept_language_or_by_the_switch() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("moderator").await;
    let english = app
        .client
        .get(app.url("/console/"))
        .header("Cookie", session.cookie_header())
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Sign out"));

    let switch = app.get("/console/lingua/en?next=%2Fconsole%2F").await;
    assert_eq!(switch.status(), 303);
    let cookie = header(&switch, "set-cookie").unwrap();
    assert!(cookie.starts_with("rinasce_lingua=en") && cookie.contains("Path=/console"));
    let chosen = app
        .client
        .get(app.url("/console/"))
        .header(
            "Cookie",
            format!("{}; rinasce_lingua=en", session.cookie_header()),
        )
        .header("Accept-Language", "it")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(chosen.contains("Moderation queue") && chosen.contains("Italiano"));
    assert_eq!(app.get("/console/lingua/fr").await.status(), 404);
}

#[actix_web::test]
async fn sign_out_ends_the_session_and_is_audited() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("moderator").await;
    let response = app.console_post(&session, "/console/esci", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        header(&response, "location").unwrap(),
        "/console/accesso?uscita=1"
    );
    let cookie = header(&response, "set-cookie").unwrap();
    assert!(cookie.starts_with("rinasce_sessione=;"), "{cookie}");
    assert_sent_to_sign_in(&app, &session).await;
    assert_eq!(sessions_of(&app, &session), 0);
    let target = session.account.id.to_string();
    assert_eq!(audited(&app, "console_signed_out", &target).len(), 1);
    // Signing out again changes nothing and is not audited twice.
    let again = app.console_post(&session, "/console/esci", &[]).await;
    assert_eq!(again.status(), 403);
    assert_eq!(audited(&app, "console_signed_out", &target).len(), 1);
}

#[actix_web::test]
async fn a_change_without_the_right_csrf_token_changes_nothing() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("moderator").await;
    let origin = app.public_origin();
    let other = app.console_sign_in("moderator").await;
    for fields in [
        vec![],
        vec![("csrf_token", "")],
        vec![("csrf_token", "0000")],
        vec![("csrf_token", other.csrf.as_str())],
    ] {
        let response = app
            .console_post_raw(Some(&session), "/console/esci", &origin, &fields)
            .await;
        assert_eq!(response.status(), 403, "{fields:?}");
        let page = response.text().await.unwrap();
        assert!(page.contains("Richiesta rifiutata"), "{page}");
        assert_signed_in(&app, &session).await;
    }
    assert_eq!(sessions_of(&app, &session), 1);
}

#[actix_web::test]
async fn a_change_from_another_origin_changes_nothing() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("moderator").await;
    let token = [("csrf_token", session.csrf.as_str())];
    for origin in ["https://evil.example", "null", ""] {
        let response = app
            .console_post_raw(Some(&session), "/console/esci", origin, &token)
            .await;
        assert_eq!(response.status(), 403, "Origin {origin:?}");
        assert_signed_in(&app, &session).await;
    }
    // Without Origin, the Referer stands in for it.
    let foreign = app
        .client
        .post(app.url("/console/esci"))
        .header("Cookie", session.cookie_header())
        .header("Referer", "https://evil.example/console/")
        .form(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    assert_signed_in(&app, &session).await;
    let own = app
        .client
        .post(app.url("/console/esci"))
        .header("Cookie", session.cookie_header())
        .header("Referer", format!("{}/console/", app.public_origin()))
        .form(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 303);
    assert_sent_to_sign_in(&app, &session).await;
}

#[actix_web::test]
async fn a_session_ends_when_idle_or_too_old() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("moderator").await;
    age_session(&app, &session, 29, 60);
    assert_signed_in(&app, &session).await;
    age_session(&app, &session, 31, 60);
    assert_sent_to_sign_in(&app, &session).await;
    assert_eq!(
        sessions_of(&app, &session),
        0,
        "the expired session is deleted"
    );

    let session = app.console_sign_in("moderator").await;
    age_session(&app, &session, 1, 11 * 60 + 59);
    assert_signed_in(&app, &session).await;
    age_session(&app, &session, 1, 12 * 60);
    assert_sent_to_sign_in(&app, &session).await;
}

#[actix_web::test]
async fn the_expiry_is_configurable() {
    let app = TestApp::spawn_with(|config| {
        config.console_sessions.idle = chrono::Duration::minutes(5);
        config.console_sessions.absolute = chrono::Duration::hours(1);
    })
    .await;
    let session = app.console_sign_in("moderator").await;
    age_session(&app, &session, 6, 10);
    assert_sent_to_sign_in(&app, &session).await;
    let session = app.console_sign_in("moderator").await;
    age_session(&app, &session, 1, 61);
    assert_sent_to_sign_in(&app, &session).await;
}

#[actix_web::test]
async fn deactivating_an_account_ends_all_its_sessions() {
    let app = TestApp::spawn().await;
    let moderator = app.console_account("moderator", "Marco Neri");
    let first = app.console_session_of(moderator.clone()).await;
    let second = app.console_session_of(moderator.clone()).await;
    let bystander = app.console_sign_in("moderator").await;
    assert_eq!(sessions_of(&app, &first), 2);
    let admin = app.admin().await;
    let response = app
        .delete_as(&admin, &paths::admin_staff_member(moderator.id))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(sessions_of(&app, &first), 0);
    assert_sent_to_sign_in(&app, &first).await;
    assert_sent_to_sign_in(&app, &second).await;
    assert_signed_in(&app, &bystander).await;
}

#[actix_web::test]
async fn a_forged_or_unknown_cookie_opens_nothing() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("moderator").await;
    let mut forged = session.clone();
    forged.cookie = format!("{}x", session.cookie);
    assert_sent_to_sign_in(&app, &forged).await;
    forged.cookie = "a".repeat(500);
    assert_sent_to_sign_in(&app, &forged).await;
    // The stored hash is not a token either.
    forged.cookie = rinasce::domain::staff::token_hash(&session.cookie);
    assert_sent_to_sign_in(&app, &forged).await;
    assert_signed_in(&app, &session).await;
}

#[actix_web::test]
async fn an_unknown_console_page_is_a_page_not_a_problem() {
    let app = TestApp::spawn().await;
    let session = app.console_sign_in("moderator").await;
    let response = app.console_get(&session, "/console/nessuna-pagina").await;
    assert_page(response, 404, "Pagina non trovata").await;
}

#[actix_web::test]
async fn the_stylesheet_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let response = app.get("/assets/console.css").await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type")
        .unwrap()
        .starts_with("text/css"));
    assert!(response.text().await.unwrap().contains(".salta"));
}

#[actix_web::test]
async fn the_administration_index_lists_the_chores_for_admins_only() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let response = app.console_get(&admin, "/console/admin").await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.unwrap();
    for path in [
        "personale",
        "aree",
        "registro",
        "email",
        "cancellazioni",
        "impostazioni",
    ] {
        assert!(
            page.contains(&format!("href=\"/console/admin/{path}\"")),
            "{page}"
        );
    }
    assert!(page.contains("aria-current=\"page\""), "{page}");

    let moderator = app.console_sign_in("moderator").await;
    let refused = app.console_get(&moderator, "/console/admin").await;
    assert_page(refused, 403, "<html").await;
}
