//! The console's sections, as the header's navigation and the home page
//! list them: each staff member sees those their role may use. A page
//! module adds its section here (one line) when it adds its routes.

use crate::domain::Role;
use crate::i18n::Language;

struct Section {
    path: &'static str,
    italian: &'static str,
    english: &'static str,
    /// Who may use it (admins always may).
    roles: &'static [Role],
}

const SECTIONS: &[Section] = &[
    Section {
        path: "/console/",
        italian: "Inizio",
        english: "Home",
        roles: &[Role::Moderator, Role::Researcher],
    },
    Section {
        path: "/console/coda",
        italian: "Coda di moderazione",
        english: "Moderation queue",
        roles: &[Role::Moderator],
    },
    Section {
        path: "/console/offline",
        italian: "Contributi ricevuti offline",
        english: "Offline contributions",
        roles: &[Role::Moderator],
    },
    Section {
        path: "/console/etichette",
        italian: "Etichette",
        english: "Tags",
        roles: &[Role::Moderator],
    },
    Section {
        path: "/console/esportazioni",
        italian: "Esportazioni",
        english: "Exports",
        roles: Role::EXPORTERS,
    },
    Section {
        path: "/console/admin",
        italian: "Amministrazione",
        english: "Administration",
        roles: &[Role::Admin],
    },
];

/// One link of the navigation.
pub struct NavLink {
    pub path: &'static str,
    pub label: &'static str,
    /// Whether the page shown is in this section (`aria-current="page"`).
    pub current: bool,
}

/// The sections `role` may use; `here` is the page shown.
pub fn links_for(role: Role, here: &str, language: Language) -> Vec<NavLink> {
    let path = here.split('?').next().unwrap_or(here);
    SECTIONS
        .iter()
        .filter(|section| role.may(section.roles))
        .map(|section| NavLink {
            path: section.path,
            label: match language {
                Language::It => section.italian,
                Language::En => section.english,
            },
            current: if section.path == "/console/" {
                path == "/console/" || path == "/console"
            } else {
                path == section.path || path.starts_with(&format!("{}/", section.path))
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(role: Role) -> Vec<&'static str> {
        links_for(role, "/console/", Language::It)
            .into_iter()
            .map(|link| link.path)
            .collect()
    }

    #[test]
    fn each_role_sees_its_sections() {
        assert!(paths(Role::Moderator).contains(&"/console/coda"));
        assert!(!paths(Role::Moderator).contains(&"/console/admin"));
        assert!(!paths(Role::Researcher).contains(&"/console/coda"));
        assert!(paths(Role::Researcher).contains(&"/console/esportazioni"));
        assert_eq!(paths(Role::Admin).len(), SECTIONS.len());
    }

    #[test]
    fn the_current_section_is_marked() {
        let links = links_for(Role::Moderator, "/console/coda/RF-000001?x=1", Language::En);
        let current: Vec<_> = links.iter().filter(|l| l.current).map(|l| l.path).collect();
        assert_eq!(current, ["/console/coda"]);
        assert_eq!(links[0].label, "Home");
    }
}
