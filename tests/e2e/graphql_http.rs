//! The GraphQL-over-HTTP specification's media type: `application/graphql-response+json` gets
//! 4xx for requests that fail before execution (and no `data`), 200 for those that ran;
//! `application/json` stays as it was.

use backline_e2e::{TestApp, code, header};
use serde_json::{Value, json};

const MEDIA: &str = "application/graphql-response+json";

async fn post(app: &TestApp, accept: &str, token: Option<&str>, query: &str) -> anyhow::Result<(u16, String, Value)> {
    let mut request = app
        .http()
        .post(format!("{}/graphql", app.base))
        .header("accept", accept)
        .json(&json!({ "query": query }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    let content_type = header(&response, "content-type");
    Ok((status, content_type, response.json().await?))
}

#[tokio::test]
async fn request_errors_get_4xx_under_the_graphql_response_media_type() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("ghttp").await?;

    let (status, content_type, body) = post(&app, MEDIA, Some(&user.token), "{ me { username } }").await?;
    assert_eq!(status, 200);
    assert!(content_type.starts_with(MEDIA), "{content_type}");
    assert!(body["data"]["me"]["username"].is_string());

    let (status, _, body) = post(&app, MEDIA, None, "{ me { ").await?;
    assert_eq!(status, 400, "{body}");
    assert!(body.get("data").is_none(), "no data for a request error: {body}");
    assert_eq!(code(&body), "BAD_USER_INPUT");

    let (status, _, body) = post(&app, MEDIA, None, "{ nope }").await?;
    assert_eq!(status, 400, "validation: {body}");

    let (status, _, body) = post(&app, MEDIA, Some("not-a-token"), "{ me { id } }").await?;
    assert_eq!(status, 401, "{body}");
    assert_eq!(code(&body), "UNAUTHENTICATED");

    let deep = format!("{}{}", "{a".repeat(100), "}".repeat(100));
    let (status, _, _) = post(&app, MEDIA, None, &deep).await?;
    assert_eq!(status, 400, "a limit");

    // Errors during execution are still 200, with data.
    let (status, _, body) = post(
        &app,
        MEDIA,
        None,
        "{ file(id: \"fil_00000000000000000000000000000000\") { id } }",
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("data").is_some());

    // application/json is unchanged: 200 with the error in the body.
    let (status, content_type, body) = post(&app, "application/json", None, "{ me { ").await?;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    assert_eq!(code(&body), "BAD_USER_INPUT");
    app.stop().await
}
