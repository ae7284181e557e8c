//! What to export: the format, the moderation filters and whether personal
//! data are included.

use chrono::NaiveDateTime;

use super::record::time_text;
use super::ExportFormat;
use crate::db::contributions::ModerationFilter;
use crate::domain::ContributionStatus;

/// What to export.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    pub format: ExportFormat,
    pub filter: ModerationFilter,
    pub include_personal_data: bool,
}

impl ExportRequest {
    /// The rows of `filter`'s [`selection`].
    pub fn new(
        format: ExportFormat,
        filter: ModerationFilter,
        include_personal_data: bool,
    ) -> ExportRequest {
        ExportRequest {
            format,
            filter: selection(filter),
            include_personal_data,
        }
    }

    /// The filters as JSON, for the audit log.
    pub fn filters_json(&self) -> serde_json::Value {
        let f = &self.filter;
        let time = |t: Option<NaiveDateTime>| t.map(time_text);
        serde_json::json!({
            "status": f.statuses,
            "excluded_status": f.excluded_statuses,
            "thematic_area": f.thematic_areas,
            "tag": f.tags,
            "quartiere": f.quartieri,
            "channel": f.channels,
            "author_kind": f.author_kinds,
            "q": f.text,
            "received_from": time(f.received_from),
            "received_to": time(f.received_to),
        })
    }
}

/// The rows an export of `filter` takes: every status but spam and hidden
/// unless the filter names statuses (a hidden text was taken down, for
/// example because it names a private person).
pub fn selection(mut filter: ModerationFilter) -> ModerationFilter {
    if filter.statuses.is_empty() && filter.excluded_statuses.is_empty() {
        filter.excluded_statuses = vec![ContributionStatus::Spam, ContributionStatus::Hidden];
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spam_and_hidden_are_left_out_unless_statuses_are_named() {
        let default = ExportRequest::new(ExportFormat::Csv, ModerationFilter::default(), false);
        assert_eq!(
            default.filter.excluded_statuses,
            vec![ContributionStatus::Spam, ContributionStatus::Hidden]
        );
        let named = ExportRequest::new(
            ExportFormat::Csv,
            ModerationFilter {
                statuses: vec![ContributionStatus::Spam],
                ..ModerationFilter::default()
            },
            false,
        );
        assert!(named.filter.excluded_statuses.is_empty());
    }
}
