//! Membership of a resource (seed 002 ArtistMember): a collaborator row carries its stored
//! status. Joining makes an ACTIVE row, removal or leaving keeps it as REMOVED (the history of
//! who worked on what), and joining again starts a new ACTIVE row beside the old one.

use chrono::{DateTime, Utc};

use super::ResourcePath;
use crate::access::ResourceKind;
use crate::ids::{CollaboratorId, UserId};
use crate::roles::Role;

/// Where someone's membership of a resource stands (seed 002 ArtistMember status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipStatus {
    /// Invited by email, not joined yet: no access until they accept. Pending members are the
    /// resource's pending invitations; no collaborator row holds this status.
    Pending,
    /// A current collaborator.
    Active,
    /// Removed, or left; the row is kept.
    Removed,
}

impl MembershipStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Active => "ACTIVE",
            Self::Removed => "REMOVED",
        }
    }

    /// Reads a stored name back.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "PENDING" => Some(Self::Pending),
            "ACTIVE" => Some(Self::Active),
            "REMOVED" => Some(Self::Removed),
            _ => None,
        }
    }
}

/// A user's role on one resource (seed 000 `collaborators: [{userId, role, addedAt}]`, seed 002
/// ArtistMember `status`, `joinedAt`). A (resource, user) pair has at most one ACTIVE row, and
/// a REMOVED one per past membership.
#[derive(Debug, Clone, PartialEq)]
pub struct Collaborator {
    /// Primary key; also the cursor of collaborator lists.
    pub id: CollaboratorId,
    /// The space, project or track.
    pub resource_id: uuid::Uuid,
    /// Which kind `resource_id` is.
    pub resource_kind: ResourceKind,
    /// The collaborator.
    pub user_id: UserId,
    /// Their role on this resource (not counting roles inherited from ancestors); for a REMOVED
    /// row, the role they held when they left.
    pub role: Role,
    /// ACTIVE while they hold the role, REMOVED once removed or gone.
    pub status: MembershipStatus,
    /// When the row was created (by whoever added them, or by their own joining).
    pub added_at: DateTime<Utc>,
    /// When this membership began. Equal to `added_at` for a row created by joining; a row
    /// never changes its join date, so a higher role from a later invitation keeps it.
    pub joined_at: DateTime<Utc>,
    /// When they were removed or left; `None` while ACTIVE.
    pub removed_at: Option<DateTime<Utc>>,
    /// Who removed them; `None` when they left on their own, or while ACTIVE.
    pub removed_by: Option<UserId>,
}

/// What joining does to the row a user may already have on the resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Joining {
    /// They held no ACTIVE row: this new one is inserted.
    New(Collaborator),
    /// Their ACTIVE row takes the higher role.
    Changed(Collaborator),
    /// They already hold this role or a higher one: nothing changes.
    Unchanged(Collaborator),
}

impl Joining {
    /// The row after joining.
    pub fn row(&self) -> &Collaborator {
        match self {
            Self::New(row) | Self::Changed(row) | Self::Unchanged(row) => row,
        }
    }

    /// The row after joining, owned.
    pub fn into_row(self) -> Collaborator {
        match self {
            Self::New(row) | Self::Changed(row) | Self::Unchanged(row) => row,
        }
    }
}

impl Collaborator {
    /// A new, ACTIVE membership of `user` with `role` on `resource`, starting `now`.
    pub fn joining(id: CollaboratorId, resource: ResourcePath, user: UserId, role: Role, now: DateTime<Utc>) -> Self {
        Self {
            id,
            resource_id: resource.id(),
            resource_kind: resource.kind(),
            user_id: user,
            role,
            status: MembershipStatus::Active,
            added_at: now,
            joined_at: now,
            removed_at: None,
            removed_by: None,
        }
    }

    /// Whether they hold the role now.
    pub fn is_active(&self) -> bool {
        self.status == MembershipStatus::Active
    }

    /// Meets this new membership (from [`Collaborator::joining`]) with the row the user holds
    /// on the resource, if any: an ACTIVE row keeps the higher of the two roles and its join
    /// date; a REMOVED row (a past membership) stays as it is and this one starts anew.
    pub fn join_onto(self, existing: Option<Collaborator>) -> Joining {
        match existing {
            Some(row) if row.is_active() && row.role >= self.role => Joining::Unchanged(row),
            Some(row) if row.is_active() => Joining::Changed(Collaborator { role: self.role, ..row }),
            _ => Joining::New(self),
        }
    }

    /// The row after they are removed (`by` whom) or leave (`by` is `None`) at `now`; `None`
    /// when they are not ACTIVE.
    pub fn remove(&self, by: Option<UserId>, now: DateTime<Utc>) -> Option<Collaborator> {
        self.is_active().then(|| Collaborator {
            status: MembershipStatus::Removed,
            removed_at: Some(now),
            removed_by: by,
            ..self.clone()
        })
    }

    /// The history entry of a REMOVED row; `None` while ACTIVE.
    pub fn former(&self) -> Option<FormerCollaborator> {
        let removed_at = self.removed_at?;
        (self.status == MembershipStatus::Removed).then_some(FormerCollaborator {
            id: self.id.0,
            resource_id: self.resource_id,
            user_id: self.user_id,
            role: self.role,
            joined_at: self.joined_at,
            removed_at,
            removed_by: self.removed_by,
        })
    }
}

/// Someone who no longer collaborates on a resource (seed 002 ArtistMember, status REMOVED):
/// kept for the history of who worked on what.
#[derive(Debug, Clone, PartialEq)]
pub struct FormerCollaborator {
    /// Primary key (of their collaborator row).
    pub id: uuid::Uuid,
    /// The space, project or track.
    pub resource_id: uuid::Uuid,
    /// The former collaborator.
    pub user_id: UserId,
    /// The role they held there when they left.
    pub role: Role,
    /// When their last membership began.
    pub joined_at: DateTime<Utc>,
    /// When they were removed or left.
    pub removed_at: DateTime<Utc>,
    /// Who removed them; `None` when they left on their own.
    pub removed_by: Option<UserId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ArtistSpaceId;
    use chrono::Duration;
    use uuid::Uuid;

    fn member(role: Role, at: DateTime<Utc>) -> Collaborator {
        Collaborator::joining(
            CollaboratorId(Uuid::from_u128(1)),
            ResourcePath::Space(ArtistSpaceId(Uuid::from_u128(2))),
            UserId(Uuid::from_u128(3)),
            role,
            at,
        )
    }

    #[test]
    fn removal_keeps_the_row_and_says_who_and_when() {
        let start = Utc::now();
        let row = member(Role::Editor, start);
        let owner = UserId(Uuid::from_u128(9));
        let Some(removed) = row.remove(Some(owner), start + Duration::days(3)) else {
            panic!("an active row is removed");
        };
        assert_eq!(removed.status, MembershipStatus::Removed);
        assert_eq!(removed.removed_by, Some(owner));
        assert_eq!(
            (removed.id, removed.role, removed.joined_at),
            (row.id, Role::Editor, start)
        );
        assert!(removed.remove(None, start).is_none(), "removing twice changes nothing");
        let Some(former) = removed.former() else {
            panic!("a removed row is a former collaborator");
        };
        assert_eq!(former.removed_at, start + Duration::days(3));
        assert!(row.former().is_none());
    }

    #[test]
    fn joining_again_after_a_removal_starts_a_new_membership() {
        let start = Utc::now();
        let Some(removed) = member(Role::Admin, start).remove(None, start + Duration::days(1)) else {
            panic!("an active row is removed");
        };
        let later = start + Duration::days(5);
        let mut comeback = member(Role::Viewer, later);
        comeback.id = CollaboratorId(Uuid::from_u128(7));
        let Joining::New(row) = comeback.join_onto(Some(removed)) else {
            panic!("expected a new row");
        };
        assert_eq!(row.id, CollaboratorId(Uuid::from_u128(7)));
        assert_eq!(
            (row.status, row.role, row.joined_at),
            (MembershipStatus::Active, Role::Viewer, later)
        );
    }

    #[test]
    fn an_active_member_keeps_the_higher_role() {
        let start = Utc::now();
        let admin = member(Role::Admin, start);
        let joined = member(Role::Viewer, start + Duration::days(1)).join_onto(Some(admin.clone()));
        assert_eq!(joined, Joining::Unchanged(admin.clone()));
        let raised = member(Role::Owner, start + Duration::days(1)).join_onto(Some(admin.clone()));
        assert_eq!(raised.row().role, Role::Owner);
        assert_eq!(raised.row().joined_at, start, "still the same membership");
        assert!(matches!(member(Role::Viewer, start).join_onto(None), Joining::New(_)));
    }

    #[test]
    fn statuses_read_back() {
        for status in [
            MembershipStatus::Pending,
            MembershipStatus::Active,
            MembershipStatus::Removed,
        ] {
            assert_eq!(MembershipStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MembershipStatus::parse("GONE"), None);
    }
}
