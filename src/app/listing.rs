//! The order of a listing, read from its `sort` parameter, shared by the
//! public listing and the moderation queue.

use crate::db::contributions::Order;
use crate::domain::{FieldErrors, FieldIssue};

/// The order named by `sort` among `choices` (`default` when absent).
/// `relevance` ranks the matches of a search, so it needs words in `q`
/// (a receipt reference finds one contribution, which it ranks trivially);
/// without them it is refused, naming `sort`.
pub fn order(
    sort: Option<&str>,
    choices: &[(&str, Order)],
    default: Order,
    q: Option<&str>,
    errors: &mut FieldErrors,
) -> Order {
    let Some(sort) = sort else {
        return default;
    };
    match choices.iter().find(|(name, _)| *name == sort.trim()) {
        Some((_, Order::Relevance)) if q.is_none_or(|q| q.trim().is_empty()) => {
            errors.add("sort", FieldIssue::RelevanceNeedsSearch);
            default
        }
        Some((_, order)) => *order,
        None => {
            errors.add(
                "sort",
                FieldIssue::UnknownValue {
                    allowed: choices.iter().map(|(name, _)| (*name).to_owned()).collect(),
                },
            );
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHOICES: &[(&str, Order)] = &[
        ("-published_at", Order::Publication),
        ("relevance", Order::Relevance),
    ];

    #[test]
    fn relevance_needs_words_to_rank() {
        let mut errors = FieldErrors::default();
        let sort =
            |raw, q, errors: &mut FieldErrors| order(raw, CHOICES, Order::Publication, q, errors);
        assert_eq!(sort(None, None, &mut errors), Order::Publication);
        assert_eq!(
            sort(Some("relevance"), Some("piste"), &mut errors),
            Order::Relevance
        );
        assert!(errors.is_empty());
        sort(Some("relevance"), None, &mut errors);
        sort(Some("relevance"), Some("  "), &mut errors);
        sort(Some("newest"), None, &mut errors);
        let failed = errors.finish(Some(())).unwrap_err().0;
        assert_eq!(failed.len(), 3);
        assert_eq!(failed[0].issue, FieldIssue::RelevanceNeedsSearch);
    }
}
