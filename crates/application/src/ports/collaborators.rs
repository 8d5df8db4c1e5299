//! Collaborator rows: a user's role on a space, project or track.

use std::collections::HashMap;

use backline_domain::ids::UserId;
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::workspace::{Collaborator, FormerCollaborator, Joining};
use uuid::Uuid;

use super::RepoResult;

/// Stores collaborators. A (resource, user) pair has at most one ACTIVE row, and a REMOVED
/// row per past membership; only ACTIVE rows grant access.
///
/// # Errors
/// `join` returns `Duplicate(Unique::Membership)` when an ACTIVE row for the pair appeared
/// meanwhile.
#[async_trait::async_trait]
pub trait CollaboratorRepository: Send + Sync + 'static {
    /// The roles `user` holds directly (ACTIVE rows) on each of `resource_ids`.
    async fn roles_of(&self, user: UserId, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, Role>>;
    /// The same for many users at once (one look-up): user → resource → role; users holding
    /// nothing there are absent.
    async fn roles_of_users(
        &self,
        users: &[UserId],
        resource_ids: &[Uuid],
    ) -> RepoResult<HashMap<UserId, HashMap<Uuid, Role>>>;
    /// The ACTIVE row of `user` on a resource: what they hold there now.
    async fn find(&self, resource_id: Uuid, user: UserId) -> RepoResult<Option<Collaborator>>;
    /// Their ACTIVE row, or else the REMOVED row of their latest past membership.
    async fn membership(&self, resource_id: Uuid, user: UserId) -> RepoResult<Option<Collaborator>>;
    /// Stores what joining decided ([`Collaborator::join_onto`]): inserts a new row, or
    /// writes the changed one; `Duplicate(Unique::Membership)` when an ACTIVE row for the
    /// pair appeared meanwhile.
    async fn join(&self, joining: &Joining) -> RepoResult<()>;
    /// Changes an ACTIVE row's role, never an OWNER's (ownership moves only by
    /// `transfer_ownership`); `NotFound` when there is no such row, also when the row became
    /// the owner's since it was read.
    async fn set_role(&self, resource_id: Uuid, user: UserId, role: Role) -> RepoResult<()>;
    /// Stores a removal ([`Collaborator::remove`]) in one transaction with an
    /// `AccessChanged` event for the user and `notifications` (with their live events);
    /// `false`, writing nothing, when the row was no longer ACTIVE or is now the owner's.
    async fn remove(&self, removed: &Collaborator, notifications: &[Notification]) -> RepoResult<bool>;
    /// A resource's former collaborators, most recently removed first, at most `limit`.
    async fn former(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<FormerCollaborator>>;
    /// Moves ownership in one transaction: `from` becomes ADMIN, `to` (joining as OWNER) is
    /// stored, and the resource's owner column points at `to`.
    async fn transfer_ownership(
        &self,
        resource: backline_domain::workspace::ResourcePath,
        from: UserId,
        to: &Joining,
    ) -> RepoResult<()>;
    /// A page of each resource's ACTIVE collaborators, newest first.
    async fn page_for(&self, resource_ids: &[Uuid], page: PageRequest)
    -> RepoResult<HashMap<Uuid, Page<Collaborator>>>;
    /// How many ACTIVE collaborators each resource has.
    async fn count_for(&self, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, u64>>;
    /// Every ACTIVE collaborator row on any of `resource_ids`.
    async fn all_for(&self, resource_ids: &[Uuid]) -> RepoResult<Vec<Collaborator>>;
}
