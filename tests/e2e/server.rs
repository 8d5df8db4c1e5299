//! Health, readiness, GraphiQL, request ids and the WebSocket endpoint.

use backline_e2e::{TestApp, code};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[tokio::test]
async fn health_readiness_graphiql_and_request_ids() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let health = app.http().get(format!("{}/healthz", app.base)).send().await?;
    assert_eq!(health.status(), 200);
    assert_eq!(
        app.http().get(format!("{}/readyz", app.base)).send().await?.status(),
        200
    );
    let graphiql = app.http().get(format!("{}/graphql", app.base)).send().await?;
    assert!(graphiql.headers().contains_key("x-request-id"));
    let policy = graphiql
        .headers()
        .get("content-security-policy")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("default-src 'none'"), "{policy}");
    let page = graphiql.text().await?;
    assert!(page.to_lowercase().contains("graphiql"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no other host: {page}"
    );
    assert!(!page.contains("<script>"), "no inline script under the policy");
    // Every file the page names is served by the server itself.
    let files: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with("/graphiql/"))
        .collect();
    assert!(files.len() >= 6, "{files:?}");
    for file in files {
        let asset = app.http().get(format!("{}{file}", app.base)).send().await?;
        assert_eq!(asset.status(), 200, "{file}");
        assert_eq!(asset.headers()["x-content-type-options"], "nosniff");
        let bytes = asset.bytes().await?;
        assert!(bytes.len() > 100, "{file}");
    }
    assert_eq!(
        app.http()
            .get(format!("{}/graphiql/nope.js", app.base))
            .send()
            .await?
            .status(),
        404
    );
    let body = app.gql(None, "{ nope }", json!({})).await?;
    assert_eq!(code(&body), "BAD_USER_INPUT");
    assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    app.stop().await
}

#[tokio::test]
async fn production_mode_hides_graphiql_and_introspection() -> anyhow::Result<()> {
    let app =
        TestApp::with_config(|config| config.environment = backline_server::config::Environment::Production).await?;
    assert_eq!(
        app.http().get(format!("{}/graphql", app.base)).send().await?.status(),
        404
    );
    assert_eq!(
        app.http()
            .get(format!("{}/graphiql/graphiql.min.js", app.base))
            .send()
            .await?
            .status(),
        404
    );
    let body = app.gql(None, "{ __schema { types { name } } }", json!({})).await?;
    assert!(
        body.get("errors").is_some() || body["data"]["__schema"].is_null(),
        "{body}"
    );
    app.stop().await
}

#[tokio::test]
async fn websocket_accepts_both_protocols_and_authenticates_in_init() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("ws").await?;
    for protocol in ["graphql-transport-ws", "graphql-ws"] {
        let mut request =
            format!("ws://{}/graphql/ws", app.base.trim_start_matches("http://")).into_client_request()?;
        request
            .headers_mut()
            .insert("sec-websocket-protocol", protocol.parse()?);
        let (mut socket, response) = tokio_tungstenite::connect_async(request).await?;
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|value| value.to_str().ok()),
            Some(protocol)
        );
        let init = json!({"type": "connection_init", "payload": {"Authorization": format!("Bearer {}", user.token)}});
        socket.send(Message::text(init.to_string())).await?;
        let reply = socket.next().await.ok_or_else(|| anyhow::anyhow!("socket closed"))??;
        let reply: serde_json::Value = serde_json::from_str(reply.to_text()?)?;
        assert_eq!(reply["type"], "connection_ack", "{protocol}: {reply}");
    }
    app.stop().await
}
