//! In-memory fakes of the creators ports: artist profiles and organizations with their rosters.

use std::collections::HashMap;
use std::sync::Arc;

use backline_domain::ids::{ArtistSpaceId, OrganizationId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::organizations::{OrgMember, OrgRole, Organization, RosterEntry, RosterStatus};
use backline_domain::profile::ArtistProfile;
use chrono::{DateTime, Utc};

use super::notifications::{inbox_admit, inbox_events};
use super::{Locked, MemoryCollaborators};
use crate::ports::{Event, Notices, OrganizationRepository, ProfileRepository, RepoError, RepoResult, Unique};

/// Artist profiles in memory, one per space, as the SQL store keeps them: saving replaces the
/// space's profile whole.
#[derive(Debug, Default)]
pub struct MemoryProfiles {
    profiles: Locked<HashMap<ArtistSpaceId, ArtistProfile>>,
}

impl MemoryProfiles {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored profile of `space`.
    pub fn profile(&self, space: ArtistSpaceId) -> Option<ArtistProfile> {
        self.profiles
            .lock()
            .ok()
            .and_then(|profiles| profiles.get(&space).cloned())
    }
}

#[async_trait::async_trait]
impl ProfileRepository for MemoryProfiles {
    async fn profiles(&self, spaces: &[ArtistSpaceId]) -> RepoResult<Vec<ArtistProfile>> {
        self.profiles
            .with(|profiles| Ok(spaces.iter().filter_map(|space| profiles.get(space).cloned()).collect()))
    }

    async fn save(&self, profile: &ArtistProfile) -> RepoResult<()> {
        self.profiles.with(|profiles| {
            profiles.insert(profile.artist_space_id, profile.clone());
            Ok(())
        })
    }
}

/// What the organizations fake holds.
#[derive(Debug, Default, Clone)]
struct State {
    organizations: Vec<Organization>,
    members: Vec<OrgMember>,
    roster: Vec<RosterEntry>,
    notifications: Vec<Notification>,
    events: Vec<Event>,
}

impl State {
    /// The ADMIN roles the ACTIVE roster gives: every owner and admin of the organization, on
    /// every space on its roster.
    fn label_admins(&self) -> Vec<(UserId, uuid::Uuid)> {
        let mut grants = Vec::new();
        for entry in self.roster.iter().filter(|entry| entry.status == RosterStatus::Active) {
            for member in self
                .members
                .iter()
                .filter(|member| member.organization_id == entry.organization_id && member.role.manages_roster())
            {
                grants.push((member.user_id, entry.artist_space_id.0));
            }
        }
        grants
    }

    /// Stores `new` notifications as the inbox would (dedupe keys honoured) with their events.
    fn notify(&mut self, new: &[Notification]) -> RepoResult<()> {
        let admitted = inbox_admit(&self.notifications, new)?;
        self.events.extend(inbox_events(&admitted));
        self.notifications.extend(admitted);
        Ok(())
    }
}

/// Newest request first, then the larger id, as the SQL store lists roster entries.
fn newest_first(entries: &mut [RosterEntry]) {
    entries.sort_by(|a, b| b.requested_at.cmp(&a.requested_at).then_with(|| b.id.cmp(&a.id)));
}

/// Organizations, members and rosters in memory, with the same rules as the SQL store: slugs
/// are unique (`Duplicate(Slug)`), an organization is stored with its owner, one membership per
/// organization and user (setting it again changes only the role), members list owners first
/// and then by joining, an organization's owners and admins hold ADMIN on the spaces on its
/// ACTIVE roster (kept in the [`MemoryCollaborators`] it was made with), asking again after a
/// refusal or a departure reopens the same entry while a PENDING or ACTIVE one makes the ask
/// `None`, a move happens only from the statuses given, and member changes and roster
/// departures write `AccessChanged` events ([`MemoryOrganizations::events`]).
pub struct MemoryOrganizations {
    state: Locked<State>,
    collaborators: Arc<MemoryCollaborators>,
}

impl MemoryOrganizations {
    /// An empty store whose roster roles show in `collaborators`' role look-ups.
    pub fn new(collaborators: Arc<MemoryCollaborators>) -> Self {
        Self {
            state: Locked::default(),
            collaborators,
        }
    }

    /// Every roster entry, in the order they were first asked for.
    pub fn roster_entries(&self) -> Vec<RosterEntry> {
        self.state.lock().map(|state| state.roster.clone()).unwrap_or_default()
    }

    /// Every membership, in the order they were stored.
    pub fn memberships(&self) -> Vec<OrgMember> {
        self.state.lock().map(|state| state.members.clone()).unwrap_or_default()
    }

    /// The notifications written with roster changes, in order.
    pub fn notifications(&self) -> Vec<Notification> {
        self.state
            .lock()
            .map(|state| state.notifications.clone())
            .unwrap_or_default()
    }

    /// The outbox events written with changes, in order.
    pub fn events(&self) -> Vec<Event> {
        self.state.lock().map(|state| state.events.clone()).unwrap_or_default()
    }

    /// Runs one change as a transaction (a failure keeps nothing of it), then refreshes the
    /// roles the roster gives.
    fn change<T>(&self, f: impl FnOnce(&mut State) -> RepoResult<T>) -> RepoResult<T> {
        let (out, grants) = self.state.with(|state| {
            let mut changed = state.clone();
            let out = f(&mut changed)?;
            *state = changed;
            Ok((out, state.label_admins()))
        })?;
        self.collaborators.set_label_admins(grants);
        Ok(out)
    }

    fn entries(&self, keep: impl Fn(&RosterEntry) -> bool) -> RepoResult<Vec<RosterEntry>> {
        self.state.with(|state| {
            let mut entries: Vec<RosterEntry> = state.roster.iter().filter(|entry| keep(entry)).cloned().collect();
            newest_first(&mut entries);
            Ok(entries)
        })
    }
}

#[async_trait::async_trait]
impl OrganizationRepository for MemoryOrganizations {
    async fn insert(&self, organization: &Organization, owner: &OrgMember) -> RepoResult<()> {
        self.change(|state| {
            if state.organizations.iter().any(|held| held.id == organization.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            if state.organizations.iter().any(|held| held.slug == organization.slug) {
                return Err(RepoError::Duplicate(Unique::Slug));
            }
            state.organizations.push(organization.clone());
            state.members.push(owner.clone());
            Ok(())
        })
    }

    async fn by_id(&self, id: OrganizationId) -> RepoResult<Option<Organization>> {
        self.state
            .with(|state| Ok(state.organizations.iter().find(|held| held.id == id).cloned()))
    }

    async fn by_slug(&self, slug: &str) -> RepoResult<Option<Organization>> {
        self.state
            .with(|state| Ok(state.organizations.iter().find(|held| held.slug == slug).cloned()))
    }

    async fn many(&self, ids: &[OrganizationId]) -> RepoResult<Vec<Organization>> {
        self.state.with(|state| {
            Ok(state
                .organizations
                .iter()
                .filter(|held| ids.contains(&held.id))
                .cloned()
                .collect())
        })
    }

    async fn member(&self, organization: OrganizationId, user: UserId) -> RepoResult<Option<OrgMember>> {
        self.state.with(|state| {
            Ok(state
                .members
                .iter()
                .find(|member| member.organization_id == organization && member.user_id == user)
                .cloned())
        })
    }

    async fn members(&self, organization: OrganizationId) -> RepoResult<Vec<OrgMember>> {
        self.state.with(|state| {
            let mut members: Vec<OrgMember> = state
                .members
                .iter()
                .filter(|member| member.organization_id == organization)
                .cloned()
                .collect();
            members.sort_by_key(|member| member.joined_at);
            members.sort_by_key(|member| std::cmp::Reverse(member.role));
            Ok(members)
        })
    }

    async fn of_user(&self, user: UserId) -> RepoResult<Vec<(Organization, OrgRole)>> {
        self.state.with(|state| {
            let mut out: Vec<(Organization, OrgRole)> = state
                .members
                .iter()
                .filter(|member| member.user_id == user)
                .filter_map(|member| {
                    let organization = state
                        .organizations
                        .iter()
                        .find(|held| held.id == member.organization_id)?;
                    Some((organization.clone(), member.role))
                })
                .collect();
            out.sort_by_key(|(organization, _)| organization.name.to_lowercase());
            Ok(out)
        })
    }

    async fn set_member(&self, member: &OrgMember) -> RepoResult<()> {
        self.change(|state| {
            if !state.organizations.iter().any(|held| held.id == member.organization_id) {
                return Err(RepoError::NotFound);
            }
            match state
                .members
                .iter_mut()
                .find(|held| held.organization_id == member.organization_id && held.user_id == member.user_id)
            {
                Some(held) => held.role = member.role,
                None => state.members.push(member.clone()),
            }
            state.events.push(Event::AccessChanged { user: member.user_id });
            Ok(())
        })
    }

    async fn remove_member(&self, organization: OrganizationId, user: UserId) -> RepoResult<bool> {
        self.change(|state| {
            let before = state.members.len();
            state
                .members
                .retain(|member| !(member.organization_id == organization && member.user_id == user));
            state.events.push(Event::AccessChanged { user });
            Ok(state.members.len() < before)
        })
    }

    async fn roster(&self, organization: OrganizationId, statuses: &[RosterStatus]) -> RepoResult<Vec<RosterEntry>> {
        self.entries(|entry| entry.organization_id == organization && statuses.contains(&entry.status))
    }

    async fn rosters_of_space(&self, space: ArtistSpaceId, statuses: &[RosterStatus]) -> RepoResult<Vec<RosterEntry>> {
        self.entries(|entry| entry.artist_space_id == space && statuses.contains(&entry.status))
    }

    async fn roster_entry(&self, id: uuid::Uuid) -> RepoResult<Option<RosterEntry>> {
        self.state
            .with(|state| Ok(state.roster.iter().find(|entry| entry.id == id).cloned()))
    }

    async fn request(&self, entry: &RosterEntry, notices: Notices<'_, RosterEntry>) -> RepoResult<Option<RosterEntry>> {
        self.change(|state| {
            let held = state.roster.iter_mut().find(|held| {
                held.organization_id == entry.organization_id && held.artist_space_id == entry.artist_space_id
            });
            let current = match held {
                Some(held) if matches!(held.status, RosterStatus::Declined | RosterStatus::Removed) => {
                    held.status = RosterStatus::Pending;
                    held.requested_by = entry.requested_by;
                    held.requested_at = entry.requested_at;
                    held.decided_at = None;
                    held.clone()
                }
                // Already PENDING or ACTIVE.
                Some(_) => return Ok(None),
                None => {
                    let asked = RosterEntry {
                        status: RosterStatus::Pending,
                        decided_at: None,
                        ..entry.clone()
                    };
                    state.roster.push(asked.clone());
                    asked
                }
            };
            state.notify(&notices(&current))?;
            Ok(Some(current))
        })
    }

    async fn move_roster(
        &self,
        id: uuid::Uuid,
        from: &[RosterStatus],
        to: RosterStatus,
        now: DateTime<Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Option<RosterEntry>> {
        self.change(|state| {
            let Some(held) = state.roster.iter_mut().find(|held| held.id == id) else {
                return Ok(None);
            };
            if !from.contains(&held.status) {
                return Ok(None);
            }
            let before = held.status;
            held.status = to;
            held.decided_at = Some(now);
            let moved = held.clone();
            state.notify(notifications)?;
            if before == RosterStatus::Active && to != RosterStatus::Active {
                let managing: Vec<UserId> = state
                    .members
                    .iter()
                    .filter(|member| member.organization_id == moved.organization_id && member.role.manages_roster())
                    .map(|member| member.user_id)
                    .collect();
                state
                    .events
                    .extend(managing.into_iter().map(|user| Event::AccessChanged { user }));
            }
            Ok(Some(moved))
        })
    }
}
