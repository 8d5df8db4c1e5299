//! Invitations and invite links in memory.

use std::collections::HashMap;
use std::sync::Arc;

use backline_domain::ids::{InvitationId, InviteLinkId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::sharing::{Invitation, InvitationStatus, InviteLink};
use backline_domain::workspace::Collaborator;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Locked, MemoryCollaborators, keep_first};
use crate::ports::{
    Acceptance, CollaboratorRepository, InvitationRepository, InviteLinkRepository, RepoError, RepoResult, Unique,
};

/// Checks that `new` notifications can be stored next to `stored`: a taken id fails as the
/// primary key does.
fn check_notifications(stored: &[Notification], new: &[Notification]) -> RepoResult<()> {
    for (index, item) in new.iter().enumerate() {
        let taken = stored.iter().chain(&new[..index]).any(|held| held.id == item.id);
        if taken {
            return Err(RepoError::Duplicate(Unique::Other));
        }
    }
    Ok(())
}

/// Stores `new` notifications as the SQL inbox does: one with a dedupe key already held is
/// skipped. Call [`check_notifications`] first.
fn store_notifications(stored: &mut Vec<Notification>, new: &[Notification]) {
    for item in new {
        let duplicate = item
            .dedupe_key
            .as_ref()
            .is_some_and(|key| stored.iter().any(|held| held.dedupe_key.as_ref() == Some(key)));
        if !duplicate {
            stored.push(item.clone());
        }
    }
}

/// Makes `joining.user_id` a collaborator as the SQL `join` does: the new membership meets
/// their ACTIVE row, keeping a higher role; the result is written to `collaborators`.
async fn join(collaborators: &MemoryCollaborators, joining: &Collaborator) -> RepoResult<Collaborator> {
    let existing = collaborators.find(joining.resource_id, joining.user_id).await?;
    let joined = joining.clone().join_onto(existing);
    collaborators.join(&joined).await?;
    Ok(joined.into_row())
}

/// What [`MemoryInvitations`] holds.
#[derive(Default)]
struct InvitationState {
    invitations: Vec<Invitation>,
    /// Notifications written with invitations and acceptances, in order.
    notifications: Vec<Notification>,
}

/// Email invitations in memory, with the SQL store's rules: ids and token hashes are unique,
/// one PENDING invitation per resource and address (`Duplicate(Unique::Membership)`, as both
/// SQL backends report the partial index on `(resource_id, email)`), status changes only from PENDING,
/// and accepting writes the ACTIVE collaborator row into the shared [`MemoryCollaborators`]
/// and the notifications, or nothing at all.
pub struct MemoryInvitations {
    state: Locked<InvitationState>,
    collaborators: Arc<MemoryCollaborators>,
}

impl MemoryInvitations {
    /// Invitations whose acceptances join into `collaborators`.
    pub fn new(collaborators: Arc<MemoryCollaborators>) -> Self {
        Self {
            state: Locked::default(),
            collaborators,
        }
    }

    /// The collaborator store acceptances join into.
    pub fn collaborators(&self) -> &Arc<MemoryCollaborators> {
        &self.collaborators
    }

    /// Every invitation, in the order they were stored.
    pub fn invitations(&self) -> Vec<Invitation> {
        self.state
            .lock()
            .map(|state| state.invitations.clone())
            .unwrap_or_default()
    }

    /// The notifications stored with invitations and acceptances.
    pub fn notifications(&self) -> Vec<Notification> {
        self.state
            .lock()
            .map(|state| state.notifications.clone())
            .unwrap_or_default()
    }
}

/// The invitation `id` while it is PENDING.
fn pending_mut(invitations: &mut [Invitation], id: InvitationId) -> Option<&mut Invitation> {
    invitations
        .iter_mut()
        .find(|held| held.id == id && held.status == InvitationStatus::Pending)
}

/// Newest first: `created_at`, then id, both descending.
fn newest_first(a: &Invitation, b: &Invitation) -> std::cmp::Ordering {
    b.created_at.cmp(&a.created_at).then(b.id.0.cmp(&a.id.0))
}

#[async_trait::async_trait]
impl InvitationRepository for MemoryInvitations {
    async fn insert(&self, invitation: &Invitation, notifications: &[Notification]) -> RepoResult<()> {
        self.state.with(|state| {
            // The primary key and the token-hash index name no rule the store knows.
            if state
                .invitations
                .iter()
                .any(|held| held.id == invitation.id || held.token_hash == invitation.token_hash)
            {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            if invitation.status == InvitationStatus::Pending
                && state.invitations.iter().any(|held| {
                    held.status == InvitationStatus::Pending
                        && held.resource_id == invitation.resource_id
                        && held.email == invitation.email
                })
            {
                return Err(RepoError::Duplicate(Unique::Membership));
            }
            check_notifications(&state.notifications, notifications)?;
            state.invitations.push(invitation.clone());
            store_notifications(&mut state.notifications, notifications);
            Ok(())
        })
    }

    async fn expire_stale(&self, resource_id: Uuid, email: &str, now: DateTime<Utc>) -> RepoResult<()> {
        self.state.with(|state| {
            for held in state.invitations.iter_mut().filter(|held| {
                held.resource_id == resource_id
                    && held.email == email
                    && held.status == InvitationStatus::Pending
                    && held.expires_at <= now
            }) {
                held.status = InvitationStatus::Expired;
                held.updated_at = now;
            }
            Ok(())
        })
    }

    async fn by_token_hash(&self, token_hash: &str) -> RepoResult<Option<Invitation>> {
        self.state.with(|state| {
            Ok(state
                .invitations
                .iter()
                .find(|held| held.token_hash == token_hash)
                .cloned())
        })
    }

    async fn by_id(&self, id: InvitationId) -> RepoResult<Option<Invitation>> {
        self.state
            .with(|state| Ok(state.invitations.iter().find(|held| held.id == id).cloned()))
    }

    async fn for_resource(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<Invitation>> {
        self.state.with(|state| {
            let mut rows: Vec<Invitation> = state
                .invitations
                .iter()
                .filter(|held| held.resource_id == resource_id)
                .cloned()
                .collect();
            rows.sort_by(newest_first);
            keep_first(&mut rows, limit);
            Ok(rows)
        })
    }

    async fn pending_for_email(&self, email: &str, now: DateTime<Utc>) -> RepoResult<Vec<Invitation>> {
        self.state.with(|state| {
            let mut rows: Vec<Invitation> = state
                .invitations
                .iter()
                .filter(|held| held.email == email && held.status == InvitationStatus::Pending && held.expires_at > now)
                .cloned()
                .collect();
            rows.sort_by_key(|held| std::cmp::Reverse(held.id.0));
            Ok(rows)
        })
    }

    async fn set_status(&self, id: InvitationId, status: InvitationStatus, now: DateTime<Utc>) -> RepoResult<bool> {
        self.state.with(|state| {
            let Some(held) = pending_mut(&mut state.invitations, id) else {
                return Ok(false);
            };
            held.status = status;
            held.updated_at = now;
            Ok(true)
        })
    }

    async fn rotate(
        &self,
        id: InvitationId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepoResult<bool> {
        self.state.with(|state| {
            let taken = state
                .invitations
                .iter()
                .any(|held| held.id != id && held.token_hash == token_hash);
            let Some(held) = pending_mut(&mut state.invitations, id) else {
                return Ok(false);
            };
            // The unique token-hash index refuses the update.
            if taken {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            held.token_hash = token_hash.to_owned();
            held.expires_at = expires_at;
            held.updated_at = now;
            Ok(true)
        })
    }

    async fn accept(
        &self,
        id: InvitationId,
        joining: &Collaborator,
        now: DateTime<Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Option<Collaborator>> {
        // The conditional write comes first and decides the race, as in the SQL store; it is
        // undone below if the rest of the "transaction" fails.
        let before = self.state.with(|state| {
            check_notifications(&state.notifications, notifications)?;
            let Some(held) = state
                .invitations
                .iter_mut()
                .find(|held| held.id == id && held.status == InvitationStatus::Pending && held.expires_at > now)
            else {
                return Ok(None);
            };
            let before = held.clone();
            held.status = InvitationStatus::Accepted;
            held.updated_at = now;
            Ok(Some(before))
        })?;
        let Some(before) = before else {
            return Ok(None);
        };
        let stored = match join(&self.collaborators, joining).await {
            Ok(member) => self.state.with(|state| {
                check_notifications(&state.notifications, notifications)?;
                store_notifications(&mut state.notifications, notifications);
                Ok(member)
            }),
            Err(error) => Err(error),
        };
        if stored.is_err() {
            // Roll the invitation back.
            self.state.with(|state| {
                if let Some(held) = state.invitations.iter_mut().find(|held| held.id == id) {
                    *held = before;
                }
                Ok(())
            })?;
        }
        stored.map(Some)
    }
}

/// One use of a link.
#[derive(Debug, Clone)]
struct LinkUse {
    id: Uuid,
    link: InviteLinkId,
    user: UserId,
}

/// What [`MemoryInviteLinks`] holds.
#[derive(Default)]
struct LinkState {
    links: Vec<InviteLink>,
    /// Who joined through which link, in the order they did.
    uses: Vec<LinkUse>,
    /// Notifications written with acceptances, in order.
    notifications: Vec<Notification>,
}

/// Invite links in memory, with the SQL store's rules: ids and short codes are unique
/// (`Duplicate(Unique::Code)` for a taken code), revocation keeps its first time, and an
/// acceptance by someone new counts one use only while the link works (never past its limit),
/// records them and writes their ACTIVE collaborator row into the shared
/// [`MemoryCollaborators`] with the notifications; a repeat changes nothing.
pub struct MemoryInviteLinks {
    state: Locked<LinkState>,
    collaborators: Arc<MemoryCollaborators>,
}

impl MemoryInviteLinks {
    /// Invite links whose acceptances join into `collaborators`.
    pub fn new(collaborators: Arc<MemoryCollaborators>) -> Self {
        Self {
            state: Locked::default(),
            collaborators,
        }
    }

    /// The collaborator store acceptances join into.
    pub fn collaborators(&self) -> &Arc<MemoryCollaborators> {
        &self.collaborators
    }

    /// Every link, in the order they were stored.
    pub fn links(&self) -> Vec<InviteLink> {
        self.state.lock().map(|state| state.links.clone()).unwrap_or_default()
    }

    /// The notifications stored with acceptances.
    pub fn notifications(&self) -> Vec<Notification> {
        self.state
            .lock()
            .map(|state| state.notifications.clone())
            .unwrap_or_default()
    }
}

/// What the first, locked step of an acceptance decided.
enum Decision {
    /// The user used the link before.
    Repeated,
    /// The link does not work (or does not exist).
    Refused,
    /// One use was counted and recorded under this id.
    Counted(Uuid),
}

#[async_trait::async_trait]
impl InviteLinkRepository for MemoryInviteLinks {
    async fn insert(&self, link: &InviteLink) -> RepoResult<()> {
        self.state.with(|state| {
            if state.links.iter().any(|held| held.id == link.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            if state.links.iter().any(|held| held.short_code == link.short_code) {
                return Err(RepoError::Duplicate(Unique::Code));
            }
            state.links.push(link.clone());
            Ok(())
        })
    }

    async fn by_code(&self, code: &str) -> RepoResult<Option<InviteLink>> {
        self.state
            .with(|state| Ok(state.links.iter().find(|held| held.short_code == code).cloned()))
    }

    async fn by_id(&self, id: InviteLinkId) -> RepoResult<Option<InviteLink>> {
        self.state
            .with(|state| Ok(state.links.iter().find(|held| held.id == id).cloned()))
    }

    async fn for_resource(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<InviteLink>> {
        self.state.with(|state| {
            let mut rows: Vec<InviteLink> = state
                .links
                .iter()
                .filter(|held| held.resource_id == resource_id)
                .cloned()
                .collect();
            rows.sort_by_key(|held| std::cmp::Reverse(held.id.0));
            keep_first(&mut rows, limit);
            Ok(rows)
        })
    }

    async fn used_by(&self, links: &[InviteLinkId]) -> RepoResult<HashMap<InviteLinkId, Vec<UserId>>> {
        self.state.with(|state| {
            let mut out: HashMap<InviteLinkId, Vec<UserId>> = HashMap::new();
            for row in state.uses.iter().filter(|row| links.contains(&row.link)) {
                out.entry(row.link).or_default().push(row.user);
            }
            Ok(out)
        })
    }

    async fn revoke(&self, id: InviteLinkId, now: DateTime<Utc>) -> RepoResult<Option<InviteLink>> {
        self.state.with(|state| {
            let Some(held) = state.links.iter_mut().find(|held| held.id == id) else {
                return Ok(None);
            };
            if held.revoked_at.is_none() {
                held.revoked_at = Some(now);
            }
            Ok(Some(held.clone()))
        })
    }

    async fn accept(
        &self,
        link: InviteLinkId,
        joining: &Collaborator,
        now: DateTime<Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Acceptance> {
        let counted = self.state.with(|state| {
            if state
                .uses
                .iter()
                .any(|row| row.link == link && row.user == joining.user_id)
            {
                return Ok(Decision::Repeated);
            }
            check_notifications(&state.notifications, notifications)?;
            let Some(held) = state
                .links
                .iter_mut()
                .find(|held| held.id == link && held.refusal(now).is_none())
            else {
                return Ok(Decision::Refused);
            };
            held.use_count += 1;
            let id = Uuid::now_v7();
            state.uses.push(LinkUse {
                id,
                link,
                user: joining.user_id,
            });
            Ok(Decision::Counted(id))
        })?;
        let use_id = match counted {
            Decision::Repeated => {
                let current = self.collaborators.find(joining.resource_id, joining.user_id).await?;
                return Ok(Acceptance::Repeated(current));
            }
            Decision::Refused => return Ok(Acceptance::Refused),
            Decision::Counted(id) => id,
        };
        let stored = match join(&self.collaborators, joining).await {
            Ok(member) => self.state.with(|state| {
                check_notifications(&state.notifications, notifications)?;
                store_notifications(&mut state.notifications, notifications);
                Ok(member)
            }),
            Err(error) => Err(error),
        };
        match stored {
            Ok(member) => Ok(Acceptance::Joined(member)),
            Err(error) => {
                // Roll the use back.
                self.state.with(|state| {
                    state.uses.retain(|row| row.id != use_id);
                    if let Some(held) = state.links.iter_mut().find(|held| held.id == link) {
                        held.use_count -= 1;
                    }
                    Ok(())
                })?;
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::access::ResourceKind;
    use backline_domain::ids::{ArtistSpaceId, CollaboratorId};
    use backline_domain::roles::Role;
    use backline_domain::workspace::{MembershipStatus, ResourcePath};
    use chrono::Duration;
    use futures::executor::block_on;

    use super::*;

    fn start() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default()
    }

    fn space() -> ResourcePath {
        ResourcePath::Space(ArtistSpaceId(Uuid::from_u128(10)))
    }

    fn invitation(n: u128, email: &str) -> Invitation {
        Invitation {
            id: InvitationId(Uuid::from_u128(n)),
            resource_id: space().id(),
            resource_kind: ResourceKind::ArtistSpace,
            inviter_id: UserId(Uuid::from_u128(1)),
            email: email.to_owned(),
            role: Role::Editor,
            status: InvitationStatus::Pending,
            token_hash: format!("hash-{n}"),
            message: None,
            expires_at: start() + Duration::days(7),
            created_at: start(),
            updated_at: start(),
        }
    }

    fn joining(user: u128, role: Role, now: DateTime<Utc>) -> Collaborator {
        Collaborator::joining(
            CollaboratorId(Uuid::now_v7()),
            space(),
            UserId(Uuid::from_u128(user)),
            role,
            now,
        )
    }

    fn link(n: u128, max_uses: Option<i32>) -> InviteLink {
        InviteLink {
            id: InviteLinkId(Uuid::from_u128(n)),
            owner_id: UserId(Uuid::from_u128(1)),
            resource_id: space().id(),
            resource_kind: ResourceKind::ArtistSpace,
            role: Role::Viewer,
            short_code: format!("code{n:08}"),
            expires_at: None,
            max_uses,
            use_count: 0,
            revoked_at: None,
            created_at: start(),
        }
    }

    #[test]
    fn accepting_an_invitation_makes_an_active_collaborator_once() -> RepoResult<()> {
        let collaborators = Arc::new(MemoryCollaborators::default());
        let invitations = MemoryInvitations::new(Arc::clone(&collaborators));
        let sent = invitation(100, "b@example.com");
        block_on(invitations.insert(&sent, &[]))?;
        let now = start() + Duration::days(1);
        let member = block_on(invitations.accept(sent.id, &joining(2, Role::Editor, now), now, &[]))?;
        let Some(member) = member else {
            panic!("a pending invitation was not accepted");
        };
        assert_eq!((member.status, member.role), (MembershipStatus::Active, Role::Editor));
        assert_eq!(collaborators.rows(), vec![member.clone()]);
        assert_eq!(
            block_on(invitations.by_id(sent.id))?.map(|held| held.status),
            Some(InvitationStatus::Accepted)
        );
        assert_eq!(
            block_on(invitations.accept(sent.id, &joining(2, Role::Editor, now), now, &[]))?,
            None,
            "no longer pending"
        );
        assert_eq!(collaborators.rows().len(), 1);
        Ok(())
    }

    #[test]
    fn an_expired_invitation_is_not_accepted_and_a_higher_role_is_kept() -> RepoResult<()> {
        let collaborators = Arc::new(MemoryCollaborators::default());
        collaborators.grant(space(), UserId(Uuid::from_u128(2)), Role::Admin);
        let invitations = MemoryInvitations::new(Arc::clone(&collaborators));
        let sent = invitation(100, "b@example.com");
        block_on(invitations.insert(&sent, &[]))?;
        let late = start() + Duration::days(8);
        assert_eq!(
            block_on(invitations.accept(sent.id, &joining(2, Role::Editor, late), late, &[]))?,
            None
        );
        let now = start() + Duration::days(1);
        let member = block_on(invitations.accept(sent.id, &joining(2, Role::Editor, now), now, &[]))?;
        assert_eq!(member.map(|row| row.role), Some(Role::Admin));
        Ok(())
    }

    #[test]
    fn one_pending_invitation_per_address_and_resource() -> RepoResult<()> {
        let invitations = MemoryInvitations::new(Arc::new(MemoryCollaborators::default()));
        block_on(invitations.insert(&invitation(100, "b@example.com"), &[]))?;
        assert!(matches!(
            block_on(invitations.insert(&invitation(101, "b@example.com"), &[])),
            Err(RepoError::Duplicate(Unique::Membership))
        ));
        let later = start() + Duration::days(7);
        block_on(invitations.expire_stale(space().id(), "b@example.com", later))?;
        block_on(invitations.insert(&invitation(101, "b@example.com"), &[]))?;
        assert!(block_on(invitations.pending_for_email("b@example.com", start()))?.len() == 1);
        assert!(!block_on(invitations.set_status(
            InvitationId(Uuid::from_u128(100)),
            InvitationStatus::Revoked,
            later
        ))?);
        Ok(())
    }

    #[test]
    fn a_link_counts_each_user_once_and_never_past_its_limit() -> RepoResult<()> {
        let collaborators = Arc::new(MemoryCollaborators::default());
        let links = MemoryInviteLinks::new(Arc::clone(&collaborators));
        let shared = link(200, Some(1));
        block_on(links.insert(&shared))?;
        assert!(matches!(
            block_on(links.insert(&InviteLink {
                short_code: shared.short_code.clone(),
                ..link(201, None)
            })),
            Err(RepoError::Duplicate(Unique::Code))
        ));
        let now = start();
        let first = block_on(links.accept(shared.id, &joining(2, Role::Viewer, now), now, &[]))?;
        assert!(matches!(&first, Acceptance::Joined(row) if row.is_active()));
        let again = block_on(links.accept(shared.id, &joining(2, Role::Viewer, now), now, &[]))?;
        assert!(matches!(again, Acceptance::Repeated(Some(_))));
        let other = block_on(links.accept(shared.id, &joining(3, Role::Viewer, now), now, &[]))?;
        assert_eq!(other, Acceptance::Refused);
        assert_eq!(block_on(links.by_id(shared.id))?.map(|held| held.use_count), Some(1));
        assert_eq!(
            block_on(links.used_by(&[shared.id]))?.get(&shared.id),
            Some(&vec![UserId(Uuid::from_u128(2))])
        );
        assert_eq!(collaborators.rows().len(), 1);
        let revoked = block_on(links.revoke(shared.id, now))?;
        let again = block_on(links.revoke(shared.id, now + Duration::hours(1)))?;
        assert_eq!(revoked.and_then(|held| held.revoked_at), Some(now));
        assert_eq!(
            again.and_then(|held| held.revoked_at),
            Some(now),
            "the first time is kept"
        );
        Ok(())
    }
}
