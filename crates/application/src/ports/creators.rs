//! Artist profiles and labels (organizations, their members and rosters).

use backline_domain::ids::{ArtistSpaceId, OrganizationId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::organizations::{OrgMember, OrgRole, Organization, RosterEntry, RosterStatus};
use backline_domain::profile::ArtistProfile;

use super::{Notices, RepoResult};

/// Artist profiles on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait ProfileRepository: Send + Sync + 'static {
    /// The saved profiles of these spaces (spaces without one are left out).
    async fn profiles(&self, spaces: &[ArtistSpaceId]) -> RepoResult<Vec<ArtistProfile>>;
    /// Stores a space's profile, replacing the one saved before.
    async fn save(&self, profile: &ArtistProfile) -> RepoResult<()>;
}

/// Organizations on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails; `insert` with `Duplicate(Unique::Slug)` when the slug is taken.
#[async_trait::async_trait]
pub trait OrganizationRepository: Send + Sync + 'static {
    /// Stores a new organization with its first owner, in one transaction.
    async fn insert(&self, organization: &Organization, owner: &OrgMember) -> RepoResult<()>;
    /// The organization with this id.
    async fn by_id(&self, id: OrganizationId) -> RepoResult<Option<Organization>>;
    /// The organization with this slug.
    async fn by_slug(&self, slug: &str) -> RepoResult<Option<Organization>>;
    /// Organizations by id (missing ones left out).
    async fn many(&self, ids: &[OrganizationId]) -> RepoResult<Vec<Organization>>;
    /// A user's membership.
    async fn member(&self, organization: OrganizationId, user: UserId) -> RepoResult<Option<OrgMember>>;
    /// Every member, owners first, then by joining time.
    async fn members(&self, organization: OrganizationId) -> RepoResult<Vec<OrgMember>>;
    /// The organizations a user belongs to, with their role, by name.
    async fn of_user(&self, user: UserId) -> RepoResult<Vec<(Organization, OrgRole)>>;
    /// Adds a member or changes their role; their live subscriptions re-check access.
    async fn set_member(&self, member: &OrgMember) -> RepoResult<()>;
    /// Removes a member; whether they were one. Their live subscriptions re-check access.
    async fn remove_member(&self, organization: OrganizationId, user: UserId) -> RepoResult<bool>;
    /// An organization's roster entries with one of `statuses`, newest request first.
    async fn roster(&self, organization: OrganizationId, statuses: &[RosterStatus]) -> RepoResult<Vec<RosterEntry>>;
    /// A space's roster entries with one of `statuses`, newest request first.
    async fn rosters_of_space(&self, space: ArtistSpaceId, statuses: &[RosterStatus]) -> RepoResult<Vec<RosterEntry>>;
    /// One roster entry.
    async fn roster_entry(&self, id: uuid::Uuid) -> RepoResult<Option<RosterEntry>>;
    /// Asks for a space: a new PENDING entry, or a DECLINED or REMOVED one asked again, stored
    /// with the notifications `notices` words for the entry. `None`, writing nothing, when the
    /// space is already PENDING or ACTIVE on this roster.
    async fn request(&self, entry: &RosterEntry, notices: Notices<'_, RosterEntry>) -> RepoResult<Option<RosterEntry>>;
    /// Moves an entry from one of `from` to `to`, with `notifications`; the entry as it is now,
    /// or `None`, writing nothing, when it was in none of `from`. Leaving ACTIVE makes the
    /// organization's owners and admins re-check access on their live subscriptions, in the
    /// same transaction.
    async fn move_roster(
        &self,
        id: uuid::Uuid,
        from: &[RosterStatus],
        to: RosterStatus,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Option<RosterEntry>>;
}
