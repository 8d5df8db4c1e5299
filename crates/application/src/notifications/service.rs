//! The notifications context's service.

use std::sync::Arc;

use crate::AppSettings;
use crate::live::Feeds;
use crate::ports::{Clock, Mailer, NotificationRepository, UserRepository};

/// The inbox, notification settings, digests and the live notification feed: the ports their
/// use cases use.
#[derive(Clone)]
pub struct Notifications {
    /// Stored notifications and settings.
    pub(crate) notifications: Arc<dyn NotificationRepository>,
    /// Recipients of digests.
    pub(crate) users: Arc<dyn UserRepository>,
    /// Digest emails.
    pub(crate) mailer: Arc<dyn Mailer>,
    /// Notification events, live and replayed.
    pub(crate) feeds: Feeds,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// The digest interval, links in emails.
    pub(crate) settings: Arc<AppSettings>,
}
