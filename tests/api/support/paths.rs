//! The API's paths, so that tests name what they reach rather than spell it.
//! Identifiers are anything printable (`&str`, `String`, a UUID).

use std::fmt::Display;

/// `/api/v1` followed by `rest`: for paths the API does not have.
pub fn api(rest: &str) -> String {
    format!("/api/v1{rest}")
}

/// `path?query`.
pub fn with_query(path: String, query: impl Display) -> String {
    format!("{path}?{query}")
}

pub fn status() -> String {
    api("/status")
}

pub fn openapi() -> String {
    api("/openapi.json")
}

pub fn indicators() -> String {
    api("/indicators")
}

pub fn consultation() -> String {
    api("/consultation")
}

pub fn thematic_areas() -> String {
    api("/thematic-areas")
}

/// The public listing; also where a submission is posted.
pub fn contributions() -> String {
    api("/contributions")
}

/// One published contribution.
pub fn contribution(id: impl Display) -> String {
    format!("{}/{id}", contributions())
}

/// The moderation queue; also where offline contributions are registered.
pub fn moderation_contributions() -> String {
    api("/moderation/contributions")
}

pub fn moderation_contribution(id: impl Display) -> String {
    format!("{}/{id}", moderation_contributions())
}

pub fn moderation_notes(id: impl Display) -> String {
    format!("{}/notes", moderation_contribution(id))
}

pub fn moderation_history(id: impl Display) -> String {
    format!("{}/history", moderation_contribution(id))
}

pub fn moderation_similar(id: impl Display) -> String {
    format!("{}/similar", moderation_contribution(id))
}

pub fn bulk_actions() -> String {
    api("/moderation/bulk-actions")
}

pub fn tags() -> String {
    api("/moderation/tags")
}

pub fn tag(name: impl Display) -> String {
    format!("{}/{name}", tags())
}

pub fn tag_merge(name: impl Display) -> String {
    format!("{}/merge", tag(name))
}

pub fn exports_contributions() -> String {
    api("/exports/contributions")
}

pub fn export_report() -> String {
    api("/exports/report")
}

pub fn datapackage() -> String {
    api("/exports/datapackage.json")
}

pub fn admin_staff() -> String {
    api("/admin/staff")
}

pub fn admin_staff_member(id: impl Display) -> String {
    format!("{}/{id}", admin_staff())
}

pub fn admin_thematic_areas() -> String {
    api("/admin/thematic-areas")
}

pub fn admin_thematic_area(code: impl Display) -> String {
    format!("{}/{code}", admin_thematic_areas())
}

pub fn erasure_requests() -> String {
    api("/admin/erasure-requests")
}

pub fn audit_log() -> String {
    api("/admin/audit-log")
}

pub fn outbox() -> String {
    api("/admin/outbox")
}

pub fn outbox_retry(id: impl Display) -> String {
    format!("{}/{id}/retry", outbox())
}
