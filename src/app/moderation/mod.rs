//! Moderation use cases: the queue, one contribution's review, notes,
//! offline registration, bulk actions, tags and near-duplicates.

pub mod bulk;
pub mod claims;
pub mod detail;
pub mod filter;
pub mod notes;
pub mod offline;
pub mod plan;
pub mod queue;
pub mod reasons;
pub mod review;
pub mod similar;
pub mod tags;

pub use detail::ContributionDetail;
pub use filter::ModerationQuery;
pub use review::ModerationRequest;
