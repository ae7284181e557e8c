//! Telling a bot from a person without bothering the person: a honeypot
//! field people never see, and a minimum time between showing the form and
//! sending it. The time is carried by a token the service signs (HMAC-SHA256
//! over the moment it was issued), so a bot cannot claim to have started
//! earlier than it did; an unsigned `form_started_at` could simply be
//! backdated. A token that does not verify, or is older than a day, is no
//! evidence either way: the fields are optional, and a restart with a new
//! key must not turn citizens into bots.

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// After this long a token says nothing (a tab left open overnight).
const TOKEN_LIFETIME: TimeDelta = TimeDelta::days(1);
const CONTEXT: &[u8] = b"rinasce-form-token-v1:";

/// What a form sent besides the contribution.
#[derive(Clone, Debug, Default)]
pub struct BotSignals {
    /// The hidden field: people leave it empty.
    pub honeypot: Option<String>,
    /// The token the form was rendered with.
    pub form_token: Option<String>,
}

/// Why a submission is taken for a bot's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BotSign {
    HoneypotFilled,
    TooFast,
}

impl BotSign {
    /// The reason moderators read on the contribution stored as spam.
    pub fn reason(self) -> &'static str {
        match self {
            BotSign::HoneypotFilled => {
                "Rilevato automaticamente: compilato il campo nascosto che le persone non vedono."
            }
            BotSign::TooFast => {
                "Rilevato automaticamente: inviato troppo presto dopo l'apertura del modulo."
            }
        }
    }
}

/// Issues and reads form tokens with one secret key.
#[derive(Clone)]
pub struct FormGuard {
    key: Vec<u8>,
    min_fill: TimeDelta,
}

impl FormGuard {
    pub fn new(key: &[u8], min_fill_seconds: u32) -> FormGuard {
        FormGuard {
            key: key.to_vec(),
            min_fill: TimeDelta::seconds(i64::from(min_fill_seconds)),
        }
    }

    pub fn min_fill_seconds(&self) -> i64 {
        self.min_fill.num_seconds()
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes a key of any length.
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key length")
    }

    /// A token saying the form was shown at `now`.
    pub fn issue(&self, now: DateTime<Utc>) -> String {
        let issued = now.timestamp();
        let mut mac = self.mac();
        mac.update(CONTEXT);
        mac.update(issued.to_string().as_bytes());
        format!("{issued}.{}", hex::encode(mac.finalize().into_bytes()))
    }

    /// When the form was shown, if `token` is genuine and recent.
    fn issued_at(&self, token: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (issued, signature) = token.split_once('.')?;
        let signature = hex::decode(signature).ok()?;
        let mut mac = self.mac();
        mac.update(CONTEXT);
        mac.update(issued.as_bytes());
        mac.verify_slice(&signature).ok()?;
        let issued = DateTime::from_timestamp(issued.parse().ok()?, 0)?;
        (issued <= now && now - issued <= TOKEN_LIFETIME).then_some(issued)
    }

    /// Whether the signals are a bot's.
    pub fn judge(&self, signals: &BotSignals, now: DateTime<Utc>) -> Option<BotSign> {
        if signals
            .honeypot
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty())
        {
            return Some(BotSign::HoneypotFilled);
        }
        let issued = self.issued_at(signals.form_token.as_deref()?, now)?;
        (now - issued < self.min_fill).then_some(BotSign::TooFast)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(honeypot: Option<&str>, token: Option<String>) -> BotSignals {
        BotSignals {
            honeypot: honeypot.map(str::to_owned),
            form_token: token,
        }
    }

    #[test]
    fn a_person_passes_a_bot_is_recognised_and_a_forged_token_proves_nothing() {
        let guard = FormGuard::new(b"a key of sixteen bytes", 3);
        let shown = DateTime::parse_from_rfc3339("2026-12-04T10:00:00Z")
            .unwrap()
            .to_utc();
        let token = guard.issue(shown);
        let later = |s| shown + TimeDelta::seconds(s);
        assert_eq!(
            guard.judge(&signals(None, Some(token.clone())), later(30)),
            None
        );
        assert_eq!(guard.judge(&signals(Some(""), None), later(0)), None);
        assert_eq!(
            guard.judge(&signals(None, Some(token.clone())), later(1)),
            Some(BotSign::TooFast)
        );
        assert_eq!(
            guard.judge(&signals(Some("http://spam"), None), later(60)),
            Some(BotSign::HoneypotFilled)
        );
        // Backdating the token breaks its signature: no verdict from it.
        let (_, signature) = token.split_once('.').unwrap();
        let backdated = format!("{}.{signature}", shown.timestamp() - 600);
        assert_eq!(guard.judge(&signals(None, Some(backdated)), later(1)), None);
        let other_key = FormGuard::new(b"another key entirely", 3).issue(shown);
        assert_eq!(guard.judge(&signals(None, Some(other_key)), later(1)), None);
        assert_eq!(
            guard.judge(&signals(None, Some("garbage".into())), later(1)),
            None
        );
        assert_eq!(
            guard.judge(&signals(None, Some(token)), later(2 * 86_400)),
            None,
            "too old to say anything"
        );
    }
}
