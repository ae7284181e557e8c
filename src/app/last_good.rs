//! The last value a read returned, to answer with while the database does
//! not answer.

use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::app::AppError;
use crate::clock;

/// A value as read, or as last read when the database stopped answering.
pub struct Fresh<T> {
    pub value: T,
    /// When the value was read, if it is not fresh.
    pub stale_since: Option<DateTime<Utc>>,
}

pub struct LastGood<T>(Mutex<Option<(T, DateTime<Utc>)>>);

impl<T> Default for LastGood<T> {
    fn default() -> Self {
        LastGood(Mutex::new(None))
    }
}

impl<T: Clone> LastGood<T> {
    /// `read`'s value, remembered; or, when the database is unavailable,
    /// the one remembered last (the error when there is none).
    pub fn or_last(&self, read: Result<T, AppError>) -> Result<Fresh<T>, AppError> {
        let mut last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match read {
            Ok(value) => {
                *last = Some((value.clone(), clock::now()));
                Ok(Fresh {
                    value,
                    stale_since: None,
                })
            }
            Err(error) if error.is_unavailable() => match last.as_ref() {
                Some((value, at)) => Ok(Fresh {
                    value: value.clone(),
                    stale_since: Some(*at),
                }),
                None => Err(error),
            },
            Err(error) => Err(error),
        }
    }
}
