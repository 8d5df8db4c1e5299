//! Resumable event feeds. Every event a subscription delivers carries its position in the
//! outbox (the client sees it as an opaque cursor). A subscriber that lost its socket subscribes
//! again, on any replica, with the last position it saw: it first gets, in order, every event of
//! its scope recorded since (the outbox keeps 24 hours), then the live events, with no gap and
//! no duplicate. That holds because positions follow commit order in every process, the live
//! stream is opened before the outbox is read, and live events at or before the last position
//! replayed are skipped.

use std::collections::VecDeque;

use futures::StreamExt;

use crate::App;
use crate::error::{AppError, AppResult};
use crate::ports::{Event, EventPosition, EventScope, EventStream};

/// Events read from the outbox per query while replaying.
const PAGE: u64 = 500;

/// One subscriber's events: first those recorded after its cursor, then the live ones.
pub(crate) struct Feed {
    app: App,
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
    /// it); one the outbox never handed out is `BAD_USER_INPUT`.
    pub(crate) async fn open(app: &App, scope: EventScope, after: Option<EventPosition>) -> AppResult<Self> {
        let live = app.events.subscribe();
        if let Some(after) = after {
            match app.event_log.bounds().await? {
                Some((first, _)) if after.0 < first.0 - 1 => {
                    return Err(AppError::Conflict {
                        field: Some("after".into()),
                        message: "this cursor is older than the events kept (24 hours); refetch, then subscribe without `after`".into(),
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
        }
        Ok(Self {
            app: app.clone(),
            scope,
            live,
            backlog: VecDeque::new(),
            replaying: after,
            seen: after,
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
                match self.app.event_log.after(self.scope, after, PAGE).await {
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
                Ok(item) => Some(Ok(item)),
                Err(lagged) => Some(Err(AppError::from(lagged))),
            };
        }
    }
}
