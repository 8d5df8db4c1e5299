//! Overload protection: at most a configured number of requests in flight in this process.
//! One more is answered at once with 503 and `Retry-After` instead of waiting in a queue that
//! grows without bound, so a replica under too much load sheds it quickly (a load balancer sends
//! it elsewhere) and stays answerable. `/healthz`, `/readyz` and `/metrics` are never shed.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::metrics::{IN_FLIGHT, SHED};

/// Seconds a shed client is told to wait.
const RETRY_AFTER_SECONDS: u32 = 1;

/// The requests in flight in this process.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    permits: Arc<Semaphore>,
    limit: usize,
}

/// One request's place; dropping it (when the response is ready, or the client left) frees it.
struct Admitted {
    _permit: OwnedSemaphorePermit,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        metrics::gauge!(IN_FLIGHT).decrement(1.0);
    }
}

impl InFlight {
    /// At most `limit` requests at once (at least one).
    pub(crate) fn new(limit: usize) -> Self {
        let limit = limit.max(1);
        Self {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }
}

/// Admits a request if there is room, or answers 503 at once.
pub(crate) async fn admit(State(in_flight): State<InFlight>, request: Request, next: Next) -> Response {
    if matches!(request.uri().path(), "/healthz" | "/readyz" | "/metrics") {
        return next.run(request).await;
    }
    let Ok(permit) = Arc::clone(&in_flight.permits).try_acquire_owned() else {
        metrics::counter!(SHED).increment(1);
        return shed(in_flight.limit, &crate::http::request_id(request.headers()));
    };
    metrics::gauge!(IN_FLIGHT).increment(1.0);
    let admitted = Admitted { _permit: permit };
    let response = next.run(request).await;
    drop(admitted);
    response
}

fn shed(limit: usize, request_id: &str) -> Response {
    let mut response = crate::http::refusal(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        &format!("this server is handling {limit} requests already; try again in {RETRY_AFTER_SECONDS} s"),
        request_id,
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    response
}
