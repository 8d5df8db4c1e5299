//! Overload protection: at most a configured number of requests in flight in this process.
//! One more is answered at once with 503 and `Retry-After` instead of waiting in a queue that
//! grows without bound, so a replica under too much load sheds it quickly (a load balancer sends
//! it elsewhere) and stays answerable. `/healthz`, `/readyz` and `/metrics` are never shed.
//!
//! A request holds its place from when its work starts until its response has been sent in
//! full (a file streamed for minutes holds it that long). A GraphQL request sent as JSON is
//! read before it takes a place, within [`BODY_DEADLINE`], so clients that send slowly hold
//! none; uploads take theirs at once (they need a signed-in caller, checked before the body is
//! read) and are cut off when no byte arrives for a while (`multipart`).

use backline_application::Code;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::metrics::{IN_FLIGHT, SHED};

/// Seconds a shed client is told to wait.
const RETRY_AFTER_SECONDS: u32 = 1;
/// How long a JSON request body may take to arrive.
pub(crate) const BODY_DEADLINE: Duration = Duration::from_secs(30);

/// The requests in flight in this process.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    permits: Arc<Semaphore>,
    limit: usize,
    max_body_bytes: usize,
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

/// A response body that keeps its request's place until it has been sent (or dropped).
struct Held {
    inner: Body,
    _admitted: Admitted,
}

impl http_body::Body for Held {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl InFlight {
    /// At most `limit` requests at once (at least one); JSON bodies of at most `max_body_bytes`.
    pub(crate) fn new(limit: usize, max_body_bytes: usize) -> Self {
        let limit = limit.max(1);
        Self {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
            max_body_bytes,
        }
    }
}

/// Whether a request's body is a GraphQL request sent as JSON (not an upload).
fn sends_json(request: &Request) -> bool {
    request.method() == Method::POST
        && !request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.to_ascii_lowercase().starts_with("multipart/"))
}

/// Reads a JSON request's body before it takes a place (within [`BODY_DEADLINE`] and the size
/// limit), then admits the request if there is room, or answers 503 at once.
pub(crate) async fn admit(State(in_flight): State<InFlight>, request: Request, next: Next) -> Response {
    if matches!(request.uri().path(), "/healthz" | "/readyz" | "/metrics") {
        return next.run(request).await;
    }
    let request_id = crate::http::request_id(request.headers());
    let request = if sends_json(&request) {
        let (parts, body) = request.into_parts();
        let limit = in_flight.max_body_bytes;
        match tokio::time::timeout(BODY_DEADLINE, axum::body::to_bytes(body, limit)).await {
            Ok(Ok(bytes)) => Request::from_parts(parts, Body::from(bytes)),
            Ok(Err(_)) => {
                return crate::http::refusal(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Code::PayloadTooLarge,
                    &format!("the request body is larger than {limit} bytes"),
                    &request_id,
                );
            }
            Err(_) => {
                return crate::http::refusal(
                    StatusCode::REQUEST_TIMEOUT,
                    Code::BadUserInput,
                    &format!("the request body did not arrive within {} s", BODY_DEADLINE.as_secs()),
                    &request_id,
                );
            }
        }
    } else {
        request
    };
    let Ok(permit) = Arc::clone(&in_flight.permits).try_acquire_owned() else {
        metrics::counter!(SHED).increment(1);
        return shed(in_flight.limit, &request_id);
    };
    metrics::gauge!(IN_FLIGHT).increment(1.0);
    let admitted = Admitted { _permit: permit };
    let response = next.run(request).await;
    response.map(|inner| {
        Body::new(Held {
            inner,
            _admitted: admitted,
        })
    })
}

fn shed(limit: usize, request_id: &str) -> Response {
    let mut response = crate::http::refusal(
        StatusCode::SERVICE_UNAVAILABLE,
        Code::ServiceUnavailable,
        &format!("this server is handling {limit} requests already; try again in {RETRY_AFTER_SECONDS} s"),
        request_id,
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECONDS));
    response
}
