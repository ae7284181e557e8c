//! `/contributions`: the Rete Civica form posts here; the public reads
//! published contributions here.

pub mod body;
pub mod published;
pub mod submit;

pub use body::{parse_contribution, SubmissionRules, AUTHOR_FIELDS, MEETING_FIELDS};
pub use published::{list_published_contributions, show_published_contribution};
pub use submit::submit_contribution;
