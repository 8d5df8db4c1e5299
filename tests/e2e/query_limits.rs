//! Every document is refused or answered after a bounded amount of work, and the standard
//! introspection queries of common tools are answered in full.

use std::time::Duration;

use backline_e2e::{TestApp, code};
use serde_json::{Value, json};

/// A chain of `n` fragments that each spread the next twice: 2^n selections expanded, in
/// about 60 bytes per fragment.
fn fan(n: usize) -> String {
    let mut fragments: Vec<String> = (0..n)
        .map(|i| format!("fragment F{i} on QueryRoot{{__typename ...F{} ...F{}}}", i + 1, i + 1))
        .collect();
    fragments.push(format!("fragment F{n} on QueryRoot{{__typename}}"));
    format!("{{...F0}} {}", fragments.join(" "))
}

/// POSTs `query` anonymously with a deadline, so a server that hangs fails the test.
async fn post(app: &TestApp, query: &str) -> anyhow::Result<Value> {
    let response = app
        .http()
        .post(format!("{}/graphql", app.base))
        .timeout(Duration::from_secs(30))
        .json(&json!({ "query": query }))
        .send()
        .await?;
    Ok(response.json().await?)
}

fn message(body: &Value) -> String {
    body.pointer("/errors/0/message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_fan_of_fragments_is_refused_at_once_and_the_server_stays_healthy() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let thirty = fan(30);
    let forty = fan(40);
    assert!(thirty.len() < 2_000, "the attack is small: {} bytes", thirty.len());
    // Two at once, as the attacker did, and a health check beside them.
    let (first, second, health) = tokio::join!(
        post(&app, &thirty),
        post(&app, &forty),
        app.http()
            .get(format!("{}/healthz", app.base))
            .timeout(Duration::from_secs(30))
            .send()
    );
    for body in [first?, second?] {
        assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
        let text = message(&body);
        assert!(text.contains("at most 1000 fields"), "{text}");
        assert!(!text.contains("8388607"), "never the expanded count: {text}");
    }
    assert!(health?.status().is_success());

    // The same shape within bounds runs: 5 levels are 63 selections.
    let small = post(&app, &fan(5)).await?;
    assert_eq!(small["data"]["__typename"], "QueryRoot", "{small}");
    app.stop().await
}

#[tokio::test]
async fn documents_are_bounded_before_they_are_parsed() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    // Brackets nested 20,000 deep: refused by the scan, never handed to the parser.
    let deep = format!("{}{}", "{a".repeat(20_000), "}".repeat(20_000));
    let body = post(&app, &deep).await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("nest at most 64"), "{body}");
    // Over GET too: the scan comes before anything parses the document.
    let nested_get = format!("{}{}", "{a".repeat(5_000), "}".repeat(5_000));
    let body: Value = app
        .http()
        .get(format!("{}/graphql", app.base))
        .query(&[("query", nested_get.as_str())])
        .timeout(Duration::from_secs(30))
        .send()
        .await?
        .json()
        .await?;
    assert!(message(&body).contains("nest at most 64"), "{body}");
    // Deeply nested list values in an argument, likewise.
    let list = format!(
        "{{ node(id: {}\"x\"{}) {{ id }} }}",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    let body = post(&app, &list).await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    // 20,000 tokens.
    let long = format!("{{ {} }}", "__typename ".repeat(20_000));
    let body = post(&app, &long).await?;
    assert!(message(&body).contains("at most 15000 tokens"), "{body}");
    // 101 fragments.
    let many: String = (0..101)
        .map(|i| format!(" fragment F{i} on QueryRoot {{ __typename }}"))
        .collect();
    let body = post(&app, &format!("{{ ...F0 }}{many}")).await?;
    assert!(message(&body).contains("at most 100 fragments"), "{body}");
    // Many operations sharing one big fragment: the engine would validate each in full.
    let big = format!("fragment B on QueryRoot {{ {} }}", "__typename ".repeat(900));
    let shared: String = (0..500).map(|n| format!("query Q{n} {{ ...B }} ")).collect();
    let body = post(&app, &format!("{shared}{big}")).await?;
    assert!(message(&body).contains("at most 20 operations"), "{body}");
    // A fragment no operation spreads, full of fields that conflict: validation would still
    // compare them all.
    let conflicting: String = (0..2_000)
        .map(|n| format!("x: me {{ id }} x: node(id: \"{n}\") {{ id }} "))
        .collect();
    let unused = format!("{{ __typename }} fragment U on QueryRoot {{ {conflicting} }}");
    let body = post(&app, &unused).await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(
        body.pointer("/errors/1").is_none(),
        "one error, not one per conflict: {body}"
    );
    // A fragment that spreads itself.
    let body = post(
        &app,
        "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }",
    )
    .await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    // The server still answers.
    let fine = post(&app, "{ __typename }").await?;
    assert_eq!(fine["data"]["__typename"], "QueryRoot");
    app.stop().await
}

#[tokio::test]
async fn data_limits_hold_through_fragments() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let user = app.user("qlim").await?;
    // 14 levels of data fields through a fragment.
    let deep = "{ me { ...D } } fragment D on User { artistSpaces(first: 1) { nodes { projects(first: 1) { nodes { tracks(first: 1) { nodes { files(first: 1) { nodes { comments(first: 1) { nodes { responses(first: 1) { nodes { owner { id } } } } } } } } } } } } } }";
    let body = app.gql(Some(&user.token), deep, json!({})).await?;
    assert_eq!(code(&body), "BAD_USER_INPUT", "{body}");
    assert!(message(&body).contains("nested too deep"), "{body}");
    // Aliases counted through a fragment spread in many places.
    let aliases: String = (0..8).map(|i| format!("m{i}: me {{ ...A }} ")).collect();
    let body = app
        .gql(
            Some(&user.token),
            &format!("{{ {aliases} }} fragment A on User {{ a: id b: id c: id }}"),
            json!({}),
        )
        .await?;
    assert!(message(&body).contains("at most 30 aliases"), "{body}");
    // Root fields count what fragments select, once per distinct field.
    let body = app
        .gql(
            Some(&user.token),
            "{ ...R ...R ...R me { id } } fragment R on QueryRoot { me { username } }",
            json!({}),
        )
        .await?;
    assert!(body.get("errors").is_none(), "one distinct root field: {body}");
    // A page of 100 spaces of 100 projects of 100 tracks is too complex.
    let heavy = "{ myArtistSpaces(first: 100) { nodes { projects(first: 100) { nodes { tracks(first: 100) { nodes { title collaborators(first: 10) { nodes { role } } } } } } } } }";
    let body = app.gql(Some(&user.token), heavy, json!({})).await?;
    assert!(message(&body).contains("too complex"), "{body}");
    app.stop().await
}

#[tokio::test]
async fn the_standard_introspection_queries_of_common_tools_are_answered() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/introspection");
    let mut tools = Vec::new();
    for entry in std::fs::read_dir(&folder)? {
        let path = entry?.path();
        if path.extension().is_none_or(|extension| extension != "graphql") {
            continue;
        }
        let query = std::fs::read_to_string(&path)?;
        let body = post(&app, &query).await?;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(body.get("errors").is_none(), "{name}: {body}");
        let types = body
            .pointer("/data/__schema/types")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        assert!(types > 50, "{name}: {types} types");
        let track = body
            .pointer("/data/__schema/types")
            .and_then(Value::as_array)
            .and_then(|types| types.iter().find(|ty| ty["name"] == "Track"));
        assert!(
            track.is_some_and(|track| track["fields"].as_array().is_some_and(|f| !f.is_empty())),
            "{name}"
        );
        tools.push(name);
    }
    assert!(tools.len() >= 6, "fixtures found: {tools:?}");

    // Introspection that multiplies itself is still refused.
    let nested = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let body = post(&app, nested).await?;
    assert!(message(&body).contains("introspection may nest"), "{body}");
    app.stop().await
}

#[tokio::test]
async fn introspection_stays_off_where_it_is_off() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.introspection = Some(false)).await?;
    let query = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/introspection/graphql-js-16.graphql"),
    )?;
    let body = post(&app, &query).await?;
    assert!(body.pointer("/data/__schema").is_none_or(Value::is_null), "{body}");
    app.stop().await
}
