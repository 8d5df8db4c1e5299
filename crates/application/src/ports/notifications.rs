//! In-app notifications.

use backline_domain::ids::{NotificationId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};

use super::RepoResult;

/// Notifications on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait NotificationRepository: Send + Sync + 'static {
    /// Stores notifications; one whose `dedupe_key` was used before is skipped. Returns those
    /// stored.
    async fn insert(&self, notifications: &[Notification]) -> RepoResult<Vec<Notification>>;
    /// A page of a user's notifications, newest first.
    async fn page_for(&self, user: UserId, unread_only: bool, page: PageRequest) -> RepoResult<Page<Notification>>;
    /// How many notifications (or unread ones) a user has.
    async fn count(&self, user: UserId, unread_only: bool) -> RepoResult<u64>;
    /// Marks one of the user's notifications read; `None` when it is not theirs.
    async fn mark_read(
        &self,
        user: UserId,
        id: NotificationId,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<Option<Notification>>;
    /// Marks all of a user's notifications read; returns how many changed.
    async fn mark_all_read(&self, user: UserId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<u64>;
}
