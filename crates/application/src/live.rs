//! Resumable event feeds. Every event a subscription delivers carries its position in the
//! outbox (the client sees it as an opaque cursor). A subscriber that lost its socket subscribes
//! again, on any replica, with the last position it saw: it first gets, in order, every event of
//! its scope recorded since (the outbox keeps 24 hours), then the live events, with no gap and
//! no duplicate. That holds because positions follow commit order in every process, the live
//! stream is opened before the outbox is read, and live events at or before the last position
//! replayed are skipped. A feed that falls behind the live stream (the bus keeps 4,096 events
//! for every subscriber in the process) does not end: it opens the live stream again and goes
//! back to reading the outbox after the last position it handed out.

use std::collections::VecDeque;
use std::sync::Arc;

use futures::StreamExt;

use crate::error::{AppError, AppResult};
use crate::ports::{Event, EventBus, EventLog, EventPosition, EventScope, EventStream};

/// Events read from the outbox per query while replaying.
const PAGE: u64 = 500;

/// The live bus and the outbox read back: what a resumable feed reads.
#[derive(Clone)]
pub(crate) struct Feeds {
    bus: Arc<dyn EventBus>,
    log: Arc<dyn EventLog>,
}

impl Feeds {
    /// Feeds over `bus` and `log`.
    pub(crate) fn new(bus: Arc<dyn EventBus>, log: Arc<dyn EventLog>) -> Self {
        Self { bus, log }
    }
}

/// One subscriber's events: first those recorded after its cursor, then the live ones.
pub(crate) struct Feed {
    bus: Arc<dyn EventBus>,
    log: Arc<dyn EventLog>,
    scope: EventScope,
    live: EventStream,
    backlog: VecDeque<(EventPosition, Event)>,
    /// While replaying: the position to read after next.
    replaying: Option<EventPosition>,
    /// The last position handed out or replayed past; live events up to it are duplicates.
    seen: Option<EventPosition>,
}

impl Feed {
    /// Subscribes to the live events, then (when `after` is given) checks the cursor: one older
    /// than what the outbox keeps is refused with `CONFLICT` (refetch, then subscribe without
    /// it); one the outbox never handed out is `BAD_USER_INPUT`. Without `after`, the feed
    /// starts at the newest position recorded now.
    pub(crate) async fn open(feeds: &Feeds, scope: EventScope, after: Option<EventPosition>) -> AppResult<Self> {
        Self::over(Arc::clone(&feeds.bus), Arc::clone(&feeds.log), scope, after).await
    }

    /// [`Feed::open`] over a bus and a log.
    async fn over(
        bus: Arc<dyn EventBus>,
        log: Arc<dyn EventLog>,
        scope: EventScope,
        after: Option<EventPosition>,
    ) -> AppResult<Self> {
        let live = bus.subscribe();
        let bounds = log.bounds().await?;
        let Some(after) = after else {
            return Ok(Self {
                bus,
                log,
                scope,
                live,
                backlog: VecDeque::new(),
                replaying: None,
                seen: Some(bounds.map_or(EventPosition(0), |(_, last)| last)),
            });
        };
        match bounds {
            Some((first, _)) if after.0 < first.0 - 1 => {
                return Err(AppError::Conflict {
                    field: Some("after".into()),
                    message:
                        "this cursor is older than the events kept (24 hours); refetch, then subscribe without `after`"
                            .into(),
                });
            }
            Some((_, last)) if after > last => {
                return Err(AppError::invalid("after", "this cursor was never handed out"));
            }
            None if after.0 > 0 => {
                return Err(AppError::invalid("after", "this cursor was never handed out"));
            }
            _ => {}
        }
        Ok(Self {
            bus,
            log,
            scope,
            live,
            backlog: VecDeque::new(),
            replaying: Some(after),
            seen: Some(after),
        })
    }

    /// The next event of the feed's scope (and, live, every other event too: the caller picks),
    /// or why it ended.
    pub(crate) async fn next(&mut self) -> Option<AppResult<(EventPosition, Event)>> {
        loop {
            if let Some(item) = self.backlog.pop_front() {
                return Some(Ok(item));
            }
            if let Some(after) = self.replaying {
                match self.log.after(self.scope, after, PAGE).await {
                    Ok(page) => {
                        self.replaying = page.last().map(|(position, _)| *position);
                        if let Some(last) = self.replaying {
                            self.seen = Some(last);
                        }
                        self.backlog.extend(page);
                        continue;
                    }
                    Err(error) => return Some(Err(error.into())),
                }
            }
            return match self.live.next().await? {
                Ok((position, _)) if self.seen.is_some_and(|seen| position <= seen) => continue,
                Ok(item) => {
                    self.seen = Some(item.0);
                    Some(Ok(item))
                }
                Err(lagged) => {
                    // Fell behind: catch up from the outbox, then follow the live stream again.
                    tracing::debug!(%lagged, "a live feed fell behind; replaying from its last position");
                    self.live = self.bus.subscribe();
                    self.replaying = self.seen;
                    continue;
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use backline_domain::ids::UserId;

    use super::*;
    use crate::ports::{EventError, RepoResult};

    fn event(user: u128) -> Event {
        Event::AccessChanged {
            user: UserId(uuid::Uuid::from_u128(user)),
        }
    }

    /// The outbox: its rows (each an event of user 1 or 2), and the newest position it says
    /// it holds when a feed opens.
    struct Log(Vec<(EventPosition, Event)>, Option<EventPosition>);

    #[async_trait::async_trait]
    impl EventLog for Log {
        async fn after(
            &self,
            scope: EventScope,
            after: EventPosition,
            limit: u64,
        ) -> RepoResult<Vec<(EventPosition, Event)>> {
            Ok(self
                .0
                .iter()
                .filter(|(position, event)| *position > after && event.user().map(EventScope::User) == Some(scope))
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .cloned()
                .collect())
        }

        async fn bounds(&self) -> RepoResult<Option<(EventPosition, EventPosition)>> {
            let last = self.1.or_else(|| self.0.last().map(|(position, _)| *position));
            Ok(self.0.first().map(|(first, _)| *first).zip(last))
        }
    }

    /// What one subscription of the [`Bus`] yields.
    type Prepared = Vec<Result<(EventPosition, Event), EventError>>;

    /// A bus whose successive subscriptions replay prepared streams.
    struct Bus(Mutex<VecDeque<Prepared>>);

    impl EventBus for Bus {
        fn publish(&self, _: EventPosition, _: Event) {}

        fn subscribe(&self) -> EventStream {
            let next = self
                .0
                .lock()
                .ok()
                .and_then(|mut streams| streams.pop_front())
                .unwrap_or_default();
            Box::pin(futures::stream::iter(next).chain(futures::stream::pending()))
        }
    }

    fn outbox(newest: i64) -> Vec<(EventPosition, Event)> {
        (1..=newest)
            .map(|n| (EventPosition(n), event(1 + (n % 2) as u128)))
            .collect()
    }

    async fn take(feed: &mut Feed, n: usize) -> Vec<i64> {
        let mut positions = Vec::new();
        while positions.len() < n {
            match feed.next().await {
                Some(Ok((position, event))) if event.user() == Some(UserId(uuid::Uuid::from_u128(2))) => {
                    positions.push(position.0);
                }
                Some(Ok(_)) => {}
                other => panic!(
                    "the feed ended: {:?}",
                    other.map(|item| item.map(|(position, _)| position))
                ),
            }
        }
        positions
    }

    #[tokio::test]
    async fn replays_after_the_cursor_then_goes_live_without_repeats() {
        let log = Arc::new(Log(outbox(12), None));
        // The live stream repeats positions 9 and 11, already replayed, then brings 13 and 14.
        let live = vec![
            Ok((EventPosition(9), event(2))),
            Ok((EventPosition(11), event(2))),
            Ok((EventPosition(13), event(2))),
            Ok((EventPosition(14), event(1))),
        ];
        let bus = Arc::new(Bus(Mutex::new(VecDeque::from([live]))));
        let scope = EventScope::User(UserId(uuid::Uuid::from_u128(2)));
        let feed = Feed::over(bus, log, scope, Some(EventPosition(4))).await;
        let Ok(mut feed) = feed else { panic!("refused") };
        assert_eq!(take(&mut feed, 5).await, vec![5, 7, 9, 11, 13]);
    }

    #[tokio::test]
    async fn a_feed_that_falls_behind_catches_up_from_the_outbox_instead_of_ending() {
        // Opened when 20 was the newest; by the time it lags, the outbox holds up to 30.
        let log = Arc::new(Log(outbox(30), Some(EventPosition(20))));
        let first = vec![
            Ok((EventPosition(17), event(2))),
            Ok((EventPosition(21), event(2))),
            Err(EventError::Lagged(40)),
        ];
        let second = vec![Ok((EventPosition(23), event(2))), Ok((EventPosition(31), event(2)))];
        let bus = Arc::new(Bus(Mutex::new(VecDeque::from([first, second]))));
        let scope = EventScope::User(UserId(uuid::Uuid::from_u128(2)));
        let feed = Feed::over(bus, log, scope, None).await;
        let Ok(mut feed) = feed else { panic!("refused") };
        // 17 is older than the feed; 21 comes live; the lag sends the feed back to the outbox
        // after 21 (23 to 29), then live again without 23 twice.
        assert_eq!(take(&mut feed, 6).await, vec![21, 23, 25, 27, 29, 31]);
    }

    #[tokio::test]
    async fn cursors_outside_what_is_kept_are_refused() {
        let kept: Vec<(EventPosition, Event)> = outbox(12).into_iter().skip(5).collect();
        let log = Arc::new(Log(kept, None));
        let bus = Arc::new(Bus(Mutex::new(VecDeque::new())));
        let scope = EventScope::User(UserId(uuid::Uuid::from_u128(2)));
        let old = Feed::over(bus.clone(), log.clone(), scope, Some(EventPosition(2))).await;
        assert!(matches!(old, Err(AppError::Conflict { .. })));
        let future = Feed::over(bus.clone(), log.clone(), scope, Some(EventPosition(99))).await;
        assert!(matches!(future, Err(AppError::InvalidInput { .. })));
        assert!(
            Feed::over(bus, log, scope, Some(EventPosition(5))).await.is_ok(),
            "just before the first kept"
        );
    }
}
