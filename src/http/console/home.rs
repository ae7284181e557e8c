//! `GET /console/`: who is signed in, and the sections their role may use.

use actix_web::HttpResponse;
use askama::Template;

use super::error::ConsoleError;
use super::layout::{role_label, Layout};
use super::session::ConsoleUser;
use crate::http::page;

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    layout: Layout,
    email: String,
    role: &'static str,
}

pub async fn show_home(user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    let home = HomePage {
        layout: user.layout(),
        email: user.staff.email.clone(),
        role: role_label(user.staff.role, user.language),
    };
    Ok(page::render(HttpResponse::Ok(), &home)?)
}
