//! The messages the service sends, in Italian, as plain text and HTML.

use askama::Template;

/// A rendered message, ready to be queued.
#[derive(Clone, Debug)]
pub struct Message {
    /// What the message is about, e.g. `acknowledgement`.
    pub kind: &'static str,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
}

#[derive(Template)]
#[template(path = "mail/acknowledgement.txt", escape = "none")]
struct AcknowledgementText<'a> {
    recipient_name: &'a str,
    reference: &'a str,
    thematic_area_name: &'a str,
    title: &'a str,
    public_url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/acknowledgement.html")]
struct AcknowledgementHtml<'a> {
    recipient_name: &'a str,
    reference: &'a str,
    thematic_area_name: &'a str,
    title: &'a str,
    public_url: &'a str,
}

/// What an acknowledgement is about.
pub struct Acknowledgement<'a> {
    pub recipient: &'a str,
    pub recipient_name: &'a str,
    pub reference: &'a str,
    pub thematic_area_name: &'a str,
    pub title: &'a str,
    pub public_url: &'a str,
}

impl Acknowledgement<'_> {
    pub fn render(&self) -> Result<Message, askama::Error> {
        let text = AcknowledgementText {
            recipient_name: self.recipient_name,
            reference: self.reference,
            thematic_area_name: self.thematic_area_name,
            title: self.title,
            public_url: self.public_url,
        };
        let html = AcknowledgementHtml {
            recipient_name: self.recipient_name,
            reference: self.reference,
            thematic_area_name: self.thematic_area_name,
            title: self.title,
            public_url: self.public_url,
        };
        Ok(Message {
            kind: "acknowledgement",
            recipient: self.recipient.to_owned(),
            subject: format!("Rinasce Firenze: contributo ricevuto ({})", self.reference),
            body_text: text.render()?,
            body_html: html.render()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acknowledgement_names_the_reference_and_escapes_html() {
        let message = Acknowledgement {
            recipient: "maria@example.org",
            recipient_name: "Maria <b>Rossi</b>",
            reference: "RF-000042",
            thematic_area_name: "Mobilità green",
            title: "Piste <script>",
            public_url: "http://localhost:8080",
        }
        .render()
        .unwrap();
        assert!(message.subject.contains("RF-000042"));
        assert!(message.body_text.contains("RF-000042"));
        assert!(message.body_text.contains("Piste <script>"));
        assert!(
            message.body_html.contains("Piste &#60;script&#62;")
                || message.body_html.contains("Piste &lt;script&gt;")
        );
        assert!(!message.body_html.contains("<b>Rossi"));
    }
}
