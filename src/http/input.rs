//! Reading a JSON request body field by field, so that one answer names
//! every failing field (wrong types, missing and unknown fields included).

use actix_web::http::header;
use actix_web::HttpRequest;
use serde_json::{Map, Value};

pub use crate::domain::query::{query_quartiere, query_text};
pub use crate::domain::FieldErrors;
use crate::domain::FieldIssue;
use crate::error::ApiError;

/// The request body as JSON: 415 unless the content type is JSON
/// (`application/json` or any `+json` type), 400 when it does not parse.
pub fn json_body(request: &HttpRequest, body: &[u8]) -> Result<Value, ApiError> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
        .is_some_and(|essence| essence == "application/json" || essence.ends_with("+json"));
    if !is_json {
        return Err(ApiError::UnsupportedMediaType);
    }
    serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

/// The request's `Idempotency-Key`, if it sent one (1–255 visible ASCII
/// characters; anything else is a 422 naming the header).
pub fn idempotency_key(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = request.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    value
        .to_str()
        .map_err(|_| FieldIssue::InvalidIdempotencyKey)
        .and_then(crate::app::idempotency::parse_key)
        .map(Some)
        .map_err(|issue| ApiError::validation("Idempotency-Key", issue))
}

/// Marks an answer given again for a retried request with its key.
pub fn replayed(mut response: actix_web::HttpResponse) -> actix_web::HttpResponse {
    response.headers_mut().insert(
        header::HeaderName::from_static("idempotent-replayed"),
        header::HeaderValue::from_static("true"),
    );
    response
}

/// Reports each query parameter that `P` does not document, so that a typo
/// (`?area=…`) is a 422 naming it instead of being silently ignored.
pub fn reject_unknown_parameters<P: utoipa::IntoParams>(
    request: &HttpRequest,
    errors: &mut FieldErrors,
) {
    let documented: Vec<String> = P::into_params(|| None)
        .into_iter()
        .map(|parameter| parameter.name)
        .collect();
    let Ok(pairs) =
        actix_web::web::Query::<Vec<(String, String)>>::from_query(request.query_string())
    else {
        return;
    };
    let mut reported: Vec<&str> = Vec::new();
    for (name, _) in pairs.iter() {
        if !documented.contains(name) && !reported.contains(&name.as_str()) {
            errors.add(name.clone(), FieldIssue::NotAllowed);
            reported.push(name);
        }
    }
}

/// A documented request body: the fields its parser accepts. The OpenAPI
/// test `documented_fields_are_the_parsed_ones` compares them with the schema.
pub trait DocumentedBody {
    const FIELDS: &'static [&'static str];
}

/// The JSON object body of a request, read against the fields of the
/// documented type `T`: 415 unless the body is JSON, 400 unless it parses,
/// 413 past the size limit. A body that is not an object, and fields `T`
/// does not have, are collected in `errors`, so that one answer names them
/// with every other failing field.
pub struct JsonFields<T> {
    pub object: Option<JsonObject>,
    pub errors: FieldErrors,
    documented: std::marker::PhantomData<T>,
}

impl<T: DocumentedBody> actix_web::FromRequest for JsonFields<T> {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let request = request.clone();
        let body = actix_web::web::Bytes::from_request(&request, payload);
        Box::pin(async move {
            let value = json_body(&request, &body.await?)?;
            let mut errors = FieldErrors::default();
            let object = JsonObject::read(value, "", T::FIELDS, &mut errors);
            Ok(JsonFields {
                object,
                errors,
                documented: std::marker::PhantomData,
            })
        })
    }
}

/// A JSON object being read; `path` prefixes the names of its fields.
pub struct JsonObject {
    path: String,
    fields: Map<String, Value>,
}

impl JsonObject {
    /// Accepts `value` when it is an object whose keys are all in `accepted`;
    /// each unknown key is reported, and reading goes on.
    pub fn read(
        value: Value,
        path: &str,
        accepted: &[&str],
        errors: &mut FieldErrors,
    ) -> Option<JsonObject> {
        let Value::Object(fields) = value else {
            errors.add(display_path(path), FieldIssue::ExpectedObject);
            return None;
        };
        for key in fields
            .keys()
            .filter(|key| !accepted.contains(&key.as_str()))
        {
            errors.add(join(path, key), FieldIssue::NotAllowed);
        }
        Some(JsonObject {
            path: path.to_owned(),
            fields,
        })
    }

    /// A field that must be present and not null.
    pub fn required<T>(
        &mut self,
        name: &str,
        errors: &mut FieldErrors,
        parse: impl FnOnce(Value) -> Result<T, FieldIssue>,
    ) -> Option<T> {
        match self.optional(name, errors, parse) {
            Some(Some(value)) => Some(value),
            Some(None) => {
                errors.add(join(&self.path, name), FieldIssue::Required);
                None
            }
            None => None,
        }
    }

    /// A field that may be absent or null (`Some(None)`); `None` when invalid.
    pub fn optional<T>(
        &mut self,
        name: &str,
        errors: &mut FieldErrors,
        parse: impl FnOnce(Value) -> Result<T, FieldIssue>,
    ) -> Option<Option<T>> {
        match self.fields.remove(name) {
            None | Some(Value::Null) => Some(None),
            Some(value) => match parse(value) {
                Ok(parsed) => Some(Some(parsed)),
                Err(issue) => {
                    errors.add(join(&self.path, name), issue);
                    None
                }
            },
        }
    }

    /// A nested object that must be present.
    pub fn object(
        &mut self,
        name: &str,
        accepted: &[&str],
        errors: &mut FieldErrors,
    ) -> Option<JsonObject> {
        let path = join(&self.path, name);
        match self.fields.remove(name) {
            None | Some(Value::Null) => {
                errors.add(path, FieldIssue::Required);
                None
            }
            Some(value) => JsonObject::read(value, &path, accepted, errors),
        }
    }

    /// The raw value of a field, for nested reading; `None` when absent or null.
    pub fn take(&mut self, name: &str) -> Option<Value> {
        self.fields.remove(name).filter(|value| !value.is_null())
    }

    /// Whether the field is present (null included), for merge-patch
    /// bodies where null means "clear".
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    pub fn field_path(&self, name: &str) -> String {
        join(&self.path, name)
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

/// The JSON path of the whole body is `$`, so it cannot be confused with a
/// field named `body`.
fn display_path(path: &str) -> String {
    if path.is_empty() {
        "$".to_owned()
    } else {
        path.to_owned()
    }
}

/// A string parsed by a domain constructor.
pub fn text<T>(
    parse: impl FnOnce(&str) -> Result<T, FieldIssue>,
) -> impl FnOnce(Value) -> Result<T, FieldIssue> {
    move |value| match value {
        Value::String(text) => parse(&text),
        _ => Err(FieldIssue::ExpectedString),
    }
}

pub fn boolean(value: Value) -> Result<bool, FieldIssue> {
    value.as_bool().ok_or(FieldIssue::ExpectedBoolean)
}

pub fn integer(value: Value) -> Result<i64, FieldIssue> {
    match value {
        Value::Number(number) if number.is_i64() => Ok(number.as_i64().unwrap_or_default()),
        Value::Number(number) if number.is_u64() => Err(FieldIssue::OutOfRange {
            min: i64::MIN,
            max: i64::MAX,
        }),
        _ => Err(FieldIssue::ExpectedInteger),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_unknown_missing_and_mistyped_fields_at_once() {
        let mut errors = FieldErrors::default();
        let mut object = JsonObject::read(
            json!({"a": 1, "extra": true, "nested": {"b": "x", "c": null}}),
            "",
            &["a", "b", "nested"],
            &mut errors,
        )
        .unwrap();
        assert_eq!(
            object.required("a", &mut errors, text(|s| Ok(s.to_owned()))),
            None
        );
        assert_eq!(object.required("b", &mut errors, boolean), None);
        let mut nested = object.object("nested", &["b"], &mut errors).unwrap();
        assert_eq!(
            nested.optional("b", &mut errors, text(|s| Ok(s.len()))),
            Some(Some(1))
        );
        let list = errors.into_error().0;
        let fields: Vec<_> = list
            .iter()
            .map(|e| (e.field.as_str(), e.issue.clone()))
            .collect();
        assert_eq!(
            fields,
            [
                ("extra", FieldIssue::NotAllowed),
                ("a", FieldIssue::ExpectedString),
                ("b", FieldIssue::Required),
                ("nested.c", FieldIssue::NotAllowed),
            ]
        );
    }

    #[test]
    fn integers_refuse_floats_and_huge_numbers() {
        assert_eq!(integer(json!(3)), Ok(3));
        assert_eq!(integer(json!(3.5)), Err(FieldIssue::ExpectedInteger));
        assert!(integer(json!(u64::MAX)).is_err());
        assert_eq!(integer(json!("3")), Err(FieldIssue::ExpectedInteger));
    }
}
