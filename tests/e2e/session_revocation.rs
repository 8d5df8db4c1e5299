//! Ending a session ends its access tokens at once: over HTTP, at a new socket's
//! `connection_init`, and on sockets already open (their subscriptions end with
//! UNAUTHENTICATED and the socket closes with 4401). Every way a session ends is covered:
//! `logOut`, `revokeSession`, `changePassword` and a refresh token used twice; and a correctly
//! signed token naming a session that never existed is refused.

use backline_e2e::{TEST_SECRET, TestApp, TestUser, code, str_at};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures::SinkExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::live::{Socket, closed_with, connect_to, next_json, raw_socket, subscribe};

const ME: &str = "{ me { id } }";

/// Whether `token` still works over HTTP.
async fn works(app: &TestApp, token: &str) -> anyhow::Result<bool> {
    let body = app.gql(Some(token), ME, json!({})).await?;
    if body.get("errors").is_none() {
        return Ok(true);
    }
    anyhow::ensure!(code(&body) == "UNAUTHENTICATED", "{body}");
    Ok(false)
}

/// Whether a new socket signing in with `token` is acknowledged.
async fn socket_accepts(app: &TestApp, token: &str) -> anyhow::Result<bool> {
    let mut socket = raw_socket(app).await?;
    let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {token}")}});
    socket.send(Message::text(init.to_string())).await?;
    let message = next_json(&mut socket).await;
    match message {
        Ok(message) if message["type"] == "connection_ack" => Ok(true),
        _ => Ok(false),
    }
}

/// A socket signed in as `user` with one live subscription on `track`.
async fn watching(app: &TestApp, user: &TestUser, track: &str) -> anyhow::Result<Socket> {
    let mut socket = connect_to(&app.base, &user.token).await?;
    subscribe(&mut socket, "s1", track).await?;
    Ok(socket)
}

/// The socket's subscription ends with UNAUTHENTICATED and the socket closes with 4401.
async fn ended(socket: &mut Socket) -> anyhow::Result<()> {
    let error = next_json(socket).await?;
    assert_eq!(error["type"], "error", "{error}");
    assert_eq!(error["id"], "s1", "{error}");
    assert_eq!(error["payload"][0]["extensions"]["code"], "UNAUTHENTICATED", "{error}");
    assert_eq!(closed_with(socket).await?.0, 4401);
    Ok(())
}

#[tokio::test]
async fn log_out_ends_the_access_token_everywhere_at_once() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let user = app.user("rvlog").await?;
    let place = app.hierarchy(&user, "Log Out").await?;
    let mut socket = watching(&app, &user, &place.track).await?;
    assert!(works(&app, &user.token).await?);

    app.ok(
        Some(&user.token),
        "mutation($r: String!) { logOut(refreshToken: $r) }",
        json!({ "r": user.refresh }),
    )
    .await?;
    assert!(!works(&app, &user.token).await?, "HTTP refuses the token at once");
    assert!(!socket_accepts(&app, &user.token).await?, "a new socket refuses it");
    ended(&mut socket).await?;
    app.stop().await
}

#[tokio::test]
async fn revoking_another_device_ends_only_its_tokens() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let user = app.user("rvdev").await?;
    let place = app.hierarchy(&user, "Devices").await?;
    let phone = app.log_in(&user).await?;
    let mut phone_socket = watching(&app, &phone, &place.track).await?;
    let sessions = app
        .ok(Some(&user.token), "{ me { sessions { id } } }", json!({}))
        .await?;
    let sessions = sessions["me"]["sessions"].as_array().cloned().unwrap_or_default();
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    // The phone's session is the newest one.
    let parts: Vec<&str> = phone.token.split('.').collect();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1])?)?;
    let phone_session = claims["sid"]
        .as_str()
        .map(|sid| format!("ses_{}", sid.replace('-', "")));
    let phone_session = phone_session.ok_or_else(|| anyhow::anyhow!("no sid claim in {claims}"))?;
    assert!(sessions.iter().any(|session| session["id"] == phone_session.as_str()));

    app.ok(
        Some(&user.token),
        "mutation($id: ID!) { revokeSession(id: $id) }",
        json!({ "id": phone_session }),
    )
    .await?;
    assert!(!works(&app, &phone.token).await?, "the revoked device is out");
    assert!(works(&app, &user.token).await?, "this device is not");
    ended(&mut phone_socket).await?;
    app.stop().await
}

#[tokio::test]
async fn changing_the_password_ends_every_session() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let user = app.user("rvpwd").await?;
    let place = app.hierarchy(&user, "Password").await?;
    let laptop = app.log_in(&user).await?;
    let mut laptop_socket = watching(&app, &laptop, &place.track).await?;
    app.ok(
        Some(&user.token),
        "mutation($c: String!, $n: String!) { changePassword(input: {currentPassword: $c, newPassword: $n}) }",
        json!({ "c": user.password, "n": "a brand new passphrase" }),
    )
    .await?;
    assert!(!works(&app, &user.token).await?);
    assert!(!works(&app, &laptop.token).await?);
    ended(&mut laptop_socket).await?;
    app.stop().await
}

#[tokio::test]
async fn a_refresh_token_used_twice_ends_its_access_tokens() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("rvref").await?;
    const REFRESH: &str = "mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }";
    let fresh = app.ok(None, REFRESH, json!({ "r": user.refresh })).await?;
    let fresh = str_at(&fresh, "/refreshSession/accessToken")?;
    assert!(works(&app, &fresh).await?);
    // The thief replays the used token: the session ends, with every access token of it.
    let replay = app.gql(None, REFRESH, json!({ "r": user.refresh })).await?;
    assert_eq!(code(&replay), "UNAUTHENTICATED", "{replay}");
    assert!(!works(&app, &fresh).await?);
    assert!(!works(&app, &user.token).await?);
    app.stop().await
}

#[tokio::test]
async fn a_signed_token_for_a_session_that_never_existed_is_refused() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("rvfake").await?;
    let parts: Vec<&str> = user.token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1])?)?;
    claims["sid"] = json!(uuid::Uuid::now_v7().to_string());
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(TEST_SECRET.as_bytes()),
    )?;
    assert!(!works(&app, &forged).await?, "HTTP");
    assert!(!socket_accepts(&app, &forged).await?, "WebSocket");
    assert!(works(&app, &user.token).await?, "the real token still works");
    app.stop().await
}

#[tokio::test]
async fn a_store_that_fails_while_checking_a_session_signs_nobody_out() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("rvdown").await?;
    // The token was never used: checking its session needs the store, which is gone.
    app.lose_database().await;
    let response = app
        .http()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&user.token)
        .json(&json!({ "query": ME }))
        .send()
        .await?;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await?;
    assert_eq!(code(&body), "INTERNAL_SERVER_ERROR", "{body}");
    assert_eq!(
        body["errors"][0]["message"], "internal server error",
        "no internals: {body}"
    );
    Ok(())
}
