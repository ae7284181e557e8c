//! `GET /console/admin`: the administration chores, for admins.

use actix_web::HttpResponse;
use askama::Template;

use super::{Chore, CHORES};
use crate::domain::Role;
use crate::http::console::{ConsoleError, ConsoleUser, Layout};
use crate::http::page;

#[derive(Template)]
#[template(path = "console/admin/index.html")]
struct AdminIndexPage {
    layout: Layout,
    chores: &'static [Chore],
}

pub async fn show_admin_index(user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    user.require(&[Role::Admin])?;
    let index = AdminIndexPage {
        layout: user.layout(),
        chores: CHORES,
    };
    Ok(page::render(HttpResponse::Ok(), &index)?)
}
