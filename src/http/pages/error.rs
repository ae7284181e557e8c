//! A page's errors, answered as pages for people (in Italian), not as
//! problem documents.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use askama::Template;

use crate::app::AppError;
use crate::error::ApiError;
use crate::http::page;

#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("page not found")]
    NotFound,
    #[error("database unavailable")]
    Unavailable,
    /// The client's quota of accepted submissions is used up.
    #[error("too many submissions")]
    TooManyRequests { retry_after: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> PageError {
        match ApiError::from(error) {
            ApiError::NotFound | ApiError::NoSuch(_) => PageError::NotFound,
            ApiError::Unavailable => PageError::Unavailable,
            ApiError::TooManyRequests { retry_after } => PageError::TooManyRequests { retry_after },
            other => PageError::Internal(other.to_string()),
        }
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        PageError::Internal(error.to_string())
    }
}

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    section: &'static str,
    heading: &'static str,
    text: &'static str,
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            PageError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (heading, text) = match self {
            PageError::NotFound => (
                "Pagina non trovata",
                "Questo indirizzo non corrisponde a nessuna pagina, o a nessun contributo \
                 pubblicato. Se viene da un link personale ricevuto per e-mail, il link potrebbe \
                 non essere più valido.",
            ),
            PageError::Unavailable => (
                "Servizio momentaneamente non disponibile",
                "Il servizio non riesce a leggere i dati in questo momento. Riprovi tra qualche \
                 minuto.",
            ),
            PageError::TooManyRequests { .. } => (
                "Troppi invii",
                "Da questo indirizzo sono arrivati molti contributi in poco tempo. Riprovi tra \
                 qualche minuto: quanto scritto non è stato inviato.",
            ),
            PageError::Internal(reason) => {
                tracing::error!(reason = %crate::error::mask_email_addresses(reason), "page error");
                (
                    "Si è verificato un errore",
                    "Qualcosa non ha funzionato da parte nostra. Riprovi più tardi.",
                )
            }
        };
        let mut response = HttpResponseBuilder::new(self.status_code());
        match self {
            PageError::Unavailable => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            PageError::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            PageError::NotFound | PageError::Internal(_) => {}
        }
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        let page = ErrorPage {
            section: "",
            heading,
            text,
        };
        page::render(response, &page)
            .unwrap_or_else(|_| HttpResponse::InternalServerError().finish())
    }
}
