//! Collaborator rows: a user's role on a space, project or track.

use std::collections::HashMap;

use backline_domain::ids::UserId;
use backline_domain::page::{Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::workspace::{Collaborator, FormerCollaborator};
use uuid::Uuid;

use super::RepoResult;

/// Stores collaborators. A (resource, user) pair has at most one row.
///
/// # Errors
/// `insert` returns `Duplicate(Unique::Membership)` when the user already holds a role on the resource.
#[async_trait::async_trait]
pub trait CollaboratorRepository: Send + Sync + 'static {
    /// The roles `user` holds directly on each of `resource_ids`.
    async fn roles_of(&self, user: UserId, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, Role>>;
    /// The same for many users at once (one look-up): user → resource → role; users holding
    /// nothing there are absent.
    async fn roles_of_users(
        &self,
        users: &[UserId],
        resource_ids: &[Uuid],
    ) -> RepoResult<HashMap<UserId, HashMap<Uuid, Role>>>;
    /// One row.
    async fn find(&self, resource_id: Uuid, user: UserId) -> RepoResult<Option<Collaborator>>;
    /// Adds a row.
    async fn insert(&self, collaborator: &Collaborator) -> RepoResult<()>;
    /// Changes a row's role.
    async fn set_role(&self, resource_id: Uuid, user: UserId, role: Role) -> RepoResult<()>;
    /// Removes a row, in one transaction moving it to the history as REMOVED (`by`: who
    /// removed them; `None` when they left) with an `AccessChanged` event for the user; `false`
    /// when there was none.
    async fn remove(
        &self,
        resource_id: Uuid,
        user: UserId,
        by: Option<UserId>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<bool>;
    /// A resource's former collaborators, most recently removed first, at most `limit`.
    async fn former(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<FormerCollaborator>>;
    /// Moves ownership in one transaction: `from` becomes ADMIN, `to` becomes OWNER (inserted
    /// if needed), and the resource's owner column points at `to`.
    async fn transfer_ownership(
        &self,
        resource: backline_domain::workspace::ResourcePath,
        from: UserId,
        to: &Collaborator,
    ) -> RepoResult<()>;
    /// A page of each resource's collaborators, newest first.
    async fn page_for(&self, resource_ids: &[Uuid], page: PageRequest)
    -> RepoResult<HashMap<Uuid, Page<Collaborator>>>;
    /// How many collaborators each resource has.
    async fn count_for(&self, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, u64>>;
    /// Every collaborator row on any of `resource_ids`.
    async fn all_for(&self, resource_ids: &[Uuid]) -> RepoResult<Vec<Collaborator>>;
}
