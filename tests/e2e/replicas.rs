//! Several `backline` processes on one database and one S3 bucket, as in production: with
//! `TEST_DATABASE_URL` that database is PostgreSQL (replicas are woken by LISTEN/NOTIFY, their
//! relays poll only once an hour); otherwise one SQLite file, whose relays poll. Nothing may work
//! only inside one process: analysis, streaming, live comments, login lockouts, session ends,
//! rate limits, and a replica's death under write load.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use backline_audio::testing::tone;
use backline_e2e::replica::Replica;
use backline_e2e::{Api, Upload, code, str_at};
use backline_storage::testing::S3TestServer;
use futures::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::live::{Socket, closed_with, connect_to, next_json};

const WATCH: &str = "subscription($t: ID!, $a: String) { commentEvents(trackId: $t, after: $a) { cursor kind comment { id content } } }";
const ADD: &str = "mutation($f: ID!, $c: String!) { addComment(input: {fileId: $f, content: $c}) { id } }";
const LOG_IN: &str =
    "mutation($e: String!, $p: String!) { logIn(input: {email: $e, password: $p}) { accessToken refreshToken } }";

/// The settings every replica of one deployment shares.
fn shared(database: &str, bucket: &str, workers: usize) -> Vec<(&'static str, String)> {
    let poll = if database.starts_with("postgres") {
        "3600000"
    } else {
        "100"
    };
    vec![
        ("DATABASE_URL", database.to_owned()),
        ("BACKLINE_BLOB_URL", bucket.to_owned()),
        ("BACKLINE_ANALYSIS_WORKERS", workers.to_string()),
        ("BACKLINE_EVENT_POLL_MS", poll.to_owned()),
        ("BACKLINE_LOGIN_ATTEMPTS", "5".to_owned()),
    ]
}

async fn watch(socket: &mut Socket, id: &str, track: &str, after: Option<&str>) -> anyhow::Result<()> {
    let message =
        json!({"id": id, "type": "subscribe", "payload": {"query": WATCH, "variables": {"t": track, "a": after}}});
    socket.send(Message::text(message.to_string())).await?;
    Ok(())
}

/// The next comment event on `socket`: (cursor, comment id, content).
async fn next_event(socket: &mut Socket) -> anyhow::Result<(String, String, String)> {
    let message = next_json(socket).await?;
    let event = &message["payload"]["data"]["commentEvents"];
    anyhow::ensure!(event.is_object(), "not a comment event: {message}");
    Ok((
        str_at(event, "/cursor")?,
        str_at(event, "/comment/id")?,
        str_at(event, "/comment/content")?,
    ))
}

/// Adds a comment through `api` until `socket` receives one: the subscription is live.
async fn until_live(api: &Api, socket: &mut Socket, token: &str, file: &str) -> anyhow::Result<()> {
    for _ in 0..60 {
        api.ok(Some(token), ADD, json!({"f": file, "c": "warming up"})).await?;
        if let Ok(event) = tokio::time::timeout(Duration::from_millis(500), next_event(socket)).await {
            event?;
            return Ok(());
        }
    }
    anyhow::bail!("the subscription never received a comment")
}

/// Every comment on `track` (through `api`): id → content.
async fn comments_of(api: &Api, token: &str, track: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let mut ids = BTreeMap::new();
    let mut after: Option<String> = None;
    loop {
        let page = api
            .ok(
                Some(token),
                "query($t: ID!, $a: String) { track(id: $t) { comments(first: 100, after: $a) { nodes { id content } pageInfo { hasNextPage endCursor } } } }",
                json!({"t": track, "a": after}),
            )
            .await?;
        let comments = &page["track"]["comments"];
        for node in comments["nodes"].as_array().cloned().unwrap_or_default() {
            ids.insert(str_at(&node, "/id")?, str_at(&node, "/content")?);
        }
        if comments["pageInfo"]["hasNextPage"] != true {
            return Ok(ids);
        }
        after = Some(str_at(comments, "/pageInfo/endCursor")?);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_share_everything_and_survive_the_death_of_one() -> anyhow::Result<()> {
    let s3 = S3TestServer::start()?;
    let bucket = s3.bucket("backline-replicas")?;
    let fresh = backline_db::testing::TestDatabase::new().await?;
    let database = fresh.url().to_owned();
    // Started together: their migrations take turns.
    let (without_workers, with_a_worker) = (shared(&database, &bucket, 0), shared(&database, &bucket, 1));
    let (a, b, c) = tokio::join!(
        Replica::start(&without_workers),
        Replica::start(&with_a_worker),
        Replica::start(&without_workers),
    );
    let (a, mut b, c) = (a?, b?, c?);
    let (on_a, on_b, on_c) = (Api::new(&a.base), Api::new(&b.base), Api::new(&c.base));

    // Upload through A (no workers); B's worker analyses it; C streams it.
    let owner = on_a.user("replown").await?;
    let place = on_a.hierarchy(&owner, "Three Replicas").await?;
    let audio = tone(44_100, 2, 44_100);
    let file = on_a
        .upload_ok(&owner.token, &place.track, Upload::new("mix.wav", &audio))
        .await?;
    let file_id = str_at(&file, "/id")?;
    let analysed = on_c.analysed(&owner.token, &file_id).await?;
    assert_eq!(analysed["analysis"]["status"], "READY", "{analysed}");
    let uuid = uuid::Uuid::try_parse(file_id.trim_start_matches("fil_"))?.to_string();
    let analysed_by = |replica: &Replica| {
        replica
            .output()
            .iter()
            .any(|line| line.contains("analysis ready") && line.contains(&uuid))
    };
    // The worker logs after it commits: its line may trail the READY status a little.
    for _ in 0..100 {
        if analysed_by(&b) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(analysed_by(&b), "B's worker analysed it");
    assert!(!analysed_by(&a) && !analysed_by(&c), "A and C run no workers");
    let from_c = on_c
        .ok(
            Some(&owner.token),
            "query($f: ID!) { file(id: $f) { url } }",
            json!({"f": file_id}),
        )
        .await?;
    let url = str_at(&from_c, "/file/url")?;
    assert!(url.starts_with(&c.base), "{url}");
    let streamed = on_c.http().get(&url).header("range", "bytes=44-1043").send().await?;
    assert_eq!(streamed.status(), 206);
    assert_eq!(streamed.bytes().await?.as_ref(), &audio[44..1044]);

    // A comment written through A reaches subscribers on B and C.
    let mut watcher_b = connect_to(&b.base, &owner.token).await?;
    let mut watcher_c = connect_to(&c.base, &owner.token).await?;
    watch(&mut watcher_b, "b", &place.track, None).await?;
    watch(&mut watcher_c, "c", &place.track, None).await?;
    until_live(&on_a, &mut watcher_b, &owner.token, &file_id).await?;
    until_live(&on_a, &mut watcher_c, &owner.token, &file_id).await?;
    on_a.ok(Some(&owner.token), ADD, json!({"f": file_id, "c": "written on A"}))
        .await?;
    for watcher in [&mut watcher_b, &mut watcher_c] {
        loop {
            let (_, _, content) = next_event(watcher).await?;
            if content == "written on A" {
                break;
            }
        }
    }

    // A session ended on A stops on B and C, and B's open socket of it closes with 4401.
    let device = on_b.log_in(&owner).await?;
    let mut device_socket = connect_to(&b.base, &device.token).await?;
    watch(&mut device_socket, "d", &place.track, None).await?;
    assert!(on_c.ok(Some(&device.token), "{ me { id } }", json!({})).await.is_ok());
    on_a.ok(
        Some(&device.token),
        "mutation($r: String!) { logOut(refreshToken: $r) }",
        json!({"r": device.refresh}),
    )
    .await?;
    for api in [&on_b, &on_c] {
        let mut refused = false;
        for _ in 0..40 {
            let body = api.gql(Some(&device.token), "{ me { id } }", json!({})).await?;
            if code(&body) == "UNAUTHENTICATED" {
                refused = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(refused, "the ended session still works on {}", api.base);
    }
    loop {
        let message = next_json(&mut device_socket).await;
        match message {
            Ok(message) if message["type"] == "error" => {
                assert_eq!(
                    message["payload"][0]["extensions"]["code"], "UNAUTHENTICATED",
                    "{message}"
                );
                break;
            }
            Ok(_) => {}
            Err(error) => anyhow::bail!("the socket on B did not end: {error}"),
        }
    }
    assert_eq!(closed_with(&mut device_socket).await?.0, 4401);

    // Five failed logins spread over A, B and C lock the account everywhere (and this address:
    // no one signs in from it for a while after this).
    let victim = on_a.user("repllock").await?;
    for (n, api) in [&on_a, &on_b, &on_c, &on_a, &on_b].into_iter().enumerate() {
        let wrong = api
            .gql(
                None,
                LOG_IN,
                json!({"e": victim.email, "p": format!("wrong password {n}")}),
            )
            .await?;
        assert_eq!(code(&wrong), "UNAUTHENTICATED", "{wrong}");
    }
    let locked = on_c
        .gql(None, LOG_IN, json!({"e": victim.email, "p": victim.password}))
        .await?;
    assert_eq!(
        code(&locked),
        "RATE_LIMITED",
        "the right password on C after five failures: {locked}"
    );

    // The last event each watcher saw before the storm.
    on_a.ok(Some(&owner.token), ADD, json!({"f": file_id, "c": "before the storm"}))
        .await?;
    let last_seen_on_b = loop {
        let (cursor, _, content) = next_event(&mut watcher_b).await?;
        if content == "before the storm" {
            break cursor;
        }
    };
    loop {
        if next_event(&mut watcher_c).await?.2 == "before the storm" {
            break;
        }
    }

    // 100 concurrent comments through A, B and C, spread over half a second; B is killed
    // (SIGKILL) in the middle, with some of its writes in flight.
    let writers: Vec<Api> = vec![on_a.clone(), on_b.clone(), on_c.clone()];
    let (acknowledged_tx, mut acknowledged_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut writes = Vec::new();
    for n in 0..100_u64 {
        let api = writers[(n % 3) as usize].clone();
        let token = owner.token.clone();
        let file = file_id.clone();
        let acknowledged = acknowledged_tx.clone();
        writes.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(n * 5)).await;
            let body = api
                .gql(Some(&token), ADD, json!({"f": file, "c": format!("storm {n}")}))
                .await;
            if let Ok(body) = body
                && let Ok(id) = str_at(&body, "/data/addComment/id")
            {
                let _ = acknowledged.send(id);
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    b.kill().await?;
    drop(acknowledged_tx);
    for write in writes {
        write.await?;
    }
    let mut acknowledged = HashSet::new();
    while let Some(id) = acknowledged_rx.recv().await {
        acknowledged.insert(id);
    }
    assert!(
        (67..100).contains(&acknowledged.len()),
        "A and C acknowledged theirs, B not all of its own: {}",
        acknowledged.len()
    );

    // Every acknowledged write is stored.
    let stored = comments_of(&on_c, &owner.token, &place.track).await?;
    let lost: Vec<&String> = acknowledged.iter().filter(|id| !stored.contains_key(*id)).collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let storm: HashSet<String> = stored
        .iter()
        .filter(|(_, content)| content.starts_with("storm "))
        .map(|(id, _)| id.clone())
        .collect();
    assert!(acknowledged.is_subset(&storm));
    assert!(
        storm.len() < 100,
        "B died before all its writes: {} stored",
        storm.len()
    );

    // B's subscriber reconnects to C with the last cursor it saw and gets every storm comment
    // that was stored, once each, in order; C's own subscriber saw the same.
    let mut resumed = connect_to(&c.base, &owner.token).await?;
    watch(&mut resumed, "r", &place.track, Some(&last_seen_on_b)).await?;
    let collect = async |socket: &mut Socket| -> anyhow::Result<BTreeMap<i64, String>> {
        let mut seen = BTreeMap::new();
        while seen.values().filter(|id: &&String| storm.contains(*id)).count() < storm.len() {
            let (cursor, id, _) = next_event(socket).await?;
            let position: i64 = cursor.trim_start_matches("evt_").parse()?;
            anyhow::ensure!(seen.insert(position, id.clone()).is_none(), "event {cursor} twice");
            anyhow::ensure!(seen.keys().next_back() == Some(&position), "out of order at {cursor}");
        }
        Ok(seen)
    };
    let replayed = collect(&mut resumed).await?;
    let live_on_c = collect(&mut watcher_c).await?;
    let replayed_ids: HashSet<&String> = replayed.values().collect();
    assert_eq!(replayed_ids.len(), replayed.len(), "no duplicate");
    assert!(
        storm.iter().all(|id| replayed_ids.contains(id)),
        "the resumed subscriber missed none"
    );
    assert_eq!(
        replayed, live_on_c,
        "the same events, at the same positions, as a subscriber that never left"
    );
    drop(s3);
    Ok(())
}

#[tokio::test]
async fn mutation_rate_limits_are_counted_across_replicas() -> anyhow::Result<()> {
    let fresh = backline_db::testing::TestDatabase::new().await?;
    let database = fresh.url().to_owned();
    let mut settings = shared(&database, "memory://", 0);
    settings.push(("BACKLINE_MUTATIONS_PER_MINUTE", "4".to_owned()));
    let a = Replica::start(&settings).await?;
    let b = Replica::start(&settings).await?;
    let (on_a, on_b) = (Api::new(&a.base), Api::new(&b.base));
    // The sign-up is the address's first mutation; this user's own budget is four.
    let user = on_a.user("replrate").await?;
    const CREATE: &str = "mutation($n: String!) { createArtistSpace(input: {name: $n}) { id } }";
    for (n, api) in [&on_a, &on_b, &on_a, &on_b].into_iter().enumerate() {
        api.ok(Some(&user.token), CREATE, json!({"n": format!("Space {n}")}))
            .await?;
    }
    for api in [&on_a, &on_b] {
        let refused = api.gql(Some(&user.token), CREATE, json!({"n": "One too many"})).await?;
        assert_eq!(code(&refused), "RATE_LIMITED", "{refused}");
        assert!(refused["errors"][0]["extensions"]["retryAfter"].as_u64().is_some());
    }
    let spaces = on_b
        .ok(Some(&user.token), "{ myArtistSpaces { totalCount } }", json!({}))
        .await?;
    assert_eq!(spaces["myArtistSpaces"]["totalCount"], 4, "{spaces}");
    Ok(())
}
