//! In-app notifications.

use backline_domain::ids::{NotificationId, UserId};
use backline_domain::notifications::{Notification, NotificationSetting, NotificationType};
use backline_domain::page::{Page, PageRequest};

use super::RepoResult;

/// The notifications a change raises, worded for what the store made of it (a version number,
/// the entry a request reopened): the use case has decided the recipients; the repository
/// calls this inside the change's transaction and stores what it returns with the change.
pub type Notices<'a, T> = &'a (dyn Fn(&T) -> Vec<Notification> + Send + Sync);

/// Notifications on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait NotificationRepository: Send + Sync + 'static {
    /// Stores notifications, each shown in the app with its `Notification` event, in one
    /// transaction; one whose `dedupe_key` was used before is skipped. Returns those stored.
    async fn insert(&self, notifications: &[Notification]) -> RepoResult<Vec<Notification>>;
    /// A page of a user's notifications shown in the app, newest first.
    async fn page_for(&self, user: UserId, unread_only: bool, page: PageRequest) -> RepoResult<Page<Notification>>;
    /// How many notifications shown in the app (or unread ones) a user has.
    async fn count(&self, user: UserId, unread_only: bool) -> RepoResult<u64>;
    /// One of `user`'s notifications (shown in the app), if it is theirs.
    async fn notification(&self, user: UserId, id: NotificationId) -> RepoResult<Option<Notification>>;
    /// Marks one of the user's notifications read (with a `NotificationsRead` event when it was
    /// unread); `None` when it is not theirs.
    async fn mark_read(
        &self,
        user: UserId,
        id: NotificationId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<Option<Notification>>;
    /// Marks all of a user's notifications shown in the app read (with a `NotificationsRead`
    /// event when any was unread); returns how many changed.
    async fn mark_all_read(&self, user: UserId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<u64>;
    /// The settings each of `users` saved for `kind` (users who saved none are missing).
    async fn settings_for(
        &self,
        users: &[UserId],
        kind: NotificationType,
    ) -> RepoResult<std::collections::HashMap<UserId, NotificationSetting>>;
    /// Every setting a user saved.
    async fn settings(&self, user: UserId) -> RepoResult<Vec<NotificationSetting>>;
    /// Saves a user's settings (replacing those of the same types), in one transaction.
    async fn save_settings(&self, user: UserId, settings: &[NotificationSetting]) -> RepoResult<()>;
    /// Users with notifications waiting for an email whose last digest was sent before
    /// `sent_before` (or never), at most `limit`.
    async fn digest_due(&self, sent_before: chrono::DateTime<chrono::Utc>, limit: u64) -> RepoResult<Vec<UserId>>;
    /// In one transaction: takes a user's notifications waiting for an email (oldest first;
    /// they stop waiting) and records `now` as their last digest.
    async fn take_digest(&self, user: UserId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Vec<Notification>>;
}
