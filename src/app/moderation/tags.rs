//! The tags moderators use: listing them with their counts, renaming one,
//! and merging one into another. A rename or a merge is one transaction:
//! every contribution that carried the tag carries the new one (once), gets
//! a new version and a `tags_changed` event, the old tag is deleted, and
//! one event names the old and the new tag.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;

use crate::app::{AppError, Resource, Services};
use crate::clock;
use crate::db::{audit, contributions, tags, DbConnection};
use crate::domain::{Actor, AuditEvent, ContributionId, FieldIssue, StaffId, TagName};

/// Contributions retagged per statement, well under either backend's limit
/// of bound parameters.
const RETAG_CHUNK: usize = 500;

/// Every tag, in use or created, with how many contributions carry it.
pub async fn counts(services: &Services) -> Result<Vec<(String, i64)>, AppError> {
    Ok(services.db.read(tags::tag_counts).await?)
}

/// A tag after a rename or a merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagChange {
    /// The tag the contributions now carry.
    pub tag: String,
    /// How many carry it.
    pub count: i64,
    /// How many contributions changed.
    pub changed: usize,
}

/// Renames the tag `from` to `to`. Renaming onto an existing tag is refused
/// (`TagExists`): that is a merge, which the caller must ask for. The same
/// name changes nothing.
pub async fn rename(
    services: &Services,
    actor: StaffId,
    from: TagName,
    to: TagName,
) -> Result<TagChange, AppError> {
    services
        .db
        .write(move |conn| {
            let (from, to) = (from.as_str(), to.as_str());
            let found = lock_both(conn, from, to)?;
            let Some(created_at) = found.get(from).copied() else {
                return Err(AppError::NotFound(Resource::Tag));
            };
            if from == to {
                return changed(conn, to, 0);
            }
            let exists = || AppError::TagExists {
                from: from.to_owned(),
                name: to.to_owned(),
            };
            if found.contains_key(to) {
                return Err(exists());
            }
            // A concurrent creation of the same name is the same refusal.
            match tags::create(conn, to, created_at) {
                Err(error) if error.is_unique_violation() => return Err(exists()),
                other => other?,
            }
            let now = clock::now().naive_utc();
            let moved = move_tag(conn, actor, from, to, now)?;
            let event = AuditEvent::tag_renamed(from, to, moved);
            audit::record(conn, Actor::Staff(actor), event, now)?;
            changed(conn, to, moved)
        })
        .await
}

/// Merges the tag `from` into the existing tag `into`, then deletes `from`.
pub async fn merge(
    services: &Services,
    actor: StaffId,
    from: TagName,
    into: TagName,
) -> Result<TagChange, AppError> {
    services
        .db
        .write(move |conn| {
            let (from, into) = (from.as_str(), into.as_str());
            let found = lock_both(conn, from, into)?;
            check_merge(|name| found.contains_key(name), from, into)?;
            let now = clock::now().naive_utc();
            let moved = move_tag(conn, actor, from, into, now)?;
            let event = AuditEvent::tag_merged(from, into, moved);
            audit::record(conn, Actor::Staff(actor), event, now)?;
            changed(conn, into, moved)
        })
        .await
}

/// The two tags of a merge as they are now, for the moderator to confirm
/// it: refused as the merge itself would be.
pub async fn merge_preview(
    services: &Services,
    from: TagName,
    into: TagName,
) -> Result<(TagCount, TagCount), AppError> {
    services
        .db
        .read(move |conn| {
            let (from, into) = (from.as_str(), into.as_str());
            let found = tags::existing(conn, &[from.to_owned(), into.to_owned()])?;
            check_merge(|name| found.iter().any(|tag| tag == name), from, into)?;
            Ok((count_of(conn, from)?, count_of(conn, into)?))
        })
        .await
}

/// A tag with how many contributions carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagCount {
    pub tag: String,
    pub count: i64,
}

fn count_of(conn: &mut DbConnection, tag: &str) -> Result<TagCount, AppError> {
    Ok(TagCount {
        tag: tag.to_owned(),
        count: tags::count(conn, tag)?,
    })
}

/// Why `from` cannot be merged into `into`, given which tags `exist`:
/// `from` missing (404), `into` the same or missing (422 on `into`).
fn check_merge(exists: impl Fn(&str) -> bool, from: &str, into: &str) -> Result<(), AppError> {
    if !exists(from) {
        return Err(AppError::NotFound(Resource::Tag));
    }
    if from == into {
        return Err(AppError::invalid("into", FieldIssue::SameTag));
    }
    if !exists(into) {
        let issue = FieldIssue::NoSuchValue {
            value: into.to_owned(),
        };
        return Err(AppError::invalid("into", issue));
    }
    Ok(())
}

/// Locks the two tags (those that exist), always in the same order.
fn lock_both(
    conn: &mut DbConnection,
    a: &str,
    b: &str,
) -> Result<BTreeMap<String, NaiveDateTime>, AppError> {
    let mut names = [a, b];
    names.sort_unstable();
    Ok(tags::lock(conn, &names)?)
}

fn changed(conn: &mut DbConnection, tag: &str, changed: usize) -> Result<TagChange, AppError> {
    Ok(TagChange {
        tag: tag.to_owned(),
        count: tags::count(conn, tag)?,
        changed,
    })
}

/// Every contribution carrying `from` carries `into` instead (which must
/// exist), with a new version and its own event; then `from` is deleted.
/// Answers how many contributions changed.
fn move_tag(
    conn: &mut DbConnection,
    actor: StaffId,
    from: &str,
    into: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let carriers = tags::carriers(conn, from)?;
    for chunk in carriers.chunks(RETAG_CHUNK) {
        let before = tags::tags_of(conn, chunk)?;
        tags::retag(conn, chunk, from, into)?;
        contributions::touch_all(conn, chunk, now)?;
        for (id, tags) in before {
            audit::record(
                conn,
                Actor::Staff(actor),
                retagged(id, &tags, from, into),
                now,
            )?;
        }
    }
    tags::delete(conn, from)?;
    Ok(carriers.len())
}

/// The `tags_changed` event of one contribution whose `from` became `into`.
fn retagged(id: ContributionId, before: &[String], from: &str, into: &str) -> AuditEvent {
    let after: BTreeSet<&str> = before
        .iter()
        .map(|tag| if tag == from { into } else { tag.as_str() })
        .collect();
    let after: Vec<&str> = after.into_iter().collect();
    AuditEvent::tags_changed(id, before.join(","), after.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retagged_contribution_keeps_its_other_tags_once() {
        let id = ContributionId::generate();
        let before = ["mercati".to_owned(), "verde".to_owned()];
        let event = retagged(id, &before, "mercati", "mercati-rionali");
        assert_eq!(event.from.as_deref(), Some("mercati,verde"));
        assert_eq!(event.to.as_deref(), Some("mercati-rionali,verde"));
        let both = ["mercati".to_owned(), "mercati-rionali".to_owned()];
        let event = retagged(id, &both, "mercati", "mercati-rionali");
        assert_eq!(event.to.as_deref(), Some("mercati-rionali"));
    }
}
