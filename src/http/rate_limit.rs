//! Rate limit of submissions per client address (governor's GCRA), with the
//! `X-RateLimit-*` headers on every answer of the limited route. Each process
//! keeps its own counters: N processes behind a balancer allow up to N times
//! the limit (see README).

use std::net::IpAddr;
use std::num::NonZeroU32;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use ipnet::IpNet;

use super::problems::language_of;
use super::quota::{AcceptedQuota, QuotaState};
use super::AppState;
use crate::error::ApiError;

type Limiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

/// Addresses remembered before idle ones are forgotten.
const MAX_TRACKED_ADDRESSES: usize = 100_000;

pub struct SubmissionLimit {
    /// Accepted submissions: a citizen correcting errors keeps the quota.
    accepted: AcceptedQuota,
    /// Every request, valid or not: a looser bound that stops floods.
    attempts: Limiter,
    per_minute: u32,
    trusted_proxies: Vec<IpNet>,
}

impl SubmissionLimit {
    pub fn new(
        per_minute: u32,
        attempts_per_minute: u32,
        trusted_proxies: Vec<IpNet>,
    ) -> SubmissionLimit {
        let per_minute = per_minute.max(1);
        let attempts =
            NonZeroU32::new(attempts_per_minute.max(per_minute)).unwrap_or(NonZeroU32::MIN);
        SubmissionLimit {
            accepted: AcceptedQuota::new(per_minute),
            attempts: RateLimiter::keyed(Quota::per_minute(attempts))
                .with_middleware::<StateInformationMiddleware>(),
            per_minute,
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

fn set_header(response: &mut actix_web::HttpResponse<BoxBody>, name: &'static str, value: u64) {
    if let Ok(value) = HeaderValue::from_str(&value.to_string()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(name), value);
    }
}

fn set_quota_headers(
    response: &mut actix_web::HttpResponse<BoxBody>,
    limit: u32,
    quota: QuotaState,
) {
    set_header(response, "x-ratelimit-limit", u64::from(limit));
    set_header(
        response,
        "x-ratelimit-remaining",
        u64::from(quota.remaining),
    );
    set_header(response, "x-ratelimit-reset", quota.reset_seconds);
}

/// Marks a response whose submission was stored now (a replay was not):
/// only those use the quota.
#[derive(Clone, Copy)]
pub struct AcceptedSubmission;

/// Middleware of the submission route (on the route, not on the path as
/// written). Every request counts toward the looser bound on attempts; a
/// request is let through only while the client has quota for one more
/// accepted submission, and the quota is given back unless the handler
/// marks the response [`AcceptedSubmission`]. Every answer carries the
/// `X-RateLimit-*` headers of the accepted quota.
pub async fn limit_submissions(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
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
    let language = language_of(request.request());
    let too_many = |wait: u64, quota: QuotaState| {
        let mut response = ApiError::TooManyRequests { retry_after: wait }.response_in(language);
        set_quota_headers(&mut response, limit.per_minute, quota);
        response
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
        return Ok(request.into_response(too_many(wait, quota)));
    }
    let reservation = match limit.accepted.reserve(client) {
        Ok(reservation) => reservation,
        Err((wait, quota)) => return Ok(request.into_response(too_many(wait, quota))),
    };
    let mut response = next.call(request).await?.map_into_boxed_body();
    let accepted = response
        .response()
        .extensions()
        .get::<AcceptedSubmission>()
        .is_some();
    let quota = if accepted {
        limit.accepted.state(client)
    } else {
        limit.accepted.release(client, reservation)
    };
    set_quota_headers(response.response_mut(), limit.per_minute, quota);
    Ok(response)
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
        let limit = SubmissionLimit::new(30, 120, vec!["10.0.0.0/8".parse().unwrap()]);
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
