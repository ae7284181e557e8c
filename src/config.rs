//! Configuration from the environment (SPEC §9). Every variable has a default
//! that runs on a fresh machine; a bad value names the variable.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::app::moderation::reasons;
use crate::domain::console_session::SessionPolicy;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// `smtp://` or `smtps://` URL, credentials and options included.
    Smtp(String),
    /// A directory that receives one `.eml` file per message.
    File(PathBuf),
    /// Nothing is queued or sent.
    Off,
}

/// The Comune's OpenID Connect provider, for staff sign-in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcConfig {
    /// The issuer URL, whose `/.well-known/openid-configuration` is read.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub bind: SocketAddr,
    pub public_url: String,
    pub target: i64,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: Option<DateTime<Utc>>,
    pub mail: MailTransport,
    pub mail_from: String,
    /// Where citizens write to (`RINASCE_CONTACT_EMAIL`): named in every
    /// message and its `Reply-To`. Default: the sender's address.
    pub contact_email: String,
    /// The Rete Civica page with the form (`RINASCE_FORM_URL`), named in
    /// every message. Default: `{public_url}/partecipa`.
    pub form_url: String,
    /// Origins allowed to frame `/cruscotto` (`RINASCE_FRAME_ANCESTORS`).
    pub frame_ancestors: Vec<String>,
    pub pseudonym_key: Option<String>,
    /// Signs the form tokens (`RINASCE_FORM_TOKEN_KEY`); without it each
    /// process draws a key at start (tokens then do not survive a restart
    /// or cross processes, and are simply ignored).
    pub form_token_key: Option<String>,
    /// Seconds a person needs at least to fill the form
    /// (`RINASCE_FORM_MIN_SECONDS`, 3); faster is a bot.
    pub form_min_seconds: u32,
    pub cors_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` is believed: addresses or CIDR ranges.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub retention_days: Option<u32>,
    pub rate_limit_per_minute: u32,
    /// Submission requests per minute from one client, valid or not
    /// (`RINASCE_ATTEMPT_LIMIT_PER_MINUTE`, default four times the limit).
    pub attempt_limit_per_minute: u32,
    pub mail_max_attempts: u32,
    /// Wait after a first failed delivery; doubles at each further attempt.
    pub mail_retry_base: std::time::Duration,
    pub digest_hours: u32,
    pub db_pool_size: u32,
    /// Time allowed to receive a request's body, from its head on
    /// (`RINASCE_BODY_TIMEOUT_SECONDS`, 10: 64 KiB at 6.4 KiB/s).
    pub body_deadline: std::time::Duration,
    /// How long a console session lasts unused and at most
    /// (`RINASCE_CONSOLE_IDLE_MINUTES`, 30; `RINASCE_CONSOLE_ABSOLUTE_HOURS`, 12).
    pub console_sessions: SessionPolicy,
    /// Sign-in through the Comune's identity provider, when all of
    /// `RINASCE_OIDC_ISSUER`, `_CLIENT_ID` and `_CLIENT_SECRET` are set.
    pub oidc: Option<OidcConfig>,
    /// Exports one staff account may run at once (`RINASCE_EXPORTS_PER_ACCOUNT`, 2).
    pub exports_per_account: usize,
    /// Time an export waits on a client that has stopped reading before it
    /// ends (`RINASCE_EXPORT_WRITE_TIMEOUT_SECONDS`, 60).
    pub export_write_timeout: std::time::Duration,
    /// Whether the server runs the background mail worker. Not read from the
    /// environment: a server always delivers; tests turn it off to deliver
    /// with `mail::worker::deliver_pending` at the moment they choose.
    pub mail_worker: bool,
    /// The console's standard reasons for a rejection
    /// (`RINASCE_REJECTION_REASONS`, separated by `|`).
    pub rejection_reasons: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

pub const DEFAULT_DATABASE_URL: &str = "rinasce.db";

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads every variable through `lookup`, so tests need not touch the
    /// process environment. Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let bind: SocketAddr = parse_or(
            &get,
            "RINASCE_BIND",
            "127.0.0.1:8080".parse().unwrap(),
            |raw| {
                raw.parse()
                    .map_err(|_| "expected host:port, e.g. 127.0.0.1:8080".to_owned())
            },
        )?;
        let public_url = match get("RINASCE_PUBLIC_URL") {
            Some(url) => parse_url("RINASCE_PUBLIC_URL", &url)?,
            None => format!("http://{bind}"),
        };
        let opens_at = parse_optional(&get, "RINASCE_OPENS_AT", parse_timestamp)?;
        let closes_at = parse_optional(&get, "RINASCE_CLOSES_AT", parse_timestamp)?;
        if let (Some(opens), Some(closes)) = (opens_at, closes_at) {
            if closes <= opens {
                return Err(ConfigError {
                    variable: "RINASCE_CLOSES_AT",
                    message: "must be later than RINASCE_OPENS_AT".into(),
                });
            }
        }
        let mail_from = parse_or(
            &get,
            "RINASCE_MAIL_FROM",
            "Rinasce Firenze <rinasce@localhost>".to_owned(),
            parse_mailbox,
        )?;
        let contact_email = parse_or(
            &get,
            "RINASCE_CONTACT_EMAIL",
            mailbox_address(&mail_from).to_owned(),
            parse_address,
        )?;
        let form_url = match get("RINASCE_FORM_URL") {
            Some(url) => parse_url("RINASCE_FORM_URL", &url)?,
            None => format!("{public_url}/partecipa"),
        };
        let rate_limit_per_minute: u32 =
            parse_or(&get, "RINASCE_RATE_LIMIT_PER_MINUTE", 30, |raw| {
                positive(raw, 1_000_000)
            })?;
        let attempt_limit_per_minute = parse_or(
            &get,
            "RINASCE_ATTEMPT_LIMIT_PER_MINUTE",
            rate_limit_per_minute.saturating_mul(4),
            |raw| positive(raw, 10_000_000),
        )?;
        Ok(Config {
            database_url: parse_or(
                &get,
                "DATABASE_URL",
                DEFAULT_DATABASE_URL.to_owned(),
                parse_database_url,
            )?,
            bind,
            public_url,
            target: parse_or(&get, "RINASCE_TARGET", 300, |raw| {
                positive(raw, 1_000_000_000)
            })?,
            opens_at,
            closes_at,
            mail: parse_or(
                &get,
                "RINASCE_MAIL",
                MailTransport::File("./mail".into()),
                parse_mail,
            )?,
            mail_from,
            contact_email,
            form_url,
            frame_ancestors: parse_or(&get, "RINASCE_FRAME_ANCESTORS", Vec::new(), parse_origins)?,
            pseudonym_key: parse_optional(&get, "RINASCE_PSEUDONYM_KEY", |raw| {
                if raw.len() < 16 {
                    Err("must be at least 16 characters long".to_owned())
                } else {
                    Ok(raw.to_owned())
                }
            })?,
            form_token_key: parse_optional(&get, "RINASCE_FORM_TOKEN_KEY", |raw| {
                if raw.len() < 16 {
                    Err("must be at least 16 characters long".to_owned())
                } else {
                    Ok(raw.to_owned())
                }
            })?,
            form_min_seconds: parse_or(&get, "RINASCE_FORM_MIN_SECONDS", 3, |raw| {
                positive(raw, 3_600)
            })?,
            cors_origins: parse_or(&get, "RINASCE_CORS_ORIGINS", Vec::new(), parse_origins)?,
            rejection_reasons: parse_or(
                &get,
                "RINASCE_REJECTION_REASONS",
                reasons::default_reasons(),
                reasons::parse_reasons,
            )?,
            trusted_proxies: parse_or(&get, "RINASCE_TRUSTED_PROXIES", Vec::new(), |raw| {
                raw.split(',')
                    .map(|part| {
                        let part = part.trim();
                        part.parse::<ipnet::IpNet>()
                            .or_else(|_| part.parse::<IpAddr>().map(ipnet::IpNet::from))
                            .map_err(|_| format!("{part:?} is not an IP address or a CIDR range"))
                    })
                    .collect()
            })?,
            retention_days: parse_optional(&get, "RINASCE_RETENTION_DAYS", |raw| {
                positive(raw, 36_500)
            })?,
            rate_limit_per_minute,
            attempt_limit_per_minute,
            mail_max_attempts: parse_or(&get, "RINASCE_MAIL_MAX_ATTEMPTS", 8, |raw| {
                positive(raw, 100)
            })?,
            mail_retry_base: std::time::Duration::from_millis(parse_or(
                &get,
                "RINASCE_MAIL_RETRY_MS",
                30_000,
                |raw| positive(raw, 86_400_000),
            )?),
            digest_hours: parse_or(&get, "RINASCE_DIGEST_HOURS", 24, |raw| {
                positive(raw, 24 * 365)
            })?,
            db_pool_size: parse_or(&get, "RINASCE_DB_POOL_SIZE", 16, |raw| positive(raw, 1_000))?,
            body_deadline: std::time::Duration::from_secs(parse_or(
                &get,
                "RINASCE_BODY_TIMEOUT_SECONDS",
                10,
                |raw| positive(raw, 3_600),
            )?),
            console_sessions: SessionPolicy {
                idle: chrono::Duration::minutes(parse_or(
                    &get,
                    "RINASCE_CONSOLE_IDLE_MINUTES",
                    30,
                    |raw| positive(raw, 24 * 60),
                )?),
                absolute: chrono::Duration::hours(parse_or(
                    &get,
                    "RINASCE_CONSOLE_ABSOLUTE_HOURS",
                    12,
                    |raw| positive(raw, 24 * 30),
                )?),
            },
            oidc: parse_oidc(&get)?,
            exports_per_account: parse_or(&get, "RINASCE_EXPORTS_PER_ACCOUNT", 2, |raw| {
                positive(raw, 1_000)
            })?,
            export_write_timeout: std::time::Duration::from_secs(parse_or(
                &get,
                "RINASCE_EXPORT_WRITE_TIMEOUT_SECONDS",
                60,
                |raw| positive(raw, 86_400),
            )?),
            mail_worker: true,
        })
    }

    /// The domain of the sender address, used in Message-IDs.
    pub fn mail_domain(&self) -> String {
        let address = self
            .mail_from
            .rsplit_once('<')
            .map_or(self.mail_from.as_str(), |(_, a)| a);
        address
            .trim_end_matches('>')
            .rsplit_once('@')
            .map_or("localhost", |(_, domain)| domain)
            .to_owned()
    }

    /// When submissions are accepted.
    pub fn consultation(&self) -> crate::domain::ConsultationWindow {
        crate::domain::ConsultationWindow {
            opens_at: self.opens_at,
            closes_at: self.closes_at,
        }
    }

    /// Whether submissions are accepted at `now`.
    pub fn consultation_open(&self, now: DateTime<Utc>) -> bool {
        self.consultation().state(now) == crate::domain::ConsultationState::Open
    }
}

fn parse_or<T>(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: T,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, ConfigError> {
    Ok(parse_optional(get, variable, parse)?.unwrap_or(default))
}

fn parse_optional<T>(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>, ConfigError> {
    get(variable)
        .map(|raw| parse(raw.trim()).map_err(|message| ConfigError { variable, message }))
        .transpose()
}

/// A SQLite file path as given; a PostgreSQL connection string once libpq
/// can read it and, naming several servers, it asks for the writable one
/// (see `db::postgres_url`).
fn parse_database_url(raw: &str) -> Result<String, String> {
    if crate::db::postgres_url::is_postgres(raw) {
        crate::db::postgres_url::check(raw)?;
    }
    Ok(raw.to_owned())
}

fn positive<T: TryFrom<u64>>(raw: &str, max: u64) -> Result<T, String> {
    raw.parse::<u64>()
        .ok()
        .filter(|n| (1..=max).contains(n))
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| format!("expected a whole number from 1 to {max}, got {raw:?}"))
}

fn parse_timestamp(raw: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!("expected an RFC 3339 date-time such as 2026-12-01T00:00:00Z, got {raw:?}")
        })
}

fn parse_url(variable: &'static str, raw: &str) -> Result<String, ConfigError> {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.starts_with("http://") || trimmed.starts_with("https://") {
        Ok(trimmed.to_owned())
    } else {
        Err(ConfigError {
            variable,
            message: format!("expected an http:// or https:// URL, got {raw:?}"),
        })
    }
}

fn parse_oidc(get: &impl Fn(&str) -> Option<String>) -> Result<Option<OidcConfig>, ConfigError> {
    const VARIABLES: [&str; 3] = [
        "RINASCE_OIDC_ISSUER",
        "RINASCE_OIDC_CLIENT_ID",
        "RINASCE_OIDC_CLIENT_SECRET",
    ];
    let values = VARIABLES.map(|name| get(name).map(|v| v.trim().to_owned()));
    match values {
        [None, None, None] => Ok(None),
        [Some(issuer), Some(client_id), Some(client_secret)] => {
            if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
                return Err(ConfigError {
                    variable: VARIABLES[0],
                    message: format!("expected an https:// URL, got {issuer:?}"),
                });
            }
            Ok(Some(OidcConfig {
                issuer: issuer.trim_end_matches('/').to_owned(),
                client_id,
                client_secret,
            }))
        }
        _ => {
            let missing = VARIABLES
                .iter()
                .zip(&values)
                .find(|(_, value)| value.is_none())
                .map_or(VARIABLES[0], |(name, _)| *name);
            Err(ConfigError {
                variable: missing,
                message: "the three RINASCE_OIDC_* variables go together".into(),
            })
        }
    }
}

fn parse_mail(raw: &str) -> Result<MailTransport, String> {
    if raw == "off" {
        Ok(MailTransport::Off)
    } else if let Some(dir) = raw.strip_prefix("file:") {
        if dir.is_empty() {
            Err("file: needs a directory, e.g. file:./mail".into())
        } else {
            Ok(MailTransport::File(dir.into()))
        }
    } else if let Some(rest) = raw
        .strip_prefix("smtp://")
        .or_else(|| raw.strip_prefix("smtps://"))
    {
        let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        if host.is_empty()
            || host.starts_with(':')
            || host.starts_with('/')
            || host.starts_with('?')
        {
            Err(format!("{raw:?} names no SMTP host"))
        } else {
            Ok(MailTransport::Smtp(raw.to_owned()))
        }
    } else {
        Err(format!(
            "expected smtp://…, smtps://…, file:DIR or off, got {raw:?}"
        ))
    }
}

/// The address of `Name <address>`, or the whole text when it is bare.
fn mailbox_address(mailbox: &str) -> &str {
    mailbox
        .rsplit_once('<')
        .map(|(_, rest)| rest.trim_end_matches('>'))
        .unwrap_or(mailbox)
}

/// A bare address: it is shown to citizens and written in `Reply-To`.
fn parse_address(raw: &str) -> Result<String, String> {
    use validator::ValidateEmail;
    if raw.validate_email() {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "expected an address such as partecipazione@comune.fi.it, got {raw:?}"
        ))
    }
}

fn parse_mailbox(raw: &str) -> Result<String, String> {
    let address = mailbox_address(raw);
    if address.contains('@') && !raw.chars().any(char::is_control) {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "expected an address such as \"Rinasce Firenze <noreply@comune.fi.it>\", got {raw:?}"
        ))
    }
}

/// `http(s)://host[:port]` and nothing more: what a browser sends in
/// `Origin`. Anything else would stop the CORS layer at start-up without
/// naming the variable.
fn is_origin(origin: &str) -> bool {
    let Some(authority) = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
    else {
        return false;
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') && !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let host_ok = if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        inner.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
    };
    host_ok && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0))
}

fn parse_origins(raw: &str) -> Result<Vec<String>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .map(|origin| {
            let origin = origin.trim_end_matches('/');
            if is_origin(origin) {
                Ok(origin.to_owned())
            } else {
                Err(format!(
                    "{origin:?} is not an origin such as https://www.comune.fi.it"
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn contact_and_form_page_default_to_the_sender_and_the_reference_form() {
        let defaults = config(&[
            ("RINASCE_PUBLIC_URL", "https://rinasce.example/"),
            ("RINASCE_MAIL_FROM", "Rinasce <noreply@comune.fi.it>"),
        ])
        .unwrap();
        assert_eq!(defaults.contact_email, "noreply@comune.fi.it");
        assert_eq!(defaults.form_url, "https://rinasce.example/partecipa");
        assert!(defaults.frame_ancestors.is_empty());
        let set = config(&[
            ("RINASCE_CONTACT_EMAIL", "partecipazione@comune.fi.it"),
            ("RINASCE_FORM_URL", "https://www.comune.fi.it/rinasce/"),
            ("RINASCE_FRAME_ANCESTORS", "https://www.comune.fi.it"),
        ])
        .unwrap();
        assert_eq!(set.contact_email, "partecipazione@comune.fi.it");
        assert_eq!(set.form_url, "https://www.comune.fi.it/rinasce");
        assert_eq!(set.frame_ancestors, ["https://www.comune.fi.it"]);
        for (variable, bad) in [
            ("RINASCE_CONTACT_EMAIL", "Comune <x@y.it>"),
            ("RINASCE_FORM_URL", "www.comune.fi.it"),
            ("RINASCE_FRAME_ANCESTORS", "*"),
        ] {
            assert_eq!(config(&[(variable, bad)]).unwrap_err().variable, variable);
        }
    }

    #[test]
    fn well_formed_origins_are_accepted() {
        let config = config(&[(
            "RINASCE_CORS_ORIGINS",
            "https://www.comune.fi.it/, http://localhost:8080, http://[::1]:3000",
        )])
        .unwrap();
        assert_eq!(
            config.cors_origins,
            [
                "https://www.comune.fi.it",
                "http://localhost:8080",
                "http://[::1]:3000"
            ]
        );
    }

    #[test]
    fn trusted_proxies_accept_addresses_and_cidr_ranges() {
        let config =
            config(&[("RINASCE_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1, fd00::/8")]).unwrap();
        let shown: Vec<String> = config
            .trusted_proxies
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.0.2.1/32", "fd00::/8"]);
    }

    #[test]
    fn defaults_run_on_a_fresh_machine() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database_url, "rinasce.db");
        assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(config.target, 300);
        assert_eq!(config.mail, MailTransport::File("./mail".into()));
        assert_eq!(config.rate_limit_per_minute, 30);
        assert_eq!(config.mail_max_attempts, 8);
        assert_eq!(config.digest_hours, 24);
        assert_eq!(config.console_sessions, SessionPolicy::default());
        assert!(config.consultation_open(Utc::now()));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (variable, value) in [
            ("RINASCE_BIND", "nowhere"),
            ("RINASCE_TARGET", "0"),
            ("RINASCE_TARGET", "many"),
            ("RINASCE_OPENS_AT", "tomorrow"),
            ("RINASCE_MAIL", "pigeon://x"),
            ("RINASCE_MAIL", "smtp://"),
            ("RINASCE_MAIL", "smtps://user:pw@:465"),
            ("RINASCE_RATE_LIMIT_PER_MINUTE", "-3"),
            ("RINASCE_TRUSTED_PROXIES", "10.0.0.1,proxy"),
            ("RINASCE_CORS_ORIGINS", "example.org"),
            // Issue 16 item 12: these passed the check and stopped start-up unnamed.
            ("RINASCE_CORS_ORIGINS", "https://exa mple.org"),
            ("RINASCE_CORS_ORIGINS", "https://example.org/path"),
            ("RINASCE_CORS_ORIGINS", "https://"),
            ("RINASCE_CORS_ORIGINS", "https://example.org:99999"),
            ("RINASCE_CORS_ORIGINS", "https://example.org\u{7f}"),
            ("RINASCE_PUBLIC_URL", "ftp://x"),
            ("RINASCE_CONSOLE_IDLE_MINUTES", "0"),
            ("RINASCE_CONSOLE_ABSOLUTE_HOURS", "forever"),
            ("DATABASE_URL", "postgres://a:5461,b:5462/rinasce"),
            ("DATABASE_URL", "host=a dbname"),
        ] {
            let error = config(&[(variable, value)]).unwrap_err();
            assert_eq!(error.variable, variable, "{value}");
        }
    }

    #[test]
    fn oidc_needs_all_three_variables() {
        assert_eq!(config(&[]).unwrap().oidc, None);
        let error = config(&[
            ("RINASCE_OIDC_ISSUER", "https://id.example"),
            ("RINASCE_OIDC_CLIENT_ID", "rinasce"),
        ])
        .unwrap_err();
        assert_eq!(error.variable, "RINASCE_OIDC_CLIENT_SECRET");
        let oidc = config(&[
            ("RINASCE_OIDC_ISSUER", "https://id.example/"),
            ("RINASCE_OIDC_CLIENT_ID", "rinasce"),
            ("RINASCE_OIDC_CLIENT_SECRET", "s3cret"),
        ])
        .unwrap()
        .oidc
        .unwrap();
        assert_eq!(oidc.issuer, "https://id.example");
    }

    #[test]
    fn window_must_close_after_it_opens() {
        let error = config(&[
            ("RINASCE_OPENS_AT", "2026-12-01T00:00:00Z"),
            ("RINASCE_CLOSES_AT", "2026-11-01T00:00:00Z"),
        ])
        .unwrap_err();
        assert_eq!(error.variable, "RINASCE_CLOSES_AT");
    }
}
