//! What a console request can fail with, shown as an HTML page in the
//! console's language (never a problem document: people read these).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use askama::Template;

use super::layout::Layout;
use super::session::{expired_session_cookie, ConsoleUser};
use crate::app::AppError;
use crate::error::ApiError;
use crate::http::page;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// A page asked for without a live session: sign in, then come back.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A change asked for without a live session.
    #[error("session required")]
    SessionRequired,
    /// The staff member's role does not allow it.
    #[error("role not allowed")]
    Forbidden,
    /// The CSRF token or the origin of a change is missing or wrong.
    #[error("cross-site request refused")]
    CsrfRejected,
    #[error("not found")]
    NotFound,
    /// A sign-in link that is unknown, spent, expired or for an inactive account.
    #[error("sign-in link refused")]
    LinkRefused,
    /// The identity provider's answer opened no session.
    #[error("identity refused: {0}")]
    IdentityRefused(String),
    /// The identity provider could not be reached.
    #[error("identity provider unavailable")]
    IdentityProviderUnavailable,
    /// A form that could not be read; the text is for the log.
    #[error("unreadable form: {0}")]
    BadForm(String),
    #[error("too many attempts")]
    TooManyRequests { retry_after: u64 },
    /// What a service or the JSON API's machinery answered.
    #[error(transparent)]
    Api(ApiError),
}

impl ConsoleError {
    pub fn internal(message: impl Into<String>) -> ConsoleError {
        ConsoleError::Api(ApiError::Internal(message.into()))
    }
}

impl From<AppError> for ConsoleError {
    fn from(error: AppError) -> ConsoleError {
        ConsoleError::Api(error.into())
    }
}

impl From<ApiError> for ConsoleError {
    fn from(error: ApiError) -> ConsoleError {
        ConsoleError::Api(error)
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            ConsoleError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            ConsoleError::SessionRequired
            | ConsoleError::Forbidden
            | ConsoleError::CsrfRejected => StatusCode::FORBIDDEN,
            ConsoleError::NotFound => StatusCode::NOT_FOUND,
            ConsoleError::LinkRefused | ConsoleError::IdentityRefused(_) => StatusCode::FORBIDDEN,
            ConsoleError::IdentityProviderUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ConsoleError::BadForm(_) => StatusCode::BAD_REQUEST,
            ConsoleError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ConsoleError::Api(error) => error.status_code(),
        }
    }

    /// The status and headers; [`render_error_pages`] writes the page.
    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ConsoleError::SignInRequired { next } => {
                let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
                response
                    .insert_header((header::LOCATION, format!("/console/accesso?{query}")))
                    .cookie(expired_session_cookie());
            }
            ConsoleError::SessionRequired => {
                response.cookie(expired_session_cookie());
            }
            ConsoleError::TooManyRequests { retry_after }
            | ConsoleError::Api(ApiError::TooManyExports { retry_after, .. }) => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            _ => {}
        }
        response.finish()
    }
}

/// The page of an error.
#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage {
    layout: Layout,
    title: String,
    message: String,
    /// Offer to sign in (again).
    sign_in: bool,
}

impl ErrorPage {
    fn new(layout: Layout, status: StatusCode, error: Option<&ConsoleError>) -> ErrorPage {
        let language = layout.language;
        let tr = |it: &str, en: &str| layout.tr(it, en).to_owned();
        let (title, message) = match error {
            Some(ConsoleError::SessionRequired) => (
                tr("Sessione scaduta", "Session expired"),
                tr(
                    "La sessione è scaduta o è stata chiusa: nulla è stato modificato. Accedi di nuovo e ripeti l'operazione.",
                    "Your session expired or was ended: nothing was changed. Sign in again and repeat the action.",
                ),
            ),
            Some(ConsoleError::Forbidden) => (
                tr("Accesso non consentito", "Access denied"),
                tr(
                    "Il tuo ruolo non consente di usare questa pagina.",
                    "Your role does not allow you to use this page.",
                ),
            ),
            Some(ConsoleError::CsrfRejected) => (
                tr("Richiesta rifiutata", "Request refused"),
                tr(
                    "La richiesta non proviene da una pagina della console o il modulo è scaduto: nulla è stato modificato. Ricarica la pagina e riprova.",
                    "The request did not come from a console page, or the form expired: nothing was changed. Reload the page and try again.",
                ),
            ),
            Some(ConsoleError::LinkRefused) => (
                tr("Collegamento non valido", "Link not valid"),
                tr(
                    "Il collegamento non è valido, è scaduto o è già stato usato. Chiedine uno nuovo.",
                    "The link is not valid, has expired or was already used. Ask for a new one.",
                ),
            ),
            Some(ConsoleError::IdentityRefused(_)) => (
                tr("Accesso non riuscito", "Sign-in failed"),
                tr(
                    "L'accesso con l'identità del Comune non è riuscito, o l'indirizzo e-mail verificato non corrisponde a un account attivo dello staff.",
                    "Signing in with the Comune's identity failed, or its verified e-mail address matches no active staff account.",
                ),
            ),
            Some(ConsoleError::IdentityProviderUnavailable) => (
                tr("Servizio di identità non raggiungibile", "Identity provider unreachable"),
                tr(
                    "Il servizio di identità del Comune non risponde. Riprova più tardi, oppure accedi con un collegamento via e-mail.",
                    "The Comune's identity provider is not answering. Try again later, or sign in with a link by e-mail.",
                ),
            ),
            Some(ConsoleError::BadForm(_)) => (
                tr("Modulo non valido", "Invalid form"),
                tr(
                    "Il modulo inviato non è leggibile: nulla è stato modificato.",
                    "The form sent could not be read: nothing was changed.",
                ),
            ),
            Some(ConsoleError::TooManyRequests { retry_after }) => (
                tr("Troppi tentativi", "Too many attempts"),
                match language {
                    crate::i18n::Language::It => {
                        format!("Troppi tentativi: riprova tra {retry_after} secondi.")
                    }
                    crate::i18n::Language::En => {
                        format!("Too many attempts: try again in {retry_after} seconds.")
                    }
                },
            ),
            Some(ConsoleError::Api(error)) => {
                let problem = error.problem(language);
                (problem.title, problem.detail)
            }
            _ => {
                let problem = ApiError::Http(status).problem(language);
                if status == StatusCode::NOT_FOUND {
                    (
                        tr("Pagina non trovata", "Page not found"),
                        tr(
                            "La pagina richiesta non esiste nella console.",
                            "The page you asked for does not exist in the console.",
                        ),
                    )
                } else {
                    (problem.title, problem.detail)
                }
            }
        };
        let sign_in = layout.user.is_none()
            && matches!(
                error,
                Some(
                    ConsoleError::SessionRequired
                        | ConsoleError::CsrfRejected
                        | ConsoleError::LinkRefused
                        | ConsoleError::IdentityRefused(_)
                        | ConsoleError::IdentityProviderUnavailable
                )
            );
        ErrorPage {
            layout,
            title,
            message,
            sign_in,
        }
    }
}

/// Middleware of the console: writes the page of every error answer, keeps
/// the console's pages out of caches and lets its forms send their origin.
pub async fn render_error_pages(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut response = next.call(request).await?.map_into_boxed_body();
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    // `no-referrer` (the default elsewhere) would make browsers send
    // `Origin: null` with the console's forms, and the origin check would
    // refuse them; `same-origin` reveals nothing to other sites.
    headers.insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("same-origin"),
    );
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return Ok(response);
    }
    let error = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ConsoleError>());
    if let Some(ConsoleError::Api(api)) = error {
        if status.is_server_error() {
            tracing::error!(error = %api, "console request failed");
        }
    }
    let layout = {
        let request = response.request();
        let user = request.extensions().get::<ConsoleUser>().cloned();
        match user {
            Some(user) => user.layout(),
            None => Layout::anonymous(request),
        }
    };
    let page = ErrorPage::new(layout, status, error);
    let mut rendered = page::render(HttpResponse::build(status), &page)
        .unwrap_or_else(|e| HttpResponse::InternalServerError().body(e.to_string()));
    for (name, value) in response.headers() {
        if !rendered.headers().contains_key(name) {
            rendered.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(response.into_response(rendered))
}
