//! `/console/admin/email`: the e-mail outbox. The list (newest first,
//! filtered by status and recipient as the JSON API filters it), one
//! message with its headers and text, and retrying one failed message or
//! every one (Post/Redirect/Get). The last error is shown as stored: masked
//! when stored, blanked by an erasure with the address.
//!
//! A message's HTML part is shown as escaped source, not rendered: the text
//! part says the same, and nothing in an e-mail can then run or load in the
//! console (no frame to open in the page's policy, no remote image). The
//! keys of the private links a message carries (an author's status page and
//! address confirmation, a staff member's sign-in) are not shown: whoever
//! reads them could act as the person the message was sent to.

use actix_web::{web, HttpResponse, HttpResponseBuilder};
use askama::Template;

use super::filters::{ListPage, TypedFilters};
use super::forms::{see_other, with_query, Refusal};
use crate::app::moderation::detail;
use crate::app::outbox;
use crate::db::outbox::{OutboxRow, SENT_LINK_PLACEHOLDER};
use crate::domain::{FieldErrors, MessageId, MessageKind, OutboxStatus, Role};
use crate::error::ApiError;
use crate::http::admin::outbox::OutboxQuery;
use crate::http::console::labels::{moment, pick, Choice, Moment};
use crate::http::console::review::review_href;
use crate::http::console::{ConsoleError, ConsoleForm, ConsoleUser, Layout};
use crate::http::page;
use crate::http::AppState;
use crate::i18n::Language;

/// Messages per page.
const PAGE_SIZE: i64 = 50;
const PATH: &str = "/console/admin/email";

pub fn status_label(status: OutboxStatus, language: Language) -> &'static str {
    match status {
        OutboxStatus::Pending => pick(language, "in coda", "queued"),
        OutboxStatus::Sent => pick(language, "inviato", "sent"),
        OutboxStatus::Failed => pick(language, "non riuscito", "failed"),
        OutboxStatus::Cancelled => pick(language, "annullato", "cancelled"),
    }
}

fn kind_label(kind: MessageKind, language: Language) -> &'static str {
    match kind {
        MessageKind::Acknowledgement => pick(language, "conferma di ricezione", "acknowledgement"),
        MessageKind::Outcome => pick(language, "esito", "outcome"),
        MessageKind::Digest => pick(language, "riepilogo per lo staff", "staff digest"),
        MessageKind::TargetReached => pick(language, "obiettivo raggiunto", "target reached"),
        MessageKind::SignInLink => pick(language, "collegamento di accesso", "sign-in link"),
    }
}

/// The filter form's fields.
const FIELDS: [&str; 4] = ["status", "recipient", "sort", "cursor"];

fn api_query(filters: &TypedFilters) -> OutboxQuery {
    OutboxQuery {
        status: filters.owned("status"),
        recipient: filters.owned("recipient"),
        cursor: filters.owned("cursor"),
        limit: None,
    }
}

fn oldest_first(filters: &TypedFilters) -> bool {
    filters.value("sort") == "oldest"
}

/// One message as a row of the list.
pub struct MessageLine {
    pub id: String,
    pub created: Moment,
    pub recipient: String,
    pub subject: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub status_code: &'static str,
    pub attempts: i32,
    pub last_error: Option<String>,
}

fn recipient_text(row: &OutboxRow, language: Language) -> String {
    if row.recipient_erased() {
        pick(language, "indirizzo cancellato", "address erased").to_owned()
    } else {
        row.recipient.clone()
    }
}

impl MessageLine {
    fn new(row: OutboxRow, language: Language) -> MessageLine {
        MessageLine {
            id: row.id.to_string(),
            created: moment(row.created_at, language),
            recipient: recipient_text(&row, language),
            kind: kind_label(row.kind, language),
            status: status_label(row.status, language),
            status_code: row.status.as_str(),
            attempts: row.attempts,
            subject: row.subject,
            last_error: row.last_error,
        }
    }
}

#[derive(Template)]
#[template(path = "console/admin/outbox.html")]
struct OutboxPage {
    layout: Layout,
    filters: TypedFilters,
    oldest_first: bool,
    statuses: Vec<Choice>,
    lines: Vec<MessageLine>,
    failed: i64,
    refusal: Refusal,
    notice: Option<String>,
    next_page: Option<String>,
    first_page: Option<String>,
}

impl OutboxPage {
    fn label(&self, field: &str) -> &'static str {
        let tr = |it, en| pick(self.layout.language, it, en);
        match field {
            "status" => tr("Stato", "Status"),
            "recipient" => tr("Destinatario", "Recipient"),
            _ => tr("Pagina", "Page"),
        }
    }
}

/// The messages for `filters`, or what is wrong with them.
async fn messages_for(
    state: &AppState,
    filters: &TypedFilters,
) -> Result<Vec<OutboxRow>, ApiError> {
    let query = api_query(filters);
    let mut errors = FieldErrors::default();
    let mut filter = query.filter(&mut errors);
    filter.newest_first = !oldest_first(filters);
    let after = query.after(&mut errors);
    errors.finish(Some(()))?;
    Ok(outbox::list(state, filter, after, PAGE_SIZE).await?)
}

/// What a retry of every failed message did, as `?ritentati=N` reports it.
fn retried_notice(query: &[(String, String)], language: Language) -> Option<String> {
    let count = query
        .iter()
        .find(|(name, _)| name == "ritentati")
        .and_then(|(_, value)| value.parse::<usize>().ok())?;
    Some(match (count, language) {
        (0, Language::It) => "Nessun messaggio non riuscito da ritentare.".to_owned(),
        (0, Language::En) => "No failed message to retry.".to_owned(),
        (1, Language::It) => "1 messaggio rimesso in coda: sarà inviato a breve.".to_owned(),
        (1, Language::En) => "1 message queued again: it will be sent shortly.".to_owned(),
        (n, Language::It) => format!("{n} messaggi rimessi in coda: saranno inviati a breve."),
        (n, Language::En) => format!("{n} messages queued again: they will be sent shortly."),
    })
}

/// `GET /console/admin/email`
pub async fn show_outbox(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let language = user.language;
    let filters = TypedFilters::from_query(&query, &FIELDS);
    let found = messages_for(&state, &filters).await;
    let list = ListPage::of(found, &filters, PATH, PAGE_SIZE, |row| row.seq, language)?;
    let chosen = filters.value("status");
    let page = OutboxPage {
        layout: user.layout(),
        statuses: OutboxStatus::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), status_label(*s, language), s.as_str() == chosen))
            .collect(),
        lines: list
            .rows
            .into_iter()
            .map(|row| MessageLine::new(row, language))
            .collect(),
        failed: outbox::failed_count(&state).await?,
        notice: retried_notice(&query, language),
        oldest_first: oldest_first(&filters),
        filters,
        refusal: list.refusal,
        next_page: list.next_page,
        first_page: list.first_page,
    };
    Ok(page::render(list.status, &page)?)
}

/// Where a private link's key begins, in the links the service sends.
const LINK_KEYS: [&str; 3] = ["/stato/", "/conferma/", "/console/accesso/link?token="];

/// `text` with the key of every private link replaced by `placeholder`.
fn without_link_keys(text: &str, placeholder: &str) -> String {
    let is_key = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut shown = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(key_start) = LINK_KEYS
        .iter()
        .filter_map(|prefix| rest.find(prefix).map(|at| at + prefix.len()))
        .min()
    {
        shown.push_str(&rest[..key_start]);
        let key_end = rest[key_start..]
            .find(|c: char| !is_key(c))
            .map_or(rest.len(), |length| key_start + length);
        if key_end > key_start {
            shown.push_str(placeholder);
        }
        rest = &rest[key_end..];
    }
    shown.push_str(rest);
    shown
}

/// One message as its page shows it.
pub struct MessageView {
    pub id: String,
    pub line: MessageLine,
    pub from: String,
    pub message_id: String,
    pub next_attempt: Option<Moment>,
    pub sent: Option<Moment>,
    /// The contribution it is about: its reference and review page.
    pub contribution: Option<(String, String)>,
    /// The texts, private links' keys withheld; `None` once erased.
    pub body_text: Option<String>,
    pub body_html: Option<String>,
    pub retriable: bool,
}

#[derive(Template)]
#[template(path = "console/admin/message.html")]
struct MessagePage {
    layout: Layout,
    m: MessageView,
    refusal: Refusal,
    notice: Option<String>,
}

impl MessagePage {
    fn label(&self, _field: &str) -> &'static str {
        pick(self.layout.language, "Messaggio", "Message")
    }
}

fn message_in_path(raw: &str) -> Result<MessageId, ConsoleError> {
    MessageId::parse(raw).ok_or(ConsoleError::NotFound)
}

async fn message_view(
    state: &AppState,
    row: OutboxRow,
    language: Language,
) -> Result<MessageView, ConsoleError> {
    let contribution = match row.contribution_id {
        Some(id) => detail::references(state, vec![id])
            .await?
            .get(&id)
            .map(|reference| (reference.to_string(), review_href(*reference))),
        None => None,
    };
    let placeholder = pick(language, "[chiave nascosta]", "[key withheld]");
    let delivered_link = pick(
        language,
        "(link di accesso consegnato; non conservato)",
        "(sign-in link delivered; not kept)",
    );
    let shown = |text: &str| match text {
        "" => None,
        SENT_LINK_PLACEHOLDER => Some(delivered_link.to_owned()),
        text => Some(without_link_keys(text, placeholder)),
    };
    Ok(MessageView {
        id: row.id.to_string(),
        from: state.config.mail_from.clone(),
        message_id: row.message_id.clone(),
        next_attempt: (row.status == OutboxStatus::Pending)
            .then(|| moment(row.next_attempt_at, language)),
        sent: row.sent_at.map(|at| moment(at, language)),
        contribution,
        body_text: shown(&row.body_text),
        body_html: shown(&row.body_html),
        retriable: matches!(row.status, OutboxStatus::Failed | OutboxStatus::Pending),
        line: MessageLine::new(row, language),
    })
}

async fn message_page(
    state: &AppState,
    user: &ConsoleUser,
    id: MessageId,
    status: HttpResponseBuilder,
    refusal: Refusal,
    notice: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    let row = outbox::find(state, id).await?;
    let page = MessagePage {
        layout: user.layout(),
        m: message_view(state, row, user.language).await?,
        refusal,
        notice,
    };
    Ok(page::render(status, &page)?)
}

#[derive(serde::Deserialize)]
pub struct MessageQuery {
    /// Set after the message was queued again.
    ritentato: Option<String>,
}

/// `GET /console/admin/email/{id}`
pub async fn show_message(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<MessageQuery>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let id = message_in_path(&path)?;
    let notice = query.ritentato.as_ref().map(|_| {
        pick(
            user.language,
            "Messaggio rimesso in coda: sarà inviato a breve.",
            "Message queued again: it will be sent shortly.",
        )
        .to_owned()
    });
    let ok = HttpResponse::Ok();
    message_page(&state, &user, id, ok, Refusal::default(), notice).await
}

/// `POST /console/admin/email/{id}/ritenta`: queued again, back to the
/// message; a message sent or cancelled stays so, and its page says why
/// (409).
pub async fn retry_message(
    ConsoleForm { user, .. }: ConsoleForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let id = message_in_path(&path)?;
    match outbox::retry(&state, user.staff.id, id).await {
        Ok(_) => Ok(see_other(with_query(
            &format!("{PATH}/{id}"),
            &[("ritentato", "1")],
        ))),
        Err(error) => {
            let (status, refusal) = Refusal::of(error.into(), user.language)?;
            message_page(&state, &user, id, status, refusal, None).await
        }
    }
}

/// `POST /console/admin/email/ritenta`: every failed message queued again,
/// back to the list saying how many.
pub async fn retry_failed(
    ConsoleForm { user, .. }: ConsoleForm<Vec<(String, String)>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let retried = outbox::retry_failed(&state, user.staff.id).await?;
    let count = retried.len().to_string();
    Ok(see_other(with_query(PATH, &[("ritentati", &count)])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_links_lose_their_keys_and_nothing_else() {
        let text =
            "Stato: http://x/stato/AbC-_9. Conferma: <a href=\"http://x/conferma/k2C\">qui</a>\n\
                    Accesso: http://x/console/accesso/link?token=rfl_Zz9 e /stato/ senza chiave";
        assert_eq!(
            without_link_keys(text, "[k]"),
            "Stato: http://x/stato/[k]. Conferma: <a href=\"http://x/conferma/[k]\">qui</a>\n\
             Accesso: http://x/console/accesso/link?token=[k] e /stato/ senza chiave"
        );
    }
}
