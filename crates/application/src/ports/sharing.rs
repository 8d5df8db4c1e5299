//! Invite links and email invitations.

use std::collections::HashMap;

use backline_domain::ids::{InvitationId, InviteLinkId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::sharing::{Invitation, InvitationStatus, InviteLink};
use backline_domain::workspace::Collaborator;

use super::RepoResult;

/// What accepting a link did.
#[derive(Debug, Clone, PartialEq)]
pub enum Acceptance {
    /// The user joined (or kept a higher role they already held); the link counted one use.
    Joined(Collaborator),
    /// The user had joined through this link before; nothing changed. Their row, if they still
    /// have one.
    Repeated(Option<Collaborator>),
    /// The link stopped working (revoked, expired or used up) before this user got in.
    Refused,
}

/// Invite links on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails; `insert` with `Duplicate` when the short code is taken.
#[async_trait::async_trait]
pub trait InviteLinkRepository: Send + Sync + 'static {
    /// Stores a new link.
    async fn insert(&self, link: &InviteLink) -> RepoResult<()>;
    /// The link with this short code.
    async fn by_code(&self, code: &str) -> RepoResult<Option<InviteLink>>;
    /// The link with this id.
    async fn by_id(&self, id: InviteLinkId) -> RepoResult<Option<InviteLink>>;
    /// A resource's links, newest first, at most `limit`.
    async fn for_resource(&self, resource_id: uuid::Uuid, limit: u64) -> RepoResult<Vec<InviteLink>>;
    /// Who joined through each link, in the order they did.
    async fn used_by(&self, links: &[InviteLinkId]) -> RepoResult<HashMap<InviteLinkId, Vec<UserId>>>;
    /// Marks a link revoked (keeping the first revocation time); the link as it is now.
    async fn revoke(&self, id: InviteLinkId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Option<InviteLink>>;
    /// In one transaction: unless `joining.user_id` used this link before, counts one use if the
    /// link still works at `now` (never past its limit, however many accept at once), records
    /// the user, and makes them a collaborator with `joining.role` on the link's resource,
    /// keeping a higher role they already hold there; `notifications` are stored only when the
    /// user joins.
    async fn accept(
        &self,
        link: InviteLinkId,
        joining: &Collaborator,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Acceptance>;
}

/// Email invitations on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails; `insert` with `Duplicate(Unique::Membership)` when a pending invitation for the same
/// resource and address exists.
#[async_trait::async_trait]
pub trait InvitationRepository: Send + Sync + 'static {
    /// Stores a new invitation with `notifications` (for an invitee who has an account).
    async fn insert(&self, invitation: &Invitation, notifications: &[Notification]) -> RepoResult<()>;
    /// Marks pending invitations for `resource_id` and `email` whose expiry passed EXPIRED.
    async fn expire_stale(
        &self,
        resource_id: uuid::Uuid,
        email: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<()>;
    /// The invitation whose token hashes to `token_hash`.
    async fn by_token_hash(&self, token_hash: &str) -> RepoResult<Option<Invitation>>;
    /// The invitation with this id.
    async fn by_id(&self, id: InvitationId) -> RepoResult<Option<Invitation>>;
    /// A resource's invitations, newest first, at most `limit`.
    async fn for_resource(&self, resource_id: uuid::Uuid, limit: u64) -> RepoResult<Vec<Invitation>>;
    /// Pending, unexpired invitations to `email`, newest first.
    async fn pending_for_email(&self, email: &str, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Vec<Invitation>>;
    /// Moves a pending invitation to `status`; whether it was pending.
    async fn set_status(
        &self,
        id: InvitationId,
        status: InvitationStatus,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<bool>;
    /// Gives a pending invitation a new token and expiry (the old token stops working); whether
    /// it was pending.
    async fn rotate(
        &self,
        id: InvitationId,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<bool>;
    /// In one transaction: marks a pending, unexpired invitation ACCEPTED and makes
    /// `joining.user_id` a collaborator (keeping a higher role held there), with
    /// `notifications`; `None`, writing nothing, when it was no longer pending.
    async fn accept(
        &self,
        id: InvitationId,
        joining: &Collaborator,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Option<Collaborator>>;
}
