//! Browser apps on another origin: CORS preflights and headers on `/graphql` and `/files/…`, the
//! `Origin` check of sockets, and the CSRF rule that still refuses a plain form post.

use backline_audio::testing::tone;
use backline_e2e::{TestApp, Upload, code, header, str_at};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const APP: &str = "http://localhost:5173";

#[tokio::test]
async fn an_allowed_origin_is_preflighted_and_answered_with_cors_headers() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.cors_origins = Some("http://localhost:*".parse().unwrap_or_default());
        config.analysis_workers = 0;
    })
    .await?;
    let preflight = app
        .http()
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base))
        .header("origin", APP)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization, apollo-require-preflight",
        )
        .send()
        .await?;
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(header(&preflight, "access-control-allow-origin"), APP);
    let allowed = header(&preflight, "access-control-allow-headers").to_ascii_lowercase();
    for name in ["authorization", "content-type", "apollo-require-preflight"] {
        assert!(allowed.contains(name), "{allowed}");
    }
    assert_ne!(header(&preflight, "access-control-allow-credentials"), "true");

    let user = app.user("corsy").await?;
    let answered = app
        .http()
        .post(format!("{}/graphql", app.base))
        .header("origin", APP)
        .bearer_auth(&user.token)
        .json(&json!({"query": "{ me { username } }"}))
        .send()
        .await?;
    assert_eq!(header(&answered, "access-control-allow-origin"), APP);
    assert!(header(&answered, "access-control-expose-headers").contains("x-request-id"));

    // Content too: a player on the app's page reads ranges of a version.
    let place = app.hierarchy(&user, "Cors").await?;
    let file = app
        .upload_ok(&user.token, &place.track, Upload::new("v.wav", &tone(8_000, 1, 800)))
        .await?;
    let content = app
        .http()
        .get(str_at(&file, "/url")?)
        .header("origin", APP)
        .header("range", "bytes=0-9")
        .send()
        .await?;
    assert_eq!(content.status(), 206);
    assert_eq!(header(&content, "access-control-allow-origin"), APP);
    assert!(header(&content, "access-control-expose-headers").contains("content-range"));

    // Another origin gets no CORS headers (the browser then refuses the answer).
    let stranger = app
        .http()
        .post(format!("{}/graphql", app.base))
        .header("origin", "https://evil.example")
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await?;
    assert_eq!(header(&stranger, "access-control-allow-origin"), "");

    // The CSRF rule still refuses what a plain HTML form can send.
    let form = app
        .http()
        .post(format!("{}/graphql", app.base))
        .header("origin", APP)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("query=mutation%20%7B%20logOut%28refreshToken%3A%22x%22%29%20%7D")
        .send()
        .await?;
    assert_eq!(form.status(), 400);
    let body: Value = form.json().await?;
    assert_eq!(code(&body), "FORBIDDEN", "{body}");
    app.stop().await
}

async fn upgrade_with_origin(app: &TestApp, origin: &str) -> anyhow::Result<Option<u16>> {
    let mut request = format!("ws://{}/graphql/ws", app.base.trim_start_matches("http://")).into_client_request()?;
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "graphql-transport-ws".parse()?);
    request.headers_mut().insert("origin", origin.parse()?);
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => Ok(None),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => Ok(Some(response.status().as_u16())),
        Err(error) => Err(error.into()),
    }
}

#[tokio::test]
async fn sockets_check_their_origin_and_production_allows_none_by_default() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.cors_origins = Some("https://app.example.com".parse().unwrap_or_default());
    })
    .await?;
    assert_eq!(upgrade_with_origin(&app, "https://app.example.com").await?, None);
    assert_eq!(
        upgrade_with_origin(&app, &app.base).await?,
        None,
        "the server's own page"
    );
    assert_eq!(upgrade_with_origin(&app, "https://evil.example").await?, Some(403));
    app.stop().await?;

    let production = TestApp::with_config(|config| {
        config.environment = backline_server::config::Environment::Production;
    })
    .await?;
    let preflight = production
        .http()
        .request(reqwest::Method::OPTIONS, format!("{}/graphql", production.base))
        .header("origin", APP)
        .header("access-control-request-method", "POST")
        .send()
        .await?;
    assert_eq!(header(&preflight, "access-control-allow-origin"), "");
    production.stop().await
}
