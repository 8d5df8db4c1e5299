//! Live comment events over graphql-transport-ws.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, TestUser, Upload, str_at};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub(crate) type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const WATCH: &str =
    "subscription($t: ID!) { commentEvents(trackId: $t) { kind fileId comment { content owner { username } } } }";

async fn connect(app: &TestApp, user: &TestUser) -> anyhow::Result<Socket> {
    connect_to(&app.base, &user.token).await
}

/// Opens a graphql-transport-ws socket to the server at `base` and signs in with `token`.
pub(crate) async fn connect_to(base: &str, token: &str) -> anyhow::Result<Socket> {
    let mut request = format!("ws://{}/graphql/ws", base.trim_start_matches("http://")).into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}});
    socket.send(Message::text(init.to_string())).await?;
    let ack = next_json(&mut socket).await?;
    anyhow::ensure!(ack["type"] == "connection_ack", "{ack}");
    Ok(socket)
}

pub(crate) async fn next_json(socket: &mut Socket) -> anyhow::Result<Value> {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("socket closed"))??;
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(&text)?;
            if value["type"] == "ping" || value["type"] == "pong" {
                continue;
            }
            return Ok(value);
        }
    }
}

/// Adds comments on `file` as `token` until one reaches `socket`: from then on the subscription
/// is surely live (a comment written before the server registered it is never delivered).
pub(crate) async fn until_live(app: &TestApp, socket: &mut Socket, token: &str, file: &str) -> anyhow::Result<()> {
    const PING: &str = "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"warming up\"}) { id } }";
    for _ in 0..40 {
        app.ok(Some(token), PING, json!({ "f": file })).await?;
        let wait = std::time::Duration::from_millis(250);
        if let Ok(event) = tokio::time::timeout(wait, next_json(socket)).await {
            event?;
            return Ok(());
        }
    }
    anyhow::bail!("the subscription never received a comment")
}

/// The next message that is not a warm-up comment from [`until_live`] (one may arrive late).
pub(crate) async fn next_after_warm_up(socket: &mut Socket) -> anyhow::Result<Value> {
    loop {
        let message = next_json(socket).await?;
        if message["payload"]["data"]["commentEvents"]["comment"]["content"] != "warming up" {
            return Ok(message);
        }
    }
}

pub(crate) async fn subscribe(socket: &mut Socket, id: &str, track: &str) -> anyhow::Result<()> {
    let message = json!({"id": id, "type": "subscribe", "payload": {"query": WATCH, "variables": {"t": track}}});
    socket.send(Message::text(message.to_string())).await?;
    Ok(())
}

#[tokio::test]
async fn comment_events_arrive_live_and_respect_access() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, viewer, stranger) = (
        app.user("lown").await?,
        app.user("lvie").await?,
        app.user("lstr").await?,
    );
    let place = app.hierarchy(&owner, "Live").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: VIEWER}) { role } }",
        json!({ "r": place.track, "u": viewer.id }),
    )
    .await?;
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let file_id = str_at(&file, "/id")?;

    // A stranger cannot watch a private track: an error, no events.
    let mut outsider = connect(&app, &stranger).await?;
    subscribe(&mut outsider, "s1", &place.track).await?;
    let refused = next_json(&mut outsider).await?;
    assert_eq!(refused["payload"]["data"], Value::Null, "{refused}");
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused}"
    );
    assert!(
        refused["payload"]["errors"][0]["extensions"]["requestId"]
            .as_str()
            .is_some_and(|id| id.len() > 8),
        "socket errors carry the request id: {refused}"
    );
    let completed = next_json(&mut outsider).await?;
    assert_eq!(completed["type"], "complete", "{completed}");

    let mut watcher = connect(&app, &viewer).await?;
    subscribe(&mut watcher, "w1", &place.track).await?;
    // Give the server a moment to register the subscription.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let added = app
        .ok(
            Some(&owner.token),
            "mutation($f: ID!) { addComment(input: {fileId: $f, content: \"kick is late\", timeStart: 0.05}) { id } }",
            json!({ "f": file_id }),
        )
        .await?;
    let comment = str_at(&added, "/addComment/id")?;
    let event = next_json(&mut watcher).await?;
    assert_eq!(event["type"], "next", "{event}");
    assert_eq!(event["id"], "w1");
    let payload = &event["payload"]["data"]["commentEvents"];
    assert_eq!(payload["kind"], "ADDED");
    assert_eq!(payload["fileId"], json!(file_id));
    assert_eq!(payload["comment"]["content"], "kick is late");
    assert_eq!(payload["comment"]["owner"]["username"], json!(owner.username));

    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { resolveComment(commentId: $id) { id } }",
        json!({ "id": comment }),
    )
    .await?;
    let event = next_json(&mut watcher).await?;
    assert_eq!(event["payload"]["data"]["commentEvents"]["kind"], "RESOLVED");

    // Removing the viewer ends their subscription with an error.
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { removeCollaborator(input: {resourceId: $r, userId: $u}) { role } }",
        json!({ "r": place.track, "u": viewer.id }),
    )
    .await?;
    let ended = next_json(&mut watcher).await?;
    assert_eq!(
        ended["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{ended}"
    );
    let completed = next_json(&mut watcher).await?;
    assert_eq!(completed["type"], "complete", "{completed}");
    app.stop().await
}

#[tokio::test]
async fn notifications_arrive_live_with_the_unread_count() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let (owner, editor) = (app.user("nlown").await?, app.user("nledi").await?);
    let place = app.hierarchy(&owner, "Bell").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: EDITOR}) { role } }",
        json!({ "r": place.track, "u": editor.id }),
    )
    .await?;
    let mut bell = connect(&app, &owner).await?;
    let subscription = json!({"id": "n1", "type": "subscribe", "payload": {"query": "subscription { notificationAdded { unreadNotificationCount notification { type title sender { username } } } }"}});
    bell.send(Message::text(subscription.to_string())).await?;
    // The editor's own inbox is separate: their subscription must not see the owner's events.
    let mut other = connect(&app, &editor).await?;
    let mine = json!({"id": "n2", "type": "subscribe", "payload": {"query": "subscription { notificationAdded { notification { type } } }"}});
    other.send(Message::text(mine.to_string())).await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    for expected in 1..=2 {
        app.upload_ok(&editor.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
            .await?;
        let event = next_json(&mut bell).await?;
        let payload = &event["payload"]["data"]["notificationAdded"];
        assert_eq!(payload["notification"]["type"], "FILE_UPLOADED", "{event}");
        assert_eq!(payload["notification"]["sender"]["username"], json!(editor.username));
        assert_eq!(payload["unreadNotificationCount"], expected);
    }
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(300), other.next()).await;
    assert!(quiet.is_err(), "the uploader hears nothing about their own uploads");

    // Reading them elsewhere (another tab) updates the badge live: no notification, new count.
    app.ok(Some(&owner.token), "mutation { markAllNotificationsRead }", json!({}))
        .await?;
    let event = next_json(&mut bell).await?;
    let payload = &event["payload"]["data"]["notificationAdded"];
    assert_eq!(payload["notification"], Value::Null, "{event}");
    assert_eq!(payload["unreadNotificationCount"], 0, "{event}");
    app.stop().await
}

#[tokio::test]
async fn track_events_announce_versions_and_finished_analysis() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let (owner, viewer) = (app.user("tlown").await?, app.user("tlvie").await?);
    let place = app.hierarchy(&owner, "Player").await?;
    app.ok(
        Some(&owner.token),
        "mutation($r: ID!, $u: ID!) { addCollaborator(input: {resourceId: $r, userId: $u, role: VIEWER}) { role } }",
        json!({ "r": place.track, "u": viewer.id }),
    )
    .await?;
    let mut player = connect(&app, &viewer).await?;
    let watch = json!({"id": "t1", "type": "subscribe", "payload": {
        "query": "subscription($t: ID!) { trackEvents(trackId: $t) { kind file { version analysis { status } metadata { durationSeconds } } } }",
        "variables": {"t": place.track}}});
    player.send(Message::text(watch.to_string())).await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;

    app.upload_ok(
        &owner.token,
        &place.track,
        Upload::new("v1.wav", &tone(8_000, 1, 8_000)),
    )
    .await?;
    let mut kinds = Vec::new();
    while kinds.len() < 2 {
        let event = next_json(&mut player).await?;
        let payload = event["payload"]["data"]["trackEvents"].clone();
        kinds.push(payload["kind"].as_str().unwrap_or("").to_owned());
        if payload["kind"] == "ANALYSIS_FINISHED" {
            assert_eq!(payload["file"]["analysis"]["status"], "READY", "{event}");
            assert_eq!(payload["file"]["metadata"]["durationSeconds"], 1.0);
        }
    }
    assert_eq!(kinds, ["FILE_UPLOADED", "ANALYSIS_FINISHED"]);
    app.ok(
        Some(&owner.token),
        "mutation($id: ID!) { updateTrack(id: $id, input: {title: \"Renamed\"}) { id } }",
        json!({ "id": place.track }),
    )
    .await?;
    let event = next_json(&mut player).await?;
    assert_eq!(event["payload"]["data"]["trackEvents"]["kind"], "TRACK_UPDATED");
    assert_eq!(event["payload"]["data"]["trackEvents"]["file"], Value::Null);
    app.stop().await
}

/// The close code and reason the server ends a socket with.
pub(crate) async fn closed_with(socket: &mut Socket) -> anyhow::Result<(u16, String)> {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), socket.next())
            .await?
            .ok_or_else(|| anyhow::anyhow!("socket ended without a close frame"))??;
        if let Message::Close(Some(frame)) = message {
            return Ok((frame.code.into(), frame.reason.to_string()));
        }
    }
}

pub(crate) async fn raw_socket(app: &TestApp) -> anyhow::Result<Socket> {
    let mut request = format!("ws://{}/graphql/ws", app.base.trim_start_matches("http://")).into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    Ok(tokio_tungstenite::connect_async(request).await?.0)
}

#[tokio::test]
async fn the_transport_rules_close_with_the_spec_codes() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.analysis_workers = 0;
        config.ws_init_timeout_ms = 300;
    })
    .await?;
    let user = app.user("wsr").await?;
    let place = app.hierarchy(&user, "Rules").await?;

    // No connection_init in time: 4408.
    let mut idle = raw_socket(&app).await?;
    assert_eq!(closed_with(&mut idle).await?.0, 4408);

    // Subscribe before the acknowledgement: 4401.
    let mut early = raw_socket(&app).await?;
    subscribe(&mut early, "x", &place.track).await?;
    assert_eq!(closed_with(&mut early).await?.0, 4401);

    // A second connection_init: 4429.
    let mut twice = connect(&app, &user).await?;
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {}", user.token)}});
    twice.send(Message::text(init.to_string())).await?;
    assert_eq!(closed_with(&mut twice).await?.0, 4429);

    // A subscription id already in use: 4409.
    let mut dup = connect(&app, &user).await?;
    subscribe(&mut dup, "same", &place.track).await?;
    subscribe(&mut dup, "same", &place.track).await?;
    assert_eq!(closed_with(&mut dup).await?.0, 4409);

    // Operation limits apply to subscriptions too.
    let mut heavy = connect(&app, &user).await?;
    let aliases: String = (0..40)
        .map(|n| format!("a{n}: notificationAdded {{ unreadNotificationCount }} "))
        .collect();
    let message =
        json!({"id": "h", "type": "subscribe", "payload": {"query": format!("subscription {{ {aliases} }}")}});
    heavy.send(Message::text(message.to_string())).await?;
    let refused = next_json(&mut heavy).await?;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "BAD_USER_INPUT");
    app.stop().await
}

#[tokio::test]
async fn open_sockets_get_keep_alive_pings() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.ws_keepalive_ms = 150).await?;
    let user = app.user("wska").await?;
    let mut socket = connect(&app, &user).await?;
    let message = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
        .await?
        .ok_or_else(|| anyhow::anyhow!("socket closed"))??;
    let value: Value = serde_json::from_str(message.to_text()?)?;
    assert_eq!(value["type"], "ping", "{value}");
    app.stop().await
}

#[tokio::test]
async fn a_socket_whose_token_expires_closes_with_a_code_clients_retry() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let user = app.user("wsexp").await?;
    let place = app.hierarchy(&user, "Expiry").await?;
    let short_lived = TestUser {
        token: expiring_token(&user, 2)?,
        ..user.clone()
    };
    let mut socket = connect(&app, &short_lived).await?;
    subscribe(&mut socket, "e1", &place.track).await?;
    // No `error` for the subscription (that would end it for good on the client): the close
    // code 4403 tells graphql-ws to reconnect, with a fresh token, and subscribe again.
    let (code, reason) = closed_with(&mut socket).await?;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.starts_with("UNAUTHENTICATED"), "{reason}");
    app.stop().await
}

/// `user`'s own access token, signed again to expire `seconds` from now.
pub(crate) fn expiring_token(user: &TestUser, seconds: i64) -> anyhow::Result<String> {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let payload = user
        .token
        .split('.')
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("not a JWT"))?;
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload)?)?;
    claims["exp"] = json!(chrono::Utc::now().timestamp() + seconds);
    Ok(jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(backline_e2e::TEST_SECRET.as_bytes()),
    )?)
}

#[tokio::test]
async fn each_user_may_hold_a_limited_number_of_sockets() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.analysis_workers = 0;
        config.ws_max_sockets_per_user = 2;
    })
    .await?;
    let (user, other) = (app.user("capped").await?, app.user("uncapped").await?);
    let first = connect(&app, &user).await?;
    let _second = connect(&app, &user).await?;
    let mut third = raw_socket(&app).await?;
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {}", user.token)}});
    third.send(Message::text(init.to_string())).await?;
    let (code, reason) = closed_with(&mut third).await?;
    assert_eq!(code, 4403, "{reason}");
    assert!(reason.contains("too many open sockets"), "{reason}");
    // Another user is not affected; a closed socket frees its place.
    let _theirs = connect(&app, &other).await?;
    drop(first);
    let mut again = None;
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        if let Ok(socket) = connect(&app, &user).await {
            again = Some(socket);
            break;
        }
    }
    assert!(again.is_some(), "the place of the closed socket was freed");
    app.stop().await
}
