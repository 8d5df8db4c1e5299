//! In-app notifications: who hears about what (never the actor themself, never someone who
//! cannot read the target), deep links the web app can route to, and the inbox use cases.
//!
//! A use case decides the notifications its change raises (recipients filtered for read access
//! in one batched look-up) and stores them in the change's own transaction: a rolled-back
//! change notifies nobody, a committed one always has its notifications. Each user chooses per
//! type whether it shows in the app and whether it goes into their email digest.

mod digest;
mod inbox;
mod live;
mod notifier;
mod raise;
mod service;
mod settings;

pub use notifier::Notifier;
pub use service::Notifications;

pub use digest::send_digests;
pub use inbox::{
    count_notifications, find_notification, list_notifications, mark_all_notifications_read, mark_notification_read,
};
pub use live::notification_events;
pub(crate) use raise::{About, Draft, TrackContext, draft, pointing_at, prepare, track_audience, track_context};
pub use settings::{SettingChange, notification_settings, update_notification_settings};

use backline_domain::media::MediaFile;
use backline_domain::notifications::{Notification, NotificationType};

use crate::error::AppResult;

/// The notifications about a version (FILE_UPLOADED for a new one, VERSION_APPROVED for one
/// approved as final) for the track's people, decided before the change is stored and worded
/// for the stored file (a new version's number is assigned by the store).
pub(crate) struct VersionNotices {
    kind: NotificationType,
    context: TrackContext,
    draft: Draft,
}

impl VersionNotices {
    /// Decides who hears about `file` (its id and track; not its version number) from `sender`.
    pub(crate) async fn decide(
        notifier: &Notifier,
        file: &MediaFile,
        sender: backline_domain::ids::UserId,
        kind: NotificationType,
    ) -> AppResult<Self> {
        let context = track_context(notifier, file.path()).await?;
        let audience = track_audience(notifier, file.path()).await?;
        let about = About {
            kind,
            sender: Some(sender),
            target: Some(file.path()),
            pointer: file.id.0,
            headline: String::new(),
            slug: String::new(),
            dedupe: None,
        };
        let draft = draft(notifier, &about, audience).await?;
        Ok(Self { kind, context, draft })
    }

    /// The notifications, worded for `file` as stored.
    pub(crate) fn for_file(&self, file: &MediaFile) -> Vec<Notification> {
        let headline = match self.kind {
            NotificationType::VersionApproved => {
                format!("approved v{} of “{}” as final", file.version, self.context.title)
            }
            _ => format!("uploaded v{} of “{}”", file.version, self.context.title),
        };
        self.draft
            .finish(&headline, &self.context.link(&format!("v={}", file.version)))
    }
}
