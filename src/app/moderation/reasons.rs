//! The standard reasons a moderator picks from when rejecting a
//! contribution (`RINASCE_REJECTION_REASONS`, separated by `|`); a reason
//! may always be written instead.

/// The reasons when none are configured.
pub const DEFAULT_REJECTION_REASONS: &[&str] = &[
    "Fuori tema rispetto alla strategia",
    "Linguaggio offensivo o discriminatorio",
    "Contiene dati personali di terzi",
    "Pubblicità o contenuto commerciale",
    "Testo incomprensibile o incompleto",
];

/// Reads `raw` (`reason one|reason two`): each reason 1–1000 characters on
/// one line, at most 30 of them.
pub fn parse_reasons(raw: &str) -> Result<Vec<String>, String> {
    let reasons: Vec<String> = raw
        .split('|')
        .map(str::trim)
        .filter(|reason| !reason.is_empty())
        .map(str::to_owned)
        .collect();
    if reasons.is_empty() {
        return Err("expected reasons separated by |".into());
    }
    if reasons.len() > 30 {
        return Err("at most 30 reasons".into());
    }
    if let Some(bad) = reasons
        .iter()
        .find(|r| r.chars().count() > 1000 || r.chars().any(char::is_control))
    {
        return Err(format!(
            "{bad:?} is longer than 1000 characters or not one line"
        ));
    }
    Ok(reasons)
}

pub fn default_reasons() -> Vec<String> {
    DEFAULT_REJECTION_REASONS
        .iter()
        .map(|r| (*r).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_split_on_bars_and_trimmed() {
        assert_eq!(
            parse_reasons(" Fuori tema | Offensivo ||").unwrap(),
            vec!["Fuori tema", "Offensivo"]
        );
        assert!(parse_reasons(" | ").is_err());
        assert!(parse_reasons(&"x|".repeat(31)).is_err());
        assert!(parse_reasons("una\triga").is_err());
    }
}
