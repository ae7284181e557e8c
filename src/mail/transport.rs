//! Delivery through lettre: SMTP (plain, STARTTLS or implicit TLS, from the
//! URL), a directory of `.eml` files, or nothing.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailTransport;
use crate::db::outbox::OutboxRow;
use crate::domain::MessageKind;

pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Off,
}

/// How long one SMTP conversation may take before it counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

impl Transport {
    pub fn from_config(transport: &MailTransport) -> Result<Transport, String> {
        Ok(match transport {
            MailTransport::Smtp(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("RINASCE_MAIL: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            MailTransport::File(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("RINASCE_MAIL: cannot create {}: {e}", dir.display()))?;
                Transport::File(AsyncFileTransport::new(dir))
            }
            MailTransport::Off => Transport::Off,
        })
    }

    pub async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::File(file) => file
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Off => Ok(()),
        }
    }
}

/// Header values are written by lettre, which encodes them; control
/// characters are replaced first, so that nothing stored can start a header.
fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The e-mail for an outbox row: multipart/alternative, plain text and HTML,
/// with the row's deterministic Message-ID. A message to an author answers
/// to the contact address (`reply_to`), not to the unattended sender.
pub fn build_message(row: &OutboxRow, from: &str, reply_to: &str) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("sender {from:?}: {e}"))?;
    let to: Mailbox = single_line(&row.recipient)
        .parse()
        .map_err(|e| format!("recipient {:?}: {e}", row.recipient))?;
    let mut builder = Message::builder();
    if matches!(
        row.kind,
        MessageKind::Acknowledgement | MessageKind::Outcome
    ) {
        builder = builder.reply_to(
            reply_to
                .parse()
                .map_err(|e| format!("reply-to {reply_to:?}: {e}"))?,
        );
    }
    builder
        .from(from)
        .to(to)
        .subject(single_line(&row.subject))
        .message_id(Some(single_line(&row.message_id)))
        .header(AutoSubmitted)
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(row.body_text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(row.body_html.clone()),
                ),
        )
        .map_err(|e| format!("message: {e}"))
}

/// `Auto-Submitted: auto-generated` (RFC 3834): autoresponders stay quiet.
#[derive(Clone)]
struct AutoSubmitted;

impl lettre::message::header::Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}
