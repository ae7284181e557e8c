//! The messages the service sends: Italian, plain text plus HTML, from
//! templates compiled into the binary (HTML-escaped by askama).

use askama::Template;

use crate::domain::MessageKind;
use crate::i18n::format::italian_count;

/// The templates' own filters: `{{ target|italian_count }}`.
mod filters {
    #[askama::filter_fn]
    pub fn italian_count(count: &i64, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::i18n::format::italian_count(*count))
    }
}

/// A rendered message, ready to be queued.
#[derive(Clone, Debug)]
pub struct Message {
    /// What the message is about.
    pub kind: MessageKind,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

/// Declares the plain-text and HTML templates of one message over the same
/// fields, and a `render` that fills both.
macro_rules! message_templates {
    ($name:ident, $text:literal, $html:literal { $($(#[$field_doc:meta])* $field:ident : $type:ty),+ $(,)? }) => {
        pub struct $name {
            $($(#[$field_doc])* pub $field: $type,)+
        }

        impl $name {
            #[allow(clippy::too_many_arguments)]
            pub fn new($($field: impl Into<$type>),+) -> Self {
                $name { $($field: $field.into(),)+ }
            }

            fn render_parts(&self) -> Result<(String, String), askama::Error> {
                #[derive(Template)]
                #[template(path = $text, escape = "none")]
                struct Text<'b> { $($field: &'b $type),+ }

                #[derive(Template)]
                #[template(path = $html)]
                struct Html<'b> { $($field: &'b $type),+ }

                Ok((
                    Text { $($field: &self.$field),+ }.render()?,
                    Html { $($field: &self.$field),+ }.render()?,
                ))
            }
        }
    };
}

message_templates!(Acknowledgement, "mail/acknowledgement.txt", "mail/acknowledgement.html" {
    recipient_name: String,
    reference: String,
    thematic_area_name: String,
    title: String,
    status_link: String,
    contact_email: String,
    form_url: String,
    public_url: String,
    confirmation_link: String,
    /// For a contribution registered by the staff, how it reached the
    /// Comune ("che ha consegnato su carta"); empty for the form's.
    handed_in: String,
    /// The day it was received (Italian), shown with `handed_in`.
    received_on: String,
});

/// What the author of a contribution is told happened to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    Published,
    Rejected,
    /// Joined to another contribution, named in the message.
    Duplicate,
    /// Withdrawn from publication.
    Hidden,
}

impl OutcomeKind {
    pub fn is_published(&self) -> bool {
        *self == OutcomeKind::Published
    }

    pub fn is_duplicate(&self) -> bool {
        *self == OutcomeKind::Duplicate
    }

    pub fn is_hidden(&self) -> bool {
        *self == OutcomeKind::Hidden
    }

    fn subject(self) -> &'static str {
        match self {
            OutcomeKind::Published => "contributo pubblicato",
            OutcomeKind::Rejected => "contributo non pubblicato",
            OutcomeKind::Duplicate => "contributo unito a un altro",
            OutcomeKind::Hidden => "contributo nascosto",
        }
    }
}

message_templates!(Outcome, "mail/outcome.txt", "mail/outcome.html" {
    recipient_name: String,
    reference: String,
    title: String,
    kind: OutcomeKind,
    reason: String,
    /// The published page: of this contribution, or of the one it joins.
    link: String,
    original_reference: String,
    contact_email: String,
    form_url: String,
    public_url: String,
});

message_templates!(Digest, "mail/digest.txt", "mail/digest.html" {
    recipient_name: String,
    pending: i64,
    oldest: String,
    queue_link: String,
});

message_templates!(TargetReached, "mail/target_reached.txt", "mail/target_reached.html" {
    recipient_name: String,
    target: i64,
    reached_at: String,
    dashboard_link: String,
});

message_templates!(SignInLink, "mail/sign_in_link.txt", "mail/sign_in_link.html" {
    recipient_name: String,
    link: String,
    minutes: i64,
});

fn message(
    kind: MessageKind,
    recipient: &str,
    subject: String,
    parts: (String, String),
) -> Message {
    Message {
        kind,
        recipient: recipient.to_owned(),
        subject,
        body_text: parts.0,
        body_html: parts.1,
    }
}

impl Acknowledgement {
    pub fn render(&self, recipient: &str) -> Result<Message, askama::Error> {
        let subject = format!("Rinasce Firenze: contributo ricevuto ({})", self.reference);
        Ok(message(
            MessageKind::Acknowledgement,
            recipient,
            subject,
            self.render_parts()?,
        ))
    }
}

impl Outcome {
    pub fn render(&self, recipient: &str) -> Result<Message, askama::Error> {
        let subject = format!(
            "Rinasce Firenze: {} ({})",
            self.kind.subject(),
            self.reference
        );
        Ok(message(
            MessageKind::Outcome,
            recipient,
            subject,
            self.render_parts()?,
        ))
    }
}

impl Digest {
    pub fn render(&self, recipient: &str) -> Result<Message, askama::Error> {
        let subject = match self.pending {
            1 => "Rinasce Firenze: 1 contributo in attesa di revisione".to_owned(),
            n => format!(
                "Rinasce Firenze: {} contributi in attesa di revisione",
                italian_count(n)
            ),
        };
        Ok(message(
            MessageKind::Digest,
            recipient,
            subject,
            self.render_parts()?,
        ))
    }
}

impl TargetReached {
    pub fn render(&self, recipient: &str) -> Result<Message, askama::Error> {
        let subject = format!(
            "Rinasce Firenze: raggiunto l'obiettivo di {} contributi",
            italian_count(self.target)
        );
        Ok(message(
            MessageKind::TargetReached,
            recipient,
            subject,
            self.render_parts()?,
        ))
    }
}

impl SignInLink {
    pub fn render(&self, recipient: &str) -> Result<Message, askama::Error> {
        Ok(message(
            MessageKind::SignInLink,
            recipient,
            "Rinasce Firenze: accesso alla console".to_owned(),
            self.render_parts()?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgement_names_the_reference_and_escapes_html() {
        let message = Acknowledgement::new(
            "Maria <b>Rossi</b>",
            "RF-000042",
            "Mobilità green",
            "Piste <script>",
            "http://localhost:8080/stato/segreto",
            "partecipa@comune.fi.it",
            "https://rete.civica/modulo",
            "http://localhost:8080",
            "http://localhost:8080/conferma/abc",
            "",
            "",
        )
        .render("maria@example.org")
        .unwrap();
        assert!(message.subject.contains("RF-000042"));
        assert!(message.body_text.contains("RF-000042"));
        assert!(message.body_text.contains("Piste <script>"));
        assert!(!message.body_html.contains("<script>"));
        assert!(!message.body_html.contains("<b>Rossi"));
        for body in [&message.body_text, &message.body_html] {
            assert!(
                body.contains("http://localhost:8080/conferma/abc"),
                "{body}"
            );
        }
        assert!(message
            .body_text
            .contains("http://localhost:8080/stato/segreto"));
        assert!(message
            .body_html
            .contains(r#"href="http://localhost:8080/stato/segreto""#));
    }

    fn outcome(kind: OutcomeKind, reason: &str, link: &str) -> Message {
        Outcome::new(
            "Maria",
            "RF-000002",
            "Titolo",
            kind,
            reason,
            link,
            "RF-000001",
            "partecipa@comune.fi.it",
            "https://rete.civica/modulo",
            "http://x",
        )
        .render("m@example.org")
        .unwrap()
    }

    #[test]
    fn outcomes_say_published_or_why_not() {
        let approved = outcome(OutcomeKind::Published, "", "http://x/contributi/RF-000002");
        assert!(approved.subject.contains("contributo pubblicato"));
        assert!(approved.body_text.contains("http://x/contributi/RF-000002"));
        let rejected = outcome(OutcomeKind::Rejected, "Fuori <tema>", "");
        assert!(rejected.subject.contains("non pubblicato"));
        assert!(rejected.body_text.contains("Fuori <tema>"));
        assert!(
            rejected.body_html.contains("Fuori &#60;tema&#62;")
                || rejected.body_html.contains("Fuori &lt;tema&gt;")
        );
        let duplicate = outcome(OutcomeKind::Duplicate, "", "http://x/contributi/RF-000001");
        assert!(duplicate.subject.contains("unito"));
        assert!(duplicate.body_text.contains("unito a RF-000001"));
        let hidden = outcome(OutcomeKind::Hidden, "Dati personali di terzi", "");
        assert!(hidden.body_text.contains("nascosto"));
        assert!(hidden.body_text.contains("Dati personali di terzi"));
        for message in [approved, rejected, duplicate, hidden] {
            assert!(message.body_text.contains("partecipa@comune.fi.it"));
            assert!(message.body_text.contains("https://rete.civica/modulo"));
            assert!(message.body_html.contains("mailto:partecipa@comune.fi.it"));
        }
    }

    #[test]
    fn counts_in_messages_are_written_the_italian_way() {
        let reached = TargetReached::new(
            "Anna",
            1200,
            "3 novembre 2026 alle 14:05",
            "http://x/cruscotto",
        )
        .render("anna@example.org")
        .unwrap();
        assert!(reached.subject.contains("obiettivo di 1.200 contributi"));
        assert!(reached
            .body_text
            .contains("1.200 contributi\nricevuti tramite il modulo della Rete Civica, il 3 novembre 2026 alle 14:05."));
        assert!(reached.body_html.contains("<strong>1.200</strong>"));
        let digest = Digest::new("Anna", 1234, "2 novembre 2026", "http://x/coda")
            .render("anna@example.org")
            .unwrap();
        assert!(digest.subject.contains("1.234 contributi in attesa"));
        assert!(digest.body_text.contains(
            "ci sono 1.234 contributi in attesa di revisione per \"Rinasce Firenze\"; \
             il più vecchio è arrivato il 2 novembre 2026."
        ));
        let one = Digest::new("Anna", 1, "", "http://x/coda")
            .render("anna@example.org")
            .unwrap();
        assert!(one.body_text.contains("c'è 1 contributo in attesa"));
    }
}
