//! Makes every error a problem document in the client's language, including
//! the errors actix raises itself (unknown route, wrong method, body limits).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpRequest, HttpResponse};

use super::API_BASE;
use crate::error::{is_problem, ApiError, Problem};
use crate::i18n::Language;

pub fn language_of(request: &HttpRequest) -> Language {
    Language::from_accept_language(
        request
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    )
}

/// Middleware: renders error responses as problem+json in the client's language.
pub async fn render_problems(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Routing itself never fails here: handler and extractor errors arrive
    // as responses that still carry their error.
    let language = language_of(request.request());
    let response = next.call(request).await?.map_into_boxed_body();
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return Ok(response);
    }
    if let Some(api_error) = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    {
        if language == Language::It {
            return Ok(response);
        }
        let rendered = api_error.response_in(language);
        return Ok(replace_keeping_headers(response, rendered));
    }
    // A problem document already, or a page's own error page for people.
    let content_type = response.headers().get(header::CONTENT_TYPE);
    if is_problem(content_type) || is_page(content_type) {
        return Ok(response);
    }
    let rendered = framework_error(status).response_in(language);
    Ok(replace_keeping_headers(response, rendered))
}

/// `rendered` in place of `response`, keeping the headers middleware added
/// to the original (the rate limit's, CORS', the request id).
fn replace_keeping_headers(
    response: ServiceResponse<BoxBody>,
    mut rendered: HttpResponse,
) -> ServiceResponse<BoxBody> {
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && !rendered.headers().contains_key(name)
        {
            rendered.headers_mut().append(name.clone(), value.clone());
        }
    }
    response.into_response(rendered)
}

/// Middleware outside CORS: a refused preflight or cross-origin request is
/// a problem document like every other error, not actix-cors' plain text.
pub async fn render_cors_refusal(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let language = language_of(request.request());
    let response = next.call(request).await?.map_into_boxed_body();
    let refused = response
        .response()
        .error()
        .is_some_and(|e| e.as_error::<actix_cors::CorsError>().is_some());
    if !refused {
        return Ok(response);
    }
    let rendered = ApiError::CorsRefused.response_in(language);
    Ok(replace_keeping_headers(response, rendered))
}

/// A page's own error page (HTML, for people), kept as it is.
fn is_page(content_type: Option<&header::HeaderValue>) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The problem for an error status actix produced on its own.
fn framework_error(status: StatusCode) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::NotFound,
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType,
        StatusCode::SERVICE_UNAVAILABLE => ApiError::Unavailable,
        other => ApiError::Http(other),
    }
}

/// The documented routes, to tell a wrong method (405) from an unknown path (404).
pub struct KnownRoutes(Vec<(Vec<String>, Vec<String>)>);

impl KnownRoutes {
    pub fn from_document(document: &utoipa::openapi::OpenApi) -> KnownRoutes {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let full = format!("{API_BASE}{path}");
                let segments = full.split('/').map(str::to_owned).collect();
                let methods = methods_of(item);
                (segments, methods)
            })
            .collect::<Vec<_>>();
        // The pages outside the API and its document.
        let pages = [
            ("/cruscotto", &["GET"][..]),
            ("/cruscotto/progress.svg", &["GET"]),
            ("/docs", &["GET"]),
            ("/conferma/{token}", &["GET", "POST"]),
        ]
        .into_iter()
        .map(|(path, methods)| {
            (
                path.split('/').map(str::to_owned).collect(),
                methods.iter().map(|m| m.to_string()).collect(),
            )
        });
        KnownRoutes(routes.into_iter().chain(pages).collect())
    }

    /// The methods allowed on `path`, if it is a known route.
    fn allowed(&self, path: &str) -> Option<String> {
        // Swagger UI and its assets.
        if path.starts_with("/docs/") {
            return Some("GET".to_owned());
        }
        let segments: Vec<&str> = path.split('/').collect();
        self.0
            .iter()
            .find(|(pattern, _)| {
                pattern.len() == segments.len()
                    && pattern
                        .iter()
                        .zip(&segments)
                        .all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
            })
            .map(|(_, methods)| methods.join(", "))
    }
}

fn methods_of(item: &utoipa::openapi::PathItem) -> Vec<String> {
    [
        ("GET", item.get.is_some()),
        ("POST", item.post.is_some()),
        ("PUT", item.put.is_some()),
        ("PATCH", item.patch.is_some()),
        ("DELETE", item.delete.is_some()),
    ]
    .into_iter()
    .filter(|(_, present)| *present)
    .map(|(method, _)| method.to_owned())
    .collect()
}

/// Default service: 405 for a known path with another method, else 404.
pub async fn no_route(request: HttpRequest, routes: web::Data<KnownRoutes>) -> HttpResponse {
    let error = match routes.allowed(request.path()) {
        Some(allow) => ApiError::MethodNotAllowed { allow },
        None => ApiError::NotFound,
    };
    error.response_in(language_of(&request))
}

/// Declares the problems of a route that needs a staff token: 401 without a
/// valid one, 403 with the wording of the role it needs.
macro_rules! staff_problems {
    ($(#[$doc:meta])* $name:ident, $forbidden:literal) => {
        $(#[$doc])*
        #[derive(utoipa::IntoResponses)]
        pub enum $name {
            #[response(status = 401, description = "Missing or invalid token.", content_type = "application/problem+json")]
            Unauthorized(Problem),
            #[response(status = 403, description = $forbidden, content_type = "application/problem+json")]
            Forbidden(Problem),
        }
    };
}

staff_problems!(
    /// The problems of a route for moderators.
    ModeratorProblems,
    "The token's role may not moderate."
);
staff_problems!(
    /// The problems of a route for admins.
    AdminProblems,
    "Only admins may do this."
);
staff_problems!(
    /// The problems of a route for researchers and moderators.
    ExporterProblems,
    "The token's role may not export, or may not export personal data."
);

/// The problems of a route that reads a JSON body.
#[derive(utoipa::IntoResponses)]
pub enum JsonBodyProblems {
    #[response(
        status = 400,
        description = "The body is not valid JSON.",
        content_type = "application/problem+json"
    )]
    Malformed(Problem),
    #[response(
        status = 413,
        description = "The body exceeds 64 KiB.",
        content_type = "application/problem+json"
    )]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "The body is not JSON.",
        content_type = "application/problem+json"
    )]
    UnsupportedMediaType(Problem),
    #[response(
        status = 422,
        description = "Invalid fields.",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// The problem of a route whose query parameters can be invalid.
#[derive(utoipa::IntoResponses)]
pub enum QueryProblems {
    #[response(
        status = 422,
        description = "Invalid parameters.",
        content_type = "application/problem+json"
    )]
    Invalid(Problem),
}

/// The database cannot be reached: try again shortly.
#[derive(utoipa::IntoResponses)]
pub enum Unavailable {
    #[response(status = 503, description = "Database unavailable.", content_type = "application/problem+json",
        headers(("Retry-After" = i32, description = "Seconds to wait.")))]
    Unavailable(Problem),
}

/// A route about one contribution, named by its id.
#[derive(utoipa::IntoResponses)]
pub enum ContributionNotFound {
    #[response(
        status = 404,
        description = "No such contribution.",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
}
