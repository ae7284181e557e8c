//! Spawns the real server on port 0 against a fresh database for each test.
//! `TEST_DATABASE_URL=postgres://…` runs the suite on PostgreSQL (a new
//! database per test); without it, each test gets its own SQLite file.
#![allow(dead_code)]

pub mod console;
pub mod oidc_provider;
pub mod outage;
pub mod paths;
pub mod smtp;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use rinasce::config::{Config, MailTransport};
use rinasce::db::Db;
use rinasce::startup::Application;
use serde_json::{json, Value};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub database_url: String,
    pub mail_dir: PathBuf,
    /// The configuration the server was built with.
    pub config: Config,
    /// The moderator the set-up helpers act as, created on first use.
    setup_moderator: OnceLock<String>,
    /// The PostgreSQL database made for this app, dropped with it.
    owned_database: Option<OwnedDatabase>,
    _dir: tempfile::TempDir,
}

/// A per-test PostgreSQL database: dropped when its test ends, pass or
/// fail, so that a run does not leave hundreds behind on the disk.
struct OwnedDatabase {
    admin_url: String,
    name: String,
}

impl Drop for OwnedDatabase {
    fn drop(&mut self) {
        // Best effort: a database left behind is dropped by the next `.ci/run`.
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
            let _ = admin.batch_execute(&drop);
        }
    }
}

/// The backend the suite runs on, for messages.
pub fn backend_name() -> &'static str {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => "postgres",
        _ => "sqlite",
    }
}

fn fresh_database(dir: &tempfile::TempDir) -> (String, Option<OwnedDatabase>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if admin_url.starts_with("postgres") => {
            let name = format!("rinasce_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin = PgConnection::establish(&admin_url).unwrap_or_else(|e| {
                panic!("TEST_DATABASE_URL is set but PostgreSQL is not reachable: {e}")
            });
            admin
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create the test database");
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("a database name in TEST_DATABASE_URL");
            let url = format!("{base}/{name}");
            (url, Some(OwnedDatabase { admin_url, name }))
        }
        _ => (dir.path().join("rinasce.db").display().to_string(), None),
    }
}

/// Configuration of a test server; `adjust` changes what a test needs.
pub fn test_config(database_url: &str, mail_dir: &std::path::Path) -> Config {
    let mut config = Config::from_lookup(|_| None).expect("defaults are valid");
    config.database_url = database_url.to_owned();
    config.bind = "127.0.0.1:0".parse().unwrap();
    config.mail = MailTransport::File(mail_dir.to_owned());
    config.db_pool_size = 8;
    // Tests submit far more than a person does; the rate-limit tests lower it.
    config.rate_limit_per_minute = 1_000_000;
    config
}

/// The HTTP client of a test app. An idle connection is not reused after 3 s:
/// the server closes it after 5 s, and a test that blocks its thread (a
/// subprocess, say) would otherwise send on a connection already closed.
fn test_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(3))
        .build()
        .unwrap()
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (database_url, owned_database) = fresh_database(&dir);
        let mail_dir = dir.path().join("mail");
        let mut config = test_config(&database_url, &mail_dir);
        adjust(&mut config);
        let pool_size = config.db_pool_size;
        let application = Application::build(config.clone()).expect("the server starts");
        let address = format!("http://127.0.0.1:{}", application.port);
        actix_web::rt::spawn(application.run());
        TestApp {
            address,
            client: test_client(),
            db: Db::connect(&database_url, pool_size),
            database_url,
            mail_dir,
            config,
            setup_moderator: OnceLock::new(),
            owned_database,
            _dir: dir,
        }
    }

    /// A second server on this one's database, as after a restart or in
    /// another process; `adjust` changes its configuration.
    pub async fn spawn_on_same_database(&self, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mail_dir = dir.path().join("mail");
        let mut config = test_config(&self.database_url, &mail_dir);
        adjust(&mut config);
        let pool_size = config.db_pool_size;
        let application = Application::build(config.clone()).expect("the second server starts");
        let address = format!("http://127.0.0.1:{}", application.port);
        actix_web::rt::spawn(application.run());
        TestApp {
            address,
            client: test_client(),
            db: Db::connect(&self.database_url, pool_size),
            database_url: self.database_url.clone(),
            mail_dir,
            config,
            setup_moderator: OnceLock::new(),
            owned_database: None,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("a JSON body")
    }

    /// Posts a raw body with the JSON content type.
    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn submit(&self, body: &Value) -> reqwest::Response {
        self.post_raw(&paths::contributions(), body.to_string())
            .await
    }

    /// Submits and returns the receipt, failing the test unless it is a 201.
    pub async fn submit_ok(&self, body: &Value) -> Value {
        let response = self.submit(body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 201, "submission refused: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Files written by the file mail transport, and rows queued in the outbox.
    pub fn outbox(&self) -> Vec<(String, String, String)> {
        use diesel::prelude::*;
        use rinasce::db::schema::outbox;
        self.db
            .read_blocking(|conn| {
                Ok::<_, rinasce::db::DbError>(
                    outbox::table
                        .order(outbox::seq.asc())
                        .select((outbox::recipient, outbox::subject, outbox::body_text))
                        .load(conn)?,
                )
            })
            .expect("outbox readable")
    }

    /// Runs `rinasce ARGS` on the test's database (mail off), asserting
    /// success; returns what it printed.
    pub fn run_command(&self, args: &[&str]) -> String {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rinasce"))
            .args(args)
            .env("DATABASE_URL", &self.database_url)
            .env("RINASCE_MAIL", "off")
            .output()
            .expect("the binary runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// What `status_links` keeps of each link.
    pub fn stored_status_link_hashes(&self) -> Vec<String> {
        use diesel::prelude::*;
        use rinasce::db::schema::status_links;
        self.db
            .read_blocking(|conn| {
                Ok::<_, rinasce::db::DbError>(
                    status_links::table
                        .select(status_links::token_hash)
                        .load(conn)?,
                )
            })
            .expect("status links readable")
    }

    pub fn count_contributions(&self) -> i64 {
        use diesel::prelude::*;
        use rinasce::db::schema::contributions;
        self.db
            .read_blocking(|conn| {
                Ok::<_, rinasce::db::DbError>(contributions::table.count().get_result(conn)?)
            })
            .expect("count")
    }
}

/// The SPEC's example submission.
pub fn example_submission() -> Value {
    json!({
        "thematic_area": "mobilita-green",
        "title": "Più piste ciclabili sui viali",
        "body": "Testo del suggerimento: collegare i viali con una pista ciclabile protetta.",
        "author": {
            "kind": "citizen",
            "given_name": "Maria",
            "family_name": "Rossi",
            "organization_name": null,
            "email": "maria.rossi@example.org",
            "quartiere": 2
        },
        "privacy_notice_accepted": true,
        "contact_consent": false
    })
}

/// Sets a field by its dotted path (`author.email`).
pub fn with(mut body: Value, path: &str, value: Value) -> Value {
    let mut target = &mut body;
    let parts: Vec<&str> = path.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        target = target.get_mut(*part).expect("path exists");
    }
    target[parts[parts.len() - 1]] = value;
    body
}

/// Removes a field by its dotted path.
pub fn without(mut body: Value, path: &str) -> Value {
    let mut target = &mut body;
    let parts: Vec<&str> = path.split('.').collect();
    for part in &parts[..parts.len() - 1] {
        target = target.get_mut(*part).expect("path exists");
    }
    target
        .as_object_mut()
        .unwrap()
        .remove(parts[parts.len() - 1]);
    body
}

/// The answer's content type, empty when it has none.
pub fn content_type_of(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Asserts a problem+json answer with `status`, returning its body.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = content_type_of(&response);
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type {content_type:?}"
    );
    let body: Value = response.json().await.expect("problem body is JSON");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["title"].is_string() && body["detail"].is_string() && body["type"].is_string(),
        "{body}"
    );
    body
}

/// The fields named in a validation problem.
pub fn failing_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

impl TestApp {
    /// Creates a staff account with `role` and returns its bearer token.
    pub fn staff_token(&self, role: &str) -> String {
        use rinasce::app::staff::{self, NewStaff};
        use rinasce::domain::{Actor, EmailAddress, PersonName, Role};
        let email = format!(
            "{role}-{}@comune.example.org",
            uuid::Uuid::new_v4().simple()
        );
        let new = NewStaff {
            email: EmailAddress::parse(&email).unwrap(),
            name: PersonName::parse(&format!("Staff {role}")).unwrap(),
            role: Role::parse(role).unwrap(),
        };
        // Created as by `rinasce staff add`. Synchronous for the tests' convenience; the work runs on the
        // blocking pool, not on this thread.
        let (_, token) =
            futures::executor::block_on(staff::create(&self.db, Actor::CommandLine, new))
                .expect("staff account created");
        token.as_str().to_owned()
    }

    /// A request builder with the staff token set.
    pub fn as_staff(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }
}

/// A response header as text, if present.
pub fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// Staff of each role, as a test's cast of characters: each call creates a
/// new account (through the library's accounts service; an admin creates the
/// others through the API in the administration tests) and returns its token.
impl TestApp {
    pub async fn admin(&self) -> String {
        self.staff_token("admin")
    }

    pub async fn moderator(&self) -> String {
        self.staff_token("moderator")
    }

    pub async fn researcher(&self) -> String {
        self.staff_token("researcher")
    }
}

/// Requests as a member of staff (`token` is a bearer token).
impl TestApp {
    pub async fn get_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.as_staff(reqwest::Method::GET, path, token)
            .send()
            .await
            .expect("request sent")
    }

    /// GET asserting a 200 JSON answer.
    pub async fn get_json_as(&self, token: &str, path: &str) -> Value {
        let response = self.get_as(token, path).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn post_json_as(&self, token: &str, path: &str, body: &Value) -> reqwest::Response {
        self.as_staff(reqwest::Method::POST, path, token)
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// A merge-patch, with `If-Match` when given.
    pub async fn patch_as(
        &self,
        token: &str,
        path: &str,
        if_match: Option<&str>,
        body: &Value,
    ) -> reqwest::Response {
        let content_type = "application/merge-patch+json";
        self.patch_raw_as(token, path, if_match, content_type, &body.to_string())
            .await
    }

    /// A PATCH with any content type and body text, for bodies a client
    /// gets wrong.
    pub async fn patch_raw_as(
        &self,
        token: &str,
        path: &str,
        if_match: Option<&str>,
        content_type: &str,
        body: &str,
    ) -> reqwest::Response {
        let mut request = self
            .as_staff(reqwest::Method::PATCH, path, token)
            .header("Content-Type", content_type)
            .body(body.to_owned());
        if let Some(etag) = if_match {
            request = request.header("If-Match", etag);
        }
        request.send().await.expect("request sent")
    }

    pub async fn delete_as(&self, token: &str, path: &str) -> reqwest::Response {
        self.as_staff(reqwest::Method::DELETE, path, token)
            .send()
            .await
            .expect("request sent")
    }

    /// Polls the indicator (at most ~1.5 s: the cache's horizon and then
    /// some) until `ready` holds, then returns it for the assertions.
    pub async fn indicators_when(&self, ready: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_millis(1500);
        loop {
            let indicators = self.get_json(&paths::indicators()).await;
            if ready(&indicators) || Instant::now() > deadline {
                return indicators;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Set-up through the moderation API, as a moderator created for the purpose.
impl TestApp {
    fn setup_moderator(&self) -> &str {
        self.setup_moderator
            .get_or_init(|| self.staff_token("moderator"))
    }

    /// Moves a contribution to `status` the way a moderator does (a pending
    /// one is approved first on its way to `hidden`); the reasons the
    /// statuses need are filled in. For `duplicate`, see `mark_duplicate`.
    pub async fn set_status(&self, id: &str, status: &str) {
        assert_ne!(status, "duplicate", "use mark_duplicate");
        if status == "hidden" && self.moderation_status(id).await == "pending" {
            self.moderate(id, json!({"status": "approved"})).await;
        }
        let patch = match status {
            "rejected" | "hidden" => {
                json!({"status": status, "status_reason": "Messo da parte per la prova"})
            }
            _ => json!({ "status": status }),
        };
        self.moderate(id, patch).await;
    }

    /// Publishes a contribution: a moderator approves it.
    pub async fn publish(&self, id: &str) {
        self.set_status(id, "approved").await;
    }

    /// Marks `id` as a duplicate of `original`.
    pub async fn mark_duplicate(&self, id: &str, original: &str) {
        self.moderate(id, json!({"status": "duplicate", "duplicate_of": original}))
            .await;
    }

    async fn moderation_status(&self, id: &str) -> String {
        let detail = self
            .get_json_as(self.setup_moderator(), &paths::moderation_contribution(id))
            .await;
        detail["status"].as_str().unwrap().to_owned()
    }

    /// PATCHes a contribution at its current version, asserting a 200.
    pub async fn moderate(&self, id: &str, patch: Value) -> Value {
        let token = self.setup_moderator().to_owned();
        let path = paths::moderation_contribution(id);
        let current = self.get_as(&token, &path).await;
        assert_eq!(current.status(), 200, "GET {path}");
        let etag = header(&current, "etag").expect("an ETag");
        let response = self.patch_as(&token, &path, Some(&etag), &patch).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "PATCH {path} {patch}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Sets fields of a thematic area as an admin does (`{"active": false}`).
    pub async fn change_area(&self, code: &str, patch: Value) {
        let admin = self.admin().await;
        let response = self
            .patch_as(&admin, &paths::admin_thematic_area(code), None, &patch)
            .await;
        assert_eq!(response.status(), 200, "PATCH area {code} {patch}");
    }
}

/// The mail, delivered when the test says so.
impl TestApp {
    /// Sends every message due now, as one pass of the mail worker would, and
    /// returns how many were handled. The app must be spawned with
    /// `manual_mail`, so that no background worker holds a claim meanwhile.
    pub async fn deliver_pending_mail(&self) -> usize {
        use rinasce::mail::transport::Transport;
        use rinasce::mail::worker::{self, WorkerSettings};
        use rinasce::mail::MailContext;
        assert!(
            !self.config.mail_worker,
            "spawn the app with `manual_mail` to deliver by hand"
        );
        let transport = Transport::from_config(&self.config.mail).expect("a mail transport");
        worker::deliver_pending(
            self.db.clone(),
            transport,
            MailContext::from_config(&self.config),
            WorkerSettings::from_config(&self.config),
        )
        .await
        .expect("the outbox is readable")
    }
}

/// Configuration for an app whose mail goes out only when the test calls
/// `deliver_pending_mail`.
pub fn manual_mail(config: &mut Config) {
    config.mail_worker = false;
}

/// Writes the API has no way to make, isolated here. Each is a state that
/// only time or an accident produces (a stored time in the past, a change no
/// writer saw), so the tests make it in the database directly.
impl TestApp {
    fn execute_sql_behind_the_api(&self, sql: &str) {
        let sql = sql.to_owned();
        self.db
            .write_blocking(move |conn| -> Result<(), rinasce::db::DbError> {
                conn.batch_execute(&sql)?;
                Ok(())
            })
            .expect("SQL runs");
    }

    /// Moves when a contribution was received into the past (`at` as
    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, UTC): submissions are stamped now.
    pub fn backdate_received_at(&self, id: &str, at: &str) {
        self.execute_sql_behind_the_api(&format!(
            "UPDATE contributions SET received_at = '{at}' WHERE id = '{id}'"
        ));
        // As if it had arrived then: the indicator's counters follow, as
        // `rinasce indicators --repair` would rebuild them.
        self.db
            .write_blocking(rinasce::db::indicator_counters::rebuild)
            .expect("the counters are rebuilt");
    }

    /// Records the last digest as queued at `at` (RFC 3339), so that one is
    /// due or not: the worker keeps this time for itself.
    pub fn set_last_digest_at(&self, at: &str) {
        self.execute_sql_behind_the_api(&format!(
            "DELETE FROM settings WHERE key = 'digest_last_queued_at'; \
             INSERT INTO settings (key, value) VALUES ('digest_last_queued_at', '{at}')"
        ));
    }

    /// Stores a kind of e-mail no writer would, to see how a bad stored
    /// value is read back (the column has no CHECK constraint).
    pub fn store_bad_message_kind(&self, message_id: &str, kind: &str) {
        self.execute_sql_behind_the_api(&format!(
            "UPDATE outbox SET kind = '{kind}' WHERE id = '{message_id}'"
        ));
    }

    /// Changes a status with no writer knowing (no audit event, no cache
    /// invalidation, no milestone check), as a repair by hand would.
    pub fn set_status_unseen_by_writers(&self, id: &str, status: &str) {
        self.execute_sql_behind_the_api(&format!(
            "UPDATE contributions SET status = '{status}' WHERE id = '{id}'"
        ));
    }

    /// Moves when every event of `action` happened (`at` as `YYYY-MM-DD
    /// HH:MM:SS`, UTC): events are stamped now.
    pub fn backdate_audit_events(&self, action: &str, at: &str) {
        self.execute_sql_behind_the_api(&format!(
            "UPDATE audit_events SET occurred_at = '{at}' WHERE action = '{action}'"
        ));
    }

    /// Moves every sign-in link's expiry into the past, as 15 minutes do.
    pub fn expire_sign_in_links(&self) {
        self.execute_sql_behind_the_api(
            "UPDATE sign_in_links SET expires_at = '2000-01-01 00:00:00'",
        );
    }

    /// Clears every contribution's search terms, as rows stored before
    /// full-text search have none.
    pub fn forget_search_terms(&self) {
        self.execute_sql_behind_the_api(
            "UPDATE contributions SET search_title = NULL, search_body = NULL, \
             search_author = NULL",
        );
    }

    /// Clears the normalised addresses, as rows written before the service
    /// stored them (with non-ASCII characters, the migration leaves NULL).
    pub fn forget_normalised_addresses(&self) {
        self.execute_sql_behind_the_api(
            "UPDATE contributions SET email_normalised = NULL; \
             UPDATE outbox SET recipient_normalised = NULL",
        );
    }
}
