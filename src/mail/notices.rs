//! Queueing each kind of message for its event, inside the event's transaction.

use chrono::NaiveDateTime;

use super::messages::{Acknowledgement, Digest, Outcome, OutcomeKind, SignInLink, TargetReached};
use super::{MailContext, MailError, Message};
use crate::db::meetings::MeetingRow;
use crate::db::models::ContributionRow;
use crate::db::staff::StaffRow;
use crate::db::{outbox, staff, DbConnection};
use crate::domain::{Channel, ContributionId, ContributionStatus, Quartiere, Reference, Role};
use crate::i18n::format::{italian_date, italian_moment, rome_date};

fn queue(
    conn: &mut DbConnection,
    context: &MailContext,
    message: Result<Message, askama::Error>,
    contribution_id: Option<ContributionId>,
    now: NaiveDateTime,
) -> Result<(), MailError> {
    let message = message?;
    outbox::queue(conn, &message, contribution_id, &context.domain, now)?;
    Ok(())
}

fn author_name(row: &ContributionRow) -> String {
    let name = [&row.given_name, &row.family_name]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        "contributore, contributrice".to_owned()
    } else {
        name
    }
}

/// A new contribution to acknowledge: its row, the name of its thematic
/// area, the token of its confirmation link, the author's private status
/// link and, for one handed in at a meeting, the meeting.
pub struct Acknowledged<'a> {
    pub row: &'a ContributionRow,
    pub thematic_area_name: &'a str,
    pub confirmation: Option<&'a str>,
    pub status_link: Option<String>,
    pub meeting: Option<&'a MeetingRow>,
}

/// How a contribution registered by the staff reached the Comune, as its
/// acknowledgement tells the author; empty for the form's.
fn handed_in(channel: Channel, meeting: Option<&MeetingRow>) -> String {
    match (channel, meeting) {
        (Channel::Form, _) => String::new(),
        (Channel::Event, Some(meeting)) => {
            let quartiere = meeting
                .quartiere
                .and_then(|q| Quartiere::parse(q.into()).ok())
                .map(|q| format!(" (Quartiere {} – {})", q.number(), q.name()))
                .unwrap_or_default();
            format!(
                "che ha consegnato all'incontro «{}» del {}{quartiere}",
                meeting.name,
                italian_date(meeting.held_on)
            )
        }
        (Channel::Event, None) => "che ha consegnato a un incontro pubblico".to_owned(),
        (Channel::Email, _) => "che ci ha inviato per posta elettronica".to_owned(),
        (Channel::Paper, _) => "che ha consegnato su carta".to_owned(),
    }
}

/// The acknowledgements of new contributions, for those whose author gave
/// an e-mail: one statement for all.
pub fn acknowledge_all(
    conn: &mut DbConnection,
    context: &MailContext,
    contributions: &[Acknowledged<'_>],
    now: NaiveDateTime,
) -> Result<(), MailError> {
    if !context.enabled {
        return Ok(());
    }
    let mut messages = Vec::with_capacity(contributions.len());
    for new in contributions {
        let row = new.row;
        let (Some(email), Some(status_link)) = (row.email.as_deref(), new.status_link.as_ref())
        else {
            continue;
        };
        let confirmation_link = new
            .confirmation
            .map(|token| format!("{}{}", context.public_url, confirmation_path(token)))
            .unwrap_or_default();
        let message = Acknowledgement::new(
            author_name(row),
            Reference::from_sequence(row.seq).to_string(),
            new.thematic_area_name,
            row.title.as_str(),
            status_link.as_str(),
            context.contact_email.as_str(),
            context.form_url.as_str(),
            context.public_url.as_str(),
            confirmation_link,
            handed_in(row.channel, new.meeting),
            italian_date(rome_date(row.received_at.and_utc())),
        )
        .render(email)?;
        messages.push((message, row.id));
    }
    let queued: Vec<(&Message, Option<ContributionId>)> =
        messages.iter().map(|(m, id)| (m, Some(*id))).collect();
    outbox::queue_all(conn, &queued, &context.domain, now)?;
    Ok(())
}

/// The path of the page where an author confirms their address.
pub fn confirmation_path(token: &str) -> String {
    format!("/conferma/{token}")
}

/// The published page of a contribution, where citizens read it.
pub fn published_page(context: &MailContext, reference: Reference) -> String {
    format!("{}/contributi/{reference}", context.public_url)
}

/// The author's notice of what moderation decided: published (with its
/// page), rejected or hidden (with the reason), or joined to `original`
/// (named, with its page when it is published).
pub fn outcome(
    conn: &mut DbConnection,
    context: &MailContext,
    row: &ContributionRow,
    kind: OutcomeKind,
    original: Option<&ContributionRow>,
    now: NaiveDateTime,
) -> Result<(), MailError> {
    let Some(email) = row.email.as_deref().filter(|_| context.enabled) else {
        return Ok(());
    };
    let reference = Reference::from_sequence(row.seq);
    let original_reference = original.map(|o| Reference::from_sequence(o.seq));
    let link = match kind {
        OutcomeKind::Published => published_page(context, reference),
        OutcomeKind::Duplicate => original
            .filter(|o| o.status == ContributionStatus::Approved)
            .map(|o| published_page(context, Reference::from_sequence(o.seq)))
            .unwrap_or_default(),
        OutcomeKind::Rejected | OutcomeKind::Hidden => String::new(),
    };
    let message = Outcome::new(
        author_name(row),
        reference.to_string(),
        row.title.as_str(),
        kind,
        row.status_reason.clone().unwrap_or_default(),
        link,
        original_reference
            .map(|r| r.to_string())
            .unwrap_or_default(),
        context.contact_email.as_str(),
        context.form_url.as_str(),
        context.public_url.as_str(),
    )
    .render(email);
    queue(conn, context, message, Some(row.id), now)
}

/// A staff member's sign-in link, valid `minutes`.
pub fn sign_in_link(
    conn: &mut DbConnection,
    context: &MailContext,
    account: &StaffRow,
    link: &str,
    minutes: i64,
    now: NaiveDateTime,
) -> Result<(), MailError> {
    if !context.enabled {
        return Ok(());
    }
    let message = SignInLink::new(account.name.as_str(), link, minutes).render(&account.email);
    queue(conn, context, message, None, now)
}

/// The notice to every active admin that the target was reached.
pub fn target_reached(
    conn: &mut DbConnection,
    context: &MailContext,
    target: i64,
    reached_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), MailError> {
    if !context.enabled {
        return Ok(());
    }
    let when = italian_moment(reached_at.and_utc(), false);
    for admin in staff::list_active_with_roles(conn, &[Role::Admin])? {
        let message = TargetReached::new(
            admin.name.as_str(),
            target,
            when.as_str(),
            format!("{}/cruscotto", context.public_url),
        )
        .render(&admin.email);
        queue(conn, context, message, None, now)?;
    }
    Ok(())
}

/// The digest of the pending queue to every active moderator and admin.
pub fn digest(
    conn: &mut DbConnection,
    context: &MailContext,
    pending: i64,
    oldest: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Result<usize, MailError> {
    if !context.enabled || pending == 0 {
        return Ok(0);
    }
    let oldest = oldest
        .map(|t| italian_date(rome_date(t.and_utc())))
        .unwrap_or_default();
    let queue_link = format!(
        "{}/api/v1/moderation/contributions?status=pending",
        context.public_url
    );
    let recipients = staff::list_active_with_roles(conn, &[Role::Moderator, Role::Admin])?;
    for member in &recipients {
        let message = Digest::new(
            member.name.as_str(),
            pending,
            oldest.as_str(),
            queue_link.as_str(),
        )
        .render(&member.email);
        queue(conn, context, message, None, now)?;
    }
    Ok(recipients.len())
}
