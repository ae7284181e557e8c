//! `/console/admin/personale`: staff accounts, for admins. The list (role,
//! state, last console sign-in), a new account with its API token shown
//! once, a role changed, deactivation and reactivation, a new token (shown
//! once) and every console session ended. Deactivating, a new token and
//! ending sessions are confirmed on a page first. The same services as
//! `/api/v1/admin/staff`, which refuse what an admin may not do (their own
//! deactivation, leaving no active admin); the page also says so before.

use actix_web::{web, HttpRequest, HttpResponse, HttpResponseBuilder};
use askama::Template;
use serde::Deserialize;

use super::forms::{ConfirmPage, Refusal};
use crate::app::staff::{self, NewStaff, StaffChange, StaffOverview};
use crate::db::staff::StaffRow;
use crate::domain::{Actor, EmailAddress, FieldErrors, FieldIssue, PersonName, Role, StaffId};
use crate::error::ApiError;
use crate::http::console::labels::{moment, pick, Choice, Moment};
use crate::http::console::layout::role_label;
use crate::http::console::{flash, ConsoleError, ConsoleForm, ConsoleUser, Layout};
use crate::http::page;
use crate::http::AppState;
use crate::i18n::Language;

const STAFF_PAGE: &str = "/console/admin/personale";

/// One account as the page lists it.
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    /// The roles to choose from, this account's selected.
    pub roles: Vec<Choice>,
    pub active: bool,
    pub deactivated: Option<Moment>,
    pub last_signed_in: Option<Moment>,
    /// Why the account cannot be deactivated, when it cannot.
    pub kept_because: Option<&'static str>,
    /// The last active admin keeps the admin role.
    pub role_locked: bool,
}

/// The new-account form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct NewAccountFields {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

#[derive(Template)]
#[template(path = "console/admin/staff.html")]
struct StaffPage {
    layout: Layout,
    accounts: Vec<AccountView>,
    /// The new-account form's roles, the one typed selected.
    new_roles: Vec<Choice>,
    typed: NewAccountFields,
    /// Why the new account was refused.
    refusal: Refusal,
    /// The deactivated account whose address was typed again.
    taken_by_inactive: Option<AccountLink>,
    /// Why a change to a listed account was refused.
    action_refused: Option<String>,
    notice: Option<String>,
}

/// A listed account, to link to.
pub struct AccountLink {
    pub id: String,
    pub name: String,
}

impl StaffPage {
    /// The label of a field of the new-account form.
    fn label(&self, field: &str) -> &'static str {
        let language = self.layout.language;
        match field {
            "name" => pick(language, "Nome e cognome", "Name"),
            "email" => "E-mail",
            _ => pick(language, "Ruolo", "Role"),
        }
    }
}

#[derive(Template)]
#[template(path = "console/admin/token.html")]
struct TokenPage {
    layout: Layout,
    heading: String,
    name: String,
    email: String,
    role: &'static str,
    token: String,
}

/// What the page says besides the list.
#[derive(Default)]
struct Feedback {
    typed: NewAccountFields,
    refusal: Refusal,
    action_refused: Option<String>,
    /// The change just made, as the flash message tells it.
    notice: Option<String>,
}

fn role_choices(language: Language, selected: &str) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|role| {
            Choice::new(
                role.as_str(),
                role_label(*role, language),
                role.as_str() == selected,
            )
        })
        .collect()
}

fn is_active_admin(row: &StaffRow) -> bool {
    row.active && row.role == Role::Admin
}

fn account_view(
    account: StaffOverview,
    me: StaffId,
    active_admins: usize,
    language: Language,
) -> AccountView {
    let row = account.row;
    let last_admin = is_active_admin(&row) && active_admins <= 1;
    let kept_because = if last_admin {
        Some(pick(
            language,
            "È l'ultimo amministratore attivo: non può essere disattivato né cambiare ruolo.",
            "This is the last active admin: it can be neither deactivated nor given another role.",
        ))
    } else if row.id == me {
        Some(pick(
            language,
            "È il tuo account: non puoi disattivarlo.",
            "This is your own account: you cannot deactivate it.",
        ))
    } else {
        None
    };
    AccountView {
        id: row.id.to_string(),
        role: role_label(row.role, language),
        roles: role_choices(language, row.role.as_str()),
        active: row.active,
        deactivated: row.deactivated_at.map(|at| moment(at, language)),
        last_signed_in: account.last_signed_in.map(|at| moment(at, language)),
        kept_because,
        role_locked: last_admin,
        name: row.name,
        email: row.email,
    }
}

async fn staff_page(
    state: &AppState,
    user: &ConsoleUser,
    status: HttpResponseBuilder,
    feedback: Feedback,
) -> Result<HttpResponse, ConsoleError> {
    let language = user.language;
    let accounts = staff::overview(&state.db).await?;
    let active_admins = accounts.iter().filter(|a| is_active_admin(&a.row)).count();
    let typed_email = feedback.typed.email.trim().to_lowercase();
    let taken_by_inactive = feedback
        .refusal
        .message("email")
        .and_then(|_| {
            accounts
                .iter()
                .find(|a| !a.row.active && a.row.email == typed_email)
        })
        .map(|a| AccountLink {
            id: a.row.id.to_string(),
            name: a.row.name.clone(),
        });
    let page = StaffPage {
        layout: user.layout(),
        accounts: accounts
            .into_iter()
            .map(|account| account_view(account, user.staff.id, active_admins, language))
            .collect(),
        new_roles: role_choices(language, &feedback.typed.role),
        typed: feedback.typed,
        refusal: feedback.refusal,
        taken_by_inactive,
        action_refused: feedback.action_refused,
        notice: feedback.notice,
    };
    Ok(page::render(status, &page)?)
}

/// A change made to an account, as the list then says it.
#[derive(Clone, Copy)]
enum Done {
    Role,
    Deactivated,
    Reactivated,
    SessionsEnded(usize),
}

impl Done {
    fn message(self, row: &StaffRow, language: Language) -> String {
        let name = &row.name;
        match (self, language) {
            (Done::Role, Language::It) => {
                format!("Ora il ruolo di {name} è: {}.", role_label(row.role, language))
            }
            (Done::Role, Language::En) => {
                format!("{name}'s role is now: {}.", role_label(row.role, language))
            }
            (Done::Deactivated, Language::It) => format!(
                "Account di {name} disattivato: il suo token non funziona più e le sue sessioni sono chiuse."
            ),
            (Done::Deactivated, Language::En) => format!(
                "{name}'s account deactivated: its token no longer works and its sessions have ended."
            ),
            (Done::Reactivated, Language::It) => format!(
                "Account di {name} riattivato: il token di prima funziona di nuovo. Se può essere finito in mani altrui, emettine uno nuovo."
            ),
            (Done::Reactivated, Language::En) => format!(
                "{name}'s account reactivated: its previous token works again. If it may have leaked, issue a new one."
            ),
            (Done::SessionsEnded(1), Language::It) => format!("Chiusa 1 sessione di {name}."),
            (Done::SessionsEnded(n), Language::It) => format!("Chiuse {n} sessioni di {name}."),
            (Done::SessionsEnded(1), Language::En) => format!("Ended 1 session of {name}."),
            (Done::SessionsEnded(n), Language::En) => format!("Ended {n} sessions of {name}."),
        }
    }
}

/// Back to the list, which says what was done (Post/Redirect/Get).
fn done(state: &AppState, user: &ConsoleUser, what: Done, row: &StaffRow) -> HttpResponse {
    let message = what.message(row, user.language);
    flash::redirect_with(STAFF_PAGE, &message, &state.config)
}

/// `GET /console/admin/personale`
pub async fn show_staff(
    user: ConsoleUser,
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let feedback = Feedback {
        notice: flash::message(&request),
        ..Feedback::default()
    };
    let mut response = staff_page(&state, &user, HttpResponse::Ok(), feedback).await?;
    flash::clear(&mut response, &state.config);
    Ok(response)
}

/// The role picked on a form: none picked is a missing field, not a wrong value.
fn chosen_role(raw: &str) -> Result<Role, FieldIssue> {
    match raw.trim() {
        "" => Err(FieldIssue::Required),
        role => Role::parse(role),
    }
}

fn parse_new_account(fields: &NewAccountFields) -> Result<NewStaff, ApiError> {
    let mut errors = FieldErrors::default();
    let name = errors.check("name", PersonName::parse(&fields.name));
    let email = errors.check("email", EmailAddress::parse(&fields.email));
    let role = errors.check("role", chosen_role(&fields.role));
    let new = match (name, email, role) {
        (Some(name), Some(email), Some(role)) => Some(NewStaff { email, name, role }),
        _ => None,
    };
    Ok(errors.finish(new)?)
}

fn token_page(
    user: &ConsoleUser,
    row: StaffRow,
    token: String,
    created: bool,
) -> Result<HttpResponse, ConsoleError> {
    let heading = match (created, user.language) {
        (true, Language::It) => format!("Account creato: {}", row.name),
        (true, Language::En) => format!("Account created: {}", row.name),
        (false, Language::It) => format!("Nuovo token di {}", row.name),
        (false, Language::En) => format!("New token for {}", row.name),
    };
    let page = TokenPage {
        layout: user.layout(),
        heading,
        role: role_label(row.role, user.language),
        name: row.name,
        email: row.email,
        token,
    };
    Ok(page::render(HttpResponse::Ok(), &page)?)
}

/// `POST /console/admin/personale`: the new account's token page, or the
/// form again with what is wrong and what was typed.
pub async fn create_account(
    ConsoleForm { user, fields }: ConsoleForm<NewAccountFields>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let created = match parse_new_account(&fields) {
        Ok(new) => staff::create(&state.db, Actor::Staff(user.staff.id), new)
            .await
            .map_err(ApiError::from),
        Err(error) => Err(error),
    };
    match created {
        Ok((row, token)) => token_page(&user, row, token.as_str().to_owned(), true),
        Err(error) => {
            let (status, refusal) = Refusal::of(error, user.language)?;
            let feedback = Feedback {
                typed: fields,
                refusal,
                ..Feedback::default()
            };
            staff_page(&state, &user, status, feedback).await
        }
    }
}

/// The account named by the path, or the console's 404 page.
fn account_in_path(raw: &str) -> Result<StaffId, ConsoleError> {
    StaffId::parse(raw).ok_or(ConsoleError::NotFound)
}

/// The list again, saying why a change to `id` was refused.
async fn refused_change(
    state: &AppState,
    user: &ConsoleUser,
    id: StaffId,
    error: ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let (status, refusal) = Refusal::of(error, user.language)?;
    let name = staff::find(&state.db, id).await?.name;
    let reasons = if refusal.fields.is_empty() {
        refusal.detail
    } else {
        refusal
            .fields
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let action_refused = Some(match user.language {
        Language::It => format!("Nessuna modifica all'account di {name}: {reasons}."),
        Language::En => format!("{name}'s account was not changed: {reasons}."),
    });
    let feedback = Feedback {
        action_refused,
        ..Feedback::default()
    };
    staff_page(state, user, status, feedback).await
}

#[derive(Debug, Deserialize)]
pub struct RoleField {
    #[serde(default)]
    role: String,
}

/// `POST /console/admin/personale/{id}/ruolo`
pub async fn change_role(
    ConsoleForm { user, fields }: ConsoleForm<RoleField>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let id = account_in_path(&path)?;
    let changed = match chosen_role(&fields.role) {
        Ok(role) => {
            let change = StaffChange {
                role: Some(role),
                ..StaffChange::default()
            };
            staff::change(&state.db, Actor::Staff(user.staff.id), id, change)
                .await
                .map_err(ApiError::from)
        }
        Err(issue) => Err(ApiError::from(crate::domain::Invalid::field("role", issue))),
    };
    match changed {
        Ok(row) => Ok(done(&state, &user, Done::Role, &row)),
        Err(error) => refused_change(&state, &user, id, error).await,
    }
}

/// The three changes confirmed on a page first.
#[derive(Clone, Copy)]
enum Confirmed {
    Deactivate,
    NewToken,
    EndSessions,
}

impl Confirmed {
    fn segment(self) -> &'static str {
        match self {
            Confirmed::Deactivate => "disattiva",
            Confirmed::NewToken => "token",
            Confirmed::EndSessions => "sessioni",
        }
    }

    fn wording(self) -> &'static Wording {
        match self {
            Confirmed::Deactivate => &DEACTIVATE,
            Confirmed::NewToken => &NEW_TOKEN,
            Confirmed::EndSessions => &END_SESSIONS,
        }
    }

    fn page(self, user: &ConsoleUser, row: &StaffRow) -> ConfirmPage {
        let wording = self.wording();
        let say = |(it, en): (&'static str, &'static str)| {
            pick(user.language, it, en).replace("{name}", &row.name)
        };
        ConfirmPage {
            layout: user.layout(),
            question: say(wording.question),
            consequences: wording.consequences.iter().copied().map(say).collect(),
            action: format!("{STAFF_PAGE}/{}/{}", row.id, self.segment()),
            hidden: Vec::new(),
            confirm_label: say(wording.confirm),
            back: format!("{STAFF_PAGE}#account-{}", row.id),
        }
    }
}

/// A confirmation page's text, Italian and English; `{name}` is the
/// account's name.
struct Wording {
    question: (&'static str, &'static str),
    consequences: &'static [(&'static str, &'static str)],
    confirm: (&'static str, &'static str),
}

const DEACTIVATE: Wording = Wording {
    question: (
        "Disattivare l'account di {name}?",
        "Deactivate {name}'s account?",
    ),
    consequences: &[
        (
            "Il suo token di accesso all'API smette subito di funzionare.",
            "Its API access token stops working at once.",
        ),
        (
            "Tutte le sue sessioni nella console vengono chiuse.",
            "All its console sessions end.",
        ),
        (
            "L'account resta nell'elenco e può essere riattivato.",
            "The account stays listed and can be reactivated.",
        ),
    ],
    confirm: ("Disattiva l'account", "Deactivate the account"),
};

const NEW_TOKEN: Wording = Wording {
    question: (
        "Emettere un nuovo token per {name}?",
        "Issue a new token for {name}?",
    ),
    consequences: &[
        (
            "Il token attuale smette subito di funzionare: chi lo usa deve ricevere quello nuovo.",
            "The current token stops working at once: whoever uses it must get the new one.",
        ),
        (
            "Il nuovo token viene mostrato una sola volta, nella pagina seguente.",
            "The new token is shown only once, on the next page.",
        ),
    ],
    confirm: ("Emetti il nuovo token", "Issue the new token"),
};

const END_SESSIONS: Wording = Wording {
    question: (
        "Chiudere tutte le sessioni di {name}?",
        "End all of {name}'s sessions?",
    ),
    consequences: &[
        (
            "Esce subito dalla console su ogni dispositivo e deve accedere di nuovo.",
            "They are signed out of the console on every device at once and must sign in again.",
        ),
        (
            "Il token di accesso all'API non cambia.",
            "The API access token does not change.",
        ),
    ],
    confirm: ("Chiudi le sessioni", "End the sessions"),
};

async fn confirmation(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    confirmed: Confirmed,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let row = staff::find(&state.db, account_in_path(&path)?).await?;
    Ok(page::render(
        HttpResponse::Ok(),
        &confirmed.page(&user, &row),
    )?)
}

/// `GET /console/admin/personale/{id}/disattiva`: the confirmation step.
pub async fn confirm_deactivation(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    confirmation(user, state, path, Confirmed::Deactivate).await
}

/// `GET /console/admin/personale/{id}/token`: the confirmation step.
pub async fn confirm_new_token(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    confirmation(user, state, path, Confirmed::NewToken).await
}

/// `GET /console/admin/personale/{id}/sessioni`: the confirmation step.
pub async fn confirm_end_sessions(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    confirmation(user, state, path, Confirmed::EndSessions).await
}

/// Any form with only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// `POST /console/admin/personale/{id}/disattiva`
pub async fn deactivate(
    ConsoleForm { user, .. }: ConsoleForm<NoFields>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let id = account_in_path(&path)?;
    match staff::deactivate(&state.db, Actor::Staff(user.staff.id), id).await {
        Ok(row) => Ok(done(&state, &user, Done::Deactivated, &row)),
        Err(error) => refused_change(&state, &user, id, error.into()).await,
    }
}

/// `POST /console/admin/personale/{id}/riattiva`
pub async fn reactivate(
    ConsoleForm { user, .. }: ConsoleForm<NoFields>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let id = account_in_path(&path)?;
    let change = StaffChange {
        active: Some(true),
        ..StaffChange::default()
    };
    match staff::change(&state.db, Actor::Staff(user.staff.id), id, change).await {
        Ok(row) => Ok(done(&state, &user, Done::Reactivated, &row)),
        Err(error) => refused_change(&state, &user, id, error.into()).await,
    }
}

/// `POST /console/admin/personale/{id}/token`: the new token, shown once.
pub async fn issue_token(
    ConsoleForm { user, .. }: ConsoleForm<NoFields>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let id = account_in_path(&path)?;
    let (row, token) = staff::issue_token(&state.db, Actor::Staff(user.staff.id), id).await?;
    token_page(&user, row, token.as_str().to_owned(), false)
}

/// `POST /console/admin/personale/{id}/sessioni`
pub async fn end_sessions(
    ConsoleForm { user, .. }: ConsoleForm<NoFields>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let id = account_in_path(&path)?;
    let (row, ended) = staff::end_sessions(&state.db, Actor::Staff(user.staff.id), id).await?;
    Ok(done(&state, &user, Done::SessionsEnded(ended), &row))
}
