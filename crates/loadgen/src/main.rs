//! `backline-loadgen`: opens many GraphQL subscribers (one socket each) on one track of a
//! running Backline server, adds comments over HTTP, and reports the p50/p99 time from each
//! mutation's response to each subscriber's receipt, plus the server's resident memory per idle
//! subscriber (when given its process id). See `docs/performance.md` for how to run it.

mod api;
mod stats;
mod subscriber;

use std::time::{Duration, Instant};

use clap::Parser;
use futures::StreamExt;
use serde_json::json;
use tokio::sync::mpsc;

use crate::stats::{ms, summarize};

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "backline-loadgen",
    about = "Measures live comment delivery to many subscribers"
)]
struct Options {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Concurrent subscribers (one WebSocket each). The server must allow this many sockets for
    /// one user (BACKLINE_WS_MAX_SOCKETS_PER_USER) and both processes enough file descriptors.
    #[arg(long, default_value_t = 1_000)]
    subscribers: usize,
    /// Comments added (one measured delivery per subscriber each).
    #[arg(long, default_value_t = 20)]
    rounds: u32,
    /// Pause between comments, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pause_ms: u64,
    /// Sockets opened at the same time while connecting.
    #[arg(long, default_value_t = 200)]
    connect_concurrency: usize,
    /// The server's process id, to read its resident memory from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
}

/// The resident memory of process `pid` in KiB (Linux).
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let api = api::Api::new(&options.url);
    let tag = format!("{}", std::process::id());
    let stage = api.stage(&tag).await?;
    let ws_url = format!(
        "ws://{}/graphql/ws",
        options.url.trim_start_matches("http://").trim_end_matches('/')
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let baseline = options.server_pid.and_then(resident_kib);

    // Connect every subscriber.
    let started = Instant::now();
    let (arrivals, mut received) = mpsc::unbounded_channel::<(u32, Instant)>();
    let sockets: Vec<_> = futures::stream::iter(0..options.subscribers)
        .map(|_| subscriber::connect(&ws_url, &stage.token, &stage.track))
        .buffer_unordered(options.connect_concurrency.max(1))
        .collect()
        .await;
    let mut connected = 0;
    for socket in sockets {
        match socket {
            Ok(socket) => {
                connected += 1;
                tokio::spawn(subscriber::listen(socket, arrivals.clone()));
            }
            Err(error) => eprintln!("a subscriber failed to connect: {error}"),
        }
    }
    drop(arrivals);
    eprintln!(
        "{connected} of {} subscribers connected in {:.1} s",
        options.subscribers,
        started.elapsed().as_secs_f64()
    );
    // Let the server start every subscription and settle.
    tokio::time::sleep(Duration::from_millis(1_000 + options.subscribers as u64 / 5)).await;
    let idle = options.server_pid.and_then(resident_kib);

    // Measure.
    let mut from_response = Vec::new();
    let mut from_request = Vec::new();
    let mut missing = 0_usize;
    for round in 0..options.rounds {
        let content = format!("{}{round}", subscriber::MARKER);
        let sent = Instant::now();
        api.run(
            Some(&stage.token),
            "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c}) { id } }",
            json!({ "f": stage.file, "c": content }),
        )
        .await?;
        let answered = Instant::now();
        let mut got = 0;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while got < connected {
            match tokio::time::timeout_at(deadline, received.recv()).await {
                Ok(Some((arrived_round, at))) if arrived_round == round => {
                    got += 1;
                    from_response.push(at.saturating_duration_since(answered));
                    from_request.push(at.saturating_duration_since(sent));
                }
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        missing += connected - got;
        tokio::time::sleep(Duration::from_millis(options.pause_ms)).await;
    }
    let response = summarize(from_response);
    let request = summarize(from_request);
    println!(
        "| subscribers | deliveries | missing | p50 from response | p99 from response | max | p50 from request | p99 from request |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {connected} | {} | {missing} | {} | {} | {} | {} | {} |",
        response.count,
        ms(response.p50),
        ms(response.p99),
        ms(response.max),
        ms(request.p50),
        ms(request.p99),
    );
    if let (Some(baseline), Some(idle)) = (baseline, idle) {
        let per = (idle.saturating_sub(baseline) as f64) / connected.max(1) as f64;
        println!(
            "\nserver resident memory: {:.1} MiB before, {:.1} MiB with {connected} idle subscribers: {per:.1} KiB per subscriber",
            baseline as f64 / 1024.0,
            idle as f64 / 1024.0
        );
    }
    Ok(())
}
