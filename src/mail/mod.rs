//! E-mail: messages rendered from templates compiled into the binary, and the
//! outbox they are queued in, in the same transaction as their event.

pub mod messages;
pub mod outbox;

pub use messages::Message;
