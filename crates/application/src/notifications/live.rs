//! The signed-in user's notifications, live and resumable from a position.

use backline_domain::ids::UserId;
use backline_domain::notifications::Notification;
use futures::Stream;

use super::Notifications;
use crate::Actor;
use crate::error::{AppError, AppResult};
use crate::live::Feed;
use crate::ports::{Event, EventPosition, EventScope};

/// Each new notification for the caller with their unread count, as it is raised; and `None`
/// with the new count when some were marked read (in another tab, say). Each comes with its
/// position; with `after`, first those since that position (their counts are today's).
pub async fn notification_events(
    notifications: &Notifications,
    actor: &Actor,
    after: Option<EventPosition>,
) -> AppResult<impl Stream<Item = AppResult<(EventPosition, (Option<Notification>, u64))>> + use<>> {
    let user = actor.require()?;
    let feed = Feed::open(&notifications.feeds, EventScope::User(user), after).await?;
    let state: (Notifications, UserId, Feed) = (notifications.clone(), user, feed);
    Ok(futures::stream::unfold(Some(state), |state| async move {
        let (notifications, user, mut feed) = state?;
        loop {
            let (position, notification) = match feed.next().await? {
                Err(error) => return Some((Err(error), None)),
                Ok((position, Event::Notification { notification })) if notification.recipient_id == user => {
                    (position, Some(*notification))
                }
                Ok((position, Event::NotificationsRead { user: reader })) if reader == user => (position, None),
                Ok(_) => continue,
            };
            let item = notifications
                .notifications
                .count(user, true)
                .await
                .map(|unread| (position, (notification, unread)))
                .map_err(AppError::from);
            return Some((item, Some((notifications, user, feed))));
        }
    }))
}
