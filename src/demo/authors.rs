//! Demo authors: derived from a number, so that the same number always gives
//! the same person (and the same e-mail) without keeping a list.

use super::phrases::{CULTURAL_NAMES, FAMILY_NAMES, GIVEN_NAMES, OTHER_NAMES, TRADE_NAMES};
use super::random::Random;
use crate::domain::{AuthorKind, Quartiere};

/// One author, before the domain types check the values.
pub(super) struct Author {
    pub kind: AuthorKind,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub organization_name: Option<String>,
    pub email: String,
    pub quartiere: Option<Quartiere>,
}

pub(super) fn author(seed: u64, number: u64) -> Author {
    let mut random = Random(seed ^ number.wrapping_mul(0xA24B_AED4_963E_E407));
    let kind = random.weighted(&[
        (AuthorKind::Citizen, 78),
        (AuthorKind::CulturalAssociation, 9),
        (AuthorKind::TradeAssociation, 7),
        (AuthorKind::OtherOrganization, 6),
    ]);
    let given_name = *random.pick(GIVEN_NAMES);
    let family_name = *random.pick(FAMILY_NAMES);
    let quartiere = random
        .chance(0.85)
        .then(|| Quartiere::ALL[random.below(Quartiere::ALL.len())]);
    let organization_name = match kind {
        AuthorKind::Citizen => None,
        AuthorKind::CulturalAssociation => Some(random.pick(CULTURAL_NAMES).to_string()),
        AuthorKind::TradeAssociation => Some(random.pick(TRADE_NAMES).to_string()),
        AuthorKind::OtherOrganization => Some(random.pick(OTHER_NAMES).to_string()),
    }
    .map(|name| match quartiere {
        Some(q) => format!("{name} – Quartiere {}", q.number()),
        None => name,
    });
    let local: String = format!("{given_name}.{family_name}")
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'à' | 'á' => Some('a'),
            'è' | 'é' => Some('e'),
            'ì' => Some('i'),
            'ò' => Some('o'),
            'ù' => Some('u'),
            c if c.is_ascii_alphanumeric() || c == '.' => Some(c),
            _ => None,
        })
        .collect();
    let domain = random.pick(&["example.org", "example.com", "example.net"]);
    Author {
        kind,
        given_name,
        family_name,
        organization_name,
        email: format!("{local}.{number}@{domain}"),
        quartiere,
    }
}

#[cfg(test)]
mod tests {
    use super::author;

    #[test]
    fn an_author_number_is_always_the_same_person() {
        let a = author(7, 42);
        let b = author(7, 42);
        assert_eq!(a.email, b.email);
        assert!(
            a.email.ends_with(".42@example.org")
                || a.email.ends_with(".42@example.com")
                || a.email.ends_with(".42@example.net")
        );
        assert!(a.email.is_ascii());
    }
}
