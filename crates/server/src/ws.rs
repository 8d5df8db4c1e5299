//! GraphQL over WebSocket, with the graphql-transport-ws rules async-graphql leaves to us:
//! close 4408 when no `connection_init` arrives in time, 4401 for a subscribe before the
//! acknowledgement, 4409 for a subscription id already in use; at most
//! [`MAX_SUBSCRIPTIONS`] live subscriptions per socket; and the same operation limits (aliases,
//! root fields) as HTTP requests; keep-alive pings; and when the access token given in
//! `connection_init` expires, every subscription ends with `UNAUTHENTICATED` and the socket
//! closes with 4401 (reconnect with a fresh token). The legacy `graphql-ws` protocol is passed
//! through as it is, with its `ka` keep-alive.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::http::{WebSocket as GraphQLStream, WebSocketProtocols, WsMessage};
use async_graphql::{Data, Request};
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use backline_application::identity::authenticate_until;
use backline_application::{App, ClientMeta};
use backline_graphql::{BacklineSchema, Limits, RequestContext};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};

/// Live subscriptions per socket.
pub(crate) const MAX_SUBSCRIPTIONS: usize = 100;

/// What one socket needs.
pub(crate) struct Session {
    pub(crate) schema: BacklineSchema,
    pub(crate) app: App,
    pub(crate) meta: ClientMeta,
    pub(crate) base: String,
    pub(crate) limits: Limits,
    pub(crate) protocol: WebSocketProtocols,
    /// How long the client has to send `connection_init`.
    pub(crate) init_timeout: Duration,
    /// How often to ping the client.
    pub(crate) keepalive: Duration,
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

fn error_message(id: &str, code: &str, message: &str) -> Message {
    let body =
        json!({ "id": id, "type": "error", "payload": [{ "message": message, "extensions": { "code": code } }] });
    Message::Text(body.to_string().into())
}

/// What to do with one client message.
enum Verdict {
    /// Hand it to the GraphQL engine.
    Forward,
    /// Answer it ourselves and go on.
    Answer(Message),
    /// Close the socket.
    Close(Message),
}

struct Rules {
    modern: bool,
    acknowledged: bool,
    active: HashSet<String>,
}

impl Rules {
    fn judge(&mut self, text: &str, limits: &Limits) -> Verdict {
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
                        Verdict::Answer(error_message(&id, "BAD_USER_INPUT", "this id is already in use"))
                    };
                }
                if self.active.len() >= MAX_SUBSCRIPTIONS {
                    return Verdict::Answer(error_message(
                        &id,
                        "RATE_LIMITED",
                        &format!("a socket may hold at most {MAX_SUBSCRIPTIONS} subscriptions"),
                    ));
                }
                if let Ok(mut request) = serde_json::from_value::<Request>(message["payload"].clone())
                    && let Err(reason) = limits.check_request(&mut request)
                {
                    return Verdict::Answer(error_message(&id, "BAD_USER_INPUT", &reason));
                }
                self.active.insert(id);
                Verdict::Forward
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
        limits,
        protocol,
        init_timeout,
        keepalive,
    } = session;
    let modern = protocol == WebSocketProtocols::GraphQLWS;
    let (mut outgoing, mut incoming) = socket.split();
    let (mut to_engine, from_client) = mpsc::channel::<String>(16);
    // When the token presented in connection_init stops being valid.
    let expiry: Arc<Mutex<Option<chrono::DateTime<chrono::Utc>>>> = Arc::default();
    let token_expiry = Arc::clone(&expiry);
    let engine = GraphQLStream::new(schema, from_client, protocol).on_connection_init(move |payload| async move {
        let (actor, until) = authenticate_until(&app, token_from_init(&payload).as_deref())
            .map_err(|error| async_graphql::Error::new(error.to_string()))?;
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
        active: HashSet::new(),
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
    loop {
        tokio::select! {
            () = async { if let Some(sleep) = expires.as_mut() { sleep.as_mut().await } }, if expires.is_some() => {
                // The token expired: end every subscription with an error, then the socket.
                for id in rules.active.drain() {
                    let _ = outgoing.send(error_message(&id, "UNAUTHENTICATED", "your access token expired; reconnect with a fresh one")).await;
                }
                let _ = outgoing.send(close(4401, "Access token expired")).await;
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
                match rules.judge(&text, &limits) {
                    Verdict::Forward => {
                        if to_engine.send(text).await.is_err() {
                            break;
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
                        }
                        if outgoing.send(Message::Text(text.into())).await.is_err() {
                            break;
                        }
                    }
                    Some(WsMessage::Close(code, reason)) => {
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
    fn enforces_the_transport_rules() {
        let limits = Limits::default();
        let mut rules = Rules {
            modern: true,
            acknowledged: false,
            active: HashSet::new(),
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
        rules.active.clear();
        let heavy =
            json!({"id": "h", "type": "subscribe", "payload": {"query": format!("subscription {{ {aliases} }}")}})
                .to_string();
        assert!(
            matches!(rules.judge(&heavy, &limits), Verdict::Answer(_)),
            "operation limits"
        );
    }
}
