//! Prometheus metrics at `/metrics`: HTTP requests and GraphQL operations (by operation name
//! and outcome, with latency histograms), requests in flight and shed, open sockets and
//! subscriptions, and, read when scraped, the database pool, background jobs by status and how
//! far this process's event relay lags behind the outbox. The recorder is process-wide (a
//! process running several servers, as the tests do, reports their sum).

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::http::HttpState;

/// HTTP requests served, by route and status.
pub(crate) const HTTP_REQUESTS: &str = "backline_http_requests_total";
/// HTTP request latency in seconds, by route.
pub(crate) const HTTP_DURATION: &str = "backline_http_request_duration_seconds";
/// GraphQL operations run, by operation name, kind and outcome (`ok` or the first error code).
pub(crate) const OPERATIONS: &str = "backline_graphql_operations_total";
/// GraphQL operation latency in seconds, by operation name and kind.
pub(crate) const OPERATION_DURATION: &str = "backline_graphql_operation_duration_seconds";
/// Requests being handled now.
pub(crate) const IN_FLIGHT: &str = "backline_requests_in_flight";
/// Requests answered 503 because too many were in flight.
pub(crate) const SHED: &str = "backline_requests_shed_total";
/// Requests refused with RATE_LIMITED.
pub(crate) const RATE_LIMITED: &str = "backline_rate_limited_total";
/// Open GraphQL WebSockets.
pub(crate) const OPEN_SOCKETS: &str = "backline_open_sockets";
/// Live GraphQL subscriptions.
pub(crate) const SUBSCRIPTIONS: &str = "backline_subscriptions";
/// Database pool connections, by state (`idle`, `in_use`) and the pool's maximum (`max`).
const POOL: &str = "backline_db_pool_connections";
/// Background jobs by status (`queued`, `running`, `failed`).
const JOBS: &str = "backline_jobs";
/// Committed events this process has not published to its subscribers yet.
const OUTBOX_LAG_EVENTS: &str = "backline_outbox_lag_events";
/// Age of the oldest such event, in seconds (0 when none).
const OUTBOX_LAG_SECONDS: &str = "backline_outbox_lag_seconds";

/// Latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];
/// Distinct operation names reported; later ones are reported as `other`, so a client cannot
/// grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 200;

/// The process-wide recorder, installed on first use (the router installs it before the first
/// request, so nothing is counted before it).
pub(crate) fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_duration_seconds".to_owned()), &BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics shows only its own figures");
        }
        describe();
        let upkeep = handle.clone();
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(Duration::from_secs(5));
                    upkeep.run_upkeep();
                }
            });
        if let Err(error) = spawned {
            tracing::warn!(%error, "could not start the metrics upkeep thread");
        }
        handle
    })
}

fn describe() {
    metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests served, by route and status");
    metrics::describe_histogram!(HTTP_DURATION, metrics::Unit::Seconds, "HTTP request latency, by route");
    metrics::describe_counter!(
        OPERATIONS,
        "GraphQL operations, by operation name, kind and outcome (ok or the first error code)"
    );
    metrics::describe_histogram!(
        OPERATION_DURATION,
        metrics::Unit::Seconds,
        "GraphQL operation latency, by operation name and kind"
    );
    metrics::describe_gauge!(IN_FLIGHT, "Requests being handled now");
    metrics::describe_counter!(SHED, "Requests answered 503 because too many were in flight");
    metrics::describe_counter!(RATE_LIMITED, "Requests refused with RATE_LIMITED");
    metrics::describe_gauge!(OPEN_SOCKETS, "Open GraphQL WebSockets");
    metrics::describe_gauge!(SUBSCRIPTIONS, "Live GraphQL subscriptions");
    metrics::describe_gauge!(POOL, "Database pool connections by state (idle, in_use, max)");
    metrics::describe_gauge!(JOBS, "Background jobs by status (queued, running, failed)");
    metrics::describe_gauge!(OUTBOX_LAG_EVENTS, "Committed events this process has not published yet");
    metrics::describe_gauge!(
        OUTBOX_LAG_SECONDS,
        metrics::Unit::Seconds,
        "Age of the oldest committed event this process has not published yet"
    );
    // Gauges moved up and down by events are shown from the start, at 0.
    for gauge in [IN_FLIGHT, OPEN_SOCKETS, SUBSCRIPTIONS] {
        metrics::gauge!(gauge).increment(0.0);
    }
}

/// The label for a client's operation name: itself when it is a plain GraphQL name among the
/// first [`MAX_OPERATION_NAMES`] seen, `anonymous` without one, `other` otherwise.
pub(crate) fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name.filter(|name| !name.is_empty()) else {
        return "anonymous".to_owned();
    };
    let plain = name.len() <= 64
        && name.starts_with(|first: char| first == '_' || first.is_ascii_alphabetic())
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    if !plain {
        return "other".to_owned();
    }
    let Ok(mut seen) = SEEN.get_or_init(Mutex::default).lock() else {
        return "other".to_owned();
    };
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".to_owned()
    }
}

/// Records one GraphQL operation.
pub(crate) fn record_operation(name: &str, kind: &'static str, outcome: &str, elapsed: Duration) {
    metrics::counter!(OPERATIONS, "operation" => name.to_owned(), "kind" => kind, "outcome" => outcome.to_owned())
        .increment(1);
    metrics::histogram!(OPERATION_DURATION, "operation" => name.to_owned(), "kind" => kind)
        .record(elapsed.as_secs_f64());
}

/// Counts and times every HTTP request by its route.
pub(crate) async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!(HTTP_DURATION, "route" => route).record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`: samples the database pool, the job queue and the outbox (at most once a
/// second, however often it is scraped), then renders everything in the Prometheus text
/// format.
pub(crate) async fn render(State(state): State<HttpState>) -> impl IntoResponse {
    let due = state.sampled.lock().is_ok_and(|mut last| {
        let due = last.is_none_or(|at| at.elapsed() >= crate::http::PROBE_REUSE);
        if due {
            *last = Some(std::time::Instant::now());
        }
        due
    });
    if due {
        sample(&state).await;
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        handle().render(),
    )
}

/// Reads the pool, the job queue and the outbox into their gauges.
async fn sample(state: &HttpState) {
    let database = &state.composition.database;
    let pool = database.pool_stats();
    metrics::gauge!(POOL, "state" => "in_use").set(f64::from(pool.open.saturating_sub(pool.idle)));
    metrics::gauge!(POOL, "state" => "idle").set(f64::from(pool.idle));
    metrics::gauge!(POOL, "state" => "max").set(f64::from(pool.max));
    match database.job_counts().await {
        Ok(counts) => {
            for (status, label) in [("PENDING", "queued"), ("RUNNING", "running"), ("FAILED", "failed")] {
                let count = counts
                    .iter()
                    .find(|(found, _)| found == status)
                    .map_or(0, |(_, count)| *count);
                metrics::gauge!(JOBS, "status" => label).set(count as f64);
            }
        }
        Err(error) => tracing::warn!(%error, "could not count jobs for /metrics"),
    }
    match database.outbox_lag().await {
        Ok(lag) => {
            metrics::gauge!(OUTBOX_LAG_EVENTS).set(lag.events as f64);
            let age = lag
                .oldest
                .map_or(0.0, |oldest| (chrono::Utc::now() - oldest).as_seconds_f64().max(0.0));
            metrics::gauge!(OUTBOX_LAG_SECONDS).set(age);
        }
        Err(error) => tracing::warn!(%error, "could not read the outbox for /metrics"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_bounded() {
        assert_eq!(operation_label(None), "anonymous");
        assert_eq!(operation_label(Some("TrackPage")), "TrackPage");
        assert_eq!(operation_label(Some("not a name")), "other");
        assert_eq!(operation_label(Some(&"x".repeat(65))), "other");
        for n in 0..MAX_OPERATION_NAMES {
            let _ = operation_label(Some(&format!("Op{n}")));
        }
        assert_eq!(operation_label(Some("OneTooMany")), "other");
        assert_eq!(
            operation_label(Some("TrackPage")),
            "TrackPage",
            "names seen before stay"
        );
    }
}
