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
use super::AppState;
use crate::error::ApiError;

type Limiter =
    RateLimiter<IpAddr, DefaultKeyedStateStore<IpAddr>, DefaultClock, StateInformationMiddleware>;

/// Addresses remembered before idle ones are forgotten.
const MAX_TRACKED_ADDRESSES: usize = 100_000;

pub struct SubmissionLimit {
    limiter: Limiter,
    per_minute: u32,
    trusted_proxies: Vec<IpNet>,
}

impl SubmissionLimit {
    pub fn new(per_minute: u32, trusted_proxies: Vec<IpNet>) -> SubmissionLimit {
        let per_minute = per_minute.max(1);
        let quota = Quota::per_minute(NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN));
        SubmissionLimit {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
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

    /// Seconds for one quota cell to come back.
    fn replenish_seconds(&self) -> f64 {
        60.0 / f64::from(self.per_minute)
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

/// Middleware of the submission route (on the route, not on the path as
/// written): counts submissions per client and answers 429 over the limit.
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
    if limit.limiter.len() > MAX_TRACKED_ADDRESSES {
        limit.limiter.retain_recent();
    }
    let per_minute = u64::from(limit.per_minute);
    match limit.limiter.check_key(&client) {
        Ok(snapshot) => {
            let remaining = snapshot.remaining_burst_capacity();
            let reset = (f64::from(limit.per_minute - remaining.min(limit.per_minute))
                * limit.replenish_seconds())
            .ceil();
            let mut response = next.call(request).await?.map_into_boxed_body();
            let headers = response.response_mut();
            set_header(headers, "x-ratelimit-limit", per_minute);
            set_header(headers, "x-ratelimit-remaining", u64::from(remaining));
            set_header(headers, "x-ratelimit-reset", reset as u64);
            Ok(response)
        }
        Err(not_until) => {
            let wait = not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs_f64()
                .ceil()
                .max(1.0) as u64;
            let language = language_of(request.request());
            let mut response =
                ApiError::TooManyRequests { retry_after: wait }.response_in(language);
            set_header(&mut response, "x-ratelimit-limit", per_minute);
            set_header(&mut response, "x-ratelimit-remaining", 0);
            set_header(&mut response, "x-ratelimit-reset", wait);
            Ok(request.into_response(response))
        }
    }
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
        let limit = SubmissionLimit::new(30, vec!["10.0.0.0/8".parse().unwrap()]);
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
