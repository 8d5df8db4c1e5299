//! The signed-in user's inbox.

use backline_domain::ids::NotificationId;
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};

use super::Notifications;
use crate::Actor;
use crate::error::{AppError, AppResult};

/// A page of the caller's notifications, newest first.
pub async fn list_notifications(
    notifications: &Notifications,
    actor: &Actor,
    unread_only: bool,
    page: PageRequest,
) -> AppResult<Page<Notification>> {
    let user = actor.require()?;
    Ok(notifications.notifications.page_for(user, unread_only, page).await?)
}

/// How many notifications (or unread ones) the caller has.
pub async fn count_notifications(notifications: &Notifications, actor: &Actor, unread_only: bool) -> AppResult<u64> {
    let user = actor.require()?;
    Ok(notifications.notifications.count(user, unread_only).await?)
}

/// Marks one of the caller's notifications read (idempotent); `NOT_FOUND` for anyone else's.
pub async fn mark_notification_read(
    notifications: &Notifications,
    actor: &Actor,
    id: NotificationId,
) -> AppResult<Notification> {
    let user = actor.require()?;
    notifications
        .notifications
        .mark_read(user, id, notifications.clock.now())
        .await?
        .ok_or(AppError::NotFound("notification"))
}

/// Marks all of the caller's notifications read; returns how many were unread.
pub async fn mark_all_notifications_read(notifications: &Notifications, actor: &Actor) -> AppResult<u64> {
    let user = actor.require()?;
    Ok(notifications
        .notifications
        .mark_all_read(user, notifications.clock.now())
        .await?)
}

/// One of the caller's notifications; `NOT_FOUND` for anyone else's.
pub async fn find_notification(
    notifications: &Notifications,
    actor: &Actor,
    id: NotificationId,
) -> AppResult<Notification> {
    let user = actor.require()?;
    notifications
        .notifications
        .notification(user, id)
        .await?
        .ok_or(AppError::NotFound("notification"))
}
