//! The one error type of the API, rendered as RFC 9457 problem details.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::Resource;
use crate::db::DbError;
pub use crate::domain::FieldError;
use crate::domain::{ConsultationState, FieldIssue, Invalid};
use crate::i18n::Language;

pub const PROBLEM_JSON: &str = "application/problem+json";
/// Seconds a client should wait before trying again after a 503.
const RETRY_AFTER_UNAVAILABLE: &str = "5";

/// What a client can be told went wrong.
#[derive(Clone, Debug, thiserror::Error)]
pub enum ApiError {
    #[error("malformed request: {0}")]
    MalformedJson(String),
    #[error("invalid query parameter {0}")]
    BadQuery(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("no such {0}")]
    NoSuch(Resource),
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    #[error("authentication required")]
    Unauthorized,
    #[error("role not allowed")]
    Forbidden,
    #[error("invalid transition from {from} to {to}")]
    InvalidTransition { from: String, to: String },
    /// A message sent or cancelled is not put back in the queue.
    #[error("an e-mail in status {status} cannot be retried")]
    NotRetriable { status: String },
    #[error("stale version of the {0}")]
    PreconditionFailed(Resource),
    #[error("If-Match required for the {0}")]
    PreconditionRequired(Resource),
    /// Another moderator is reviewing the contribution (a claim).
    #[error("claimed by another moderator")]
    ClaimedByAnother { name: String, until: String },
    #[error("contribution not pending")]
    NotPending { status: String },
    /// A rename onto a tag that exists: the answer suggests merging.
    #[error("tag exists")]
    TagExists { from: String, name: String },
    /// A weak entity tag: `If-Match` compares strongly, so it never matches.
    #[error("weak If-Match")]
    WeakIfMatch,
    /// `If-Match` that is not one entity tag.
    #[error("malformed If-Match")]
    MalformedIfMatch,
    #[error("consultation closed")]
    ConsultationClosed(ConsultationState),
    #[error("cross-origin request refused")]
    CorsRefused,
    #[error("idempotency key reused with another body")]
    IdempotencyKeyReused,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("database unavailable")]
    Unavailable,
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// The account already runs as many exports as it may.
    #[error("too many exports")]
    TooManyExports { limit: usize, retry_after: u64 },
    #[error("internal error: {0}")]
    Internal(String),
    /// Any other HTTP error raised by the framework, kept with its status.
    #[error("http error {0}")]
    Http(StatusCode),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, issue: FieldIssue) -> ApiError {
        ApiError::Validation(vec![FieldError {
            field: field.into(),
            issue,
        }])
    }

    /// A short machine-friendly name, the last part of the problem `type`.
    fn slug(&self) -> &'static str {
        match self {
            ApiError::MalformedJson(_) => "malformed-request",
            ApiError::BadQuery(_) => "invalid-query",
            ApiError::Validation(_) => "validation-error",
            ApiError::NotFound | ApiError::NoSuch(_) => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::InvalidTransition { .. } => "invalid-transition",
            ApiError::NotRetriable { .. } => "not-retriable",
            ApiError::PreconditionFailed(_) => "stale-version",
            ApiError::PreconditionRequired(_) => "if-match-required",
            ApiError::ClaimedByAnother { .. } => "claimed",
            ApiError::NotPending { .. } => "not-pending",
            ApiError::TagExists { .. } => "tag-exists",
            ApiError::WeakIfMatch => "weak-if-match",
            ApiError::MalformedIfMatch => "malformed-if-match",
            ApiError::ConsultationClosed(ConsultationState::NotYetOpen { .. }) => {
                "consultation-not-yet-open"
            }
            ApiError::ConsultationClosed(_) => "consultation-closed",
            ApiError::CorsRefused => "cors-refused",
            ApiError::IdempotencyKeyReused => "idempotency-key-reused",
            ApiError::PayloadTooLarge => "payload-too-large",
            ApiError::UnsupportedMediaType => "unsupported-media-type",
            ApiError::Unavailable => "service-unavailable",
            ApiError::TooManyRequests { .. } => "too-many-requests",
            ApiError::TooManyExports { .. } => "too-many-exports",
            ApiError::Internal(_) => "internal-error",
            ApiError::Http(_) => "http-error",
        }
    }

    fn title(&self, language: Language) -> String {
        let (it, en) = match self {
            ApiError::MalformedJson(_) => ("Richiesta malformata", "Malformed request"),
            ApiError::BadQuery(_) => ("Parametri non validi", "Invalid parameters"),
            ApiError::Validation(_) => ("Dati non validi", "Invalid data"),
            ApiError::NotFound | ApiError::NoSuch(_) => ("Risorsa non trovata", "Not found"),
            ApiError::MethodNotAllowed { .. } => ("Metodo non consentito", "Method not allowed"),
            ApiError::Unauthorized => ("Autenticazione richiesta", "Authentication required"),
            ApiError::Forbidden => ("Operazione non consentita", "Forbidden"),
            ApiError::InvalidTransition { .. } => {
                ("Cambio di stato non ammesso", "Invalid status transition")
            }
            ApiError::NotRetriable { .. } => ("E-mail non riprovabile", "E-mail not retriable"),
            ApiError::PreconditionFailed(_) => ("Versione non aggiornata", "Stale version"),
            ApiError::PreconditionRequired(_) => ("If-Match obbligatorio", "If-Match required"),
            ApiError::ClaimedByAnother { .. } => ("In revisione da altri", "Claimed by another"),
            ApiError::NotPending { .. } => ("Contributo non in attesa", "Not pending"),
            ApiError::TagExists { .. } => ("Etichetta già esistente", "Tag already exists"),
            ApiError::WeakIfMatch => ("ETag debole non ammesso", "Weak ETag not accepted"),
            ApiError::MalformedIfMatch => ("If-Match non valido", "Malformed If-Match"),
            ApiError::ConsultationClosed(ConsultationState::NotYetOpen { .. }) => (
                "Consultazione non ancora aperta",
                "Consultation not yet open",
            ),
            ApiError::ConsultationClosed(_) => ("Consultazione chiusa", "Consultation closed"),
            ApiError::CorsRefused => ("Origine non ammessa", "Origin not allowed"),
            ApiError::IdempotencyKeyReused => {
                ("Chiave di idempotenza già usata", "Idempotency key reused")
            }
            ApiError::PayloadTooLarge => ("Richiesta troppo grande", "Payload too large"),
            ApiError::UnsupportedMediaType => ("Formato non supportato", "Unsupported media type"),
            ApiError::Unavailable => (
                "Servizio temporaneamente non disponibile",
                "Service unavailable",
            ),
            ApiError::TooManyRequests { .. } => ("Troppe richieste", "Too many requests"),
            ApiError::TooManyExports { .. } => {
                ("Troppe esportazioni in corso", "Too many exports running")
            }
            ApiError::Internal(_) => ("Errore interno", "Internal error"),
            ApiError::Http(status) => return generic_title(*status, language),
        };
        match language {
            Language::It => it.to_owned(),
            Language::En => en.to_owned(),
        }
    }

    fn detail(&self, language: Language) -> String {
        use Language::{En, It};
        match (self, language) {
            (ApiError::MalformedJson(reason), It) => {
                format!("Il corpo non è un JSON valido: {reason}")
            }
            (ApiError::MalformedJson(reason), En) => {
                format!("The body is not valid JSON: {reason}")
            }
            (ApiError::BadQuery(name), It) => format!("Il parametro «{name}» non è valido."),
            (ApiError::BadQuery(name), En) => format!("The parameter \"{name}\" is not valid."),
            (ApiError::Validation(errors), It) if errors.len() == 1 => "1 campo non valido.".into(),
            (ApiError::Validation(errors), It) => format!("{} campi non validi.", errors.len()),
            (ApiError::Validation(errors), En) if errors.len() == 1 => "1 invalid field.".into(),
            (ApiError::Validation(errors), En) => format!("{} invalid fields.", errors.len()),
            (ApiError::NotFound, It) => "La risorsa richiesta non esiste.".into(),
            (ApiError::NotFound, En) => "The requested resource does not exist.".into(),
            (ApiError::NoSuch(resource), It) => {
                let (subject, _, ending, _) = italian(*resource);
                format!("{subject} richiest{ending} non esiste.")
            }
            (ApiError::NoSuch(resource), En) => format!("The requested {resource} does not exist."),
            (ApiError::MethodNotAllowed { allow }, It) => format!("Metodi ammessi: {allow}."),
            (ApiError::MethodNotAllowed { allow }, En) => format!("Allowed methods: {allow}."),
            (ApiError::Unauthorized, It) => {
                "Serve un token valido nell'intestazione Authorization: Bearer.".into()
            }
            (ApiError::Unauthorized, En) => {
                "A valid token is required in the Authorization: Bearer header.".into()
            }
            (ApiError::Forbidden, It) => {
                "Il ruolo del token non consente questa operazione.".into()
            }
            (ApiError::Forbidden, En) => "The token's role does not allow this operation.".into(),
            (ApiError::InvalidTransition { from, to }, It) => {
                format!("Un contributo in stato «{from}» non può passare a «{to}».")
            }
            (ApiError::InvalidTransition { from, to }, En) => {
                format!("A contribution in status \"{from}\" cannot become \"{to}\".")
            }
            (ApiError::NotRetriable { status }, It) => {
                format!("Un'e-mail in stato «{status}» non può essere rimessa in coda.")
            }
            (ApiError::NotRetriable { status }, En) => {
                format!("An e-mail in status \"{status}\" cannot be queued again.")
            }
            (ApiError::ClaimedByAnother { name, until }, It) => {
                format!("In revisione da {name} fino alle {until} (ora di Roma).")
            }
            (ApiError::ClaimedByAnother { name, until }, En) => {
                format!("Being reviewed by {name} until {until} (Rome time).")
            }
            (ApiError::NotPending { status }, It) => {
                format!("Si prende in revisione solo un contributo in attesa; questo è «{status}».")
            }
            (ApiError::NotPending { status }, En) => {
                format!("Only a pending contribution can be claimed; this one is \"{status}\".")
            }
            (ApiError::TagExists { from, name }, It) => format!(
                "L'etichetta «{name}» esiste già. Per portare i contributi di «{from}» sotto \
                 «{name}», unire le due etichette: POST /api/v1/moderation/tags/{from}/merge \
                 con {{\"into\": \"{name}\"}}."
            ),
            (ApiError::TagExists { from, name }, En) => format!(
                "The tag \"{name}\" already exists. To bring the contributions of \"{from}\" \
                 under \"{name}\", merge the two tags: POST /api/v1/moderation/tags/{from}/merge \
                 with {{\"into\": \"{name}\"}}."
            ),
            (ApiError::WeakIfMatch, It) => {
                "If-Match confronta gli ETag in modo forte: inviare l'ETag letto, senza W/.".into()
            }
            (ApiError::WeakIfMatch, En) => {
                "If-Match compares strongly: send the ETag as read, without W/.".into()
            }
            (ApiError::MalformedIfMatch, It) => {
                "If-Match deve contenere un solo ETag tra virgolette, come \"v3\".".into()
            }
            (ApiError::MalformedIfMatch, En) => {
                "If-Match must hold one quoted ETag, such as \"v3\".".into()
            }
            (ApiError::PreconditionFailed(resource), It) => {
                let (subject, _, ending, pronoun) = italian(*resource);
                format!(
                    "{subject} è stat{ending} modificat{ending} nel frattempo: \
                     rileggerl{pronoun} e riprovare."
                )
            }
            (ApiError::PreconditionFailed(resource), En) => {
                format!("The {resource} changed meanwhile: read it again and retry.")
            }
            (ApiError::PreconditionRequired(resource), It) => {
                let (_, from, _, _) = italian(*resource);
                format!("Inviare If-Match con l'ETag letto {from}.")
            }
            (ApiError::PreconditionRequired(resource), En) => {
                format!("Send If-Match with the ETag read from the {resource}.")
            }
            (ApiError::ConsultationClosed(state), language) => consultation_detail(state, language),
            (ApiError::CorsRefused, It) => {
                "Questa origine, questo metodo o queste intestazioni non sono ammessi per le richieste da altri siti.".into()
            }
            (ApiError::CorsRefused, En) => {
                "This origin, method or these headers are not allowed for cross-origin requests.".into()
            }
            (ApiError::IdempotencyKeyReused, It) => {
                "La chiave Idempotency-Key è già stata usata con un corpo diverso.".into()
            }
            (ApiError::IdempotencyKeyReused, En) => {
                "The Idempotency-Key was already used with a different body.".into()
            }
            (ApiError::PayloadTooLarge, It) => "Il corpo della richiesta supera i 64 KiB.".into(),
            (ApiError::PayloadTooLarge, En) => "The request body exceeds 64 KiB.".into(),
            (ApiError::UnsupportedMediaType, It) => "Il corpo deve essere application/json.".into(),
            (ApiError::UnsupportedMediaType, En) => "The body must be application/json.".into(),
            (ApiError::TooManyRequests { retry_after }, It) => {
                format!("Troppi invii da questo indirizzo: riprovare tra {retry_after} secondi.")
            }
            (ApiError::TooManyRequests { retry_after }, En) => {
                format!(
                    "Too many submissions from this address: try again in {retry_after} seconds."
                )
            }
            (ApiError::TooManyExports { limit, retry_after }, It) => format!(
                "Questo account ha già {limit} esportazioni in corso: attendere che finiscano \
                 e riprovare tra {retry_after} secondi."
            ),
            (ApiError::TooManyExports { limit, retry_after }, En) => format!(
                "This account already runs {limit} exports: wait for them to end and try again \
                 in {retry_after} seconds."
            ),
            (ApiError::Unavailable, It) => "Il database non risponde. Riprovare tra poco.".into(),
            (ApiError::Unavailable, En) => {
                "The database does not answer. Try again shortly.".into()
            }
            (ApiError::Internal(_), It) => "Si è verificato un errore imprevisto.".into(),
            (ApiError::Internal(_), En) => "An unexpected error occurred.".into(),
            (ApiError::Http(status), _) => generic_title(*status, language),
        }
    }

    /// The problem document in the given language.
    pub fn problem(&self, language: Language) -> Problem {
        let status = self.status_code();
        let errors = match self {
            ApiError::Validation(errors) => Some(
                errors
                    .iter()
                    .map(|e| ProblemField {
                        field: e.field.clone(),
                        message: e.issue.message(language),
                    })
                    .collect(),
            ),
            _ => None,
        };
        Problem {
            problem_type: format!("/problems/{}", self.slug()),
            title: self.title(language),
            status: status.as_u16(),
            detail: self.detail(language),
            errors,
        }
    }

    /// The full response in the given language, with the headers the status calls for.
    pub fn response_in(&self, language: Language) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response
            .content_type(PROBLEM_JSON)
            .insert_header((header::CONTENT_LANGUAGE, language.code()))
            .insert_header((header::VARY, "Accept-Language"));
        match self {
            ApiError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            ApiError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, RETRY_AFTER_UNAVAILABLE));
            }
            ApiError::TooManyRequests { retry_after }
            | ApiError::TooManyExports { retry_after, .. } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Unauthorized => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"rinasce\""));
            }
            _ => {}
        }
        response.json(self.problem(language))
    }
}

/// A resource in Italian: with its article, after "da", the ending of a
/// participle agreeing with it, and its object pronoun.
fn italian(resource: Resource) -> (&'static str, &'static str, &'static str, &'static str) {
    match resource {
        Resource::Contribution => ("Il contributo", "dal contributo", "o", "o"),
        Resource::ThematicArea => ("L'area tematica", "dall'area tematica", "a", "a"),
        Resource::Staff => ("L'account", "dall'account", "o", "o"),
        Resource::OutboxMessage => ("L'e-mail", "dall'e-mail", "a", "a"),
        Resource::Tag => ("L'etichetta", "dall'etichetta", "a", "a"),
    }
}

/// Why the consultation does not accept contributions, with its dates.
fn consultation_detail(state: &ConsultationState, language: Language) -> String {
    let when =
        |time: &chrono::DateTime<chrono::Utc>| crate::i18n::format::italian_moment(*time, false);
    match (state, language) {
        (ConsultationState::NotYetOpen { opens_at, .. }, Language::It) => format!(
            "La consultazione non è ancora aperta: si potranno inviare contributi dal {} ({}).",
            when(opens_at),
            opens_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        (ConsultationState::NotYetOpen { opens_at, .. }, Language::En) => format!(
            "The consultation is not open yet: contributions are accepted from {}.",
            opens_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        (ConsultationState::Closed { closes_at, .. }, Language::It) => format!(
            "La consultazione si è chiusa il {} ({}): non si accettano più contributi.",
            when(closes_at),
            closes_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        (ConsultationState::Closed { closes_at, .. }, Language::En) => format!(
            "The consultation closed on {}: contributions are no longer accepted.",
            closes_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        (ConsultationState::Open, Language::It) => "La consultazione è aperta.".into(),
        (ConsultationState::Open, Language::En) => "The consultation is open.".into(),
    }
}

fn generic_title(status: StatusCode, language: Language) -> String {
    match (status.as_u16(), language) {
        (400, Language::It) => "Richiesta non valida".into(),
        (404, Language::It) => "Risorsa non trovata".into(),
        (405, Language::It) => "Metodo non consentito".into(),
        (406, Language::It) => "Formato di risposta non disponibile".into(),
        (408, Language::It) => "Tempo scaduto".into(),
        (411, Language::It) => "Lunghezza richiesta mancante".into(),
        (413, Language::It) => "Richiesta troppo grande".into(),
        (414, Language::It) => "Indirizzo troppo lungo".into(),
        (415, Language::It) => "Formato non supportato".into(),
        (431, Language::It) => "Intestazioni troppo grandi".into(),
        (500..=599, Language::It) => "Errore del server".into(),
        (_, Language::It) => "Errore".into(),
        (_, Language::En) => status.canonical_reason().unwrap_or("Error").to_owned(),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::MalformedJson(_) => StatusCode::BAD_REQUEST,
            ApiError::BadQuery(_) | ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound | ApiError::NoSuch(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::CorsRefused => StatusCode::FORBIDDEN,
            ApiError::ConsultationClosed(_)
            | ApiError::IdempotencyKeyReused
            | ApiError::InvalidTransition { .. }
            | ApiError::NotRetriable { .. }
            | ApiError::ClaimedByAnother { .. }
            | ApiError::NotPending { .. }
            | ApiError::TagExists { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            ApiError::WeakIfMatch => StatusCode::PRECONDITION_FAILED,
            ApiError::MalformedIfMatch => StatusCode::BAD_REQUEST,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooManyRequests { .. } | ApiError::TooManyExports { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Http(status) => *status,
        }
    }

    /// Italian by default; the problem middleware re-renders it when the
    /// client asked for English.
    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(reason) = self {
            tracing::error!(reason = %mask_email_addresses(reason), "internal error");
        }
        self.response_in(Language::It)
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> ApiError {
        if error.is_unavailable() {
            tracing::warn!(%error, "database unavailable");
            ApiError::Unavailable
        } else {
            ApiError::Internal(error.to_string())
        }
    }
}

impl From<Invalid> for ApiError {
    fn from(invalid: Invalid) -> ApiError {
        ApiError::Validation(invalid.0)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(error: diesel::result::Error) -> ApiError {
        DbError::from(error).into()
    }
}

/// RFC 9457 problem details.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem.
    #[serde(rename = "type")]
    #[schema(max_length = 200, example = "/problems/validation-error")]
    pub problem_type: String,
    /// Short summary of the kind of problem.
    #[schema(max_length = 200, example = "Dati non validi")]
    pub title: String,
    /// The HTTP status code.
    #[schema(format = Int32, minimum = 100, maximum = 599, example = 422)]
    pub status: u16,
    /// What went wrong in this request.
    #[schema(max_length = 4000, example = "2 campi non validi.")]
    pub detail: String,
    /// Every invalid field, for validation failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100)]
    pub errors: Option<Vec<ProblemField>>,
}

/// One invalid field of a request.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProblemField {
    /// JSON path of the field, e.g. `author.email`.
    #[schema(max_length = 200, example = "author.email")]
    pub field: String,
    /// Why the value was refused.
    #[schema(max_length = 2000, example = "non è un indirizzo e-mail valido")]
    pub message: String,
}

/// Replaces e-mail addresses in a message (a database error can quote the
/// value that broke a constraint) so that logs carry no personal data.
pub fn mask_email_addresses(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || "()'\",;<>=".contains(c))
        .map(|token| {
            let word =
                token.trim_end_matches(|c: char| c.is_whitespace() || "()'\",;<>=".contains(c));
            if word.contains('@') && word.len() > 2 {
                token.replacen(word, "[e-mail]", 1)
            } else {
                token.to_owned()
            }
        })
        .collect()
}

/// Whether a response already carries a problem document.
pub fn is_problem(content_type: Option<&HeaderValue>) -> bool {
    content_type
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with(PROBLEM_JSON))
}

impl From<crate::app::AppError> for ApiError {
    fn from(error: crate::app::AppError) -> ApiError {
        use crate::app::AppError;
        match error {
            AppError::NotFound(resource) => ApiError::NoSuch(resource),
            AppError::Invalid(invalid) => invalid.into(),
            AppError::InvalidTransition { from, to } => ApiError::InvalidTransition {
                from: from.to_string(),
                to: to.to_string(),
            },
            AppError::OutboxNotRetriable(status) => ApiError::NotRetriable {
                status: status.to_string(),
            },
            AppError::StaleVersion(resource) => ApiError::PreconditionFailed(resource),
            AppError::NotPending(status) => ApiError::NotPending {
                status: status.to_string(),
            },
            AppError::ConsultationClosed(state) => ApiError::ConsultationClosed(state),
            AppError::TagExists { from, name } => ApiError::TagExists { from, name },
            AppError::IdempotencyKeyReused => ApiError::IdempotencyKeyReused,
            AppError::TooManySubmissions { retry_after } => {
                ApiError::TooManyRequests { retry_after }
            }
            AppError::Storage(error) => error.into(),
            AppError::Mail(crate::mail::MailError::Storage(error)) => error.into(),
            AppError::Mail(error) => ApiError::Internal(error.to_string()),
            AppError::Internal(reason) => ApiError::Internal(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::mask_email_addresses;

    #[test]
    fn e_mail_addresses_are_masked_in_log_messages() {
        assert_eq!(
            mask_email_addresses("Key (email)=(maria.rossi@example.org) already exists."),
            "Key (email)=([e-mail]) already exists."
        );
        assert_eq!(mask_email_addresses("no address here"), "no address here");
    }
}
