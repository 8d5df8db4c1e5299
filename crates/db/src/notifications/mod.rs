//! Notifications: the inbox, settings and digests.

pub(crate) mod inbox;

pub use inbox::SqlNotificationRepository;
