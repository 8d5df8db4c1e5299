//! One subscriber: a graphql-transport-ws socket watching a track's comment events, reporting
//! when each measured comment arrives.

use std::time::Instant;

use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// The marker measured comments carry, followed by their round number.
pub(crate) const MARKER: &str = "loadgen round ";

/// The subscription each socket runs: only fields that need no database work, so the figure is
/// the cost of the live path itself.
const WATCH: &str =
    "subscription($t: ID!) { commentEvents(trackId: $t) { kind fileId comment { id content timeStart } } }";

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The round number in a message, if it reports a measured comment.
pub(crate) fn round_of(text: &str) -> Option<u32> {
    let start = text.find(MARKER)? + MARKER.len();
    let digits: String = text[start..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Opens a socket to `ws_url`, signs in and subscribes to `track`'s comment events.
pub(crate) async fn connect(ws_url: &str, token: &str, track: &str) -> anyhow::Result<Socket> {
    let mut request = ws_url.into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
    socket.send(Message::text(init.to_string())).await?;
    loop {
        let message = socket
            .next()
            .await
            .ok_or_else(|| anyhow::anyhow!("closed before the acknowledgement"))??;
        match message {
            Message::Text(text) if text.contains("connection_ack") => break,
            Message::Text(text) if text.contains("\"ping\"") => continue,
            Message::Close(frame) => anyhow::bail!("closed before the acknowledgement: {frame:?}"),
            _ => continue,
        }
    }
    let subscribe =
        json!({ "id": "1", "type": "subscribe", "payload": { "query": WATCH, "variables": { "t": track } } });
    socket.send(Message::text(subscribe.to_string())).await?;
    Ok(socket)
}

/// Reads `socket` until it closes, reporting `(round, arrival)` for each measured comment and
/// answering pings.
pub(crate) async fn listen(mut socket: Socket, arrivals: mpsc::UnboundedSender<(u32, Instant)>) {
    while let Some(Ok(message)) = socket.next().await {
        match message {
            Message::Text(text) => {
                if let Some(round) = round_of(&text) {
                    if arrivals.send((round, Instant::now())).is_err() {
                        break;
                    }
                } else if text.contains("\"type\":\"ping\"") {
                    let _ = socket.send(Message::text(r#"{"type":"pong"}"#)).await;
                } else if text.contains("\"errors\"") || text.contains("\"type\":\"error\"") {
                    eprintln!("subscriber got an error: {text}");
                }
            }
            Message::Close(_) => break,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_round_number() {
        let text = r#"{"id":"1","type":"next","payload":{"data":{"commentEvents":{"comment":{"content":"loadgen round 17"}}}}}"#;
        assert_eq!(round_of(text), Some(17));
        assert_eq!(round_of(r#"{"type":"ping"}"#), None);
    }
}
