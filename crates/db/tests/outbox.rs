//! The event outbox and relay on a fresh database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`): events of rolled-back changes never appear, committed ones always do,
//! in order, also in another process (another pool) and also when the writer never woke its own
//! relay.

use std::sync::Arc;
use std::time::Duration;

use backline_application::ports::{Event, EventBus, EventLog, EventPosition, EventScope, EventStream};
use backline_db::testing::{TestDatabase, record_events};
use backline_db::{Database, EventRelay, RelayOptions, SqlEventLog};
use backline_domain::ids::UserId;
use tokio::sync::mpsc;

/// Collects what the relay publishes.
struct Collector(mpsc::UnboundedSender<(EventPosition, Event)>);

impl EventBus for Collector {
    fn publish(&self, position: EventPosition, event: Event) {
        let _ = self.0.send((position, event));
    }

    fn subscribe(&self) -> EventStream {
        Box::pin(futures::stream::empty())
    }
}

fn access_changed(n: u128) -> Event {
    Event::AccessChanged {
        user: UserId(uuid::Uuid::from_u128(n)),
    }
}

fn number(event: &Event) -> u128 {
    match event {
        Event::AccessChanged { user } => user.0.as_u128(),
        _ => 0,
    }
}

type Received = mpsc::UnboundedReceiver<(EventPosition, Event)>;

async fn relay(db: &Database, poll: Duration) -> anyhow::Result<(EventRelay, Received)> {
    let (sender, receiver) = mpsc::unbounded_channel();
    let relay = EventRelay::start(
        db.clone(),
        Arc::new(Collector(sender)),
        RelayOptions {
            poll_interval: poll,
            ..RelayOptions::default()
        },
    )
    .await?;
    Ok((relay, receiver))
}

async fn next_at(receiver: &mut Received) -> anyhow::Result<(EventPosition, Event)> {
    tokio::time::timeout(Duration::from_secs(10), receiver.recv())
        .await?
        .ok_or_else(|| anyhow::anyhow!("the relay stopped"))
}

async fn next(receiver: &mut Received) -> anyhow::Result<Event> {
    Ok(next_at(receiver).await?.1)
}

#[tokio::test]
async fn rolled_back_changes_emit_nothing_and_committed_ones_are_never_lost() -> anyhow::Result<()> {
    let fresh = TestDatabase::new().await?;
    let db = Database::connect(fresh.url()).await?;
    db.migrate_up().await?;
    record_events(&db, &[access_changed(99)], true, true).await?;
    // Started after that commit: history is not replayed to new subscribers.
    let (relay, mut received) = relay(&db, Duration::from_millis(100)).await?;

    record_events(&db, &[access_changed(1)], false, true).await?;
    record_events(&db, &[access_changed(2)], true, true).await?;
    assert_eq!(
        number(&next(&mut received).await?),
        2,
        "the rolled-back event never appears"
    );

    // The writer dies right after its commit and never wakes its relay: polling finds the row.
    record_events(&db, &[access_changed(3), access_changed(4)], true, false).await?;
    assert_eq!(number(&next(&mut received).await?), 3);
    assert_eq!(number(&next(&mut received).await?), 4);

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(received.try_recv().is_err(), "each event is published once");
    relay.stop().await;
    Ok(())
}

#[tokio::test]
async fn another_process_receives_every_event_in_commit_order() -> anyhow::Result<()> {
    let fresh = TestDatabase::new().await?;
    let url = fresh.url();
    let writer = Database::connect(url).await?;
    writer.migrate_up().await?;
    // A second pool stands for a second `backline` process. On PostgreSQL it polls only once an
    // hour, so what it receives came through LISTEN/NOTIFY; SQLite has no notifications and
    // relies on polling.
    let reader = Database::connect(url).await?;
    let poll = if reader.is_postgres() {
        Duration::from_secs(3_600)
    } else {
        Duration::from_millis(100)
    };
    let (relay, mut received) = relay(&reader, poll).await?;
    // The first tick of the poll interval runs at once; let it pass.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let writes: Vec<_> = (1..=50_u128)
        .map(|n| {
            let writer = writer.clone();
            async move { record_events(&writer, &[access_changed(n)], true, true).await }
        })
        .collect();
    for write in writes {
        write.await?;
    }
    let mut numbers = Vec::new();
    for _ in 0..50 {
        numbers.push(number(&next(&mut received).await?));
    }
    assert_eq!(numbers, (1..=50).collect::<Vec<_>>());
    relay.stop().await;
    Ok(())
}

#[tokio::test]
async fn concurrent_writers_lose_nothing() -> anyhow::Result<()> {
    let fresh = TestDatabase::new().await?;
    let url = fresh.url();
    let db = Database::connect(url).await?;
    db.migrate_up().await?;
    let (relay, mut received) = relay(&db, Duration::from_millis(100)).await?;
    let tasks: Vec<_> = (1..=40_u128)
        .map(|n| {
            let db = db.clone();
            tokio::spawn(async move { record_events(&db, &[access_changed(n)], n % 5 != 0, true).await })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    let mut numbers = Vec::new();
    let mut positions = Vec::new();
    for _ in 0..32 {
        let (position, event) = next_at(&mut received).await?;
        positions.push(position);
        numbers.push(number(&event));
    }
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "positions are published in order, each once: {positions:?}"
    );
    numbers.sort_unstable();
    let expected: Vec<u128> = (1..=40).filter(|n| n % 5 != 0).collect();
    assert_eq!(numbers, expected, "every committed event once, no rolled-back one");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(received.try_recv().is_err());
    relay.stop().await;
    Ok(())
}

#[tokio::test]
async fn the_log_replays_one_scope_after_a_position_in_order() -> anyhow::Result<()> {
    let fresh = TestDatabase::new().await?;
    let db = Database::connect(fresh.url()).await?;
    db.migrate_up().await?;
    let log = SqlEventLog::new(db.clone());
    assert_eq!(log.bounds().await?, None, "nothing kept yet");
    let (relay, mut received) = relay(&db, Duration::from_millis(100)).await?;
    for n in 1..=6_u128 {
        record_events(&db, &[access_changed(n % 2), access_changed(10 + n)], true, true).await?;
    }
    let mut seen = Vec::new();
    for _ in 0..12 {
        seen.push(next_at(&mut received).await?);
    }
    let (first, last) = log.bounds().await?.ok_or_else(|| anyhow::anyhow!("no bounds"))?;
    assert_eq!((first, last), (seen[0].0, seen[11].0));
    // What user 1 missed after the event at its third position: the events of user 1 only.
    let user = UserId(uuid::Uuid::from_u128(1));
    let after = seen[2].0;
    let replayed = log.after(EventScope::User(user), after, 100).await?;
    let expected: Vec<(EventPosition, Event)> = seen
        .iter()
        .filter(|(position, event)| *position > after && event.user() == Some(user))
        .cloned()
        .collect();
    assert_eq!(replayed, expected);
    assert_eq!(replayed.len(), 2);
    // Pages.
    let page = log.after(EventScope::User(user), EventPosition(0), 1).await?;
    assert_eq!(page.len(), 1);
    relay.stop().await;
    Ok(())
}
