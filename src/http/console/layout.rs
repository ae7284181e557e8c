//! What every console page passes to `templates/console/base.html`: the
//! language, who is signed in, the CSRF token for its forms, the navigation
//! and the language switch. A page template extends the base and has a
//! field named `layout` of this type.

use actix_web::HttpRequest;

use super::language::language_of;
use super::nav::{self, NavLink};
use super::session::ConsoleUser;
use crate::domain::Role;
use crate::i18n::Language;

/// The signed-in staff member, as the header shows them.
pub struct SignedInView {
    pub name: String,
    pub role: String,
}

/// The link to the page in the other language.
pub struct LanguageSwitch {
    pub href: String,
    pub label: &'static str,
    pub code: &'static str,
}

pub struct Layout {
    pub language: Language,
    pub user: Option<SignedInView>,
    /// The session's CSRF token: every state-changing form carries it in a
    /// hidden `csrf_token` field; scripts read it from the page's
    /// `<meta name="csrf-token">` and send it as `X-CSRF-Token`.
    pub csrf_token: String,
    pub nav: Vec<NavLink>,
    pub switch: LanguageSwitch,
}

impl Layout {
    /// The layout of a page for the signed-in `user`.
    pub fn for_user(user: &ConsoleUser) -> Layout {
        Layout {
            language: user.language,
            user: Some(SignedInView {
                name: user.staff.name.clone(),
                role: role_label(user.staff.role, user.language).to_owned(),
            }),
            csrf_token: user.csrf_token.clone(),
            nav: nav::links_for(user.staff.role, &user.here, user.language),
            switch: LanguageSwitch::new(user.language, &user.here),
        }
    }

    /// The layout of a page shown to someone not signed in (sign-in, errors).
    pub fn anonymous(request: &HttpRequest) -> Layout {
        let language = language_of(request);
        Layout {
            language,
            user: None,
            csrf_token: String::new(),
            nav: Vec::new(),
            switch: LanguageSwitch::new(language, &here(request)),
        }
    }

    /// The text in the page's language: `{{ layout.tr("Esci", "Sign out") }}`.
    pub fn tr<'a>(&self, italian: &'a str, english: &'a str) -> &'a str {
        match self.language {
            Language::It => italian,
            Language::En => english,
        }
    }

    /// The `lang` attribute of the page.
    pub fn lang(&self) -> &'static str {
        self.language.code()
    }
}

impl LanguageSwitch {
    fn new(current: Language, here: &str) -> LanguageSwitch {
        let (code, label) = match current {
            Language::It => ("en", "English"),
            Language::En => ("it", "Italiano"),
        };
        let next = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
        LanguageSwitch {
            href: format!("/console/lingua/{code}?{next}"),
            label,
            code,
        }
    }
}

/// The path and query of `request`, to come back to it.
pub fn here(request: &HttpRequest) -> String {
    let uri = request.uri();
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned())
}

pub fn role_label(role: Role, language: Language) -> &'static str {
    match (role, language) {
        (Role::Moderator, Language::It) => "moderazione",
        (Role::Moderator, Language::En) => "moderator",
        (Role::Researcher, Language::It) => "ricerca",
        (Role::Researcher, Language::En) => "researcher",
        (Role::Admin, Language::It) => "amministrazione",
        (Role::Admin, Language::En) => "administrator",
    }
}
