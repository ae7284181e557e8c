//! Reading a merge-patch or bulk body into a moderation request. Each
//! documented body type names the fields its parser accepts, so the two
//! cannot drift apart (see `tests::documented_fields_are_the_parsed_ones`
//! in `http::openapi`).

use serde_json::Value;

use crate::app::moderation::ModerationRequest;
use crate::domain::text::{bounded_text, Lines};
use crate::domain::{ContributionRef, ContributionStatus, FieldIssue, TagName, ThematicAreaCode};
use crate::http::input::{text, FieldErrors, JsonObject};

fn reason(value: Value) -> Result<String, FieldIssue> {
    text(|raw| bounded_text(raw, 1, 1000, Lines::Multi))(value)
}

fn tag_list(value: Value) -> Result<Vec<TagName>, FieldIssue> {
    let Value::Array(items) = value else {
        return Err(FieldIssue::ExpectedArray);
    };
    if items.len() > 100 {
        return Err(FieldIssue::TooManyItems { max: 100 });
    }
    items
        .into_iter()
        .map(|item| text(TagName::from_words)(item))
        .collect()
}

fn contribution_reference(value: Value) -> Result<ContributionRef, FieldIssue> {
    text(|raw| ContributionRef::parse(raw).ok_or(FieldIssue::DuplicateOfUnknown))(value)
}

/// The change asked for by the fields of `object`; absent fields change nothing.
pub fn parse_request(object: &mut JsonObject, errors: &mut FieldErrors) -> ModerationRequest {
    let status = object.optional("status", errors, text(ContributionStatus::parse));
    let status_reason = if object.has("status_reason") {
        object.optional("status_reason", errors, reason)
    } else {
        None
    };
    let duplicate_of = if object.has("duplicate_of") {
        object.optional("duplicate_of", errors, contribution_reference)
    } else {
        None
    };
    let thematic_area = object.optional("thematic_area", errors, text(ThematicAreaCode::parse));
    // In a merge patch `"tags": null` clears the set.
    let clears_tags = object.has("tags");
    let tags = object
        .optional("tags", errors, tag_list)
        .map(|tags| tags.or_else(|| clears_tags.then(Vec::new)));
    let add_tags = object.optional("add_tags", errors, tag_list);
    let remove_tags = object.optional("remove_tags", errors, tag_list);
    ModerationRequest {
        status: status.flatten(),
        status_reason,
        duplicate_of,
        thematic_area: thematic_area.flatten(),
        tags: tags.flatten(),
        add_tags: add_tags.flatten().unwrap_or_default(),
        remove_tags: remove_tags.flatten().unwrap_or_default(),
    }
}
