//! The signed-in user's notifications, live.

use backline_domain::ids::UserId;
use backline_domain::notifications::Notification;
use futures::{Stream, StreamExt};

use crate::error::{AppError, AppResult};
use crate::ports::{Event, EventStream};
use crate::{Actor, App};

/// Each new notification for the caller with their unread count after it, as it is raised;
/// and `None` with the new count when some were marked read (in another tab, say).
pub async fn notification_events(
    app: &App,
    actor: &Actor,
) -> AppResult<impl Stream<Item = AppResult<(Option<Notification>, u64)>> + use<>> {
    let user = actor.require()?;
    let state: (App, UserId, EventStream) = (app.clone(), user, app.events.subscribe());
    Ok(futures::stream::unfold(Some(state), |state| async move {
        let (app, user, mut events) = state?;
        loop {
            match events.next().await {
                None => return None,
                Some(Err(lagged)) => return Some((Err(AppError::from(lagged)), None)),
                Some(Ok(Event::Notification { notification })) if notification.recipient_id == user => {
                    let unread = app.notifications.count(user, true).await;
                    let item = unread
                        .map(|unread| (Some(*notification), unread))
                        .map_err(AppError::from);
                    return Some((item, Some((app, user, events))));
                }
                Some(Ok(Event::NotificationsRead { user: reader })) if reader == user => {
                    let unread = app.notifications.count(user, true).await;
                    let item = unread.map(|unread| (None, unread)).map_err(AppError::from);
                    return Some((item, Some((app, user, events))));
                }
                Some(Ok(_)) => {}
            }
        }
    }))
}
