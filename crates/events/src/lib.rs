//! Backline's event bus adapters. [`InProcessBus`] broadcasts to subscribers in this process
//! (a tokio broadcast channel): publishing never waits, and a subscriber that falls more than
//! the channel's capacity behind is told it lagged and its stream ends, rather than silently
//! skipping events.

use backline_application::ports::{Event, EventBus, EventError, EventPosition, EventStream};
use tokio::sync::broadcast;

/// Events a subscriber may fall behind before it is cut off.
pub const DEFAULT_CAPACITY: usize = 4_096;

/// A single-process event bus.
#[derive(Debug, Clone)]
pub struct InProcessBus {
    sender: broadcast::Sender<(EventPosition, Event)>,
}

impl InProcessBus {
    /// A bus whose subscribers may fall `capacity` events behind.
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity.max(1));
        Self { sender }
    }
}

impl Default for InProcessBus {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl EventBus for InProcessBus {
    fn publish(&self, position: EventPosition, event: Event) {
        // No subscriber is not an error.
        let _ = self.sender.send((position, event));
    }

    fn subscribe(&self) -> EventStream {
        let receiver = self.sender.subscribe();
        Box::pin(futures::stream::unfold(Some(receiver), |state| async move {
            let mut receiver = state?;
            match receiver.recv().await {
                Ok(event) => Some((Ok(event), Some(receiver))),
                Err(broadcast::error::RecvError::Lagged(missed)) => Some((Err(EventError::Lagged(missed)), None)),
                Err(broadcast::error::RecvError::Closed) => None,
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::ids::UserId;
    use futures::StreamExt;

    use super::*;

    fn event(n: u128) -> (EventPosition, Event) {
        (
            EventPosition(i64::try_from(n).unwrap_or_default()),
            Event::AccessChanged {
                user: UserId(uuid::Uuid::from_u128(n)),
            },
        )
    }

    fn publish(bus: &InProcessBus, n: u128) {
        let (position, event) = event(n);
        bus.publish(position, event);
    }

    #[tokio::test]
    async fn every_subscriber_gets_every_event_in_order() {
        let bus = InProcessBus::new(16);
        let mut first = bus.subscribe();
        let mut second = bus.subscribe();
        for n in 0..3 {
            publish(&bus, n);
        }
        for stream in [&mut first, &mut second] {
            for n in 0..3 {
                assert_eq!(stream.next().await, Some(Ok(event(n))));
            }
        }
    }

    #[tokio::test]
    async fn a_slow_subscriber_is_told_and_cut_off_without_blocking_others() {
        let bus = InProcessBus::new(4);
        let mut slow = bus.subscribe();
        let mut fast = bus.subscribe();
        for n in 0..4 {
            publish(&bus, n);
            assert_eq!(fast.next().await, Some(Ok(event(n))));
        }
        for n in 4..10 {
            publish(&bus, n);
            assert_eq!(
                fast.next().await,
                Some(Ok(event(n))),
                "a reader that keeps up is not held back"
            );
        }
        assert!(matches!(slow.next().await, Some(Err(EventError::Lagged(_)))));
        assert_eq!(slow.next().await, None, "the lagging stream ends");
    }
}
