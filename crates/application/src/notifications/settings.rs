//! Per-user notification settings: each type in the app on or off, by email on or off.

use backline_domain::notifications::{NotificationSetting, NotificationType};

use super::Notifications;
use crate::Actor;
use crate::error::{AppError, AppResult};

/// The caller's setting for every type, defaults filled in, in [`NotificationType::ALL`] order.
pub async fn notification_settings(
    notifications: &Notifications,
    actor: &Actor,
) -> AppResult<Vec<NotificationSetting>> {
    let user = actor.require()?;
    let saved = notifications.notifications.settings(user).await?;
    Ok(NotificationType::ALL
        .into_iter()
        .map(|kind| {
            saved
                .iter()
                .find(|setting| setting.kind == kind)
                .copied()
                .unwrap_or_else(|| kind.default_setting())
        })
        .collect())
}

/// A change to the setting of one type; a missing channel keeps its current value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingChange {
    /// The type.
    pub kind: NotificationType,
    /// Shown in the app.
    pub in_app: Option<bool>,
    /// Included in the email digest.
    pub email: Option<bool>,
}

/// Changes the caller's settings for some types, all or nothing; returns every setting.
pub async fn update_notification_settings(
    notifications: &Notifications,
    actor: &Actor,
    changes: &[SettingChange],
) -> AppResult<Vec<NotificationSetting>> {
    let user = actor.require()?;
    if changes.is_empty() {
        return Err(AppError::invalid("input", "name at least one notification type"));
    }
    for (index, change) in changes.iter().enumerate() {
        if changes[..index].iter().any(|earlier| earlier.kind == change.kind) {
            return Err(AppError::invalid(
                "input",
                format!("{} is named twice", change.kind.as_str()),
            ));
        }
    }
    let current = notification_settings(notifications, actor).await?;
    let updated: Vec<NotificationSetting> = changes
        .iter()
        .map(|change| {
            let base = current
                .iter()
                .find(|setting| setting.kind == change.kind)
                .copied()
                .unwrap_or_else(|| change.kind.default_setting());
            NotificationSetting {
                kind: change.kind,
                in_app: change.in_app.unwrap_or(base.in_app),
                email: change.email.unwrap_or(base.email),
            }
        })
        .collect();
    notifications.notifications.save_settings(user, &updated).await?;
    notification_settings(notifications, actor).await
}
