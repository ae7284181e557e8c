//! `/admin/staff`: staff accounts.

use actix_web::{delete, get, patch, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::app::staff::{self, NewStaff, StaffChange};
use crate::clock;
use crate::db::staff::StaffRow;
use crate::domain::{Actor, EmailAddress, PersonName, Role};
use crate::error::{ApiError, Problem};
use crate::http::auth::Admin;
use crate::http::extract::StaffPath;
use crate::http::input::{boolean, text, DocumentedBody, JsonFields};
use crate::http::moderation::views::no_store;
use crate::http::problems::{AdminProblems, JsonBodyProblems};
use crate::http::AppState;

/// A staff account. The token is never shown again after creation.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffAccount {
    pub id: Uuid,
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 80)]
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub deactivated_at: Option<DateTime<Utc>>,
}

impl From<StaffRow> for StaffAccount {
    fn from(row: StaffRow) -> Self {
        StaffAccount {
            id: row.id.uuid(),
            email: row.email,
            name: row.name,
            role: row.role,
            active: row.active,
            created_at: clock::utc(row.created_at),
            deactivated_at: row.deactivated_at.map(clock::utc),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffList {
    #[schema(max_items = 10000)]
    pub items: Vec<StaffAccount>,
}

/// A new account and its token, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedStaffAccount {
    #[serde(flatten)]
    pub account: StaffAccount,
    /// Bearer token; only its hash is kept.
    #[schema(max_length = 100)]
    pub token: String,
}

/// The data of a new account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct NewStaffAccount {
    #[schema(max_length = 254)]
    email: String,
    #[schema(min_length = 1, max_length = 80)]
    name: String,
    role: Role,
}

impl DocumentedBody for NewStaffAccount {
    const FIELDS: &'static [&'static str] = &["email", "name", "role"];
}

/// Changes to an account; all optional.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct StaffAccountPatch {
    #[schema(min_length = 1, max_length = 80)]
    name: Option<String>,
    role: Option<Role>,
    /// `false` deactivates (the token stops at once), `true` reactivates.
    active: Option<bool>,
}

impl DocumentedBody for StaffAccountPatch {
    const FIELDS: &'static [&'static str] = &["name", "role", "active"];
}

/// List staff accounts
///
/// Every account, active or not.
#[utoipa::path(
    get,
    path = "/admin/staff",
    tag = "amministrazione",
    operation_id = "list_staff",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The accounts.", body = StaffList),
        AdminProblems,
    )
)]
#[get("/admin/staff")]
pub async fn list_staff(_: Admin, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = staff::list(&state.db).await?;
    let items = rows.into_iter().map(StaffAccount::from).collect();
    Ok(no_store(HttpResponse::Ok(), StaffList { items }))
}

/// Create a staff account
///
/// Answers with the account and its token, shown only this once. 422 when
/// the e-mail has an account already.
#[utoipa::path(
    post,
    path = "/admin/staff",
    tag = "amministrazione",
    operation_id = "create_staff",
    request_body(content = NewStaffAccount, content_type = "application/json"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The account and its token.", body = CreatedStaffAccount),
        AdminProblems,
        JsonBodyProblems,
    )
)]
#[post("/admin/staff")]
pub async fn create_staff(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<NewStaffAccount>,
) -> Result<HttpResponse, ApiError> {
    let new = object.and_then(|mut object| {
        let email = object.required("email", &mut errors, text(EmailAddress::parse));
        let name = object.required("name", &mut errors, text(PersonName::parse));
        let role = object.required("role", &mut errors, text(Role::parse));
        Some(NewStaff {
            email: email?,
            name: name?,
            role: role?,
        })
    });
    let new = errors.finish(new)?;
    let (row, token) = staff::create(&state.db, Actor::Staff(admin.id), new).await?;
    let created = CreatedStaffAccount {
        account: row.into(),
        token: token.as_str().to_owned(),
    };
    Ok(no_store(HttpResponse::Created(), created))
}

/// Change a staff account
///
/// A JSON merge patch of `name`, `role` and `active`: rename, change the
/// role, deactivate (`false`: the token stops at once) or reactivate
/// (`true`: the account's token works again). Nobody deactivates themself,
/// and the last active admin can be neither deactivated nor demoted (422
/// naming the field).
#[utoipa::path(
    patch,
    path = "/admin/staff/{id}",
    tag = "amministrazione",
    operation_id = "change_staff",
    params(("id" = Uuid, Path, description = "Identifier of the account.")),
    request_body(content = StaffAccountPatch, content_type = "application/merge-patch+json"),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account after the change.", body = StaffAccount),
        AdminProblems,
        JsonBodyProblems,
        (status = 404, description = "No such account.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/admin/staff/{id}")]
pub async fn change_staff(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    StaffPath(id): StaffPath,
    JsonFields {
        object, mut errors, ..
    }: JsonFields<StaffAccountPatch>,
) -> Result<HttpResponse, ApiError> {
    let change = object.and_then(|mut object| {
        let name = object.optional("name", &mut errors, text(PersonName::parse));
        let role = object.optional("role", &mut errors, text(Role::parse));
        let active = object.optional("active", &mut errors, boolean);
        Some(StaffChange {
            name: name?,
            role: role?,
            active: active?,
        })
    });
    let change = errors.finish(change)?;
    let row = staff::change(&state.db, Actor::Staff(admin.id), id, change).await?;
    Ok(no_store(HttpResponse::Ok(), StaffAccount::from(row)))
}

/// Issue a new token for a staff account
///
/// The new token is shown only in this answer; the old one stops working
/// at once.
#[utoipa::path(
    post,
    path = "/admin/staff/{id}/token",
    tag = "amministrazione",
    operation_id = "issue_staff_token",
    params(("id" = Uuid, Path, description = "Identifier of the account.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account and its new token.", body = CreatedStaffAccount),
        AdminProblems,
        (status = 404, description = "No such account.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/admin/staff/{id}/token")]
pub async fn issue_staff_token(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    StaffPath(id): StaffPath,
) -> Result<HttpResponse, ApiError> {
    let (row, token) = staff::issue_token(&state.db, Actor::Staff(admin.id), id).await?;
    let issued = CreatedStaffAccount {
        account: row.into(),
        token: token.as_str().to_owned(),
    };
    Ok(no_store(HttpResponse::Ok(), issued))
}

/// How many console sessions ended.
#[derive(Debug, Serialize, ToSchema)]
pub struct EndedSessions {
    #[schema(format = Int64, minimum = 0)]
    pub ended: u64,
}

/// End an account's console sessions
///
/// Signs the account out of every browser at once; its API token is not
/// touched (issue a new one for that). Audited with the count.
#[utoipa::path(
    delete,
    path = "/admin/staff/{id}/sessions",
    tag = "amministrazione",
    operation_id = "end_staff_sessions",
    params(("id" = Uuid, Path, description = "Identifier of the account.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many sessions ended.", body = EndedSessions),
        AdminProblems,
        (status = 404, description = "No such account.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/staff/{id}/sessions")]
pub async fn end_staff_sessions(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    StaffPath(id): StaffPath,
) -> Result<HttpResponse, ApiError> {
    let (_, ended) = staff::end_sessions(&state.db, Actor::Staff(admin.id), id).await?;
    let ended = EndedSessions {
        ended: ended as u64,
    };
    Ok(no_store(HttpResponse::Ok(), ended))
}

/// Deactivate a staff account
///
/// The account's token stops working at once. The account stays listed.
#[utoipa::path(
    delete,
    path = "/admin/staff/{id}",
    tag = "amministrazione",
    operation_id = "deactivate_staff",
    params(("id" = Uuid, Path, description = "Identifier of the account.")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The deactivated account.", body = StaffAccount),
        AdminProblems,
        (status = 404, description = "No such account.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Your own account, or the last active admin: `id` is named in `errors`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/admin/staff/{id}")]
pub async fn deactivate_staff(
    Admin(admin): Admin,
    state: web::Data<AppState>,
    StaffPath(id): StaffPath,
) -> Result<HttpResponse, ApiError> {
    let row = staff::deactivate(&state.db, Actor::Staff(admin.id), id).await?;
    Ok(no_store(HttpResponse::Ok(), StaffAccount::from(row)))
}
