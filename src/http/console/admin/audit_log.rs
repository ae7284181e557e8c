//! `GET /console/admin/registro`: the audit log, newest first unless asked
//! otherwise, filtered as the JSON API filters it (the same parser, the
//! same service), each event with who acted by name, and a contribution's
//! reference linking to its review page. Dates typed in the form are days
//! of Rome; a refused filter gives the form back with its message.

use std::collections::HashMap;

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone};

use super::filters::{ListPage, TypedFilters};
use super::forms::Refusal;
use crate::app::audit_log::{self, NamedEvent};
use crate::app::moderation::detail;
use crate::app::staff;
use crate::db::audit::AuditRow;
use crate::domain::query::PeriodEdge;
use crate::domain::{
    AuditAction, ContributionId, ContributionStatus, FieldErrors, Reference, Role, TargetType,
    AUTHOR_ACTOR, COMMAND_LINE_ACTOR, SYSTEM_ACTOR,
};
use crate::error::ApiError;
use crate::http::admin::audit_log::AuditLogQuery;
use crate::http::console::labels::{self, moment, pick, Choice, Moment};
use crate::http::console::layout::role_label;
use crate::http::console::review::review_href;
use crate::http::console::{ConsoleError, ConsoleUser, Layout};
use crate::http::page;
use crate::http::pagination;
use crate::http::AppState;
use crate::i18n::format::ROME;
use crate::i18n::Language;

/// Events per page.
const PAGE_SIZE: i64 = 50;
const PATH: &str = "/console/admin/registro";

/// The filter form's fields.
const FIELDS: [&str; 8] = [
    "actor",
    "action",
    "target_type",
    "target",
    "since",
    "until",
    "sort",
    "cursor",
];

/// The API's query for the filters typed, the dates read in Rome time.
fn api_query(filters: &TypedFilters) -> AuditLogQuery {
    AuditLogQuery {
        actor: filters.owned("actor"),
        action: filters.owned("action"),
        target: filters.owned("target"),
        target_type: filters.owned("target_type"),
        since: filters
            .get("since")
            .map(|raw| rome_instant(raw, PeriodEdge::Start)),
        until: filters
            .get("until")
            .map(|raw| rome_instant(raw, PeriodEdge::End)),
        sort: filters.owned("sort"),
        cursor: filters.owned("cursor"),
        limit: None,
    }
}

/// How a day and time may be typed (Rome time, no offset).
const DAY_AND_TIME: [&str; 4] = [
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
];

/// A day (`2026-12-04`) or a day and time (`2026-12-04 10:30`) typed in the
/// console, in Rome time, as the RFC 3339 instant the API reads: a day
/// stands for its first or last instant. An RFC 3339 time, and anything
/// the API would refuse, is passed on as it is, for the API to read or name.
fn rome_instant(raw: &str, edge: PeriodEdge) -> String {
    if DateTime::parse_from_rfc3339(raw).is_ok() {
        return raw.to_owned();
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok();
    let local = match (day, edge) {
        (Some(day), PeriodEdge::Start) => day.and_hms_opt(0, 0, 0),
        // The day's last instant is found from the next day's first.
        (Some(day), PeriodEdge::End) => day
            .checked_add_days(Days::new(1))
            .and_then(|next| next.and_hms_opt(0, 0, 0)),
        (None, _) => DAY_AND_TIME
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok()),
    };
    let Some(instant) = local.and_then(|at| ROME.from_local_datetime(&at).earliest()) else {
        return raw.to_owned();
    };
    let instant = match (day, edge) {
        (Some(_), PeriodEdge::End) => instant - chrono::TimeDelta::microseconds(1),
        _ => instant,
    };
    instant.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// What an event is about, as the log shows it; `href` when it has a page.
pub struct TargetView {
    pub kind: &'static str,
    pub text: String,
    pub href: Option<String>,
    /// A contribution's reference, kept on one line.
    pub is_reference: bool,
}

/// One event, as a row of the log.
pub struct LogLine {
    pub at: Moment,
    pub actor: String,
    pub action: &'static str,
    pub action_code: &'static str,
    pub target: TargetView,
    /// `from → to`, when the event records a change.
    pub change: Option<String>,
    pub reason: Option<String>,
    /// Further facts (JSON), such as an export's filters.
    pub details: Option<String>,
}

/// What the log knows by id: staff names and contribution references.
struct Names {
    staff: HashMap<String, String>,
    references: HashMap<ContributionId, Reference>,
}

#[derive(Template)]
#[template(path = "console/admin/audit_log.html")]
struct AuditLogPage {
    layout: Layout,
    filters: TypedFilters,
    oldest_first: bool,
    actions: Vec<Choice>,
    target_types: Vec<Choice>,
    lines: Vec<LogLine>,
    refusal: Refusal,
    next_page: Option<String>,
    first_page: Option<String>,
}

impl AuditLogPage {
    /// The label of a filter field, for the summary of refused ones.
    fn label(&self, field: &str) -> &'static str {
        let tr = |it, en| pick(self.layout.language, it, en);
        match field {
            "actor" => tr("Chi", "Who"),
            "action" => tr("Azione", "Action"),
            "target_type" => tr("Tipo di oggetto", "Object type"),
            "target" => tr("Oggetto", "Object"),
            "since" => tr("Dal", "From"),
            "until" => tr("Fino al", "Until"),
            "sort" => tr("Ordine", "Order"),
            _ => tr("Pagina", "Page"),
        }
    }
}

pub fn action_label(action: AuditAction, language: Language) -> &'static str {
    use AuditAction::*;
    let tr = |it, en| pick(language, it, en);
    match action {
        StatusChanged => tr("stato cambiato", "status changed"),
        StatusReasonChanged => tr("motivo cambiato", "reason changed"),
        ContributionAreaChanged => tr("area cambiata", "area changed"),
        TagsChanged => tr("etichette cambiate", "tags changed"),
        TagRenamed => tr("etichetta rinominata", "tag renamed"),
        TagMerged => tr("etichette unite", "tags merged"),
        NoteAdded => tr("nota aggiunta", "note added"),
        NoteEdited => tr("nota modificata", "note edited"),
        NoteRemoved => tr("nota rimossa", "note removed"),
        ClaimTakenOver => tr("revisione presa a un collega", "review taken over"),
        OfflineRegistered => tr("registrato offline", "registered offline"),
        BulkAction => tr("azione multipla", "bulk action"),
        ThematicAreaCreated => tr("area tematica creata", "thematic area created"),
        ThematicAreaUpdated => tr("area tematica modificata", "thematic area changed"),
        OutboxRetried => tr("e-mail ritentata", "e-mail retried"),
        StaffCreated => tr("account creato", "account created"),
        StaffDeactivated => tr("account disattivato", "account deactivated"),
        StaffUpdated => tr("account modificato", "account changed"),
        StaffTokenIssued => tr("nuovo token", "new token"),
        StaffSessionsEnded => tr("sessioni chiuse", "sessions ended"),
        ConsoleSignedIn => tr("accesso alla console", "console sign-in"),
        ConsoleSignedOut => tr("uscita dalla console", "console sign-out"),
        ErasureRequest => tr("richiesta di cancellazione", "erasure request"),
        RetentionErasure => tr("cancellazione per conservazione", "retention erasure"),
        PersonalDataExported => tr(
            "esportazione con dati personali",
            "export with personal data",
        ),
        IndicatorCountersRebuilt => tr("contatori ricalcolati", "counters rebuilt"),
    }
}

fn target_type_label(target_type: TargetType, language: Language) -> &'static str {
    use TargetType::*;
    let tr = |it, en| pick(language, it, en);
    match target_type {
        Contribution => tr("contributo", "contribution"),
        Tag => tr("etichetta", "tag"),
        BulkAction => tr("azione multipla", "bulk action"),
        ThematicArea => tr("area tematica", "thematic area"),
        Outbox => "e-mail",
        Staff => tr("account", "account"),
        PersonalData => tr("dati personali", "personal data"),
        Export => tr("esportazione", "export"),
        Indicator => tr("indicatore", "indicator"),
    }
}

/// Who acted, as people read it.
fn actor_text(event: &NamedEvent, language: Language) -> String {
    if let Some(name) = &event.actor_name {
        return name.clone();
    }
    let tr = |it, en| pick(language, it, en).to_owned();
    match event.row.actor.as_str() {
        SYSTEM_ACTOR => tr("il sistema", "the system"),
        COMMAND_LINE_ACTOR => tr("riga di comando", "command line"),
        AUTHOR_ACTOR => tr("l'autore (link personale)", "the author (private link)"),
        other => other.to_owned(),
    }
}

fn target_view(row: &AuditRow, names: &Names, language: Language) -> TargetView {
    let id = row.target_id.clone();
    let (text, href) = match row.target_type {
        TargetType::Contribution => ContributionId::parse(&id)
            .and_then(|key| names.references.get(&key))
            .map_or((id.clone(), None), |reference| {
                (reference.to_string(), Some(review_href(*reference)))
            }),
        TargetType::Outbox => (id.clone(), Some(format!("/console/admin/email/{id}"))),
        TargetType::PersonalData => (
            pick(language, "esito", "outcome").to_owned(),
            Some(format!("/console/admin/cancellazioni/{id}")),
        ),
        TargetType::Staff => (names.staff.get(&id).cloned().unwrap_or(id), None),
        _ => (id, None),
    };
    TargetView {
        kind: target_type_label(row.target_type, language),
        is_reference: row.target_type == TargetType::Contribution && href.is_some(),
        text,
        href,
    }
}

/// A status change in the page's words, a claim taken over from whom to
/// whom by name; any other change as recorded.
fn change_text(row: &AuditRow, names: &Names, language: Language) -> Option<String> {
    if row.from_value.is_none() && row.to_value.is_none() {
        return None;
    }
    let word = |raw: &Option<String>| match raw.as_deref() {
        None => "—".to_owned(),
        Some(raw) => match (row.action, ContributionStatus::parse(raw)) {
            (AuditAction::StatusChanged, Ok(status)) => {
                labels::status_label(status, language).to_owned()
            }
            (AuditAction::ClaimTakenOver, _) => names.staff.get(raw).cloned().unwrap_or(raw.into()),
            _ => raw.to_owned(),
        },
    };
    if let (Some(from), Some(to)) = (&row.from_value, &row.to_value) {
        if let Some((from, to)) = changed_fields(from, to, language) {
            return Some(format!("{from} → {to}"));
        }
    }
    Some(format!(
        "{} → {}",
        word(&row.from_value),
        word(&row.to_value)
    ))
}

/// Two recorded objects (an account, an area) as the fields that differ,
/// named and valued as people read them: "posizione: 2 → posizione: 3".
fn changed_fields(from: &str, to: &str, language: Language) -> Option<(String, String)> {
    use serde_json::Value;
    let (Ok(Value::Object(from)), Ok(Value::Object(to))) = (
        serde_json::from_str::<Value>(from),
        serde_json::from_str::<Value>(to),
    ) else {
        return None;
    };
    let mut keys: Vec<&String> = from.keys().chain(to.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.retain(|key| from.get(*key) != to.get(*key));
    let side = |object: &serde_json::Map<String, Value>| {
        let fields: Vec<String> = keys
            .iter()
            .map(|key| {
                let value = field_value(key, object.get(*key), language);
                format!("{}: {value}", field_name(key, language))
            })
            .collect();
        fields.join(", ")
    };
    Some((side(&from), side(&to)))
}

fn field_name(key: &str, language: Language) -> &str {
    match key {
        "role" => pick(language, "ruolo", "role"),
        "active" => pick(language, "attivo", "active"),
        "position" => pick(language, "posizione", "position"),
        "name" => pick(language, "nome", "name"),
        "description" => pick(language, "descrizione", "description"),
        other => other,
    }
}

fn field_value(key: &str, value: Option<&serde_json::Value>, language: Language) -> String {
    use serde_json::Value;
    match (key, value) {
        (_, None | Some(Value::Null)) => "—".to_owned(),
        (_, Some(Value::Bool(yes))) => pick(
            language,
            if *yes { "sì" } else { "no" },
            if *yes { "yes" } else { "no" },
        )
        .to_owned(),
        ("role", Some(Value::String(role))) => Role::parse(role)
            .map(|role| role_label(role, language).to_owned())
            .unwrap_or_else(|_| role.clone()),
        (_, Some(Value::String(text))) => text.clone(),
        (_, Some(other)) => other.to_string(),
    }
}

fn log_line(event: NamedEvent, names: &Names, language: Language) -> LogLine {
    LogLine {
        at: moment(event.row.occurred_at, language),
        actor: actor_text(&event, language),
        action: action_label(event.row.action, language),
        action_code: event.row.action.as_str(),
        target: target_view(&event.row, names, language),
        change: change_text(&event.row, names, language),
        reason: event.row.reason.clone(),
        details: event.row.details.clone(),
    }
}

async fn names_for(state: &AppState, events: &[NamedEvent]) -> Result<Names, ConsoleError> {
    let contributions = events
        .iter()
        .filter(|event| event.row.target_type == TargetType::Contribution)
        .filter_map(|event| ContributionId::parse(&event.row.target_id))
        .collect();
    Ok(Names {
        staff: staff::list(&state.db)
            .await?
            .into_iter()
            .map(|row| (row.id.to_string(), row.name))
            .collect(),
        references: detail::references(state, contributions).await?,
    })
}

/// The events for `filters`, or what is wrong with them.
async fn events_for(state: &AppState, filters: &TypedFilters) -> Result<Vec<NamedEvent>, ApiError> {
    let api_query = api_query(filters);
    let mut errors = FieldErrors::default();
    let query = api_query.query(&mut errors);
    let after = pagination::decode_cursor(api_query.cursor.as_deref(), 1, &mut errors);
    errors.finish(Some(()))?;
    let after = after.map(|parts| parts[0]);
    Ok(audit_log::list(state, query, after, PAGE_SIZE).await?)
}

fn choices<T: Copy>(
    all: &[T],
    chosen: &str,
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|item| Choice::new(code(*item), label(*item), code(*item) == chosen))
        .collect()
}

/// `GET /console/admin/registro`
pub async fn show_audit_log(
    user: ConsoleUser,
    state: web::Data<AppState>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let language = user.language;
    let filters = TypedFilters::from_query(&query, &FIELDS);
    let found = events_for(&state, &filters).await;
    let list = ListPage::of(found, &filters, PATH, PAGE_SIZE, |e| e.row.seq, language)?;
    let events = list.rows;
    let names = names_for(&state, &events).await?;
    let lines = events
        .into_iter()
        .map(|event| log_line(event, &names, language))
        .collect();
    let page = AuditLogPage {
        layout: user.layout(),
        actions: choices(
            AuditAction::ALL,
            filters.value("action"),
            AuditAction::as_str,
            |a| action_label(a, language),
        ),
        target_types: choices(
            TargetType::ALL,
            filters.value("target_type"),
            TargetType::as_str,
            |t| target_type_label(t, language),
        ),
        oldest_first: filters.value("sort") == "occurred_at",
        filters,
        lines,
        refusal: list.refusal,
        next_page: list.next_page,
        first_page: list.first_page,
    };
    Ok(page::render(list.status, &page)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_objects_show_the_fields_that_changed_in_words() {
        let area = |position: i32| {
            format!(r#"{{"active":true,"description":"Verde","position":{position}}}"#)
        };
        assert_eq!(
            changed_fields(&area(2), &area(3), Language::It),
            Some(("posizione: 2".to_owned(), "posizione: 3".to_owned()))
        );
        let account =
            |role: &str, active: bool| format!(r#"{{"role":"{role}","active":{active}}}"#);
        assert_eq!(
            changed_fields(
                &account("moderator", false),
                &account("researcher", true),
                Language::It
            ),
            Some((
                "attivo: no, ruolo: moderazione".to_owned(),
                "attivo: sì, ruolo: ricerca".to_owned()
            ))
        );
        assert_eq!(changed_fields("pending", "approved", Language::It), None);
    }

    #[test]
    fn days_and_times_typed_are_rome_time() {
        // 4 December: Rome is UTC+1.
        assert_eq!(
            rome_instant("2026-12-04", PeriodEdge::Start),
            "2026-12-04T00:00:00+01:00"
        );
        assert_eq!(
            rome_instant("2026-12-04", PeriodEdge::End),
            "2026-12-04T23:59:59.999999+01:00"
        );
        assert_eq!(
            rome_instant("2026-07-01 10:30", PeriodEdge::Start),
            "2026-07-01T10:30:00+02:00"
        );
        assert_eq!(
            rome_instant("2026-12-04T10:30:15", PeriodEdge::End),
            "2026-12-04T10:30:15+01:00"
        );
    }

    #[test]
    fn rfc3339_and_what_the_api_refuses_pass_unchanged() {
        for raw in ["2026-12-04T10:00:00Z", "ieri", "2026-13-01", "04/12/2026"] {
            assert_eq!(rome_instant(raw, PeriodEdge::Start), raw);
        }
    }
}
