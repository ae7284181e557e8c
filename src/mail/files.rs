//! The `.eml` files of the file transport hold the messages as sent, names
//! and addresses included: erasure removes those to an erased address, and
//! retention those older than its period.

use std::path::Path;
use std::time::SystemTime;

use crate::config::MailTransport;
use crate::domain::normalise_email;

/// The directory of the file transport, if that is the one configured.
pub fn directory(transport: &MailTransport) -> Option<&Path> {
    match transport {
        MailTransport::File(dir) => Some(dir),
        _ => None,
    }
}

/// Removes every message file in `dir` that names `address` (compared
/// normalised); returns how many it removed.
pub fn remove_messages_to(dir: &Path, address: &str) -> usize {
    let address = normalise_email(address);
    remove_where(dir, |path| {
        std::fs::read(path)
            .map(|bytes| normalise_email(&String::from_utf8_lossy(&bytes)).contains(&address))
            .unwrap_or(false)
    })
}

/// Removes the message files in `dir` last written before `cutoff`.
pub fn remove_messages_before(dir: &Path, cutoff: SystemTime) -> usize {
    remove_where(dir, |path| {
        std::fs::metadata(path)
            .and_then(|m| m.modified())
            .is_ok_and(|written| written < cutoff)
    })
}

fn remove_where(dir: &Path, matches: impl Fn(&Path) -> bool) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for path in entries.filter_map(Result::ok).map(|entry| entry.path()) {
        let message = path.extension().is_some_and(|e| e == "eml" || e == "json");
        if message && matches(&path) {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(error) => {
                    tracing::warn!(%error, file = %path.display(), "mail file not removed")
                }
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn only_message_files_past_the_cutoff_or_to_the_address_go() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("a.eml", "To: elodie@EXÄMPLE.org\r\n\r\nciao");
        write("b.eml", "To: luca@example.org\r\n\r\nciao");
        write("notes.txt", "elodie@exämple.org");
        assert_eq!(remove_messages_to(dir.path(), "Elodie@exämple.org"), 1);
        assert!(!dir.path().join("a.eml").exists());
        assert!(dir.path().join("b.eml").exists());
        assert!(dir.path().join("notes.txt").exists(), "not a message file");
        assert_eq!(remove_messages_before(dir.path(), UNIX_EPOCH), 0);
        let later = SystemTime::now() + Duration::from_secs(5);
        assert_eq!(remove_messages_before(dir.path(), later), 1);
        assert!(!dir.path().join("b.eml").exists());
    }
}
