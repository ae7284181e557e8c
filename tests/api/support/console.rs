//! The staff console as a browser uses it: a session cookie, forms with
//! their CSRF token and the service's own `Origin`.

use rinasce::app::console_sessions::{self, SignInMethod};
use rinasce::app::staff::{self, NewStaff};
use rinasce::db::staff::StaffRow;
use rinasce::domain::{Actor, EmailAddress, PersonName, Role};

use super::TestApp;

/// A signed-in browser: its cookie and the CSRF token its pages carry.
#[derive(Clone, Debug)]
pub struct ConsoleSession {
    pub account: StaffRow,
    pub cookie: String,
    pub csrf: String,
}

impl ConsoleSession {
    /// The `Cookie` header this browser sends to the console.
    pub fn cookie_header(&self) -> String {
        format!("rinasce_sessione={}", self.cookie)
    }
}

/// The `csrf-token` meta of a console page.
/// The console's one-time message after a change (Post/Redirect/Get).
pub const FLASH_COOKIE: &str = "rinasce_messaggio";

/// The `Set-Cookie` header of the cookie `name`.
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

pub fn csrf_of(page: &str) -> Option<String> {
    let start = page.find("<meta name=\"csrf-token\" content=\"")? + 33;
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_owned())
}

impl TestApp {
    /// A new active account named `name` with `role`.
    pub fn console_account(&self, role: &str, name: &str) -> StaffRow {
        self.console_account_with_token(role, name).0
    }

    /// A new active account named `name` with `role`, and its API token.
    pub fn console_account_with_token(&self, role: &str, name: &str) -> (StaffRow, String) {
        let email = format!(
            "{role}-{}@comune.example.org",
            uuid::Uuid::new_v4().simple()
        );
        let new = NewStaff {
            email: EmailAddress::parse(&email).unwrap(),
            name: PersonName::parse(name).unwrap(),
            role: Role::parse(role).unwrap(),
        };
        let (row, token) =
            futures::executor::block_on(staff::create(&self.db, Actor::CommandLine, new))
                .expect("staff account created");
        (row, token.as_str().to_owned())
    }

    /// A session of `account`, begun through the sessions service (as a
    /// sign-in does), with the CSRF token read from the console's home.
    pub async fn console_session_of(&self, account: StaffRow) -> ConsoleSession {
        let token = console_sessions::begin(
            &self.db,
            self.config.console_sessions,
            account.id,
            SignInMethod::EmailLink,
        )
        .await
        .expect("session begun");
        let mut session = ConsoleSession {
            account,
            cookie: token.as_str().to_owned(),
            csrf: String::new(),
        };
        let home = self.console_get(&session, "/console/").await;
        assert_eq!(home.status(), 200, "the console's home");
        session.csrf = csrf_of(&home.text().await.unwrap()).expect("a CSRF token in the page");
        session
    }

    /// A new account with `role`, signed in to the console.
    pub async fn console_sign_in(&self, role: &str) -> ConsoleSession {
        let account = self.console_account(role, &format!("Prova {role}"));
        self.console_session_of(account).await
    }

    /// The origin browsers send with the console's forms.
    pub fn public_origin(&self) -> String {
        self.config.public_url.clone()
    }

    pub async fn console_get(&self, session: &ConsoleSession, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("Cookie", session.cookie_header())
            .send()
            .await
            .expect("request sent")
    }

    /// Follows a console change's 303 as a browser does, with the flash
    /// message cookie it set (if any) beside the session's.
    pub async fn console_follow(
        &self,
        session: &ConsoleSession,
        redirect: &reqwest::Response,
    ) -> reqwest::Response {
        assert_eq!(redirect.status(), 303, "a change answers See Other");
        let location = super::header(redirect, "location").expect("a Location");
        let mut cookies = session.cookie_header();
        if let Some(flash) = set_cookie(redirect, FLASH_COOKIE) {
            let pair = flash.split(';').next().unwrap_or_default();
            cookies = format!("{cookies}; {pair}");
        }
        self.client
            .get(self.url(&location))
            .header("Cookie", cookies)
            .send()
            .await
            .expect("request sent")
    }

    /// A console page: its status and its HTML.
    pub async fn console_page(&self, session: &ConsoleSession, path: &str) -> (u16, String) {
        let response = self.console_get(session, path).await;
        let status = response.status().as_u16();
        (status, response.text().await.expect("a body"))
    }

    /// A console page in English (the language switch's cookie).
    pub async fn console_page_in_english(
        &self,
        session: &ConsoleSession,
        path: &str,
    ) -> (u16, String) {
        let response = self
            .client
            .get(self.url(path))
            .header(
                "Cookie",
                format!("{}; rinasce_lingua=en", session.cookie_header()),
            )
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a body"))
    }

    /// Posts `fields` as a console form: the session's CSRF token added,
    /// from the service's own origin.
    pub async fn console_post(
        &self,
        session: &ConsoleSession,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all = vec![("csrf_token", session.csrf.as_str())];
        all.extend_from_slice(fields);
        self.console_post_raw(Some(session), path, &self.public_origin(), &all)
            .await
    }

    /// Posts `fields` exactly as given, with `origin` (empty: none).
    pub async fn console_post_raw(
        &self,
        session: Option<&ConsoleSession>,
        path: &str,
        origin: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).form(fields);
        if let Some(session) = session {
            request = request.header("Cookie", session.cookie_header());
        }
        if !origin.is_empty() {
            request = request.header("Origin", origin);
        }
        request.send().await.expect("request sent")
    }
}
