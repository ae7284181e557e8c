//! Spawns the real server on port 0 against a fresh database for each test.
//! `TEST_DATABASE_URL=postgres://…` runs the suite on PostgreSQL (a new
//! database per test); without it, each test gets its own SQLite file.
#![allow(dead_code)]

pub mod smtp;

use std::path::PathBuf;

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
    _dir: tempfile::TempDir,
}

/// The backend the suite runs on, for messages.
pub fn backend_name() -> &'static str {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => "postgres",
        _ => "sqlite",
    }
}

fn fresh_database_url(dir: &tempfile::TempDir) -> String {
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
            format!("{base}/{name}")
        }
        _ => dir.path().join("rinasce.db").display().to_string(),
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
        let database_url = fresh_database_url(&dir);
        let mail_dir = dir.path().join("mail");
        let mut config = test_config(&database_url, &mail_dir);
        adjust(&mut config);
        let pool_size = config.db_pool_size;
        let application = Application::build(config).expect("the server starts");
        let address = format!("http://127.0.0.1:{}", application.port);
        actix_web::rt::spawn(application.run());
        TestApp {
            address,
            client: test_client(),
            db: Db::connect(&database_url, pool_size),
            database_url,
            mail_dir,
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
        let application = Application::build(config).expect("the second server starts");
        let address = format!("http://127.0.0.1:{}", application.port);
        actix_web::rt::spawn(application.run());
        TestApp {
            address,
            client: test_client(),
            db: Db::connect(&self.database_url, pool_size),
            database_url: self.database_url.clone(),
            mail_dir,
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
        self.post_raw("/api/v1/contributions", body.to_string())
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

    /// Runs SQL directly, as moderation will once its API exists.
    pub fn execute_sql(&self, sql: &str) {
        let sql = sql.to_owned();
        self.db
            .write_blocking(move |conn| -> Result<(), rinasce::db::DbError> {
                conn.batch_execute(&sql)?;
                Ok(())
            })
            .expect("SQL runs");
    }

    /// Publishes a contribution the way moderation will.
    pub fn publish(&self, id: &str) {
        self.execute_sql(&format!(
            "UPDATE contributions SET status = 'approved', published_at = received_at WHERE id = '{id}'"
        ));
    }

    pub fn set_status(&self, id: &str, status: &str) {
        self.execute_sql(&format!(
            "UPDATE contributions SET status = '{status}' WHERE id = '{id}'"
        ));
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

/// Asserts a problem+json answer with `status`, returning its body.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
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
        use rinasce::accounts::{self, NewStaff};
        use rinasce::domain::{EmailAddress, PersonName, Role};
        let email = format!(
            "{role}-{}@comune.example.org",
            uuid::Uuid::new_v4().simple()
        );
        let new = NewStaff {
            email: EmailAddress::parse(&email).unwrap(),
            name: PersonName::parse(&format!("Staff {role}")).unwrap(),
            role: Role::parse(role).unwrap(),
        };
        let (_, token) = self
            .db
            .write_blocking(|conn| {
                accounts::create(conn, "test", &new, rinasce::clock::now().naive_utc())
            })
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

/// GET on a staff route, asserting a 200 JSON answer.
pub async fn staff_json(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app
        .as_staff(reqwest::Method::GET, path, token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, 200, "GET {path}: {text}");
    serde_json::from_str(&text).unwrap()
}
