//! Live notifications (`/graphql/ws`), resumable from a cursor.

use async_graphql::{Context, Object, Subscription};
use backline_application::notifications::notification_events;
use backline_application::ports::EventPosition;
use futures::{Stream, StreamExt};

use crate::common::context::parts;
use crate::common::error::{GqlResult, gql};
use crate::common::live::{cursor, position};
use crate::common::nodes::NotificationNode;

/// A new notification and your unread count after it.
pub(crate) struct NotificationEventNode {
    position: EventPosition,
    notification: Option<NotificationNode>,
    unread: u64,
}

/// A new notification and your unread count after it; or, when some of your notifications were
/// marked read (in another tab, say), no notification and the new count.
#[Object(name = "NotificationEvent")]
impl NotificationEventNode {
    /// This event's place in the feed (see `CommentEvent.cursor`).
    async fn cursor(&self) -> String {
        cursor(self.position)
    }

    /// The new notification; null when this event reports notifications marked read.
    async fn notification(&self) -> Option<&NotificationNode> {
        self.notification.as_ref()
    }

    /// How many of your notifications are unread now.
    async fn unread_notification_count(&self) -> i64 {
        i64::try_from(self.unread).unwrap_or(i64::MAX)
    }
}

/// Notifications as they are raised.
#[derive(Default)]
pub(crate) struct NotificationSubscription;

/// Notifications as they are raised.
#[Subscription]
impl NotificationSubscription {
    /// Your new notifications as they are raised, each with your unread count after it; and
    /// your new unread count (without a notification) when some are marked read.
    async fn notification_added(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Resume after this event's cursor: first get what followed it (unread counts as of now).")]
        after: Option<String>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<NotificationEventNode>> + use<>> {
        let (app, request) = parts(ctx)?;
        let events = notification_events(&app.notifications, &request.actor, position(after)?)
            .await
            .gql()?;
        Ok(events.map(|event| {
            event
                .map(|(position, (notification, unread))| NotificationEventNode {
                    position,
                    notification: notification.map(NotificationNode),
                    unread,
                })
                .map_err(gql)
        }))
    }
}
