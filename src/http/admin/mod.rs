//! `/admin/…`: staff accounts, thematic areas, the audit log, the e-mail
//! outbox and erasure requests, one file each.

pub mod areas;
pub mod audit_log;
pub mod erasure;
pub mod outbox;
pub mod staff;

pub use areas::{change_thematic_area, create_thematic_area};
pub use audit_log::list_audit_events;
pub use erasure::erase_personal_data;
pub use outbox::{list_outbox, retry_outbox_message};
pub use staff::{create_staff, deactivate_staff, list_staff};
