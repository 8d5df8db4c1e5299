//! Bad tokens, CSRF, GET mutations and query limits.

use backline_e2e::{TEST_SECRET, TestApp, code};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header, encode};
use serde_json::json;

fn forge(claims: &serde_json::Value, secret: &[u8]) -> anyhow::Result<String> {
    Ok(encode(&Header::default(), claims, &EncodingKey::from_secret(secret))?)
}

#[tokio::test]
async fn bad_access_tokens_are_refused() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("tok").await?;
    let parts: Vec<&str> = user.token.split('.').collect();
    let payload: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1])?)?;
    let now = chrono::Utc::now().timestamp();

    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        parts[1]
    );
    let mut tampered_payload = payload.clone();
    tampered_payload["sub"] = json!(uuid::Uuid::now_v7().to_string());
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(tampered_payload.to_string()),
        parts[2]
    );
    let mut expired = payload.clone();
    expired["exp"] = json!(now - 3600);
    expired["iat"] = json!(now - 7200);
    let mut wrong_audience = payload.clone();
    wrong_audience["aud"] = json!("someone-else");
    let mut refresh_typed = payload.clone();
    refresh_typed["typ"] = json!("refresh");

    let cases = [
        ("alg none", alg_none),
        ("tampered", tampered),
        ("expired", forge(&expired, TEST_SECRET.as_bytes())?),
        ("wrong audience", forge(&wrong_audience, TEST_SECRET.as_bytes())?),
        ("not an access token", forge(&refresh_typed, TEST_SECRET.as_bytes())?),
        (
            "other secret",
            forge(&payload, b"another-secret-another-secret-another")?,
        ),
        ("garbage", "not-a-jwt".to_owned()),
    ];
    for (name, token) in cases {
        let body = app.gql(Some(&token), "{ me { id } }", json!({})).await?;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{name}: {body}");
        assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    }
    app.ok(Some(&user.token), "{ me { id } }", json!({})).await?;
    app.stop().await
}

#[tokio::test]
async fn csrf_get_mutations_batches_and_body_size() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let url = format!("{}/graphql", app.base);
    let plain = app
        .http()
        .post(&url)
        .header("content-type", "text/plain")
        .body(r#"{"query":"{ me { id } }"}"#)
        .send()
        .await?;
    assert_eq!(plain.status(), 400);
    assert_eq!(code(&plain.json().await?), "FORBIDDEN");
    let preflighted = app
        .http()
        .post(&url)
        .header("content-type", "text/plain")
        .header("apollo-require-preflight", "true")
        .body(r#"{"query":"{ me { id } }"}"#)
        .send()
        .await?;
    assert_eq!(preflighted.status(), 200);

    let get_mutation = app
        .http()
        .get(format!("{url}?query=mutation%7BlogOut(refreshToken:%22x%22)%7D"))
        .send()
        .await?;
    assert_eq!(get_mutation.status(), 405);
    let get_query: serde_json::Value = app
        .http()
        .get(format!("{url}?query=%7Bme%7Bid%7D%7D"))
        .send()
        .await?
        .json()
        .await?;
    assert!(get_query["data"]["me"].is_null());

    let batch: Vec<_> = (0..11).map(|_| json!({"query": "{ me { id } }"})).collect();
    let too_many = app.http().post(&url).json(&batch).send().await?;
    assert_eq!(code(&too_many.json().await?), "BAD_USER_INPUT");
    let ten: serde_json::Value = app.http().post(&url).json(&batch[..10]).send().await?.json().await?;
    assert_eq!(ten.as_array().map(Vec::len), Some(10));

    let huge = json!({"query": format!("{{ me {{ id }} }} # {}", "x".repeat(2_100_000))});
    let too_large = app.http().post(&url).json(&huge).send().await?;
    assert_eq!(too_large.status(), 413);
    assert_eq!(code(&too_large.json().await?), "PAYLOAD_TOO_LARGE");
    app.stop().await
}

#[tokio::test]
async fn query_limits_hold() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("lim").await?;
    let aliases: String = (0..31).map(|i| format!("a{i}: me {{ id }} ")).collect();
    assert_eq!(
        code(
            &app.gql(Some(&user.token), &format!("{{ {aliases} }}"), json!({}))
                .await?
        ),
        "BAD_USER_INPUT"
    );
    // 21 distinct root fields (the same field 21 times is one).
    let roots: String = (0..21).map(|i| format!("t{i}: __typename ")).collect();
    assert_eq!(
        code(&app.gql(Some(&user.token), &format!("{{ {roots} }}"), json!({})).await?),
        "BAD_USER_INPUT"
    );

    // Depth counted through fragments.
    let deep = "{ me { ...A } } fragment A on User { artistSpaces { nodes { projects { nodes { tracks { nodes { project { artistSpace { projects { nodes { tracks { nodes { id } } } } } } } } } } } } }";
    let body = app.gql(Some(&user.token), deep, json!({})).await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    let nested = "{".repeat(200) + &"}".repeat(200);
    assert_eq!(
        code(&app.gql(Some(&user.token), &nested, json!({})).await?),
        "BAD_USER_INPUT"
    );
    app.stop().await
}
