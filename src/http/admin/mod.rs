//! `/admin/…`: staff accounts, thematic areas, the audit log, the e-mail
//! outbox and erasure requests, one file each.

pub mod areas;
pub mod audit_log;
pub mod erasure;
pub mod outbox;
pub mod settings;
pub mod staff;

pub use areas::{change_thematic_area, create_thematic_area};
pub use audit_log::list_audit_events;
pub use erasure::erase_personal_data;
pub use outbox::{
    list_outbox, retry_failed_outbox_messages, retry_outbox_message, show_outbox_message,
};
pub use settings::show_settings;
pub use staff::{
    change_staff, create_staff, deactivate_staff, end_staff_sessions, issue_staff_token, list_staff,
};
