//! In-app notifications: who hears about what (never the actor themself, never someone who
//! cannot read the target), deep links the web app can route to, and the inbox use cases.
//!
//! Notifications are raised after the change they report has been stored; a failure to raise
//! one is logged and does not undo the change. Each user chooses per type whether it shows in
//! the app and whether it goes into their email digest.

mod digest;
mod inbox;
mod live;
mod raise;
mod settings;

pub use digest::send_digests;
pub use inbox::{
    count_notifications, find_notification, list_notifications, mark_all_notifications_read, mark_notification_read,
};
pub use live::notification_events;
pub(crate) use raise::{About, notify, prepare, track_audience, track_context};
pub use settings::{SettingChange, notification_settings, update_notification_settings};

use backline_domain::media::MediaFile;
use backline_domain::notifications::NotificationType;

use crate::App;

/// Tells the track's people about a new version (FILE_UPLOADED) or an approved one
/// (VERSION_APPROVED).
pub(crate) async fn announce_version(
    app: &App,
    file: &MediaFile,
    sender: backline_domain::ids::UserId,
    kind: NotificationType,
) {
    let Ok(context) = track_context(app, file.path()).await else {
        return;
    };
    let audience = track_audience(app, file.path()).await.unwrap_or_default();
    let headline = match kind {
        NotificationType::VersionApproved => format!("approved v{} of “{}” as final", file.version, context.title),
        _ => format!("uploaded v{} of “{}”", file.version, context.title),
    };
    let about = About {
        kind,
        sender: Some(sender),
        target: Some(file.path()),
        pointer: file.id.0,
        headline,
        slug: context.link(&format!("v={}", file.version)),
        dedupe: None,
    };
    notify(app, about, audience).await;
}
