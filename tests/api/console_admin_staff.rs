//! Issue 14: the console's admin pages for staff accounts, thematic areas
//! and settings, as an admin's browser uses them: what each page shows,
//! what each form stores and audits, confirmation steps, refusals that keep
//! what was typed, CSRF, and 403 for the other roles.

use diesel::prelude::*;
use rinasce::db::schema::{audit_events, console_sessions, staff};
use serde_json::{json, Value};

use crate::support::console::ConsoleSession;
use crate::support::{header, paths, TestApp};

const STAFF: &str = "/console/admin/personale";
const AREAS: &str = "/console/admin/aree";
const SETTINGS: &str = "/console/admin/impostazioni";

/// A page's text with askama's escapes undone, to compare with what a
/// person reads.
fn unescaped(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

async fn page(app: &TestApp, session: &ConsoleSession, path: &str) -> (u16, String) {
    let response = app.console_get(session, path).await;
    let status = response.status().as_u16();
    (status, unescaped(&response.text().await.unwrap()))
}

/// Follows a 303 to the page it names, with the message it left.
async fn followed(app: &TestApp, session: &ConsoleSession, response: reqwest::Response) -> String {
    let page = app.console_follow(session, &response).await;
    let (status, html) = status_and_text(page).await;
    assert_eq!(status, 200, "{html}");
    html
}

async fn status_and_text(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, unescaped(&response.text().await.unwrap()))
}

/// The `value` of the element with `id`.
fn value_of(html: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\"")).expect(id);
    let tag_end = start + html[start..].find('>').unwrap();
    let tag = &html[start..tag_end];
    let value = tag.find("value=\"").expect("a value") + 7;
    tag[value..value + tag[value..].find('"').unwrap()].to_owned()
}

/// The opening tag of the element with `id`.
fn tag_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("id=\"{id}\"")).expect(id);
    let start = html[..at].rfind('<').unwrap();
    &html[start..at + html[at..].find('>').unwrap() + 1]
}

fn account_id(app: &TestApp, email: &str) -> String {
    let email = email.to_lowercase();
    app.db
        .read_blocking(move |conn| {
            Ok::<_, rinasce::db::DbError>(
                staff::table
                    .filter(staff::email.eq(email))
                    .select(staff::id)
                    .first::<String>(conn)?,
            )
        })
        .unwrap()
}

fn account_count(app: &TestApp) -> i64 {
    app.db
        .read_blocking(|conn| Ok::<_, rinasce::db::DbError>(staff::table.count().get_result(conn)?))
        .unwrap()
}

/// `(action, to_value)` of every audit event about `target`, oldest first.
fn audited(app: &TestApp, target: &str) -> Vec<(String, Option<String>)> {
    let target = target.to_owned();
    app.db
        .read_blocking(move |conn| {
            Ok::<_, rinasce::db::DbError>(
                audit_events::table
                    .filter(audit_events::target_id.eq(target))
                    .order(audit_events::seq.asc())
                    .select((audit_events::action, audit_events::to_value))
                    .load(conn)?,
            )
        })
        .unwrap()
}

fn actions(app: &TestApp, target: &str) -> Vec<String> {
    audited(app, target).into_iter().map(|(a, _)| a).collect()
}

fn open_sessions(app: &TestApp, id: &str) -> i64 {
    let id = id.to_owned();
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

/// Creates an account through the page; its id and the token shown once.
async fn create_account(
    app: &TestApp,
    admin: &ConsoleSession,
    name: &str,
    email: &str,
    role: &str,
) -> (String, String) {
    let response = app
        .console_post(
            admin,
            STAFF,
            &[("name", name), ("email", email), ("role", role)],
        )
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 200, "{html}");
    (account_id(app, email), value_of(&html, "token"))
}

/// A form that is refused: its fields, the message shown, and a piece of
/// the page that proves what was typed is kept.
type RefusedForm<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);

async fn api_status(app: &TestApp, token: &str) -> u16 {
    app.get_as(token, &paths::moderation_contributions())
        .await
        .status()
        .as_u16()
}

// --- staff ----------------------------------------------------------------------

#[actix_web::test]
async fn the_staff_page_lists_each_account_with_role_state_and_last_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let never = app.console_account("researcher", "Lucia Verdi");

    let (status, html) = page(&app, &admin, STAFF).await;
    assert_eq!(status, 200);
    let admin_card = &html[html
        .find(&format!("id=\"account-{}\"", admin.account.id))
        .unwrap()..];
    let admin_card = &admin_card[..admin_card.find("</li>").unwrap()];
    for expected in [
        "Prova admin",
        admin.account.email.as_str(),
        "amministrazione",
        "attivo",
        "Ultimo accesso alla console",
        "<time datetime=",
    ] {
        assert!(admin_card.contains(expected), "{expected}: {admin_card}");
    }
    let other = &html[html.find(&format!("id=\"account-{}\"", never.id)).unwrap()..];
    let other = &other[..other.find("</li>").unwrap()];
    assert!(
        other.contains("Lucia Verdi") && other.contains("ricerca") && other.contains("mai"),
        "{other}"
    );
    assert!(html.contains("Account (2)"), "{html}");
}

#[actix_web::test]
async fn a_new_account_gets_a_token_shown_once_that_works_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let response = app
        .console_post(
            &admin,
            STAFF,
            &[
                ("name", "Anna Bianchi"),
                ("email", "Anna.Bianchi@Comune.example.org"),
                ("role", "moderator"),
            ],
        )
        .await;
    assert_eq!(
        header(&response, "cache-control").as_deref(),
        Some("no-store")
    );
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Account creato: Anna Bianchi"), "{html}");
    assert!(html.contains("non sarà più mostrato"), "{html}");
    let token = value_of(&html, "token");
    assert!(token.starts_with("rf_"), "{token}");
    assert!(
        tag_of(&html, "token").contains("readonly"),
        "a field to select"
    );
    assert!(html.contains("id=\"copia-token\"") && html.contains("/assets/copy-token.js"));

    // Stored as typed (the address in lowercase), the token works, the
    // creation is audited, and the list never shows the token again.
    let id = account_id(&app, "anna.bianchi@comune.example.org");
    assert_eq!(api_status(&app, &token).await, 200);
    assert_eq!(
        audited(&app, &id),
        [("staff_created".to_owned(), Some("moderator".to_owned()))]
    );
    let (_, list) = page(&app, &admin, STAFF).await;
    assert!(list.contains("Anna Bianchi") && list.contains("moderazione"));
    assert!(!list.contains(&token));
    let script = app.get("/assets/copy-token.js").await;
    assert_eq!(script.status(), 200);
}

#[actix_web::test]
async fn a_refused_new_account_comes_back_with_the_messages_and_what_was_typed() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let before = account_count(&app);

    let cases: [RefusedForm; 5] = [
        (
            &[
                ("name", "  "),
                ("email", "gino@comune.example.org"),
                ("role", "moderator"),
            ],
            "Nome e cognome: campo obbligatorio",
            "gino@comune.example.org",
        ),
        (
            &[
                ("name", "Gino Rossi"),
                ("email", "gino.rossi"),
                ("role", "moderator"),
            ],
            "E-mail: non è un indirizzo e-mail valido",
            "value=\"gino.rossi\"",
        ),
        (
            &[
                ("name", "Gino Rossi"),
                ("email", admin.account.email.as_str()),
                ("role", "admin"),
            ],
            "E-mail: esiste già",
            "value=\"Gino Rossi\"",
        ),
        (
            &[
                ("name", "Gino Rossi"),
                ("email", "gino@comune.example.org"),
                ("role", "superuser"),
            ],
            "Ruolo: valore non ammesso",
            "value=\"gino@comune.example.org\"",
        ),
        (
            &[
                ("name", "Gino Rossi"),
                ("email", "gino@comune.example.org"),
                ("role", ""),
            ],
            "Ruolo: campo obbligatorio",
            "value=\"Gino Rossi\"",
        ),
    ];
    for (fields, message, kept) in cases {
        let (status, html) = status_and_text(app.console_post(&admin, STAFF, fields).await).await;
        assert_eq!(status, 422, "{message}: {html}");
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains(kept), "{kept} kept: {html}");
        assert!(html.contains("Account non creato"), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
    }
    assert_eq!(account_count(&app), before, "nothing stored");

    // The address of a deactivated account: the page points to it.
    let (id, _) = create_account(
        &app,
        &admin,
        "Gino Rossi",
        "gino@comune.example.org",
        "moderator",
    )
    .await;
    let response = app
        .console_post(&admin, &format!("{STAFF}/{id}/disattiva"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let fields = [
        ("name", "Gino Rossi"),
        ("email", "GINO@comune.example.org"),
        ("role", "moderator"),
    ];
    let (status, html) = status_and_text(app.console_post(&admin, STAFF, &fields).await).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("È l'indirizzo di un account disattivato"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"#account-{id}\"")), "{html}");
}

#[actix_web::test]
async fn a_role_change_applies_at_once_and_is_audited() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let (id, token) = create_account(
        &app,
        &admin,
        "Paola Neri",
        "paola@comune.example.org",
        "moderator",
    )
    .await;
    assert_eq!(api_status(&app, &token).await, 200);

    let response = app
        .console_post(
            &admin,
            &format!("{STAFF}/{id}/ruolo"),
            &[("role", "researcher")],
        )
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(
        html.contains("Ora il ruolo di Paola Neri è: ricerca."),
        "{html}"
    );
    assert_eq!(
        api_status(&app, &token).await,
        403,
        "a researcher does not moderate"
    );
    let (action, to) = audited(&app, &id).pop().unwrap();
    assert_eq!(action, "staff_updated");
    let to: Value = serde_json::from_str(&to.unwrap()).unwrap();
    assert_eq!(to["role"], "researcher");

    // An unknown role changes nothing and says so.
    let response = app
        .console_post(&admin, &format!("{STAFF}/{id}/ruolo"), &[("role", "root")])
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Nessuna modifica all'account di Paola Neri"),
        "{html}"
    );
    assert_eq!(audited(&app, &id).len(), 2);
}

#[actix_web::test]
async fn deactivation_is_confirmed_first_stops_token_and_sessions_and_reactivation_restores() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let (id, token) = create_account(
        &app,
        &admin,
        "Marco Neri",
        "marco@comune.example.org",
        "moderator",
    )
    .await;
    let marco_row = app
        .db
        .read_blocking({
            let id = id.clone();
            move |conn| {
                rinasce::db::staff::find(conn, rinasce::domain::StaffId::parse(&id).unwrap())
            }
        })
        .unwrap()
        .unwrap();
    let marco = app.console_session_of(marco_row).await;

    // The list offers it; the link opens a confirmation page; nothing changed yet.
    let (_, list) = page(&app, &admin, STAFF).await;
    assert!(
        list.contains(&format!("href=\"{STAFF}/{id}/disattiva\"")),
        "{list}"
    );
    let (status, confirm) = page(&app, &admin, &format!("{STAFF}/{id}/disattiva")).await;
    assert_eq!(status, 200);
    assert!(
        confirm.contains("Disattivare l'account di Marco Neri?"),
        "{confirm}"
    );
    assert!(confirm.contains(&format!("action=\"{STAFF}/{id}/disattiva\"")));
    assert!(confirm.contains("Annulla"));
    assert_eq!(api_status(&app, &token).await, 200);

    let response = app
        .console_post(&admin, &format!("{STAFF}/{id}/disattiva"), &[])
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(html.contains("Account di Marco Neri disattivato"), "{html}");
    assert!(html.contains("disattivato</span> il <time"), "{html}");
    assert_eq!(api_status(&app, &token).await, 401);
    assert_eq!(open_sessions(&app, &id), 0);
    assert_eq!(app.console_get(&marco, "/console/").await.status(), 303);
    assert_eq!(actions(&app, &id).last().unwrap(), "staff_deactivated");

    // Reactivated: the same token works again, and the page says to replace it if leaked.
    assert!(html.contains(&format!("action=\"{STAFF}/{id}/riattiva\"")));
    let response = app
        .console_post(&admin, &format!("{STAFF}/{id}/riattiva"), &[])
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(html.contains("Account di Marco Neri riattivato"), "{html}");
    assert_eq!(api_status(&app, &token).await, 200);
    // The message was for that page once; no address can make the list claim a change.
    let (_, again) = page(
        &app,
        &admin,
        &format!("{STAFF}?esito=disattivato&account={id}"),
    )
    .await;
    assert!(!again.contains("riattivato:"), "{again}");
    assert!(
        !again.contains("Account di Marco Neri disattivato"),
        "{again}"
    );
    let (action, to) = audited(&app, &id).pop().unwrap();
    assert_eq!(action, "staff_updated");
    assert_eq!(
        serde_json::from_str::<Value>(&to.unwrap()).unwrap()["active"],
        true
    );
}

#[actix_web::test]
async fn an_admin_cannot_deactivate_themself_nor_leave_no_active_admin() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let me = admin.account.id.to_string();

    // The only admin: the page says why, and offers neither deactivation nor a role change.
    let (_, html) = page(&app, &admin, STAFF).await;
    assert!(
        html.contains(
            "È l'ultimo amministratore attivo: non può essere disattivato né cambiare ruolo."
        ),
        "{html}"
    );
    assert!(!html.contains(&format!("{STAFF}/{me}/disattiva")), "{html}");
    assert!(!html.contains(&format!("{STAFF}/{me}/ruolo")), "{html}");
    // Posted anyway, the service refuses, and the page says why.
    let response = app
        .console_post(
            &admin,
            &format!("{STAFF}/{me}/ruolo"),
            &[("role", "moderator")],
        )
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 422);
    assert!(html.contains("ultimo amministratore attivo"), "{html}");
    let response = app
        .console_post(&admin, &format!("{STAFF}/{me}/disattiva"), &[])
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("non si può disattivare il proprio account"),
        "{html}"
    );
    assert!(
        actions(&app, &me)
            .iter()
            .all(|a| a == "staff_created" || a == "console_signed_in"),
        "nothing changed"
    );

    // With a second admin: one's own account still cannot be deactivated.
    let (other, _) =
        create_account(&app, &admin, "Sara Blu", "sara@comune.example.org", "admin").await;
    let (_, html) = page(&app, &admin, STAFF).await;
    assert!(
        html.contains("È il tuo account: non puoi disattivarlo."),
        "{html}"
    );
    assert!(!html.contains("È l'ultimo amministratore attivo"), "{html}");
    assert!(
        html.contains(&format!("{STAFF}/{other}/disattiva")),
        "{html}"
    );
    assert!(!html.contains(&format!("{STAFF}/{me}/disattiva")), "{html}");
}

#[actix_web::test]
async fn a_new_token_replaces_the_old_one_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let (id, old) = create_account(
        &app,
        &admin,
        "Elena Gialli",
        "elena@comune.example.org",
        "moderator",
    )
    .await;

    let (status, confirm) = page(&app, &admin, &format!("{STAFF}/{id}/token")).await;
    assert_eq!(status, 200);
    assert!(
        confirm.contains("Emettere un nuovo token per Elena Gialli?"),
        "{confirm}"
    );
    assert_eq!(api_status(&app, &old).await, 200, "not before confirming");

    let response = app
        .console_post(&admin, &format!("{STAFF}/{id}/token"), &[])
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 200);
    assert!(html.contains("Nuovo token di Elena Gialli"), "{html}");
    let new = value_of(&html, "token");
    assert_ne!(new, old);
    assert_eq!(api_status(&app, &old).await, 401);
    assert_eq!(api_status(&app, &new).await, 200);
    assert_eq!(actions(&app, &id).last().unwrap(), "staff_token_issued");
}

#[actix_web::test]
async fn ending_an_accounts_sessions_signs_it_out_everywhere() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let moderator = app.console_sign_in("moderator").await;
    let id = moderator.account.id.to_string();
    assert_eq!(open_sessions(&app, &id), 1);

    let (status, confirm) = page(&app, &admin, &format!("{STAFF}/{id}/sessioni")).await;
    assert_eq!(status, 200);
    assert!(
        confirm.contains("Chiudere tutte le sessioni di Prova moderator?"),
        "{confirm}"
    );
    let response = app
        .console_post(&admin, &format!("{STAFF}/{id}/sessioni"), &[])
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(
        html.contains("Chiusa 1 sessione di Prova moderator."),
        "{html}"
    );
    assert_eq!(open_sessions(&app, &id), 0);
    assert_eq!(app.console_get(&moderator, "/console/").await.status(), 303);
    assert_eq!(
        audited(&app, &id).pop().unwrap(),
        ("staff_sessions_ended".to_owned(), Some("1".to_owned()))
    );
}

#[actix_web::test]
async fn moderators_and_researchers_get_403_on_every_admin_page_and_change_nothing() {
    let app = TestApp::spawn().await;
    let target = app.console_account("moderator", "Bersaglio");
    let id = target.id.to_string();
    for role in ["moderator", "researcher"] {
        let session = app.console_sign_in(role).await;
        for path in [
            STAFF.to_owned(),
            format!("{STAFF}/{id}/disattiva"),
            format!("{STAFF}/{id}/token"),
            format!("{STAFF}/{id}/sessioni"),
            AREAS.to_owned(),
            format!("{AREAS}/mobilita-green"),
            format!("{AREAS}/mobilita-green/disattiva"),
            SETTINGS.to_owned(),
        ] {
            let (status, html) = page(&app, &session, &path).await;
            assert_eq!(status, 403, "{role} GET {path}");
            assert!(html.contains("Accesso non consentito"), "{html}");
        }
        let posts: [(String, &[(&str, &str)]); 8] = [
            (
                STAFF.to_owned(),
                &[
                    ("name", "X Y"),
                    ("email", "x@comune.example.org"),
                    ("role", "admin"),
                ],
            ),
            (format!("{STAFF}/{id}/ruolo"), &[("role", "admin")]),
            (format!("{STAFF}/{id}/disattiva"), &[]),
            (format!("{STAFF}/{id}/token"), &[]),
            (format!("{STAFF}/{id}/sessioni"), &[]),
            (
                AREAS.to_owned(),
                &[("code", "nuova"), ("name", "Nuova area")],
            ),
            (
                format!("{AREAS}/mobilita-green/posizione"),
                &[("posizione", "1"), ("versione", "1")],
            ),
            (
                format!("{AREAS}/mobilita-green/disattiva"),
                &[("versione", "1")],
            ),
        ];
        for (path, fields) in posts {
            let response = app.console_post(&session, &path, fields).await;
            assert_eq!(response.status(), 403, "{role} POST {path}");
        }
    }
    assert_eq!(actions(&app, &id), ["staff_created"]);
    assert_eq!(account_count(&app), 3);
    let areas = app.get_json(&paths::thematic_areas()).await;
    assert_eq!(
        areas["items"][0]["code"], "citta-policentrica",
        "order unchanged"
    );
    assert_eq!(areas["items"].as_array().unwrap().len(), 9);
}

#[actix_web::test]
async fn a_change_without_the_csrf_token_or_from_another_origin_changes_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let target = app.console_account("moderator", "Bersaglio");
    let id = target.id.to_string();
    let deactivate = format!("{STAFF}/{id}/disattiva");

    let no_token = app
        .console_post_raw(Some(&admin), &deactivate, &app.public_origin(), &[])
        .await;
    assert_eq!(no_token.status(), 403);
    let wrong_token = app
        .console_post_raw(
            Some(&admin),
            &deactivate,
            &app.public_origin(),
            &[("csrf_token", "x")],
        )
        .await;
    assert_eq!(wrong_token.status(), 403);
    let elsewhere = app
        .console_post_raw(
            Some(&admin),
            &deactivate,
            "https://evil.example",
            &[("csrf_token", admin.csrf.as_str())],
        )
        .await;
    assert_eq!(elsewhere.status(), 403);
    let move_without = app
        .console_post_raw(
            Some(&admin),
            &format!("{AREAS}/mobilita-green/posizione"),
            &app.public_origin(),
            &[("posizione", "1"), ("versione", "1")],
        )
        .await;
    assert_eq!(move_without.status(), 403);
    assert_eq!(actions(&app, &id), ["staff_created"]);
    let areas = app.get_json(&paths::thematic_areas()).await;
    assert_eq!(areas["items"][0]["code"], "citta-policentrica");
}

#[actix_web::test]
async fn the_admin_pages_speak_english_when_asked() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    for (path, expected) in [
        (STAFF, "Last console sign-in"),
        (AREAS, "Move down"),
        (SETTINGS, "Indicator target"),
        ("/console/admin/aree/mobilita-green", "Name and description"),
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("Cookie", admin.cookie_header())
            .header("Accept-Language", "en")
            .send()
            .await
            .unwrap();
        let (status, html) = status_and_text(response).await;
        assert_eq!(status, 200);
        assert!(html.contains("<html lang=\"en\">"), "{html}");
        assert!(html.contains(expected), "{path}: {html}");
    }
}

// --- thematic areas ---------------------------------------------------------------

/// The public list's codes in order, and whether positions are 1..n.
async fn public_order(app: &TestApp) -> Vec<String> {
    let areas = app.get_json(&paths::thematic_areas()).await;
    let items = areas["items"].as_array().unwrap();
    let positions: Vec<i64> = items
        .iter()
        .map(|a| a["position"].as_i64().unwrap())
        .collect();
    let expected: Vec<i64> = (1..=items.len() as i64).collect();
    assert_eq!(positions, expected, "positions stay 1..n");
    items
        .iter()
        .map(|a| a["code"].as_str().unwrap().to_owned())
        .collect()
}

/// The form of the button that takes the focus, up to that button.
fn focused_form(html: &str) -> &str {
    let at = html.find("autofocus").expect("a focused element");
    &html[html[..at].rfind("<form").unwrap()..at]
}

/// The version the list page shows for `code`.
fn version_in(html: &str, code: &str) -> String {
    let tag = tag_of(html, &format!("area-{code}"));
    let start = tag.find("data-versione=\"").unwrap() + 15;
    tag[start..start + tag[start..].find('"').unwrap()].to_owned()
}

#[actix_web::test]
async fn move_buttons_keep_positions_a_sequence_and_the_focus_on_the_moved_area() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let before = public_order(&app).await;
    let third = before[2].clone();

    let (status, html) = page(&app, &admin, AREAS).await;
    assert_eq!(status, 200);
    assert!(html.contains("/assets/areas-order.js"));
    let version = version_in(&html, &third);
    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/{third}/posizione"),
            &[("posizione", "2"), ("versione", &version), ("verso", "su")],
        )
        .await;
    assert_eq!(
        header(&response, "location").unwrap(),
        format!("{AREAS}?spostata={third}&verso=su")
    );
    let html = followed(&app, &admin, response).await;
    let name = app.get_json(&paths::thematic_areas()).await["items"][1]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        html.contains(&format!("«{name}» ora è in posizione 2 di 9.")),
        "{html}"
    );
    let order = public_order(&app).await;
    assert_eq!(order[1], third);
    assert_eq!(order[2], before[1], "the one it passed moved down");
    // Its "move up" button takes the focus and is described by the outcome.
    assert_eq!(html.matches("autofocus").count(), 1, "{html}");
    let focused = focused_form(&html);
    assert!(
        focused.contains(&format!("/aree/{third}/posizione")) && focused.contains("value=\"su\""),
        "{focused}"
    );
    assert!(html.contains("autofocus aria-describedby=\"esito\""));
    let (action, _) = audited(&app, &third).pop().unwrap();
    assert_eq!(action, "thematic_area_updated");

    // To the top: the up button is gone, so its down button takes the focus.
    let version = version_in(&html, &third);
    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/{third}/posizione"),
            &[("posizione", "1"), ("versione", &version), ("verso", "su")],
        )
        .await;
    let html = followed(&app, &admin, response).await;
    assert_eq!(public_order(&app).await[0], third);
    let focused = focused_form(&html);
    assert!(
        focused.contains(&format!("/aree/{third}/posizione")) && focused.contains("value=\"giu\""),
        "{focused}"
    );

    // Moving down from the end of the list.
    let last = public_order(&app).await[8].clone();
    let version = version_in(&html, &last);
    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/{last}/posizione"),
            &[("posizione", "8"), ("versione", &version), ("verso", "su")],
        )
        .await;
    followed(&app, &admin, response).await;
    assert_eq!(public_order(&app).await[7], last);
}

#[actix_web::test]
async fn a_dragged_area_takes_its_new_position_and_the_others_shift() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let before = public_order(&app).await;
    let (_, html) = page(&app, &admin, AREAS).await;
    let last = before[8].clone();
    // What the drag script sends: the position and the version, no direction.
    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/{last}/posizione"),
            &[("posizione", "1"), ("versione", &version_in(&html, &last))],
        )
        .await;
    followed(&app, &admin, response).await;
    let mut expected = vec![last];
    expected.extend(before[..8].iter().cloned());
    assert_eq!(public_order(&app).await, expected);
}

#[actix_web::test]
async fn a_stale_or_bad_move_is_refused_and_says_why() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let before = public_order(&app).await;
    let (_, html) = page(&app, &admin, AREAS).await;
    let stale = version_in(&html, &before[4]);
    // Meanwhile another admin moves the same area through the API.
    let token = app.admin().await;
    let moved = app
        .patch_as(
            &token,
            &paths::admin_thematic_area(&before[4]),
            None,
            &json!({"position": 6}),
        )
        .await;
    assert_eq!(moved.status(), 200);

    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/{}/posizione", before[4]),
            &[("posizione", "4"), ("versione", &stale), ("verso", "su")],
        )
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 412, "{html}");
    assert!(html.contains("esito-errore"), "{html}");
    assert_eq!(
        public_order(&app).await[5],
        before[4],
        "the other admin's move stays"
    );

    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/{}/posizione", before[0]),
            &[("posizione", "zero"), ("versione", "1")],
        )
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Posizione: deve essere compreso tra 1 e 10000"),
        "{html}"
    );

    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/non-esiste/posizione"),
            &[("posizione", "1"), ("versione", "1")],
        )
        .await;
    assert_eq!(response.status(), 404);
}

#[actix_web::test]
async fn an_area_is_added_renamed_described_deactivated_and_reactivated() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;

    let response = app
        .console_post(
            &admin,
            AREAS,
            &[
                ("code", " sport-quartieri "),
                ("name", "Sport nei quartieri"),
                ("description", ""),
            ],
        )
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(
        html.contains("Area «Sport nei quartieri» aggiunta in fondo all'elenco."),
        "{html}"
    );
    let order = public_order(&app).await;
    assert_eq!(order.last().unwrap(), "sport-quartieri");
    assert_eq!(
        audited(&app, "sport-quartieri")[0].0,
        "thematic_area_created"
    );

    // Renamed and described from its own page.
    let (status, edit) = page(&app, &admin, &format!("{AREAS}/sport-quartieri")).await;
    assert_eq!(status, 200);
    let version = value_of(&edit, "area-versione-campo");
    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/sport-quartieri"),
            &[
                ("name", "Sport e quartieri"),
                ("description", "Impianti sportivi di quartiere."),
                ("versione", &version),
            ],
        )
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(html.contains("Area «Sport e quartieri» salvata."), "{html}");
    let stored = app.get_json(&paths::thematic_areas()).await["items"][9].clone();
    assert_eq!(stored["name"], "Sport e quartieri");
    assert_eq!(stored["description"], "Impianti sportivi di quartiere.");

    // Deactivated after a confirmation page, then reactivated.
    let (status, confirm) = page(&app, &admin, &format!("{AREAS}/sport-quartieri/disattiva")).await;
    assert_eq!(status, 200);
    assert!(
        confirm.contains("Disattivare l'area «Sport e quartieri»?"),
        "{confirm}"
    );
    let version = value_of(&confirm, "conferma-versione");
    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/sport-quartieri/disattiva"),
            &[("versione", &version)],
        )
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(
        html.contains("Area «Sport e quartieri» disattivata"),
        "{html}"
    );
    assert!(html.contains("disattivata</span>"), "{html}");
    let stored = app.get_json(&paths::thematic_areas()).await["items"][9].clone();
    assert_eq!(stored["active"], false);

    let (_, edit) = page(&app, &admin, &format!("{AREAS}/sport-quartieri")).await;
    let version = value_of(&edit, "area-versione-stato");
    let response = app
        .console_post(
            &admin,
            &format!("{AREAS}/sport-quartieri/riattiva"),
            &[("versione", &version)],
        )
        .await;
    let html = followed(&app, &admin, response).await;
    assert!(
        html.contains("Area «Sport e quartieri» riattivata"),
        "{html}"
    );
    let stored = app.get_json(&paths::thematic_areas()).await["items"][9].clone();
    assert_eq!(stored["active"], true);
    let changes: Vec<Value> = audited(&app, "sport-quartieri")
        .into_iter()
        .skip(1)
        .map(|(action, to)| {
            assert_eq!(action, "thematic_area_updated");
            serde_json::from_str(&to.unwrap()).unwrap()
        })
        .collect();
    assert_eq!(changes.len(), 3);
    assert_eq!(changes[0]["name"], "Sport e quartieri");
    assert_eq!(changes[1]["active"], false);
    assert_eq!(changes[2]["active"], true);
}

#[actix_web::test]
async fn a_refused_new_area_comes_back_with_the_messages_and_what_was_typed() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let cases: [RefusedForm; 3] = [
        (
            &[
                ("code", "Sport Quartieri"),
                ("name", "Sport"),
                ("description", "Testo scritto"),
            ],
            "Codice: deve contenere solo lettere minuscole",
            "Testo scritto</textarea>",
        ),
        (
            &[("code", "sport"), ("name", ""), ("description", "")],
            "Nome: campo obbligatorio",
            "value=\"sport\"",
        ),
        (
            &[
                ("code", "mobilita-green"),
                ("name", "Doppione"),
                ("description", ""),
            ],
            "Codice: esiste già",
            "value=\"Doppione\"",
        ),
    ];
    for (fields, message, kept) in cases {
        let (status, html) = status_and_text(app.console_post(&admin, AREAS, fields).await).await;
        assert_eq!(status, 422, "{html}");
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains(kept), "{kept}: {html}");
        assert!(html.contains("Area non aggiunta"), "{html}");
    }
    assert_eq!(public_order(&app).await.len(), 9, "nothing stored");
}

#[actix_web::test]
async fn a_stale_or_empty_rename_keeps_what_was_typed_and_shows_what_is_stored() {
    let app = TestApp::spawn().await;
    let admin = app.console_sign_in("admin").await;
    let path = format!("{AREAS}/mobilita-green");
    let (_, edit) = page(&app, &admin, &path).await;
    let version = value_of(&edit, "area-versione-campo");

    let response = app
        .console_post(
            &admin,
            &path,
            &[
                ("name", " "),
                ("description", "Nuova descrizione"),
                ("versione", &version),
            ],
        )
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 422);
    assert!(html.contains("Nome: campo obbligatorio"), "{html}");
    assert!(html.contains("Nuova descrizione</textarea>"), "{html}");

    let token = app.admin().await;
    let renamed = app
        .patch_as(
            &token,
            &paths::admin_thematic_area("mobilita-green"),
            None,
            &json!({"name": "Mobilità sostenibile"}),
        )
        .await;
    assert_eq!(renamed.status(), 200);
    let response = app
        .console_post(
            &admin,
            &path,
            &[
                ("name", "Mobilità verde"),
                ("description", ""),
                ("versione", &version),
            ],
        )
        .await;
    let (status, html) = status_and_text(response).await;
    assert_eq!(status, 412);
    assert!(html.contains("Ora l'area è salvata così:"), "{html}");
    assert!(
        html.contains("Mobilità sostenibile") && html.contains("value=\"Mobilità verde\""),
        "{html}"
    );
    // Saving again overwrites, knowingly.
    let newer = value_of(&html, "area-versione-campo");
    assert_ne!(newer, version);
    let response = app
        .console_post(
            &admin,
            &path,
            &[
                ("name", "Mobilità verde"),
                ("description", ""),
                ("versione", &newer),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let stored = app.get_json(&paths::thematic_areas()).await;
    let area = stored["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["code"] == "mobilita-green")
        .unwrap()
        .clone();
    assert_eq!(area["name"], "Mobilità verde");
    assert_eq!(
        page(&app, &admin, &format!("{AREAS}/non-esiste")).await.0,
        404
    );
}

// --- settings ---------------------------------------------------------------------

#[actix_web::test]
async fn the_settings_page_shows_target_window_retention_and_mail_transport_read_only() {
    let app = TestApp::spawn_with(|config| {
        config.target = 1450;
        config.retention_days = Some(365);
        config.opens_at = Some("2026-11-02T08:00:00Z".parse().unwrap());
        config.closes_at = None;
    })
    .await;
    let admin = app.console_sign_in("admin").await;
    let (status, html) = page(&app, &admin, SETTINGS).await;
    assert_eq!(status, 200);
    for expected in [
        "1.450",
        "RINASCE_TARGET",
        "2 novembre 2026 alle 09:00",
        "datetime=\"2026-11-02T08:00:00Z\"",
        "nessuna data: resta aperta",
        "365 giorni dalla ricezione",
        "file .eml in una cartella",
        "RINASCE_MAIL",
        &app.config.public_url,
    ] {
        assert!(html.contains(expected), "{expected}: {html}");
    }
    let database = if app.database_url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    assert!(html.contains(database));
    assert!(!html.contains(&app.database_url), "no connection string");
    assert!(
        !html.contains("<form method=\"post\" action=\"/console/admin/impostazioni"),
        "read-only"
    );
}
