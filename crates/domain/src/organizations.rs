//! Labels (seed 002 organization, seed 004 Label): organizations with members that keep a
//! roster of artist spaces. Once a space's owner accepts a roster request, the organization's
//! OWNERs and ADMINs act as ADMIN on that space (never OWNER) until it leaves the roster.

use chrono::{DateTime, Utc};

use crate::ids::{ArtistSpaceId, OrganizationId, UserId};

/// A member's role in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OrgRole {
    /// Belongs to the label; no say over rostered spaces.
    Member,
    /// Manages members and the roster; ADMIN on rostered spaces.
    Admin,
    /// Everything an admin does, and manages admins and owners.
    Owner,
}

impl OrgRole {
    /// Every role, lowest first.
    pub const ALL: [Self; 3] = [Self::Member, Self::Admin, Self::Owner];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Member => "MEMBER",
            Self::Admin => "ADMIN",
            Self::Owner => "OWNER",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// Whether this role acts as ADMIN on the organization's rostered spaces.
    pub fn manages_roster(self) -> bool {
        self >= Self::Admin
    }
}

impl std::fmt::Display for OrgRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A label or other organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Primary key.
    pub id: OrganizationId,
    /// Its name.
    pub name: String,
    /// URL slug, unique among organizations.
    pub slug: String,
    /// Who created it.
    pub created_by: UserId,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// One member of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgMember {
    /// The organization.
    pub organization_id: OrganizationId,
    /// The member.
    pub user_id: UserId,
    /// Their role.
    pub role: OrgRole,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
}

/// Where a roster entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RosterStatus {
    /// Asked for; the space's owner has not answered.
    Pending,
    /// On the roster: the organization's owners and admins act as ADMIN on the space.
    Active,
    /// The space's owner said no.
    Declined,
    /// Left the roster (removed by either side).
    Removed,
}

impl RosterStatus {
    /// Every status.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Active, Self::Declined, Self::Removed];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Active => "ACTIVE",
            Self::Declined => "DECLINED",
            Self::Removed => "REMOVED",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == value)
    }
}

/// An artist space on (or asked onto) an organization's roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    /// Primary key.
    pub id: uuid::Uuid,
    /// The organization.
    pub organization_id: OrganizationId,
    /// The space.
    pub artist_space_id: ArtistSpaceId,
    /// Where it stands.
    pub status: RosterStatus,
    /// Who asked.
    pub requested_by: UserId,
    /// When it was asked (or asked again).
    pub requested_at: DateTime<Utc>,
    /// When the status last changed after the request.
    pub decided_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_statuses_round_trip() {
        for role in OrgRole::ALL {
            assert_eq!(OrgRole::parse(role.as_str()), Some(role));
        }
        assert!(OrgRole::Owner.manages_roster());
        assert!(OrgRole::Admin.manages_roster());
        assert!(!OrgRole::Member.manages_roster());
        for status in RosterStatus::ALL {
            assert_eq!(RosterStatus::parse(status.as_str()), Some(status));
        }
    }
}
