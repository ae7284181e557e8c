//! `/console/admin/impostazioni`: the settings that are not secrets,
//! read-only, from the same service as `GET /api/v1/admin/settings`. Each
//! names the environment variable that sets it: they change there, at the
//! next start.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::app::settings::{self, Settings};
use crate::http::console::labels::{moment, pick, Moment};
use crate::http::console::{ConsoleError, ConsoleUser, Layout};
use crate::http::page;
use crate::http::AppState;
use crate::i18n::format::count_in;
use crate::i18n::Language;

/// One setting: what it is, its value in words, where it is set.
pub struct SettingRow {
    pub label: &'static str,
    pub value: String,
    /// The moment, when the value is one (for `<time datetime>`).
    pub at: Option<Moment>,
    pub variable: &'static str,
}

#[derive(Template)]
#[template(path = "console/admin/settings.html")]
struct SettingsPage {
    layout: Layout,
    consultation: Vec<SettingRow>,
    mail: Vec<SettingRow>,
    service: Vec<SettingRow>,
}

fn row(label: &'static str, value: String, variable: &'static str) -> SettingRow {
    SettingRow {
        label,
        value,
        at: None,
        variable,
    }
}

/// A bound of the consultation window: its moment, or what its absence means.
fn bound(
    label: &'static str,
    at: Option<chrono::DateTime<chrono::Utc>>,
    absent: &'static str,
    variable: &'static str,
    language: Language,
) -> SettingRow {
    let at = at.map(|at| moment(at.naive_utc(), language));
    SettingRow {
        label,
        value: at
            .as_ref()
            .map_or_else(|| absent.to_owned(), |m| m.text.clone()),
        at,
        variable,
    }
}

fn consultation_rows(s: &Settings, language: Language) -> Vec<SettingRow> {
    let tr = |it, en| pick(language, it, en);
    let retention = match (s.retention_days, language) {
        (Some(days), Language::It) => format!("{days} giorni dalla ricezione, poi cancellati"),
        (Some(days), Language::En) => format!("{days} days after receipt, then erased"),
        (None, _) => tr("conservati senza limite", "kept without limit").to_owned(),
    };
    vec![
        row(
            tr(
                "Obiettivo dell'indicatore (contributi dal modulo)",
                "Indicator target (form contributions)",
            ),
            count_in(language, s.target),
            "RINASCE_TARGET",
        ),
        bound(
            tr("Apertura della consultazione", "Consultation opens"),
            s.opens_at,
            tr(
                "nessuna data: aperta da subito",
                "no date: open from the start",
            ),
            "RINASCE_OPENS_AT",
            language,
        ),
        bound(
            tr("Chiusura della consultazione", "Consultation closes"),
            s.closes_at,
            tr("nessuna data: resta aperta", "no date: stays open"),
            "RINASCE_CLOSES_AT",
            language,
        ),
        row(
            tr(
                "Conservazione dei dati personali",
                "Retention of personal data",
            ),
            retention,
            "RINASCE_RETENTION_DAYS",
        ),
    ]
}

fn mail_rows(s: &Settings, language: Language) -> Vec<SettingRow> {
    let tr = |it, en| pick(language, it, en);
    let transport = match s.mail_transport.as_str() {
        "smtp" => tr("SMTP (server di posta)", "SMTP (mail server)"),
        "file" => tr(
            "file .eml in una cartella (nessun invio reale)",
            ".eml files in a folder (nothing really sent)",
        ),
        _ => tr(
            "spento: nessun messaggio accodato",
            "off: no message queued",
        ),
    };
    let digest = match (s.digest_hours, language) {
        (0, _) => tr("mai", "never").to_owned(),
        (hours, Language::It) => format!("ogni {hours} ore"),
        (hours, Language::En) => format!("every {hours} hours"),
    };
    vec![
        row(
            tr("Invio della posta", "Mail transport"),
            transport.to_owned(),
            "RINASCE_MAIL",
        ),
        row(
            tr("Mittente", "Sender"),
            s.mail_from.clone(),
            "RINASCE_MAIL_FROM",
        ),
        row(
            tr("Tentativi di consegna", "Delivery attempts"),
            s.mail_max_attempts.to_string(),
            "RINASCE_MAIL_MAX_ATTEMPTS",
        ),
        row(
            tr("Riepilogo per la moderazione", "Moderators' digest"),
            digest,
            "RINASCE_DIGEST_HOURS",
        ),
    ]
}

fn service_rows(s: &Settings, language: Language) -> Vec<SettingRow> {
    let tr = |it, en| pick(language, it, en);
    let database = match s.database.as_str() {
        "postgres" => "PostgreSQL",
        _ => "SQLite",
    };
    vec![
        row(
            tr("Indirizzo pubblico", "Public URL"),
            s.public_url.clone(),
            "RINASCE_PUBLIC_URL",
        ),
        row(
            tr("Database", "Database"),
            database.to_owned(),
            "DATABASE_URL",
        ),
    ]
}

/// `GET /console/admin/impostazioni`
pub async fn show_settings(
    user: ConsoleUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[crate::domain::Role::Admin])?;
    let settings = settings::read(&state.config);
    let language = user.language;
    let page = SettingsPage {
        layout: user.layout(),
        consultation: consultation_rows(&settings, language),
        mail: mail_rows(&settings, language),
        service: service_rows(&settings, language),
    };
    Ok(page::render(HttpResponse::Ok(), &page)?)
}
