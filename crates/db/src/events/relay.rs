//! The relay: reads committed outbox rows and publishes them to this process's subscribers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backline_application::ports::{EventBus, EventPosition};
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::{CHANNEL, decode};
use crate::Database;
use crate::entities::event_outbox;

/// Rows read per query.
const BATCH: u64 = 1_000;
/// A missing id younger than this may still be an uncommitted transaction (PostgreSQL hands out
/// sequence numbers before commit) and is asked for again; older ones were rolled back.
const GAP_PATIENCE: Duration = Duration::from_secs(60);
/// At most this many missing ids are remembered.
const MAX_GAPS: usize = 10_000;
/// How often old rows are removed.
const PRUNE_EVERY: Duration = Duration::from_secs(600);

/// How the relay runs.
#[derive(Debug, Clone, Copy)]
pub struct RelayOptions {
    /// How often the outbox is read without a wake-up: the delay for events written by another
    /// process when no notification reaches this one.
    pub poll_interval: Duration,
    /// How long rows stay in the outbox: subscribers may resume from any position this
    /// recent.
    pub retention: Duration,
}

impl Default for RelayOptions {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            retention: Duration::from_secs(24 * 3_600),
        }
    }
}

/// A running relay; dropping it does not stop it, [`EventRelay::stop`] does.
#[derive(Debug)]
pub struct EventRelay {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    listener: Option<JoinHandle<()>>,
}

/// What the relay has read so far.
#[derive(Debug, Default)]
struct Cursor {
    /// The highest id read.
    max_seen: i64,
    /// Ids below `max_seen` not read yet (transactions still open, or rolled back), with when
    /// they were first missed.
    gaps: BTreeMap<i64, Instant>,
}

impl Cursor {
    /// Notes that `id` was read.
    fn saw(&mut self, id: i64, now: Instant) {
        if id > self.max_seen {
            // Ids skipped over belong to transactions not committed yet, or rolled back.
            let first_missing = (self.max_seen + 1).max(id - MAX_GAPS as i64);
            for missing in first_missing..id {
                self.gaps.insert(missing, now);
            }
            self.max_seen = id;
        } else {
            self.gaps.remove(&id);
        }
    }

    /// The highest id below which every row has been read (or given up on).
    fn settled(&self) -> i64 {
        self.gaps.keys().next().map_or(self.max_seen, |first| first - 1)
    }

    /// Forgets missing ids waited on long enough.
    fn expire(&mut self, now: Instant) {
        self.gaps.retain(|_, since| now.duration_since(*since) < GAP_PATIENCE);
        while self.gaps.len() > MAX_GAPS {
            self.gaps.pop_first();
        }
    }
}

impl EventRelay {
    /// Starts relaying events committed from now on to `bus`. On PostgreSQL it also listens for
    /// the outbox's notifications.
    ///
    /// # Errors
    /// Fails when the database does not answer or, on PostgreSQL, the listener cannot connect.
    pub async fn start(db: Database, bus: Arc<dyn EventBus>, options: RelayOptions) -> anyhow::Result<Self> {
        let max_seen = event_outbox::Entity::find()
            .select_only()
            .column_as(event_outbox::Column::Id.max(), "max")
            .into_tuple::<Option<i64>>()
            .one(db.conn())
            .await?
            .flatten()
            .unwrap_or(0);
        let (wake_tx, wake_rx) = mpsc::channel::<()>(1);
        let listener = if db.is_postgres() {
            let mut listener =
                sea_orm::sqlx::postgres::PgListener::connect_with(db.conn().get_postgres_connection_pool()).await?;
            listener.listen(CHANNEL).await?;
            let wake = wake_tx.clone();
            Some(tokio::spawn(async move {
                loop {
                    match listener.try_recv().await {
                        // A notification, or a reconnect after which some may have been missed:
                        // either way, read the outbox.
                        Ok(_) => {
                            let _ = wake.try_send(());
                        }
                        Err(error) => {
                            tracing::warn!(%error, "outbox listener failed; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }))
        } else {
            None
        };
        let (stop, stopped) = watch::channel(false);
        let cursor = Cursor {
            max_seen,
            gaps: BTreeMap::new(),
        };
        db.relayed_up_to(max_seen);
        let task = tokio::spawn(crate::UNCOUNTED.scope((), run(db, bus, options, cursor, wake_rx, stopped)));
        Ok(Self { stop, task, listener })
    }

    /// Stops the relay after its current read.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
        if let Some(listener) = self.listener {
            listener.abort();
        }
    }
}

async fn run(
    db: Database,
    bus: Arc<dyn EventBus>,
    options: RelayOptions,
    mut cursor: Cursor,
    mut wake: mpsc::Receiver<()>,
    mut stopped: watch::Receiver<bool>,
) {
    let committed = db.committed();
    let mut poll = tokio::time::interval(options.poll_interval);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune = Instant::now();
    loop {
        tokio::select! {
            () = committed.notified() => {}
            // Only PostgreSQL's listener wakes the relay; without one the channel is closed,
            // and a closed channel answers at once: matching `Some` leaves that branch out
            // instead of spinning on it.
            Some(()) = wake.recv() => {}
            _ = poll.tick() => {}
            _ = stopped.changed() => return,
        }
        if let Err(error) = pump(&db, bus.as_ref(), &mut cursor).await {
            tracing::warn!(%error, "could not read the event outbox; retrying");
        }
        if last_prune.elapsed() >= PRUNE_EVERY {
            last_prune = Instant::now();
            prune(&db, options.retention).await;
        }
    }
}

/// Publishes every committed row not published yet.
async fn pump(db: &Database, bus: &dyn EventBus, cursor: &mut Cursor) -> Result<(), sea_orm::DbErr> {
    loop {
        let now = Instant::now();
        cursor.expire(now);
        let mut condition = sea_orm::Condition::any().add(event_outbox::Column::Id.gt(cursor.max_seen));
        if !cursor.gaps.is_empty() {
            condition = condition.add(event_outbox::Column::Id.is_in(cursor.gaps.keys().copied()));
        }
        let rows = event_outbox::Entity::find()
            .filter(condition)
            .order_by_asc(event_outbox::Column::Id)
            .limit(BATCH)
            .all(db.conn())
            .await?;
        let full = rows.len() as u64 == BATCH;
        for row in rows {
            cursor.saw(row.id, now);
            match decode(&row.payload) {
                Ok(event) => bus.publish(EventPosition(row.id), event),
                Err(error) => tracing::error!(id = row.id, %error, "an outbox row does not decode; skipped"),
            }
        }
        db.relayed_up_to(cursor.settled());
        if !full {
            return Ok(());
        }
    }
}

/// Removes rows older than `retention`, always keeping the newest one: the outbox's bounds
/// then tell a resuming subscriber whether its cursor is still covered.
async fn prune(db: &Database, retention: Duration) {
    let Ok(retention) = chrono::Duration::from_std(retention) else {
        return;
    };
    let newest = event_outbox::Entity::find()
        .select_only()
        .column_as(event_outbox::Column::Id.max(), "max")
        .into_tuple::<Option<i64>>()
        .one(db.conn())
        .await;
    let Ok(Some(Some(newest))) = newest else {
        return;
    };
    let removed = event_outbox::Entity::delete_many()
        .filter(event_outbox::Column::CreatedAt.lt(Utc::now() - retention))
        .filter(event_outbox::Column::Id.lt(newest))
        .exec(db.conn())
        .await;
    if let Err(error) = removed {
        tracing::warn!(%error, "could not prune the event outbox");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skipped_ids_are_asked_for_again_until_they_arrive_or_expire() {
        let start = Instant::now();
        let mut cursor = Cursor::default();
        cursor.saw(1, start);
        cursor.saw(4, start);
        assert_eq!(cursor.max_seen, 4);
        assert_eq!(cursor.gaps.keys().copied().collect::<Vec<_>>(), vec![2, 3]);
        cursor.saw(3, start);
        assert_eq!(cursor.gaps.keys().copied().collect::<Vec<_>>(), vec![2]);
        cursor.expire(start + GAP_PATIENCE + Duration::from_millis(1));
        assert!(cursor.gaps.is_empty());
        assert_eq!(cursor.max_seen, 4);
    }

    /// A bus nobody listens to.
    struct Nowhere;

    impl EventBus for Nowhere {
        fn publish(&self, _: EventPosition, _: backline_application::ports::Event) {}
        fn subscribe(&self) -> backline_application::ports::EventStream {
            Box::pin(futures::stream::empty())
        }
    }

    #[tokio::test]
    async fn an_idle_relay_reads_the_outbox_once_per_poll_interval() -> anyhow::Result<()> {
        let fresh = crate::testing::TestDatabase::new().await?;
        let db = Database::connect(fresh.url()).await?;
        db.migrate_up().await?;
        // As on SQLite: no listener, so nothing holds the wake-up channel open.
        let (_, wake) = mpsc::channel::<()>(1);
        let (stop, stopped) = watch::channel(false);
        let options = RelayOptions {
            poll_interval: Duration::from_millis(100),
            ..RelayOptions::default()
        };
        let before = db.statements_executed();
        // Not in the uncounted scope the relay normally runs in, so its reads are counted.
        let relay = tokio::spawn(run(
            db.clone(),
            Arc::new(Nowhere),
            options,
            Cursor::default(),
            wake,
            stopped,
        ));
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.send(true)?;
        relay.await?;
        let reads = db.statements_executed() - before;
        assert!(
            reads <= 8,
            "{reads} reads of an empty outbox in half a second at a 100 ms interval"
        );
        Ok(())
    }

    #[test]
    fn a_huge_jump_remembers_a_bounded_number_of_gaps() {
        let now = Instant::now();
        let mut cursor = Cursor::default();
        cursor.saw(10 * MAX_GAPS as i64, now);
        assert_eq!(cursor.gaps.len(), MAX_GAPS);
    }
}
