//! E-mail: messages rendered from templates compiled into the binary, the
//! outbox they are queued in (in the same transaction as their event), the
//! transports and the worker that delivers them.

pub mod files;
pub mod messages;
pub mod notices;
pub mod transport;
pub mod worker;

pub use messages::Message;

use crate::config::{Config, MailTransport};
use crate::db::DbError;

/// Why a message could not be queued or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail template")]
    Template(
        #[from]
        #[source]
        askama::Error,
    ),
    #[error("outbox unavailable")]
    Storage(
        #[from]
        #[source]
        DbError,
    ),
}

impl From<diesel::result::Error> for MailError {
    fn from(error: diesel::result::Error) -> MailError {
        MailError::Storage(error.into())
    }
}

/// What queueing a message needs to know of the configuration.
#[derive(Clone, Debug)]
pub struct MailContext {
    /// False with `RINASCE_MAIL=off`: nothing is queued.
    pub enabled: bool,
    pub public_url: String,
    /// Named in every message to an author (and their `Reply-To`).
    pub contact_email: String,
    /// The Rete Civica page with the form.
    pub form_url: String,
    /// Domain of the sender, used in Message-IDs.
    pub domain: String,
}

impl MailContext {
    pub fn from_config(config: &Config) -> MailContext {
        MailContext {
            enabled: config.mail != MailTransport::Off,
            public_url: config.public_url.clone(),
            contact_email: config.contact_email.clone(),
            form_url: config.form_url.clone(),
            domain: config.mail_domain(),
        }
    }
}
