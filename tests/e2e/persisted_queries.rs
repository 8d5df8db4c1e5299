//! Automatic persisted queries (Apollo's protocol) over POST and GET, shared by every server on
//! the database, and the trusted-documents mode that runs only a manifest's documents.

use backline_e2e::{TestApp, code};
use serde_json::{Value, json};

fn sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, body: Value) -> anyhow::Result<Value> {
    Ok(app
        .http()
        .post(format!("{}/graphql", app.base))
        .json(&body)
        .send()
        .await?
        .json()
        .await?)
}

#[tokio::test]
async fn a_hash_alone_runs_what_was_registered_with_it_on_every_server() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let document = "query Probe($u: String) { __typename user(username: $u) { id } }";
    let hash = sha256(document);

    // The hash alone, first: not found, and said the way Apollo Client understands.
    let unknown = post(
        &app,
        json!({ "extensions": persisted(&hash), "operationName": "Probe" }),
    )
    .await?;
    assert_eq!(code(&unknown), "PERSISTED_QUERY_NOT_FOUND", "{unknown}");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");

    // A wrong hash with its text is refused, and registers nothing.
    let wrong = post(
        &app,
        json!({ "query": document, "extensions": persisted(&sha256("other")) }),
    )
    .await?;
    assert_eq!(code(&wrong), "BAD_USER_INPUT", "{wrong}");

    // Text and hash: runs and registers.
    let registered = post(&app, json!({ "query": document, "extensions": persisted(&hash) })).await?;
    assert_eq!(registered["data"]["__typename"], "QueryRoot", "{registered}");
    let again = post(
        &app,
        json!({ "extensions": persisted(&hash), "variables": { "u": "nobody" } }),
    )
    .await?;
    assert_eq!(again["data"]["__typename"], "QueryRoot", "{again}");

    // Over GET too, with operationName and variables as the GraphQL-over-HTTP spec names them.
    let response = app
        .http()
        .get(format!("{}/graphql", app.base))
        .query(&[
            ("operationName", "Probe"),
            ("variables", r#"{"u":"nobody"}"#),
            ("extensions", &persisted(&hash).to_string()),
        ])
        .send()
        .await?;
    assert!(backline_e2e::header(&response, "content-type").starts_with("application/json"));
    let got: Value = response.json().await?;
    assert_eq!(got["data"]["__typename"], "QueryRoot", "{got}");

    // Another server on the same database knows the hash.
    let database = app.database_url.clone();
    let other = TestApp::with_config(|config| config.database_url = database).await?;
    let there = post(&other, json!({ "extensions": persisted(&hash) })).await?;
    assert_eq!(there["data"]["__typename"], "QueryRoot", "{there}");
    other.stop().await?;
    app.stop().await
}

#[tokio::test]
async fn trusted_documents_mode_runs_only_the_manifests_documents() -> anyhow::Result<()> {
    let trusted = "query Trusted { __typename }";
    let hash = sha256(trusted);
    let manifest = std::env::temp_dir().join(format!("backline-trusted-{}.json", uuid::Uuid::now_v7()));
    let body = json!({
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{ "id": hash, "name": "Trusted", "type": "query", "body": trusted }],
    });
    std::fs::write(&manifest, body.to_string())?;
    let path = manifest.clone();
    let app = TestApp::with_config(|config| config.trusted_documents = Some(path)).await?;

    let by_hash = post(&app, json!({ "extensions": persisted(&hash) })).await?;
    assert_eq!(by_hash["data"]["__typename"], "QueryRoot", "{by_hash}");
    let by_text = post(&app, json!({ "query": trusted })).await?;
    assert_eq!(by_text["data"]["__typename"], "QueryRoot", "{by_text}");
    let other = post(&app, json!({ "query": "{ __typename }" })).await?;
    assert_eq!(code(&other), "FORBIDDEN", "{other}");
    let registering = "query Sneaky { __typename }";
    let refused = post(
        &app,
        json!({ "query": registering, "extensions": persisted(&sha256(registering)) }),
    )
    .await?;
    assert_eq!(code(&refused), "FORBIDDEN", "nothing can be registered: {refused}");
    let later = post(&app, json!({ "extensions": persisted(&sha256(registering)) })).await?;
    assert_eq!(code(&later), "FORBIDDEN", "{later}");
    std::fs::remove_file(manifest)?;
    app.stop().await
}
