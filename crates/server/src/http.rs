//! The HTTP surface: GraphQL over POST and GET, GraphiQL, GraphQL over WebSocket, health checks,
//! request ids and the request-level protections (CSRF, body size, batch size, no mutations
//! over GET).

use backline_application::Code;
use std::net::SocketAddr;

use async_graphql::http::MultipartOptions;
use async_graphql::{BatchRequest, BatchResponse, Request};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::IntoResponse;
use axum::routing::get;
use backline_application::identity::{admit_mutations, authenticate};
use backline_application::{Actor, App, AppError, ClientMeta};
use backline_graphql::{Checked, RequestContext, ensure_error_codes, refusal_response};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::compose::Composition;
use crate::config::Config;
use crate::content::{document_content, file_content, file_waveform, image_content};
use crate::graphql_http::{MediaType, refuse, respond};
use crate::multipart::{MultipartError, PartLimits};

/// Most files one multipart request may carry.
const MAX_UPLOADS: usize = 4;

/// Router state.
#[derive(Clone)]
pub(crate) struct HttpState {
    pub(crate) composition: Composition,
    graphiql: bool,
    max_body_bytes: usize,
    max_upload_bytes: u64,
    max_batch: usize,
    api_url: Option<String>,
    ws_init_timeout: std::time::Duration,
    ws_keepalive: std::time::Duration,
    ws_sockets: crate::ws::SocketLimiter,
    lifecycle: crate::shutdown::Lifecycle,
    client_ip_header: Option<crate::config::HeaderName>,
    origins: crate::cors::AllowedOrigins,
    /// The last readiness answer, reused for a second so probes cannot load the stores.
    readiness: std::sync::Arc<std::sync::Mutex<Option<(std::time::Instant, StatusCode, String)>>>,
    /// When `/metrics` last sampled the stores.
    pub(crate) sampled: std::sync::Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// How long a readiness answer or a metrics sample is reused.
pub(crate) const PROBE_REUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// Builds the router.
pub(crate) fn router(composition: Composition, config: &Config, lifecycle: crate::shutdown::Lifecycle) -> Router {
    crate::metrics::handle();
    let in_flight = crate::overload::InFlight::new(config.max_in_flight, config.max_body_bytes);
    let state = HttpState {
        composition,
        graphiql: config.graphiql_enabled(),
        max_body_bytes: config.max_body_bytes,
        max_upload_bytes: config.max_upload_bytes,
        max_batch: config.max_batch,
        api_url: config.api_url.clone(),
        ws_init_timeout: std::time::Duration::from_millis(config.ws_init_timeout_ms),
        ws_keepalive: std::time::Duration::from_millis(config.ws_keepalive_ms.max(100)),
        ws_sockets: crate::ws::SocketLimiter::new(config.ws_max_sockets_per_user),
        lifecycle,
        client_ip_header: config.client_ip_header.clone(),
        origins: config.allowed_origins(),
        readiness: std::sync::Arc::default(),
        sampled: std::sync::Arc::default(),
    };
    Router::new()
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(graphql_ws))
        .route("/graphiql/{name}", get(graphiql_asset))
        .route("/files/{id}/content", get(file_content))
        .route("/files/{id}/{name}", get(file_waveform))
        .route("/images/{id}/{variant}", get(image_content))
        .route("/documents/{id}", get(document_content))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(crate::metrics::render))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(in_flight, crate::overload::admit))
        .layer(axum::middleware::from_fn(crate::metrics::track_requests))
        .layer(crate::cors::layer(&config.allowed_origins()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<Body>| {
            let id = request
                .extensions()
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .unwrap_or("-")
                .to_owned();
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

pub(crate) fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|value| value.to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// Who is calling, from where: the client's address is the TCP peer's, or, behind a proxy
/// named by `BACKLINE_CLIENT_IP_HEADER`, the address that proxy put last in that header.
fn client_meta(state: &HttpState, headers: &HeaderMap, peer: SocketAddr) -> ClientMeta {
    // The proxy appends: its value is in the last line of the header, at the end.
    let forwarded = state
        .client_ip_header
        .as_ref()
        .and_then(|name| headers.get_all(name).iter().next_back())
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').map(str::trim).find(|hop| !hop.is_empty()))
        .and_then(|hop| hop.parse::<std::net::IpAddr>().ok());
    ClientMeta {
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
        ip: Some(forwarded.unwrap_or_else(|| peer.ip()).to_string()),
    }
}

/// A JSON error response with one error carrying `code` (for refusals before execution).
pub(crate) fn refusal(status: StatusCode, code: Code, message: &str, request_id: &str) -> axum::response::Response {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str(), "requestId": request_id } }]
    });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// The HTTP status of `code`, from the one table of codes.
pub(crate) fn status_of(code: Code) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Authenticates the caller from the `Authorization` header: `UNAUTHENTICATED` for a bad or
/// ended token; another error (the store failing while checking the session) is not the
/// caller's and must not sign them out.
pub(crate) async fn actor_from(app: &App, headers: &HeaderMap) -> Result<Actor, AppError> {
    let header = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("invalid"));
    authenticate(&app.identity, header).await
}

/// The answer to a failed authentication: `UNAUTHENTICATED`, or a coded server error (503).
fn authentication_refusal(media: MediaType, error: AppError, request_id: &str) -> axum::response::Response {
    match error {
        AppError::Unauthenticated(message) => refuse(media, Code::Unauthenticated, &message, request_id),
        other => {
            let mut response = respond(media, &BatchResponse::Single(refusal_response(other, request_id)));
            *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
            response
        }
    }
}

/// The base of absolute content URLs: the configured API URL, or the request's own host.
fn base_url(state: &HttpState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.api_url {
        return url.clone();
    }
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    match header("host") {
        Some(host) if !host.contains(['/', ' ', '@']) => {
            let scheme = match header("x-forwarded-proto") {
                Some("https") => "https",
                _ => "http",
            };
            format!("{scheme}://{host}")
        }
        _ => String::new(),
    }
}

/// Gives each operation of the batch its context. A query's caller remembers the roles it
/// looks up for the length of that query (`Actor::for_one_query`); a mutation's checks always
/// read the current rows.
fn with_context(
    batch: BatchRequest,
    checked: &[Checked],
    app: &App,
    actor: Actor,
    meta: &ClientMeta,
    base: &str,
) -> BatchRequest {
    let context = |request: Request, checked: Option<&Checked>| {
        let actor = match checked.and_then(|checked| checked.kind) {
            Some("query") => actor.for_one_query(),
            _ => actor.clone(),
        };
        request.data(RequestContext::new(app, actor, meta.clone()).with_base_url(base))
    };
    match batch {
        BatchRequest::Single(request) => BatchRequest::Single(context(request, checked.first())),
        BatchRequest::Batch(requests) => BatchRequest::Batch(
            requests
                .into_iter()
                .enumerate()
                .map(|(index, request)| context(request, checked.get(index)))
                .collect(),
        ),
    }
}

/// The code of a response's first error, or `ok`.
fn outcome(response: &async_graphql::Response) -> String {
    response
        .errors
        .first()
        .and_then(|error| error.extensions.as_ref())
        .and_then(|extensions| extensions.get("code"))
        .map_or_else(|| "ok".to_owned(), |code| code.to_string().trim_matches('"').to_owned())
}

/// Checks every operation of the batch against the limits (over GET, only queries run),
/// authenticates the caller, counts its mutations against its rate limit, runs the batch with
/// a request context, gives every error a code and the request id, and records each
/// operation's metrics.
async fn execute(
    state: &HttpState,
    mut batch: BatchRequest,
    headers: &HeaderMap,
    peer: SocketAddr,
    request_id: &str,
    method: Method,
) -> axum::response::Response {
    let media = MediaType::of(headers);
    if let Err(error) = crate::documents::resolve(&state.composition.app, &mut batch).await {
        return respond(media, &BatchResponse::Single(refusal_response(error, request_id)));
    }
    let guard = &state.composition.guard;
    let checked: Result<Vec<Checked>, _> = match &mut batch {
        BatchRequest::Single(request) => guard.check(request).map(|checked| vec![checked]),
        BatchRequest::Batch(requests) => requests.iter_mut().map(|request| guard.check(request)).collect(),
    };
    let checked = match checked {
        Ok(checked) => checked,
        Err(exceeded) => return refuse(media, Code::BadUserInput, &exceeded.message, request_id),
    };
    if method == Method::GET
        && checked
            .iter()
            .any(|checked| checked.kind.is_some_and(|kind| kind != "query"))
    {
        return refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            Code::BadUserInput,
            "mutations and subscriptions are not accepted over GET; use POST",
            request_id,
        );
    }
    let app = &state.composition.app;
    let actor = match actor_from(app, headers).await {
        Ok(actor) => actor,
        Err(error) => return authentication_refusal(media, error, request_id),
    };
    let meta = client_meta(state, headers, peer);
    let mutation_fields = checked
        .iter()
        .filter(|checked| checked.kind == Some("mutation"))
        .map(|checked| checked.root_fields)
        .sum();
    if let Err(error) = admit_mutations(&app.identity, &actor, &meta, mutation_fields).await {
        let retry_after = match &error {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        metrics::counter!(crate::metrics::RATE_LIMITED).increment(1);
        let mut response = respond(media, &BatchResponse::Single(refusal_response(error, request_id)));
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        return response;
    }
    let base = base_url(state, headers);
    let batch = with_context(batch, &checked, app, actor, &meta, &base);
    let started = std::time::Instant::now();
    let span = match checked.as_slice() {
        [one] => tracing::info_span!(
            "graphql",
            operation = %crate::metrics::operation_label(one.name.as_deref()),
            kind = one.kind.unwrap_or("invalid"),
        ),
        many => tracing::info_span!("graphql", operation = "batch", operations = many.len()),
    };
    let mut response = tracing::Instrument::instrument(state.composition.schema.execute_batch(batch), span).await;
    let elapsed = started.elapsed();
    let responses: Vec<&mut async_graphql::Response> = match &mut response {
        BatchResponse::Single(single) => vec![single],
        BatchResponse::Batch(many) => many.iter_mut().collect(),
    };
    for (single, checked) in responses.into_iter().zip(&checked) {
        ensure_error_codes(single, request_id);
        let name = crate::metrics::operation_label(checked.name.as_deref());
        crate::metrics::record_operation(&name, checked.kind.unwrap_or("invalid"), &outcome(single), elapsed);
    }
    respond(media, &response)
}

/// Most of a refused request's body read (and dropped) before answering.
const DRAIN_BYTES: usize = 64 << 20;
/// How long a refused request's body is read before answering.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Answers `refused` after reading the request's body (at most [`DRAIN_BYTES`] within
/// [`DRAIN_TIME`]): a client still sending when the server answers and closes sees a reset
/// connection (Node's fetch reports EPIPE) instead of the answer. Past the bounds the answer
/// goes out anyway and the connection closes.
async fn after_draining(body: Body, refused: axum::response::Response) -> axum::response::Response {
    use futures::StreamExt;
    let mut chunks = body.into_data_stream();
    let drained = tokio::time::timeout(DRAIN_TIME, async {
        let mut read = 0_usize;
        while let Some(Ok(chunk)) = chunks.next().await {
            read = read.saturating_add(chunk.len());
            if read > DRAIN_BYTES {
                return false;
            }
        }
        true
    })
    .await
    .unwrap_or(false);
    let mut refused = refused;
    if !drained {
        refused
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    refused
}

/// Whether a content type is a "simple" one a browser may send cross-site without preflight.
fn needs_csrf_header(headers: &HeaderMap) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let json =
        content_type.starts_with("application/json") || content_type.starts_with("application/graphql-response+json");
    let preflighted =
        headers.contains_key("apollo-require-preflight") || headers.contains_key("x-apollo-operation-name");
    !json && !preflighted
}

async fn graphql_post(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    let request_id = request_id(&headers);
    if needs_csrf_header(&headers) {
        let refused = refusal(
            StatusCode::BAD_REQUEST,
            Code::Forbidden,
            "requests that are not application/json must carry an 'apollo-require-preflight' or 'x-apollo-operation-name' header (CSRF protection)",
            &request_id,
        );
        return after_draining(body, refused).await;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let multipart = content_type
        .as_deref()
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("multipart/form-data"));
    if multipart {
        // Uploads need a signed-in caller; refuse others before reading a byte of the body.
        match actor_from(&state.composition.app, &headers).await {
            Ok(actor) if actor.user_id().is_some() => {}
            Ok(_) => {
                let refused = refuse(
                    MediaType::of(&headers),
                    Code::Unauthenticated,
                    "sign in first: uploads need 'Authorization: Bearer <accessToken>'",
                    &request_id,
                );
                return after_draining(body, refused).await;
            }
            Err(error) => {
                let refused = authentication_refusal(MediaType::of(&headers), error, &request_id);
                return after_draining(body, refused).await;
            }
        }
        let limits = PartLimits {
            json_bytes: u64::try_from(state.max_body_bytes).unwrap_or(u64::MAX),
            file_bytes: state.max_upload_bytes,
            files: MAX_UPLOADS,
        };
        let batch = match crate::multipart::read(content_type.as_deref().unwrap_or(""), body, limits).await {
            Ok(batch) => batch,
            Err(MultipartError::TooLarge(message)) => {
                return refusal(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Code::PayloadTooLarge,
                    &message,
                    &request_id,
                );
            }
            Err(MultipartError::Malformed(message)) => {
                return refusal(StatusCode::BAD_REQUEST, Code::BadUserInput, &message, &request_id);
            }
            Err(error @ MultipartError::Stalled) => {
                return refusal(
                    StatusCode::REQUEST_TIMEOUT,
                    Code::BadUserInput,
                    &error.to_string(),
                    &request_id,
                );
            }
            Err(MultipartError::Io(error)) => {
                tracing::error!(%error, %request_id, "could not spool an upload");
                return refusal(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Code::InternalServerError,
                    "could not store the upload",
                    &request_id,
                );
            }
        };
        return finish_post(&state, batch, &headers, peer, &request_id).await;
    }
    let bytes = match axum::body::to_bytes(body, state.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                Code::PayloadTooLarge,
                &format!("the request body is larger than {} bytes", state.max_body_bytes),
                &request_id,
            );
        }
    };
    let received = async_graphql::http::receive_batch_body(content_type, &bytes[..], MultipartOptions::default()).await;
    let batch = match received {
        Ok(batch) => batch,
        Err(error) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                Code::BadUserInput,
                &format!("malformed GraphQL request: {error}"),
                &request_id,
            );
        }
    };
    finish_post(&state, batch, &headers, peer, &request_id).await
}

/// Refuses oversized batches, then executes.
async fn finish_post(
    state: &HttpState,
    batch: BatchRequest,
    headers: &HeaderMap,
    peer: SocketAddr,
    request_id: &str,
) -> axum::response::Response {
    if let BatchRequest::Batch(requests) = &batch
        && requests.len() > state.max_batch
    {
        return refusal(
            StatusCode::BAD_REQUEST,
            Code::BadUserInput,
            &format!(
                "a batch may hold at most {} operations; this one holds {}",
                state.max_batch,
                requests.len()
            ),
            request_id,
        );
    }
    execute(state, batch, headers, peer, request_id, Method::POST).await
}

/// `GET /graphiql/{name}`: a file of the GraphiQL page (404 when GraphiQL is off).
async fn graphiql_asset(
    State(state): State<HttpState>,
    axum::extract::Path(name): axum::extract::Path<String>,
    headers: HeaderMap,
) -> axum::response::Response {
    if state.graphiql {
        crate::graphiql::asset(&name, &headers)
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn graphql_get(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> axum::response::Response {
    let request_id = request_id(&headers);
    let query = uri.query().unwrap_or("");
    if method == Method::GET && !crate::documents::asks_for_an_operation(query) {
        if state.graphiql {
            return crate::graphiql::page(&headers);
        }
        return refusal(
            StatusCode::NOT_FOUND,
            Code::NotFound,
            "GraphiQL is disabled; POST GraphQL requests to /graphql",
            &request_id,
        );
    }
    let request = match crate::documents::from_query_string(query) {
        Ok(request) => request,
        Err(error) => {
            return refusal(
                StatusCode::BAD_REQUEST,
                Code::BadUserInput,
                &format!("malformed GraphQL request: {error}"),
                &request_id,
            );
        }
    };
    execute(
        &state,
        BatchRequest::Single(request),
        &headers,
        peer,
        &request_id,
        Method::GET,
    )
    .await
}

async fn graphql_ws(
    State(state): State<HttpState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> axum::response::Response {
    if !crate::cors::socket_origin_allowed(&state.origins, &headers) {
        return refusal(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            "this origin may not open sockets to the API (BACKLINE_CORS_ORIGINS)",
            &request_id(&headers),
        );
    }
    let protocol = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .split(',')
                .find_map(|name| name.trim().parse::<async_graphql::http::WebSocketProtocols>().ok())
        })
        .unwrap_or(async_graphql::http::WebSocketProtocols::SubscriptionsTransportWS);
    let session = crate::ws::Session {
        schema: state.composition.schema.clone(),
        app: state.composition.app.clone(),
        meta: client_meta(&state, &headers, peer),
        base: base_url(&state, &headers),
        guard: state.composition.guard.clone(),
        protocol,
        init_timeout: state.ws_init_timeout,
        keepalive: state.ws_keepalive,
        request_id: request_id(&headers),
        sockets: state.ws_sockets.clone(),
        closing: state.lifecycle.closing(),
        held: state.lifecycle.hold_socket(),
    };
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        // An idle subscriber should cost little: a small read buffer (it grows for the rare
        // large message), messages written at once rather than gathered, and a bound on what
        // a client that stops reading can make the server hold.
        .read_buffer_size(crate::ws::READ_BUFFER_BYTES)
        .write_buffer_size(0)
        .max_write_buffer_size(crate::ws::MAX_WRITE_BUFFER_BYTES)
        .max_message_size(state.max_body_bytes)
        .on_upgrade(move |socket| crate::ws::serve(socket, session))
}

async fn healthz() -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"status":"ok"}"#,
    )
}

/// How long each readiness check may take before it counts as failing.
const READY_CHECK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// Ready to serve: the database answers with every migration applied, and the blob store
/// answers, each within [`READY_CHECK_TIMEOUT`]. Each check is named in the answer. An answer
/// is reused for [`PROBE_REUSE`], so however often it is asked the stores are asked once a
/// second.
async fn readyz(State(state): State<HttpState>) -> impl IntoResponse {
    let reused = state
        .readiness
        .lock()
        .ok()
        .and_then(|last| last.clone())
        .filter(|(at, _, _)| at.elapsed() < PROBE_REUSE);
    let (status, body) = match reused {
        Some((_, status, body)) => (status, body),
        None => {
            let (status, body) = check_readiness(&state).await;
            if let Ok(mut last) = state.readiness.lock() {
                *last = Some((std::time::Instant::now(), status, body.clone()));
            }
            (status, body)
        }
    };
    (status, [(header::CONTENT_TYPE, "application/json")], body)
}

async fn check_readiness(state: &HttpState) -> (StatusCode, String) {
    let database = &state.composition.database;
    let database_check = async {
        database.ping().await?;
        database.migrations_current().await
    };
    let (database_ok, migrations_ok) = match tokio::time::timeout(READY_CHECK_TIMEOUT, database_check).await {
        Ok(Ok(current)) => (true, current),
        Ok(Err(error)) => {
            tracing::warn!(%error, "database is not reachable");
            (false, false)
        }
        Err(_) => {
            tracing::warn!("database did not answer the readiness check in time");
            (false, false)
        }
    };
    let blobs_ok = match tokio::time::timeout(
        READY_CHECK_TIMEOUT,
        backline_application::media::blob_store_reachable(&state.composition.app.media),
    )
    .await
    {
        Ok(Ok(())) => true,
        Ok(Err(error)) => {
            tracing::warn!(error = %format!("{error:#}"), "blob store is not reachable");
            false
        }
        Err(_) => {
            tracing::warn!("blob store did not answer the readiness check in time");
            false
        }
    };
    let ready = database_ok && migrations_ok && blobs_ok;
    let verdict = |ok: bool| if ok { "ok" } else { "failing" };
    let body = serde_json::json!({
        "status": if ready { "ready" } else { "not ready" },
        "checks": {
            "database": verdict(database_ok),
            "migrations": verdict(migrations_ok),
            "blobStore": verdict(blobs_ok),
        },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body.to_string())
}
