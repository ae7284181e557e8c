//! The service layer: one function per use case. Each takes typed input,
//! owns its transaction and its audit events, and returns typed output or an
//! [`AppError`]. The JSON API, the command line and the HTML pages are thin
//! adapters over these functions; none of them opens a transaction.

pub mod areas;
pub mod audit_log;
pub mod author_status;
pub mod authors;
pub mod console_sessions;
pub mod erasure;
pub mod error;
pub mod idempotency;
pub mod indicators;
pub mod last_good;
pub mod listing;
pub mod many_matches;
pub mod moderation;
pub mod oidc_flows;
pub mod outbox;
pub mod public;
pub mod settings;
pub mod sign_in;
pub mod similarity;
pub mod staff;
pub mod submission_quota;
pub mod submissions;

use std::sync::Arc;

pub use error::{AppError, Resource};

use crate::app::indicators::IndicatorCache;
use crate::app::submissions::SubmissionWriter;
use crate::config::Config;
use crate::db::Db;
use crate::mail::MailContext;

/// What the use cases share: storage, configuration, the outgoing mail's
/// context and the caches that writes must keep fresh.
pub struct Services {
    pub db: Db,
    pub config: Arc<Config>,
    pub indicators: IndicatorCache,
    pub mail: MailContext,
    pub submission_writer: SubmissionWriter,
    /// Tells bots from people on the form.
    pub form_guard: crate::domain::FormGuard,
    /// The thematic areas as last read, for while the database is down.
    pub last_areas: last_good::LastGood<Vec<crate::db::models::ThematicAreaRow>>,
    /// The quota of accepted submissions kept in the database, shared by
    /// every process on it (PostgreSQL); `None` where the HTTP front keeps
    /// it in the process (SQLite).
    pub shared_quota: Option<submission_quota::SharedQuota>,
    /// Filters lately seen to match more than can be counted one by one.
    pub many_matches: Arc<many_matches::ManyMatches>,
}

/// The form guard with the configured key, or one drawn for this process.
fn form_guard(config: &Config) -> crate::domain::FormGuard {
    let key = match &config.form_token_key {
        Some(key) => key.as_bytes().to_vec(),
        None => rand::random::<[u8; 32]>().to_vec(),
    };
    crate::domain::FormGuard::new(&key, config.form_min_seconds)
}

impl Services {
    /// Starts the submission writers, so it must be called inside a tokio
    /// runtime.
    pub fn new(db: Db, config: Config) -> Services {
        let mail = MailContext::from_config(&config);
        let shared_quota =
            submission_quota::SharedQuota::for_backend(db.backend(), config.rate_limit_per_minute);
        Services {
            submission_writer: SubmissionWriter::spawn(
                db.clone(),
                mail.clone(),
                config.target,
                shared_quota,
            ),
            shared_quota,
            form_guard: form_guard(&config),
            last_areas: Default::default(),
            db,
            config: Arc::new(config),
            indicators: IndicatorCache::default(),
            mail,
            many_matches: Arc::default(),
        }
    }
}
