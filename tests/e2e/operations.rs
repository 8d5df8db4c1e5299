//! What operators rely on: readiness, Prometheus metrics, shedding load past the in-flight
//! limit while staying answerable, and per-caller rate limits on mutations.

use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::{TestApp, code, header, str_at};
use futures::SinkExt;
use serde_json::{Value, json};

#[tokio::test]
async fn readyz_checks_the_database_the_migrations_and_the_blob_store() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let response = app.http().get(format!("{}/readyz", app.base)).send().await?;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await?;
    assert_eq!(
        body,
        json!({"status": "ready", "checks": {"database": "ok", "migrations": "ok", "blobStore": "ok"}})
    );
    let alive = app.http().get(format!("{}/healthz", app.base)).send().await?;
    assert_eq!(alive.status(), 200);
    app.stop().await
}

/// The value of the sample `name{labels…}` in a Prometheus text page (labels in any order).
fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    page.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
        let (series, value) = line.rsplit_once(' ')?;
        let (metric, rest) = series.split_once('{').unwrap_or((series, ""));
        if metric != name {
            return None;
        }
        let all = labels
            .iter()
            .all(|(key, wanted)| rest.contains(&format!("{key}=\"{wanted}\"")));
        if all { value.parse().ok() } else { None }
    })
}

#[tokio::test]
async fn metrics_count_operations_by_name_and_outcome_and_show_the_pool_jobs_sockets_and_outbox() -> anyhow::Result<()>
{
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let user = app.user("metrics").await?;
    let url = format!("{}/metrics", app.base);
    let before = app.http().get(&url).send().await?.text().await?;
    let named = |page: &str, outcome: &str| {
        sample(
            page,
            "backline_graphql_operations_total",
            &[("operation", "MetricsProbe"), ("kind", "query"), ("outcome", outcome)],
        )
        .unwrap_or(0.0)
    };
    for _ in 0..3 {
        app.ok(Some(&user.token), "query MetricsProbe { me { id } }", json!({}))
            .await?;
    }
    let refused = app
        .gql(None, "query MetricsProbe { file(id: \"fil_x\") { id } }", json!({}))
        .await?;
    assert_eq!(code(&refused), "BAD_USER_INPUT");
    let place = app.hierarchy(&user, "Metrics").await?;
    app.upload_ok(
        &user.token,
        &place.track,
        backline_e2e::Upload::new("m.wav", &tone(8_000, 1, 800)),
    )
    .await?;
    let mut socket = crate::live::connect_to(&app.base, &user.token).await?;
    crate::live::subscribe(&mut socket, "m1", &place.track).await?;
    // The stores are sampled at most once a second.
    tokio::time::sleep(Duration::from_millis(1_100)).await;

    let response = app.http().get(&url).send().await?;
    assert!(header(&response, "content-type").starts_with("text/plain"));
    let page = response.text().await?;
    assert_eq!(named(&page, "ok") - named(&before, "ok"), 3.0, "{page}");
    assert_eq!(named(&page, "BAD_USER_INPUT") - named(&before, "BAD_USER_INPUT"), 1.0);
    assert!(
        page.contains("backline_graphql_operation_duration_seconds_bucket"),
        "latency histogram"
    );
    assert!(
        page.contains("backline_http_request_duration_seconds_bucket"),
        "HTTP histogram"
    );
    assert!(sample(&page, "backline_db_pool_connections", &[("state", "max")]).is_some_and(|max| max >= 1.0));
    // The upload queued one analysis job, and nobody here works on it.
    assert!(
        sample(&page, "backline_jobs", &[("status", "queued")]).is_some_and(|queued| queued >= 1.0),
        "{page}"
    );
    assert!(sample(&page, "backline_open_sockets", &[]).is_some_and(|open| open >= 1.0));
    assert!(sample(&page, "backline_outbox_lag_events", &[]).is_some());
    assert!(
        sample(&page, "backline_subscriptions", &[]).is_some_and(|live| live >= 1.0),
        "{page}"
    );
    app.stop().await
}

#[tokio::test]
async fn past_the_in_flight_limit_requests_get_503_at_once_and_health_still_answers() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.analysis_workers = 0;
        config.max_in_flight = 1;
    })
    .await?;
    let user = app.user("shed").await?;
    let place = app.hierarchy(&user, "Shedding").await?;
    // One upload in flight, its body trickling in.
    let audio = tone(8_000, 1, 8_000);
    let (mut feed, upload) = app.streamed_upload(&user.token, &place.track, "slow.wav");
    feed.send(audio[..1_000].to_vec()).await?;
    let mut shed = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let response = app
            .http()
            .post(format!("{}/graphql", app.base))
            .json(&json!({"query": "{ __typename }"}))
            .send()
            .await?;
        if response.status() == 503 {
            shed = Some(response);
            break;
        }
    }
    let shed = shed.ok_or_else(|| anyhow::anyhow!("no request was shed while the upload was in flight"))?;
    assert_eq!(header(&shed, "retry-after"), "1");
    let body: Value = shed.json().await?;
    assert_eq!(code(&body), "SERVICE_UNAVAILABLE", "{body}");
    let health = app.http().get(format!("{}/healthz", app.base)).send().await?;
    assert_eq!(health.status(), 200, "health is never shed");
    let ready = app.http().get(format!("{}/readyz", app.base)).send().await?;
    assert_eq!(ready.status(), 200);

    feed.send(audio[1_000..].to_vec()).await?;
    drop(feed);
    let uploaded = upload.await??;
    assert!(uploaded.get("errors").is_none(), "{uploaded}");
    let after = app.ok(None, "{ __typename }", json!({})).await?;
    assert_eq!(after["__typename"], "QueryRoot", "room again once the upload finished");

    // A client that sends its JSON request slowly holds no place while it sends.
    let (mut slow, chunks) = futures::channel::mpsc::channel::<Vec<u8>>(1);
    let body = reqwest::Body::wrap_stream(futures::StreamExt::map(chunks, Ok::<_, std::io::Error>));
    let slow_request = app
        .http()
        .post(format!("{}/graphql", app.base))
        .header("content-type", "application/json")
        .body(body)
        .send();
    let slow_request = tokio::spawn(slow_request);
    slow.send(br#"{"query": "{ __typ"#.to_vec()).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let meanwhile = app.ok(None, "{ __typename }", json!({})).await?;
    assert_eq!(meanwhile["__typename"], "QueryRoot", "the slow sender took no place");
    slow.send(br#"ename }"}"#.to_vec()).await?;
    drop(slow);
    let finished: Value = slow_request.await??.json().await?;
    assert_eq!(finished["data"]["__typename"], "QueryRoot", "{finished}");
    app.stop().await
}

const CREATE: &str = "mutation($n: String!) { createArtistSpace(input: {name: $n}) { id } }";

#[tokio::test]
async fn mutations_past_the_callers_rate_limit_are_refused_and_write_nothing() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| config.mutations_per_minute = 3).await?;
    // Signing up is a mutation of this address: one of its three.
    let user = app.user("rated").await?;
    // A signed-in caller is counted by user: three spaces fit this minute, the fourth does not.
    for name in ["First", "Second", "Third"] {
        app.ok(Some(&user.token), CREATE, json!({ "n": name })).await?;
    }
    let response = app
        .http()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(&user.token)
        .json(&json!({ "query": CREATE, "variables": { "n": "Fourth" } }))
        .send()
        .await?;
    let retry_after: u64 = header(&response, "retry-after").parse().unwrap_or(0);
    let refused: Value = response.json().await?;
    assert_eq!(code(&refused), "RATE_LIMITED", "{refused}");
    let told = refused["errors"][0]["extensions"]["retryAfter"].as_u64().unwrap_or(0);
    assert!((1..=60).contains(&told), "{refused}");
    assert!((1..=60).contains(&retry_after), "the Retry-After header: {retry_after}");
    assert!(refused.get("data").is_none_or(Value::is_null));
    // Queries are not limited, and the refused mutation wrote nothing.
    let spaces = app
        .ok(Some(&user.token), "{ myArtistSpaces { totalCount } }", json!({}))
        .await?;
    assert_eq!(spaces["myArtistSpaces"]["totalCount"], 3, "{spaces}");
    // A signed-out caller is counted by address: one sign-up so far, then two more fit.
    for n in 0..2 {
        app.ok(
            None,
            "mutation($e: String!, $u: String!) { signUp(input: {email: $e, username: $u, password: \"correct horse battery\"}) { user { id } } }",
            json!({ "e": format!("rl{n}@example.com"), "u": format!("rateduser{n}") }),
        )
        .await?;
    }
    let third = app
        .gql(
            None,
            "mutation { signUp(input: {email: \"rl9@example.com\", username: \"rateduser9\", password: \"correct horse battery\"}) { user { id } } }",
            json!({}),
        )
        .await?;
    assert_eq!(code(&third), "RATE_LIMITED", "{third}");
    let fresh = app.user("ratedtwo").await;
    assert!(fresh.is_err(), "the address is out of budget for this minute");
    let id = str_at(&app.ok(Some(&user.token), "{ me { id } }", json!({})).await?, "/me/id")?;
    assert!(id.starts_with("usr_"));
    app.stop().await
}

#[tokio::test]
async fn behind_a_proxy_the_client_address_comes_from_its_header() -> anyhow::Result<()> {
    let app = TestApp::with_config(|config| {
        config.client_ip_header = Some(axum_header("x-forwarded-for"));
    })
    .await?;
    let user = app.user("proxied").await?;
    let log_in = |from: &'static str, password: &'static str| {
        app.http()
            .post(format!("{}/graphql", app.base))
            // The client's own claim first, then what the proxy appended: the last one counts.
            .header("x-forwarded-for", format!("6.6.6.6, {from}"))
            .json(&json!({
                "query": "mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { accessToken } }",
                "variables": { "e": format!("nobody{}@example.com", password.len()), "p": password },
            }))
            .send()
    };
    // Five failures from one address (for unknown accounts) lock that address out...
    for password in ["a", "bb", "ccc", "dddd", "eeeee"] {
        let body: Value = log_in("10.0.0.1", password).await?.json().await?;
        assert_eq!(code(&body), "UNAUTHENTICATED", "{body}");
    }
    let locked: Value = log_in("10.0.0.1", "ffffff").await?.json().await?;
    assert_eq!(code(&locked), "RATE_LIMITED", "{locked}");
    // ...and no other: the real user signs in from another address.
    let fine: Value = app
        .http()
        .post(format!("{}/graphql", app.base))
        .header("x-forwarded-for", "10.0.0.2")
        .json(&json!({
            "query": "mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { accessToken } }",
            "variables": { "e": user.email, "p": user.password },
        }))
        .send()
        .await?
        .json()
        .await?;
    assert!(fine.get("errors").is_none(), "{fine}");
    app.stop().await
}

fn axum_header(name: &'static str) -> backline_server::config::HeaderName {
    backline_server::config::HeaderName::from_static(name)
}
