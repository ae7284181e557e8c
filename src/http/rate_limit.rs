//! Rate limit of submissions per client address, with the `X-RateLimit-*`
//! headers on every answer of the limited routes. Two bounds: accepted
//! submissions (a citizen correcting errors keeps the quota), and a looser
//! one on every request (governor's GCRA, per process), which stops floods
//! of invalid requests before they cost the database anything. The quota of
//! accepted submissions is the process's own on SQLite, and the database's
//! on PostgreSQL, so that every process on it shares one quota per client
//! (`app::submission_quota`).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use ipnet::IpNet;

use super::pages::PageError;
use super::problems::language_of;
use super::quota::{AcceptedQuota, Refusal};
use super::AppState;
use crate::app::submission_quota;
use crate::app::submissions::Stored;
use crate::domain::{QuotaState, SubmissionQuota};
use crate::error::ApiError;

type Limiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

/// Addresses remembered before idle ones are forgotten.
const MAX_TRACKED_ADDRESSES: usize = 100_000;

/// Where the quota of accepted submissions is kept.
enum AcceptedLimit {
    /// SQLite: in this process, which is the only one on the database file.
    InProcess(AcceptedQuota),
    /// PostgreSQL: in the database, taken in each submission's transaction.
    /// The process remembers what the database last said of each client,
    /// so that it refuses an exhausted client without asking again: only
    /// an accepted submission takes a cell, so while a client has none,
    /// no process can have given one back.
    Shared(AcceptedQuota),
}

pub struct SubmissionLimit {
    accepted: AcceptedLimit,
    /// Every request, valid or not: a looser bound that stops floods.
    attempts: Limiter,
    rules: SubmissionQuota,
    trusted_proxies: Vec<IpNet>,
}

impl SubmissionLimit {
    /// `shared`: the database keeps the quota of accepted submissions.
    pub fn new(
        per_minute: u32,
        attempts_per_minute: u32,
        trusted_proxies: Vec<IpNet>,
        shared: bool,
    ) -> SubmissionLimit {
        let rules = SubmissionQuota::per_minute(per_minute);
        let attempts =
            NonZeroU32::new(attempts_per_minute.max(rules.limit())).unwrap_or(NonZeroU32::MIN);
        let quota = AcceptedQuota::new(rules);
        SubmissionLimit {
            accepted: if shared {
                AcceptedLimit::Shared(quota)
            } else {
                AcceptedLimit::InProcess(quota)
            },
            attempts: RateLimiter::keyed(Quota::per_minute(attempts))
                .with_middleware::<StateInformationMiddleware>(),
            rules,
            trusted_proxies,
        }
    }

    /// The client: the peer, or, when the peer is a trusted proxy, the
    /// nearest address in `X-Forwarded-For` that is not a trusted proxy.
    /// Every `X-Forwarded-For` line counts, combined in order (a proxy such
    /// as HAProxy adds a line of its own after the client's).
    pub fn client_address(
        &self,
        peer: Option<IpAddr>,
        forwarded_for: Option<&str>,
    ) -> Option<IpAddr> {
        let peer = peer?;
        let trusted = |address: &IpAddr| self.trusted_proxies.iter().any(|n| n.contains(address));
        if !trusted(&peer) {
            return Some(peer);
        }
        let chain: Vec<IpAddr> = forwarded_for
            .unwrap_or("")
            .split(',')
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        Some(
            chain
                .into_iter()
                .rev()
                .find(|hop| !trusted(hop))
                .unwrap_or(peer),
        )
    }

    /// The client of `request`, as [`SubmissionLimit::client_address`] sees it.
    pub fn client_of(&self, request: &ServiceRequest) -> Option<IpAddr> {
        let forwarded = forwarded_for(request.headers());
        self.client_address(request.peer_addr().map(|a| a.ip()), forwarded.as_deref())
    }
}

/// Every `X-Forwarded-For` line joined in the order received; `None` without any.
pub fn forwarded_for(headers: &actix_web::http::header::HeaderMap) -> Option<String> {
    let lines: Vec<&str> = headers
        .get_all("X-Forwarded-For")
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!lines.is_empty()).then(|| lines.join(","))
}

fn set_header(response: &mut HttpResponse<BoxBody>, name: &'static str, value: u64) {
    if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

/// The limit always; what is left when it is known (the database may not
/// answer, and a guess would not be exact).
fn set_quota_headers(response: &mut HttpResponse<BoxBody>, limit: u32, quota: Option<QuotaState>) {
    set_header(response, "x-ratelimit-limit", u64::from(limit));
    if let Some(quota) = quota {
        set_header(
            response,
            "x-ratelimit-remaining",
            u64::from(quota.remaining),
        );
        set_header(response, "x-ratelimit-reset", quota.reset_seconds);
    }
}

/// Marks a response whose submission was stored now (a replay was not):
/// only those use the quota.
#[derive(Clone, Copy)]
pub struct AcceptedSubmission {
    /// The client's use of the quota after it, when the database keeps it.
    quota_used: Option<Duration>,
}

impl AcceptedSubmission {
    pub fn of(stored: &Stored) -> AcceptedSubmission {
        AcceptedSubmission {
            quota_used: stored.quota_used,
        }
    }
}

/// The client whose quota a submission uses, as the limit saw it; put in
/// the request for the handler.
#[derive(Clone, Copy)]
pub struct SubmissionClient(IpAddr);

impl SubmissionClient {
    pub fn of(request: &HttpRequest) -> Option<IpAddr> {
        request.extensions().get::<SubmissionClient>().map(|c| c.0)
    }
}

/// How a limited route says "too many": a problem document for the API, a
/// page for the form.
type Refuse = fn(&HttpRequest, u64) -> HttpResponse;

fn refuse_with_problem(request: &HttpRequest, wait: u64) -> HttpResponse {
    ApiError::TooManyRequests { retry_after: wait }.response_in(language_of(request))
}

fn refuse_with_page(_: &HttpRequest, wait: u64) -> HttpResponse {
    PageError::TooManyRequests { retry_after: wait }.error_response()
}

/// Middleware of the submission API route (on the route, not on the path
/// as written): see [`limit`].
pub async fn limit_submissions(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    limit(request, next, refuse_with_problem).await
}

/// [`limit_submissions`] for the form posted without JavaScript, whose
/// refusals are pages.
pub async fn limit_form_posts(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    limit(request, next, refuse_with_page).await
}

/// Every request counts toward the looser bound on attempts. A request is
/// let through only while the client has quota for one more accepted
/// submission, as far as this process knows; only a response the handler
/// marks [`AcceptedSubmission`] keeps its cell (SQLite: the cell taken here
/// is given back otherwise; PostgreSQL: the submission's transaction took
/// it). Every answer carries the `X-RateLimit-*` headers of the quota.
async fn limit(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
    refuse: Refuse,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let limit = &state.submissions;
    let Some(client) = limit.client_of(&request) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    if limit.attempts.len() > MAX_TRACKED_ADDRESSES {
        limit.attempts.retain_recent();
    }
    let too_many = |request: ServiceRequest, (wait, quota): Refusal| {
        let mut response = refuse(request.request(), wait);
        set_quota_headers(&mut response, limit.rules.limit(), Some(quota));
        Ok(request.into_response(response))
    };
    if let Err(not_until) = limit.attempts.check_key(&client) {
        let wait = not_until
            .wait_time_from(DefaultClock::default().now())
            .as_secs_f64()
            .ceil()
            .max(1.0) as u64;
        let quota = QuotaState {
            remaining: 0,
            reset_seconds: wait,
        };
        return too_many(request, (wait, quota));
    }
    request.extensions_mut().insert(SubmissionClient(client));
    let (mut response, quota) = match &limit.accepted {
        AcceptedLimit::InProcess(quota) => {
            let reservation = match quota.reserve(client) {
                Ok(reservation) => reservation,
                Err(refusal) => return too_many(request, refusal),
            };
            let response = next.call(request).await?.map_into_boxed_body();
            let state = match accepted(&response) {
                Some(_) => quota.state(client),
                None => quota.release(client, reservation),
            };
            (response, Some(state))
        }
        AcceptedLimit::Shared(known) => {
            if let Some(refusal) = known.refusal_now(client) {
                return too_many(request, refusal);
            }
            let response = next.call(request).await?.map_into_boxed_body();
            let used = match accepted(&response).and_then(|a| a.quota_used) {
                Some(used) => Some(used),
                // A 503 because the database is down: asking it again would
                // only make the citizen wait another connection timeout.
                None if response.status().is_server_error() => None,
                // Nothing stored, or stored by another process meanwhile:
                // the database says what is left.
                None => submission_quota::used_by(&state.services, client)
                    .await
                    .ok(),
            };
            if let Some(used) = used {
                known.learn(client, used);
            }
            (response, used.map(|used| limit.rules.state(used)))
        }
    };
    set_quota_headers(response.response_mut(), limit.rules.limit(), quota);
    Ok(response)
}

fn accepted(response: &ServiceResponse<BoxBody>) -> Option<AcceptedSubmission> {
    response
        .response()
        .extensions()
        .get::<AcceptedSubmission>()
        .copied()
}

#[cfg(test)]
mod tests {
    use super::SubmissionLimit;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let limit = SubmissionLimit::new(
            30,
            120,
            vec![
                "10.0.0.1/32".parse().unwrap(),
                "10.0.0.2/32".parse().unwrap(),
            ],
            false,
        );
        assert_eq!(
            limit.client_address(Some(ip("203.0.113.5")), Some("198.51.100.1")),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(
            limit.client_address(Some(ip("10.0.0.1")), Some("198.51.100.1")),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(
            limit.client_address(
                Some(ip("10.0.0.1")),
                Some("6.6.6.6, 198.51.100.1, 10.0.0.2")
            ),
            Some(ip("198.51.100.1")),
            "the nearest untrusted hop, not what the client wrote first"
        );
        assert_eq!(
            limit.client_address(Some(ip("10.0.0.1")), Some("garbage")),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(
            limit.client_address(Some(ip("10.0.0.1")), None),
            Some(ip("10.0.0.1"))
        );
    }

    #[test]
    fn trusted_proxies_can_be_ranges() {
        let limit = SubmissionLimit::new(30, 120, vec!["10.0.0.0/8".parse().unwrap()], false);
        assert_eq!(
            limit.client_address(Some(ip("10.1.2.3")), Some("198.51.100.1, 10.9.9.9")),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(
            limit.client_address(Some(ip("11.0.0.1")), Some("198.51.100.1")),
            Some(ip("11.0.0.1"))
        );
    }
}
