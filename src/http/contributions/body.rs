//! The body of a contribution, as the form sends it and as moderators
//! register one received offline, read field by field.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::app::submissions::ContributionInput;
use crate::clock;
use crate::domain::meeting::parse_meeting_day;
use crate::domain::{
    AuthorKind, BotSignals, Channel, ContributionBody, ContributionTitle, EmailAddress, FieldIssue,
    Meeting, MeetingName, OrganizationName, PersonName, Quartiere, ThematicAreaCode,
};
use crate::http::input::{boolean, integer, text, FieldErrors, JsonObject};
use crate::i18n::format::rome_date;

/// A contribution as the Rete Civica form sends it.
///
/// Text pasted from Word or PDF is accepted: before the rules apply, soft
/// hyphens, zero-width spaces, word joiners, byte-order marks and direction
/// marks are removed (zero-width joiners are kept inside emoji and non-Latin
/// words); non-breaking and other Unicode spaces become spaces; line and
/// paragraph separators (U+2028, U+2029) and CR LF become newlines in `body`
/// and spaces in one-line fields. Only control characters and bidirectional
/// overrides are refused, naming the character and its position
/// ("carattere non ammesso U+202E alla posizione 14"). An empty text, once
/// normalised, is "campo obbligatorio", like a missing field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // documents the body; the handler reads it field by field
pub struct ContributionSubmission {
    /// Code of an active thematic area; an empty string (the form's select
    /// left on its prompt) is answered "scegliere un'area tematica".
    #[schema(max_length = 64, example = "mobilita-green")]
    thematic_area: String,
    /// 5–150 characters after trimming, on one line.
    #[schema(
        min_length = 5,
        max_length = 150,
        example = "Più piste ciclabili sui viali"
    )]
    title: String,
    /// 20–5000 characters after trimming; newlines and tabs allowed.
    #[schema(
        min_length = 20,
        max_length = 5000,
        example = "Testo del suggerimento con almeno venti caratteri."
    )]
    body: String,
    author: AuthorSubmission,
    /// Must be `true`.
    #[schema(example = true)]
    privacy_notice_accepted: bool,
    /// Whether the author agrees to be contacted again; `false` when absent.
    #[schema(example = false)]
    contact_consent: Option<bool>,
    /// Honeypot, optional: render it as a text input hidden from people
    /// (off-screen, `tabindex="-1"`, `autocomplete="off"`, labelled "Non
    /// compilare questo campo") and send what it holds. People leave it
    /// empty; a submission where it is filled is answered 201 as usual but
    /// stored as spam, unacknowledged and not counted.
    #[schema(max_length = 1000, example = "")]
    website: Option<String>,
    /// Optional: the token from `GET /form-token`, fetched when the form is
    /// shown. A submission sent sooner than the minimum fill time after it
    /// is taken for a bot's (answered 201, stored as spam). The token is
    /// signed by the service, so it cannot be backdated; one that does not
    /// verify or is over a day old is ignored.
    #[schema(max_length = 200, example = "1796380800.5f2c…")]
    form_token: Option<String>,
}

/// The author of a contribution.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct AuthorSubmission {
    kind: AuthorKind,
    #[schema(min_length = 1, max_length = 80, example = "Maria")]
    given_name: String,
    #[schema(min_length = 1, max_length = 80, example = "Rossi")]
    family_name: String,
    /// 2–200 characters; required unless `kind` is `citizen` (ignored for citizens).
    #[schema(min_length = 2, max_length = 200, example = json!(null))]
    organization_name: Option<String>,
    #[schema(format = Email, max_length = 254, example = "maria.rossi@example.org")]
    email: String,
    /// Quartiere 1–5, or null.
    #[schema(format = Int32, minimum = 1, maximum = 5, example = 2)]
    quartiere: Option<i32>,
}

/// Which body is being read: the public form's, or a moderator's
/// registration of a contribution received elsewhere.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SubmissionRules {
    /// Names and e-mail required, privacy notice accepted, channel `form`.
    Form,
    /// `channel` other than `form`, optional `received_at`; the author may be
    /// unknown (a paper note, a meeting), so names and e-mail are optional.
    Offline,
}

const COMMON_FIELDS: &[&str] = &[
    "thematic_area",
    "title",
    "body",
    "author",
    "contact_consent",
];
const FORM_FIELDS: &[&str] = &["privacy_notice_accepted", BOT_HONEYPOT, BOT_TOKEN];
const BOT_HONEYPOT: &str = "website";
const BOT_TOKEN: &str = "form_token";
const OFFLINE_FIELDS: &[&str] = &[
    "channel",
    "received_at",
    "privacy_notice_accepted",
    "meeting",
];
pub const MEETING_FIELDS: &[&str] = &["name", "date", "quartiere"];
pub const AUTHOR_FIELDS: &[&str] = &[
    "kind",
    "given_name",
    "family_name",
    "organization_name",
    "email",
    "quartiere",
];

impl SubmissionRules {
    /// The top-level fields a body may have under these rules.
    pub fn fields(self) -> Vec<&'static str> {
        let extra = match self {
            SubmissionRules::Form => FORM_FIELDS,
            SubmissionRules::Offline => OFFLINE_FIELDS,
        };
        COMMON_FIELDS.iter().chain(extra).copied().collect()
    }
}

/// The form's bot signals, read leniently: they never fail a submission (a
/// honeypot holding anything but an empty string or null counts as filled).
pub fn bot_signals(value: &Value) -> BotSignals {
    let honeypot = match value.get(BOT_HONEYPOT) {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => Some(other.to_string()),
    };
    BotSignals {
        honeypot,
        form_token: value
            .get(BOT_TOKEN)
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}

/// Reads a contribution, collecting every failing field.
pub fn parse_contribution(
    value: Value,
    rules: SubmissionRules,
    errors: &mut FieldErrors,
) -> Option<ContributionInput> {
    let mut object = JsonObject::read(value, "", &rules.fields(), errors)?;
    let thematic_area = object.required(
        "thematic_area",
        errors,
        text(ThematicAreaCode::parse_choice),
    );
    let title = object.required("title", errors, text(ContributionTitle::parse));
    let body = object.required("body", errors, text(ContributionBody::parse));
    let author = parse_author(&mut object, rules, errors);
    let contact_consent = object.optional("contact_consent", errors, boolean);
    let (channel, received_at, privacy_notice_accepted, meeting) = match rules {
        SubmissionRules::Form => {
            // Read by `bot_signals`; here only accepted.
            object.optional(BOT_HONEYPOT, errors, |_| Ok(()));
            object.optional(BOT_TOKEN, errors, |_| Ok(()));
            object.required("privacy_notice_accepted", errors, |v| match boolean(v)? {
                true => Ok(()),
                false => Err(FieldIssue::MustBeTrue),
            })?;
            (Some(Channel::Form), Some(None), Some(true), Some(None))
        }
        SubmissionRules::Offline => {
            let channel = object.required(
                "channel",
                errors,
                text(|raw| match Channel::parse(raw)? {
                    Channel::Form => Err(FieldIssue::UnknownValue {
                        allowed: vec!["event".into(), "email".into(), "paper".into()],
                    }),
                    channel => Ok(channel),
                }),
            );
            let received_at = object.optional("received_at", errors, text(past_timestamp));
            // Recorded as the moderator says: signed on a paper form, given at the meeting.
            let privacy = object
                .optional("privacy_notice_accepted", errors, boolean)
                .map(|accepted| accepted.unwrap_or(false));
            let meeting = parse_meeting(&mut object, channel, errors);
            (channel, received_at, privacy, meeting)
        }
    };
    let author = author?;
    Some(ContributionInput {
        thematic_area: thematic_area?,
        title: title?,
        body: body?,
        kind: author.kind,
        given_name: author.given_name,
        family_name: author.family_name,
        organization_name: author.organization_name,
        email: author.email,
        quartiere: author.quartiere,
        contact_consent: contact_consent?.unwrap_or(false),
        privacy_notice_accepted: privacy_notice_accepted?,
        channel: channel?,
        received_at: received_at?,
        meeting: meeting?,
    })
}

/// The meeting of a contribution collected at one: required for the channel
/// `event`, refused for the others (whose channel says where they came from).
fn parse_meeting(
    object: &mut JsonObject,
    channel: Option<Channel>,
    errors: &mut FieldErrors,
) -> Option<Option<Meeting>> {
    let path = object.field_path("meeting");
    let Some(value) = object.take("meeting") else {
        if channel == Some(Channel::Event) {
            errors.add(path, FieldIssue::MeetingRequired);
            return None;
        }
        return Some(None);
    };
    if channel.is_some_and(|channel| channel != Channel::Event) {
        errors.add(path, FieldIssue::MeetingOnlyForEvents);
        return None;
    }
    let mut meeting = JsonObject::read(value, &path, MEETING_FIELDS, errors)?;
    let name = meeting.required("name", errors, text(MeetingName::parse));
    let today = rome_date(clock::now());
    let held_on = meeting.required("date", errors, text(|raw| parse_meeting_day(raw, today)));
    let quartiere = meeting.optional("quartiere", errors, |v| Quartiere::parse(integer(v)?));
    Some(Some(Meeting {
        name: name?,
        held_on: held_on?,
        quartiere: quartiere?,
    }))
}

/// The earliest `received_at` of an offline contribution: a paper form
/// cannot predate the service by decades, and 1900 was a typing slip.
pub const EARLIEST_RECEIVED_AT: &str = "2000-01-01T00:00:00Z";

fn past_timestamp(raw: &str) -> Result<chrono::NaiveDateTime, FieldIssue> {
    let time = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| FieldIssue::InvalidTimestamp)?
        .with_timezone(&Utc);
    let earliest = DateTime::parse_from_rfc3339(EARLIEST_RECEIVED_AT).map(|t| t.to_utc());
    if time > clock::now() {
        return Err(FieldIssue::InFuture);
    }
    if earliest.is_ok_and(|earliest| time < earliest) {
        return Err(FieldIssue::TooEarly {
            earliest: EARLIEST_RECEIVED_AT,
        });
    }
    // Microseconds: what PostgreSQL keeps, and what paging cursors carry.
    Ok(chrono::SubsecRound::trunc_subsecs(time, 6).naive_utc())
}

struct ParsedAuthor {
    kind: AuthorKind,
    given_name: Option<PersonName>,
    family_name: Option<PersonName>,
    organization_name: Option<OrganizationName>,
    email: Option<EmailAddress>,
    quartiere: Option<Quartiere>,
}

fn parse_author(
    parent: &mut JsonObject,
    rules: SubmissionRules,
    errors: &mut FieldErrors,
) -> Option<ParsedAuthor> {
    let mut author = parent.object("author", AUTHOR_FIELDS, errors)?;
    let kind = author.required("kind", errors, text(AuthorKind::parse));
    let (given_name, family_name, email) = match rules {
        SubmissionRules::Form => (
            author
                .required("given_name", errors, text(PersonName::parse))
                .map(Some),
            author
                .required("family_name", errors, text(PersonName::parse))
                .map(Some),
            author
                .required("email", errors, text(EmailAddress::parse))
                .map(Some),
        ),
        SubmissionRules::Offline => (
            author.optional("given_name", errors, text(PersonName::parse)),
            author.optional("family_name", errors, text(PersonName::parse)),
            author.optional("email", errors, text(EmailAddress::parse)),
        ),
    };
    let organization_field = author.field_path("organization_name");
    let organization_name = author.optional("organization_name", errors, |value| match value {
        // The form may send an empty string for a field it does not show.
        Value::String(s) if s.trim().is_empty() => Ok(None),
        other => text(OrganizationName::parse)(other).map(Some),
    });
    let quartiere = author.optional("quartiere", errors, |v| Quartiere::parse(integer(v)?));
    let kind = kind?;
    let organization_name = match (kind.is_organization(), organization_name?.flatten()) {
        (true, None) => {
            errors.add(organization_field, FieldIssue::RequiredForOrganizations);
            return None;
        }
        // A citizen's contribution never carries an organisation name.
        (false, _) => None,
        (true, name) => name,
    };
    Some(ParsedAuthor {
        kind,
        given_name: given_name?,
        family_name: family_name?,
        organization_name,
        email: email?,
        quartiere: quartiere?,
    })
}
