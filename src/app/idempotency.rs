//! Idempotency keys: a request retried with the same key and the same body
//! gets the first answer and stores nothing new; the same key with another
//! body is refused. Keys live in a scope, so that one client's key never
//! meets another's: the public form's (anonymous clients), or a staff
//! member's (offline registrations).

use chrono::NaiveDateTime;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::app::AppError;
use crate::db::idempotency;
use crate::db::models::IdempotencyRow;
use crate::db::DbConnection;
use crate::domain::{ContributionId, FieldIssue, StaffId};

/// Whose keys a key is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdempotencyScope {
    /// The public form and the API's `POST /contributions`.
    Form,
    /// One staff member's registrations of offline contributions.
    Staff(StaffId),
}

impl IdempotencyScope {
    /// The text stored in `idempotency_keys.scope`.
    pub fn stored(self) -> String {
        match self {
            IdempotencyScope::Form => "form".to_owned(),
            IdempotencyScope::Staff(id) => format!("staff:{id}"),
        }
    }
}

/// A key as a client may send it: 1–255 visible ASCII characters.
pub fn parse_key(raw: &str) -> Result<String, FieldIssue> {
    if (1..=255).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(raw.to_owned())
    } else {
        Err(FieldIssue::InvalidIdempotencyKey)
    }
}

/// A request's key, in its scope, with the hash of its body.
#[derive(Clone, Debug)]
pub struct IdempotencyClaim {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
}

impl IdempotencyClaim {
    /// The hash is of the parsed body (keys sorted), so the same JSON sent
    /// with other spacing or key order is the same request.
    pub fn new(scope: IdempotencyScope, key: String, body: &Value) -> IdempotencyClaim {
        IdempotencyClaim {
            scope: scope.stored(),
            key,
            request_hash: hex::encode(Sha256::digest(body.to_string().as_bytes())),
        }
    }

    /// The row that remembers this claim's answer; `response_body` is the
    /// answer to replay, or `None` when a replay reads the contribution anew.
    pub fn row(
        &self,
        contribution_id: ContributionId,
        response_body: Option<String>,
        now: NaiveDateTime,
    ) -> IdempotencyRow {
        IdempotencyRow {
            scope: self.scope.clone(),
            key: self.key.clone(),
            request_hash: self.request_hash.clone(),
            contribution_id,
            response_body,
            created_at: now,
        }
    }
}

/// What was stored for the claim's key when the same body came with it
/// before; `IdempotencyKeyReused` when another body did.
pub fn earlier(
    conn: &mut DbConnection,
    claim: &IdempotencyClaim,
) -> Result<Option<IdempotencyRow>, AppError> {
    let Some(stored) = idempotency::find(conn, &claim.scope, &claim.key)? else {
        return Ok(None);
    };
    if stored.request_hash != claim.request_hash {
        return Err(AppError::IdempotencyKeyReused);
    }
    Ok(Some(stored))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_same_json_is_the_same_request_and_scopes_differ() {
        let a = IdempotencyClaim::new(
            IdempotencyScope::Form,
            "k".into(),
            &json!({"a": 1, "b": [1, 2]}),
        );
        let b: Value = serde_json::from_str(r#"{ "b": [1,2], "a": 1 }"#).unwrap();
        let b = IdempotencyClaim::new(IdempotencyScope::Form, "k".into(), &b);
        assert_eq!(a.request_hash, b.request_hash);
        let staff = StaffId::generate();
        assert_eq!(
            IdempotencyScope::Staff(staff).stored(),
            format!("staff:{staff}")
        );
        assert_ne!(
            IdempotencyScope::Staff(staff).stored(),
            IdempotencyScope::Form.stored()
        );
    }

    #[test]
    fn keys_are_visible_ascii() {
        assert_eq!(parse_key("a-1_Z"), Ok("a-1_Z".to_owned()));
        for bad in ["", "con spazio", "è", &"x".repeat(256)] {
            assert_eq!(parse_key(bad), Err(FieldIssue::InvalidIdempotencyKey));
        }
    }
}
