//! GraphQL over WebSocket, with the graphql-transport-ws rules async-graphql leaves to us:
//! close 4408 when no `connection_init` arrives in time, 4401 for a subscribe before the
//! acknowledgement, 4409 for a subscription id already in use; at most
//! [`MAX_SUBSCRIPTIONS`] live subscriptions per socket; and the same operation limits (aliases,
//! root fields) as HTTP requests; keep-alive pings; when the access token given in
//! `connection_init` expires, the socket closes with 4403 (graphql-ws clients retry it: a fresh
//! token, the same subscriptions); when its session ends, every subscription ends with
//! `UNAUTHENTICATED` and the socket closes with 4401 (sign in again); when the server stops,
//! 1012. One user may hold at most a configured
//! number of sockets ([`SocketLimiter`]); one more is refused at `connection_init` (4403, as any
//! refused initialisation). Every error sent carries a `code` and the socket's `requestId`. The
//! legacy `graphql-ws` protocol is passed through as it is, with its `ka` keep-alive.

use backline_application::Code;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::http::{WebSocket as GraphQLStream, WebSocketProtocols, WsMessage};
use async_graphql::{Data, Request};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use backline_application::identity::{admit_mutations, authenticate_until};
use backline_application::{Actor, App, ClientMeta};
use backline_domain::ids::{SessionId, UserId};
use backline_graphql::{BacklineSchema, RequestContext, RequestGuard};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};

/// Initial read buffer of a socket (the library's default is 128 KiB).
pub(crate) const READ_BUFFER_BYTES: usize = 4 * 1024;
/// Unsent bytes a socket may hold for a client that stopped reading before it is closed.
pub(crate) const MAX_WRITE_BUFFER_BYTES: usize = 4 << 20;

/// Live subscriptions per socket.
pub(crate) const MAX_SUBSCRIPTIONS: usize = 100;

/// Counts each user's open sockets across the process.
#[derive(Debug, Clone)]
pub(crate) struct SocketLimiter {
    open: Arc<Mutex<HashMap<UserId, usize>>>,
    per_user: usize,
}

/// One counted socket; dropping it frees the place.
#[derive(Debug)]
pub(crate) struct SocketSlot {
    limiter: SocketLimiter,
    user: UserId,
}

impl SocketLimiter {
    /// At most `per_user` sockets per user.
    pub(crate) fn new(per_user: usize) -> Self {
        Self {
            open: Arc::default(),
            per_user: per_user.max(1),
        }
    }

    /// Takes a place for one more of `user`'s sockets; `None` when they hold the maximum.
    fn acquire(&self, user: UserId) -> Option<SocketSlot> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(user).or_insert(0);
        if *count >= self.per_user {
            return None;
        }
        *count += 1;
        Some(SocketSlot {
            limiter: self.clone(),
            user,
        })
    }
}

impl Drop for SocketSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.limiter.open.lock()
            && let Some(count) = open.get_mut(&self.user)
        {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// What one socket needs.
pub(crate) struct Session {
    pub(crate) schema: BacklineSchema,
    pub(crate) app: App,
    pub(crate) meta: ClientMeta,
    pub(crate) base: String,
    pub(crate) guard: RequestGuard,
    pub(crate) protocol: WebSocketProtocols,
    /// How long the client has to send `connection_init`.
    pub(crate) init_timeout: Duration,
    /// How often to ping the client.
    pub(crate) keepalive: Duration,
    /// The upgrade request's id, put on every error sent.
    pub(crate) request_id: String,
    /// Each user's open sockets.
    pub(crate) sockets: SocketLimiter,
    /// Turns `true` when the server stops: the socket closes with 1012 (service restart).
    pub(crate) closing: tokio::sync::watch::Receiver<bool>,
    /// Counts this socket open until it closes.
    pub(crate) held: crate::shutdown::SocketHeld,
}

/// Reads the token from a `connection_init` payload: `Authorization`, `authorization` or `token`.
pub(crate) fn token_from_init(payload: &Value) -> Option<String> {
    ["Authorization", "authorization", "token"]
        .iter()
        .find_map(|key| payload.get(key).and_then(|value| value.as_str()))
        .map(str::to_owned)
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

fn error_message(id: &str, code: Code, message: &str, request_id: &str) -> Message {
    let body = json!({
        "id": id,
        "type": "error",
        "payload": [{ "message": message, "extensions": { "code": code.as_str(), "requestId": request_id } }],
    });
    Message::Text(body.to_string().into())
}

/// An `error` message for operation `id` carrying `error` coded as everywhere else (with
/// `retryAfter` for rate limits; internal errors generic).
fn refusal_message(id: &str, error: backline_application::AppError, request_id: &str) -> Message {
    let response = backline_graphql::refusal_response(error, request_id);
    let payload = serde_json::to_value(&response.errors).unwrap_or_else(|_| json!([]));
    Message::Text(
        json!({ "id": id, "type": "error", "payload": payload })
            .to_string()
            .into(),
    )
}

/// Gives every error in an engine message a code (engine errors such as validation failures
/// are the client's: `BAD_USER_INPUT`) and the socket's request id. Messages without errors
/// pass untouched, without being parsed.
fn with_error_details(text: String, request_id: &str) -> String {
    if !text.contains("\"errors\"") && !text.contains("\"type\":\"error\"") {
        return text;
    }
    let Ok(mut message) = serde_json::from_str::<Value>(&text) else {
        return text;
    };
    let errors = match message["type"].as_str() {
        Some("error") => message.get_mut("payload"),
        _ => message.get_mut("payload").and_then(|payload| payload.get_mut("errors")),
    };
    let Some(Value::Array(errors)) = errors else {
        return text;
    };
    for error in errors {
        let Some(object) = error.as_object_mut() else { continue };
        let extensions = object.entry("extensions").or_insert_with(|| json!({}));
        if let Some(extensions) = extensions.as_object_mut() {
            extensions
                .entry("code")
                .or_insert_with(|| Value::from(Code::BadUserInput.as_str()));
            extensions.insert("requestId".into(), Value::from(request_id));
        }
    }
    message.to_string()
}

/// What to do with one client message.
enum Verdict {
    /// Hand it to the GraphQL engine.
    Forward,
    /// A mutation of this many fields: count it against the caller's rate limit, then hand it
    /// to the engine (or refuse it).
    Admit(usize),
    /// Answer it ourselves and go on.
    Answer(Message),
    /// Close the socket.
    Close(Message),
}

/// The ids of a socket's live operations, counted in the subscriptions gauge.
#[derive(Debug, Default)]
struct Live(HashSet<String>);

impl Live {
    fn contains(&self, id: &str) -> bool {
        self.0.contains(id)
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn insert(&mut self, id: String) {
        if self.0.insert(id) {
            metrics::gauge!(crate::metrics::SUBSCRIPTIONS).increment(1.0);
        }
    }

    fn remove(&mut self, id: &str) {
        if self.0.remove(id) {
            metrics::gauge!(crate::metrics::SUBSCRIPTIONS).decrement(1.0);
        }
    }

    fn drain(&mut self) -> Vec<String> {
        metrics::gauge!(crate::metrics::SUBSCRIPTIONS).decrement(self.0.len() as f64);
        self.0.drain().collect()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        metrics::gauge!(crate::metrics::SUBSCRIPTIONS).decrement(self.0.len() as f64);
    }
}

struct Rules {
    modern: bool,
    acknowledged: bool,
    active: Live,
    request_id: String,
}

impl Rules {
    fn judge(&mut self, text: &str, guard: &RequestGuard) -> Verdict {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return Verdict::Forward;
        };
        let kind = message["type"].as_str().unwrap_or("");
        let id = message["id"].as_str().unwrap_or("").to_owned();
        match kind {
            "subscribe" | "start" => {
                if self.modern && !self.acknowledged {
                    return Verdict::Close(close(4401, "Unauthorized"));
                }
                if self.active.contains(&id) {
                    return if self.modern {
                        Verdict::Close(close(4409, &format!("Subscriber for {id} already exists")))
                    } else {
                        Verdict::Answer(error_message(
                            &id,
                            Code::BadUserInput,
                            "this id is already in use",
                            &self.request_id,
                        ))
                    };
                }
                if self.active.len() >= MAX_SUBSCRIPTIONS {
                    return Verdict::Answer(error_message(
                        &id,
                        Code::RateLimited,
                        &format!("a socket may hold at most {MAX_SUBSCRIPTIONS} subscriptions"),
                        &self.request_id,
                    ));
                }
                let mut mutation_fields = 0;
                if let Ok(mut request) = serde_json::from_value::<Request>(message["payload"].clone()) {
                    match guard.check(&mut request) {
                        Err(exceeded) => {
                            return Verdict::Answer(error_message(
                                &id,
                                Code::BadUserInput,
                                &exceeded.message,
                                &self.request_id,
                            ));
                        }
                        Ok(checked) if checked.kind == Some("mutation") => mutation_fields = checked.root_fields,
                        Ok(_) => {}
                    }
                }
                self.active.insert(id);
                if mutation_fields > 0 {
                    Verdict::Admit(mutation_fields)
                } else {
                    Verdict::Forward
                }
            }
            "complete" | "stop" => {
                self.active.remove(&id);
                Verdict::Forward
            }
            _ => Verdict::Forward,
        }
    }

    /// Notes what the engine sends: the acknowledgement, and subscriptions that ended.
    fn observe(&mut self, text: &str) {
        let Ok(message) = serde_json::from_str::<Value>(text) else {
            return;
        };
        match message["type"].as_str().unwrap_or("") {
            "connection_ack" => self.acknowledged = true,
            "complete" | "error" => {
                if let Some(id) = message["id"].as_str() {
                    self.active.remove(id);
                }
            }
            _ => {}
        }
    }
}

/// Serves one socket until either side closes it.
pub(crate) async fn serve(socket: WebSocket, session: Session) {
    let Session {
        schema,
        app,
        meta,
        base,
        guard,
        protocol,
        init_timeout,
        keepalive,
        request_id,
        sockets,
        mut closing,
        held,
    } = session;
    let _held = held;
    let (mut outgoing, mut incoming) = socket.split();
    if *closing.borrow() {
        // Opened while the server stops: go elsewhere at once.
        let _ = outgoing.send(close(1012, "Service restart")).await;
        return;
    }
    let modern = protocol == WebSocketProtocols::GraphQLWS;
    let (mut to_engine, from_client) = mpsc::channel::<String>(16);
    // When the token presented in connection_init stops being valid.
    let expiry: Arc<Mutex<Option<chrono::DateTime<chrono::Utc>>>> = Arc::default();
    let token_expiry = Arc::clone(&expiry);
    // This socket's place among its user's sockets, held until it closes.
    let slot: Arc<Mutex<Option<SocketSlot>>> = Arc::default();
    let held = Arc::clone(&slot);
    // The session the socket signed in with: when it ends, so does the socket.
    let session: Arc<Mutex<Option<SessionId>>> = Arc::default();
    let signed_in = Arc::clone(&session);
    let sessions = Arc::clone(app.session_cache());
    // Who signed in, for the rate limit of mutations sent over the socket.
    let caller: Arc<Mutex<Option<Actor>>> = Arc::default();
    let signed_in_as = Arc::clone(&caller);
    let socket_app = app.clone();
    let socket_meta = meta.clone();
    let engine = GraphQLStream::new(schema, from_client, protocol).on_connection_init(move |payload| async move {
        let (actor, until) = authenticate_until(&app.identity, token_from_init(&payload).as_deref())
            .await
            .map_err(|error| match error {
                backline_application::AppError::Unauthenticated(message) => async_graphql::Error::new(message),
                other => {
                    tracing::error!(error = %other, "could not check a socket's session");
                    async_graphql::Error::new("internal server error; try again")
                }
            })?;
        if let Ok(mut signed_in) = signed_in.lock() {
            *signed_in = actor.session_id();
        }
        if let Ok(mut signed_in_as) = signed_in_as.lock() {
            *signed_in_as = Some(actor.clone());
        }
        if let Some(user) = actor.user_id() {
            let Some(place) = sockets.acquire(user) else {
                return Err(async_graphql::Error::new(format!(
                    "too many open sockets for this user (at most {}); close one first",
                    sockets.per_user
                )));
            };
            if let Ok(mut held) = held.lock() {
                *held = Some(place);
            }
        }
        if let Ok(mut slot) = token_expiry.lock() {
            *slot = until;
        }
        let mut data = Data::default();
        data.insert(RequestContext::new(&app, actor, meta).with_base_url(base));
        Ok(data)
    });
    let mut engine = Box::pin(engine);
    let mut rules = Rules {
        modern,
        acknowledged: false,
        active: Live::default(),
        request_id: request_id.clone(),
    };
    let init_deadline = tokio::time::sleep(init_timeout);
    tokio::pin!(init_deadline);
    let mut initialised = false;
    let mut pings = tokio::time::interval_at(tokio::time::Instant::now() + keepalive, keepalive);
    // graphql-transport-ws pings; the legacy protocol has its keep-alive message.
    let ping = if modern {
        r#"{"type":"ping"}"#
    } else {
        r#"{"type":"ka"}"#
    };
    let mut expires: Option<std::pin::Pin<Box<tokio::time::Sleep>>> = None;
    let mut ended: Option<futures::channel::oneshot::Receiver<()>> = None;
    loop {
        tokio::select! {
            () = async { if let Some(sleep) = expires.as_mut() { sleep.as_mut().await } }, if expires.is_some() => {
                // The token expired: close with 4403, which graphql-ws clients retry by default
                // (4401 they do not), so one whose `connectionParams` is a function reconnects
                // with a fresh token and subscribes again. No `error` message is sent for the
                // subscriptions: by the protocol an error ends an operation for good, and the
                // client would not subscribe again. Resume from the last cursors to miss nothing.
                rules.active.drain();
                let _ = outgoing.send(close(4403, "UNAUTHENTICATED: the access token expired; reconnect with a fresh one")).await;
                break;
            }
            result = async { if let Some(receiver) = ended.as_mut() { receiver.await } else { std::future::pending().await } }, if ended.is_some() => {
                if result.is_err() {
                    // The cache dropped the watch without an end: keep serving.
                    ended = None;
                    continue;
                }
                // The session ended (signed out, revoked): its tokens are void here at once.
                for id in rules.active.drain() {
                    let _ = outgoing.send(error_message(&id, Code::Unauthenticated, "this session has ended (signed out or revoked); sign in again", &request_id)).await;
                }
                let _ = outgoing.send(close(4401, "Session ended")).await;
                break;
            }
            _ = closing.changed() => {
                // The server is stopping: tell the client to reconnect, to another replica.
                let _ = outgoing.send(close(1012, "Service restart")).await;
                break;
            }
            _ = pings.tick() => {
                if outgoing.send(Message::Text(ping.into())).await.is_err() {
                    break;
                }
            }
            () = &mut init_deadline, if !initialised => {
                let _ = outgoing.send(close(4408, "Connection initialisation timeout")).await;
                break;
            }
            message = incoming.next() => {
                let Some(Ok(message)) = message else { break };
                let text = match message {
                    Message::Text(text) => text.to_string(),
                    Message::Binary(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Message::Close(_) => break,
                    Message::Ping(_) | Message::Pong(_) => continue,
                };
                if text.contains("connection_init") {
                    initialised = true;
                }
                match rules.judge(&text, &guard) {
                    Verdict::Forward => {
                        if to_engine.send(text).await.is_err() {
                            break;
                        }
                    }
                    Verdict::Admit(fields) => {
                        let caller = caller.lock().ok().and_then(|caller| caller.clone()).unwrap_or_default();
                        match admit_mutations(&socket_app.identity, &caller, &socket_meta, fields).await {
                            Ok(()) => {
                                if to_engine.send(text).await.is_err() {
                                    break;
                                }
                            }
                            Err(error) => {
                                let id = serde_json::from_str::<Value>(&text).ok().and_then(|message| message["id"].as_str().map(str::to_owned)).unwrap_or_default();
                                rules.active.remove(&id);
                                if matches!(error, backline_application::AppError::RateLimited { .. }) {
                                    metrics::counter!(crate::metrics::RATE_LIMITED).increment(1);
                                }
                                if outgoing.send(refusal_message(&id, error, &request_id)).await.is_err() {
                                    break;
                                }
                            }
                        }
                    }
                    Verdict::Answer(reply) => {
                        if outgoing.send(reply).await.is_err() {
                            break;
                        }
                    }
                    Verdict::Close(reply) => {
                        let _ = outgoing.send(reply).await;
                        break;
                    }
                }
            }
            reply = engine.next() => {
                match reply {
                    Some(WsMessage::Text(text)) => {
                        let was_acknowledged = rules.acknowledged;
                        rules.observe(&text);
                        if rules.acknowledged && !was_acknowledged {
                            let until = expiry.lock().ok().and_then(|slot| *slot);
                            if let Some(until) = until {
                                let left = (until - chrono::Utc::now()).to_std().unwrap_or_default();
                                expires = Some(Box::pin(tokio::time::sleep(left)));
                            }
                            if let Some(signed_in) = session.lock().ok().and_then(|session| *session) {
                                ended = Some(sessions.ended(signed_in));
                            }
                        }
                        let text = with_error_details(text, &request_id);
                        if outgoing.send(Message::Text(text.into())).await.is_err() {
                            break;
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => {
                        // A refused connection_init (bad token, too many sockets) is 4403
                        // Forbidden in graphql-transport-ws; the engine says 1002.
                        let code = if modern && code == 1002 && !rules.acknowledged { 4403 } else { code };
                        let _ = outgoing.send(close(code, &reason)).await;
                        break;
                    }
                    None => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tokens_from_any_init_key() {
        for key in ["Authorization", "authorization", "token"] {
            let payload = json!({ key: "Bearer abc" });
            assert_eq!(token_from_init(&payload).as_deref(), Some("Bearer abc"));
        }
        assert_eq!(token_from_init(&json!({})), None);
    }

    #[test]
    fn errors_get_a_code_and_the_request_id() {
        let next = r#"{"id":"1","type":"next","payload":{"data":null,"errors":[{"message":"gone","extensions":{"code":"NOT_FOUND"}},{"message":"bad"}]}}"#;
        let changed: Value = serde_json::from_str(&with_error_details(next.into(), "req-9")).unwrap_or_default();
        let errors = &changed["payload"]["errors"];
        assert_eq!(errors[0]["extensions"]["code"], "NOT_FOUND");
        assert_eq!(errors[1]["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(errors[1]["extensions"]["requestId"], "req-9");
        let error = r#"{"id":"2","type":"error","payload":[{"message":"invalid"}]}"#;
        let changed: Value = serde_json::from_str(&with_error_details(error.into(), "req-9")).unwrap_or_default();
        assert_eq!(changed["payload"][0]["extensions"]["requestId"], "req-9");
        let data = r#"{"id":"1","type":"next","payload":{"data":{"x":1}}}"#;
        assert_eq!(with_error_details(data.into(), "req-9"), data, "untouched");
    }

    #[test]
    fn caps_each_users_sockets() {
        let limiter = SocketLimiter::new(2);
        let user = UserId(uuid::Uuid::from_u128(7));
        let first = limiter.acquire(user);
        let second = limiter.acquire(user);
        assert!(first.is_some() && second.is_some());
        assert!(limiter.acquire(user).is_none(), "a third is refused");
        assert!(limiter.acquire(UserId(uuid::Uuid::from_u128(8))).is_some(), "per user");
        drop(first);
        assert!(limiter.acquire(user).is_some(), "a closed socket frees its place");
    }

    #[test]
    fn enforces_the_transport_rules() {
        let limits = RequestGuard::new(backline_graphql::Limits::default(), &backline_graphql::sdl());
        let mut rules = Rules {
            modern: true,
            acknowledged: false,
            active: Live::default(),
            request_id: "r1".into(),
        };
        let subscribe = |id: &str| {
            json!({"id": id, "type": "subscribe", "payload": {"query": "subscription { notificationAdded { unreadNotificationCount } }"}}).to_string()
        };
        assert!(
            matches!(rules.judge(&subscribe("1"), &limits), Verdict::Close(_)),
            "before the ack"
        );
        rules.observe(r#"{"type":"connection_ack"}"#);
        assert!(matches!(rules.judge(&subscribe("1"), &limits), Verdict::Forward));
        assert!(
            matches!(rules.judge(&subscribe("1"), &limits), Verdict::Close(_)),
            "duplicate id"
        );
        rules.observe(r#"{"id":"1","type":"complete"}"#);
        assert!(
            matches!(rules.judge(&subscribe("1"), &limits), Verdict::Forward),
            "ids are free again"
        );
        for n in 2..=MAX_SUBSCRIPTIONS {
            assert!(matches!(
                rules.judge(&subscribe(&n.to_string()), &limits),
                Verdict::Forward
            ));
        }
        assert!(
            matches!(rules.judge(&subscribe("extra"), &limits), Verdict::Answer(_)),
            "cap"
        );
        let aliases: String = (0..40)
            .map(|n| format!("a{n}: notificationAdded {{ unreadNotificationCount }} "))
            .collect();
        rules.active.drain();
        let heavy =
            json!({"id": "h", "type": "subscribe", "payload": {"query": format!("subscription {{ {aliases} }}")}})
                .to_string();
        assert!(
            matches!(rules.judge(&heavy, &limits), Verdict::Answer(_)),
            "operation limits"
        );
    }
}
