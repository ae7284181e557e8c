//! How many exports each staff account runs at once: an export beyond
//! `RINASCE_EXPORTS_PER_ACCOUNT` is refused with 429, so that one account
//! cannot tie up the server with exports its clients never read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Seconds a refused client is told to wait: exports of ordinary size end
/// well within it.
pub const RETRY_AFTER_SECONDS: u64 = 30;

/// The exports running now, by staff account.
#[derive(Clone, Default)]
pub struct ExportSlots {
    running: Arc<Mutex<HashMap<String, usize>>>,
    per_account: usize,
}

/// One running export; its slot is given back when it is dropped.
pub struct ExportSlot {
    slots: ExportSlots,
    account: String,
}

impl ExportSlots {
    pub fn new(per_account: usize) -> ExportSlots {
        ExportSlots {
            running: Arc::default(),
            per_account,
        }
    }

    /// A slot for `account`, or `None` when it already runs as many exports
    /// as it may.
    pub fn take(&self, account: &str) -> Option<ExportSlot> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        let count = running.entry(account.to_owned()).or_default();
        if *count >= self.per_account {
            return None;
        }
        *count += 1;
        Some(ExportSlot {
            slots: self.clone(),
            account: account.to_owned(),
        })
    }
}

impl Drop for ExportSlot {
    fn drop(&mut self) {
        let mut running = self.slots.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = running.get_mut(&self.account) {
            *count -= 1;
            if *count == 0 {
                running.remove(&self.account);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExportSlots;

    #[test]
    fn counts_per_account_and_gives_slots_back() {
        let slots = ExportSlots::new(2);
        let first = slots.take("a").expect("first");
        let _second = slots.take("a").expect("second");
        assert!(slots.take("a").is_none(), "a third for the same account");
        assert!(slots.take("b").is_some(), "another account is not affected");
        drop(first);
        assert!(
            slots.take("a").is_some(),
            "a slot comes back when an export ends"
        );
    }
}
