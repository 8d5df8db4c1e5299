//! Trace export over OTLP: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, a replica sends its spans
//! (HTTP requests, GraphQL operations by name) to the collector as OTLP protobuf; without it,
//! nothing is exported.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use backline_e2e::Api;
use backline_e2e::replica::Replica;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request the collector received.
#[derive(Debug, Clone)]
struct Received {
    head: String,
    body: Vec<u8>,
}

/// A minimal OTLP/HTTP collector: answers 200 to every request and keeps them.
async fn collector() -> anyhow::Result<(String, Arc<Mutex<Vec<Received>>>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let kept = Arc::clone(&received);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let kept = Arc::clone(&kept);
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0_u8; 8192];
                loop {
                    let Ok(read) = stream.read(&mut chunk).await else {
                        return;
                    };
                    if read == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..read]);
                    let Some(end) = buffer.windows(4).position(|window| window == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&buffer[..end]).to_string();
                    let length = head
                        .lines()
                        .find_map(|line| {
                            let (name, value) = line.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if buffer.len() < end + 4 + length {
                        continue;
                    }
                    let body = buffer[end + 4..end + 4 + length].to_vec();
                    buffer.drain(..end + 4 + length);
                    if let Ok(mut kept) = kept.lock() {
                        kept.push(Received { head, body });
                    }
                    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n";
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    Ok((endpoint, received))
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle.as_bytes())
}

#[tokio::test]
async fn spans_are_exported_over_otlp_when_an_endpoint_is_set() -> anyhow::Result<()> {
    let (endpoint, received) = collector().await?;
    let fresh = backline_db::testing::TestDatabase::new().await?;
    let database = fresh.url().to_owned();
    let traced = Replica::start(&[
        ("DATABASE_URL", database.clone()),
        ("BACKLINE_BLOB_URL", "memory://".into()),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_BSP_SCHEDULE_DELAY", "200".into()),
    ])
    .await?;
    let api = Api::new(&traced.base);
    api.ok(None, "query TraceProbe { __typename }", json!({})).await?;
    let mut exported = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let requests = received.lock().map(|kept| kept.clone()).unwrap_or_default();
        exported = requests
            .into_iter()
            .find(|request| contains(&request.body, "TraceProbe"));
        if exported.is_some() {
            break;
        }
    }
    let exported = exported.ok_or_else(|| anyhow::anyhow!("no span named TraceProbe reached the collector"))?;
    assert!(exported.head.starts_with("POST /v1/traces "), "{}", exported.head);
    assert!(
        exported
            .head
            .to_ascii_lowercase()
            .contains("content-type: application/x-protobuf"),
        "{}",
        exported.head
    );
    assert!(contains(&exported.body, "backline"), "the service name");
    assert!(contains(&exported.body, "graphql"), "the operation's span");
    assert!(
        traced
            .output()
            .iter()
            .any(|line| line.contains("exporting traces over OTLP"))
    );

    // Without the variable nothing is exported.
    let untraced = Replica::start(&[("DATABASE_URL", database), ("BACKLINE_BLOB_URL", "memory://".into())]).await?;
    Api::new(&untraced.base).ok(None, "{ __typename }", json!({})).await?;
    assert!(!untraced.output().iter().any(|line| line.contains("exporting traces")));
    Ok(())
}
