//! A deadline on reading a request's body: a client sending its body one
//! byte a second (slowloris) would otherwise hold its connection, and a
//! worker's attention, for as long as it likes. Past the deadline the body
//! ends with an error and the answer is 408, with the connection closed.
//! actix's own `client_request_timeout` covers the head only.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage;

use super::problems::language_of;
use super::AppState;
use crate::error::ApiError;

/// The body of a request, ended with an error once `deadline` has passed.
struct BodyWithDeadline {
    body: Payload,
    deadline: Pin<Box<tokio::time::Sleep>>,
    expired: Rc<Cell<bool>>,
}

impl futures_core::Stream for BodyWithDeadline {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if !this.expired.get() {
            if let Poll::Ready(item) = Pin::new(&mut this.body).poll_next(cx) {
                return Poll::Ready(item);
            }
            if this.deadline.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.expired.set(true);
        }
        Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "the request body did not arrive in time",
        )))))
    }
}

/// Middleware: the body must have arrived within the configured deadline
/// from the moment the request's head was read.
pub async fn limit_body_time(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let deadline = request
        .app_data::<actix_web::web::Data<AppState>>()
        .map_or(Duration::from_secs(10), |state| state.config.body_deadline);
    let expired = Rc::new(Cell::new(false));
    let body = BodyWithDeadline {
        body: request.take_payload(),
        deadline: Box::pin(tokio::time::sleep(deadline)),
        expired: expired.clone(),
    };
    let body: Pin<Box<dyn futures_core::Stream<Item = Result<Bytes, PayloadError>>>> =
        Box::pin(body);
    request.set_payload(Payload::from(body));
    let response = next.call(request).await?.map_into_boxed_body();
    if !expired.get() {
        return Ok(response);
    }
    let language = language_of(response.request());
    let mut timed_out = ApiError::Http(StatusCode::REQUEST_TIMEOUT).response_in(language);
    timed_out.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    Ok(response.into_response(timed_out))
}
