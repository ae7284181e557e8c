//! The settings an admin may read: what the service was started with,
//! without secrets (no database or SMTP credentials, no pseudonym key).

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::config::{Config, MailTransport};

/// The service's settings that are not secrets, read-only.
#[derive(Debug, Serialize, ToSchema)]
pub struct Settings {
    /// Contributions the indicator counts towards (`RINASCE_TARGET`).
    #[schema(format = Int64, minimum = 1)]
    pub target: i64,
    /// Submissions are accepted from this time; null: no start.
    pub opens_at: Option<DateTime<Utc>>,
    /// Submissions are refused from this time; null: no end.
    pub closes_at: Option<DateTime<Utc>>,
    /// Personal data is erased this many days after receipt; null: kept.
    #[schema(format = Int32, minimum = 1)]
    pub retention_days: Option<u32>,
    /// How e-mail leaves: `smtp`, `file` or `off`.
    #[schema(max_length = 10, example = "smtp")]
    pub mail_transport: String,
    #[schema(max_length = 254)]
    pub mail_from: String,
    #[schema(format = Int32, minimum = 1)]
    pub mail_max_attempts: u32,
    /// Hours between moderators' digests.
    #[schema(format = Int32, minimum = 0)]
    pub digest_hours: u32,
    /// `sqlite` or `postgres`.
    #[schema(max_length = 10, example = "sqlite")]
    pub database: String,
    #[schema(max_length = 2000)]
    pub public_url: String,
}

pub fn read(config: &Config) -> Settings {
    let mail_transport = match config.mail {
        MailTransport::Smtp(_) => "smtp",
        MailTransport::File(_) => "file",
        MailTransport::Off => "off",
    };
    let database = match crate::db::Backend::from_url(&config.database_url) {
        crate::db::Backend::Postgres => "postgres",
        crate::db::Backend::Sqlite => "sqlite",
    };
    Settings {
        target: config.target,
        opens_at: config.opens_at,
        closes_at: config.closes_at,
        retention_days: config.retention_days,
        mail_transport: mail_transport.to_owned(),
        mail_from: config.mail_from.clone(),
        mail_max_attempts: config.mail_max_attempts,
        digest_hours: config.digest_hours,
        database: database.to_owned(),
        public_url: config.public_url.clone(),
    }
}
