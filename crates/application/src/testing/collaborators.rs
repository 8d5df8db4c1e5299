//! Collaborator rows in memory.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use backline_domain::ids::{CollaboratorId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::page::{Direction, Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::workspace::{Collaborator, FormerCollaborator, Joining, MembershipStatus, ResourcePath};
use uuid::Uuid;

use super::notifications::{inbox_admit, inbox_events};
use super::{Locked, MemoryWorkspace, keep_first};
use crate::ports::{CollaboratorRepository, Event, RepoError, RepoResult, Unique};

/// What the fake holds.
#[derive(Default)]
struct State {
    rows: Vec<Collaborator>,
    /// Notifications written with removals, in order.
    notifications: Vec<Notification>,
    /// ADMIN held through a label's roster: (user, space).
    label_admins: Vec<(UserId, Uuid)>,
    /// Outbox events written with removals, in order.
    events: Vec<Event>,
}

/// Collaborator rows in memory, with the same rules as the SQL store: one ACTIVE row per
/// resource and user, only ACTIVE rows grant roles, the owners and admins of a label hold ADMIN
/// on the spaces on its ACTIVE roster (kept here by [`super::MemoryOrganizations`]; the higher
/// of that and their own row counts), a removal writes `AccessChanged` and its notifications
/// with it ([`MemoryCollaborators::events`]). Counts role
/// look-ups (`roles_of`, `roles_of_users`).
#[derive(Default)]
pub struct MemoryCollaborators {
    state: Locked<State>,
    lookups: AtomicUsize,
    /// The hierarchy whose owners a transfer changes (see [`MemoryWorkspace::sharing`]).
    hierarchy: std::sync::OnceLock<std::sync::Weak<MemoryWorkspace>>,
}

impl MemoryCollaborators {
    /// Gives `user` an ACTIVE `role` on `resource` directly (test set-up).
    pub fn grant(&self, resource: ResourcePath, user: UserId, role: Role) {
        let row = Collaborator::joining(CollaboratorId(Uuid::now_v7()), resource, user, role, chrono::Utc::now());
        if let Ok(mut state) = self.state.lock() {
            state.rows.push(row);
        }
    }

    /// Replaces the ADMIN roles held through labels' rosters with `grants` (user, space), as
    /// the SQL store derives them from organization members and rosters.
    pub fn set_label_admins(&self, grants: Vec<(UserId, Uuid)>) {
        if let Ok(mut state) = self.state.lock() {
            state.label_admins = grants;
        }
    }

    /// Ends (REMOVED, by nobody) every ACTIVE row on `resources`, owners' included, as a
    /// deletion of those resources does (the SQL store deletes the rows).
    pub(crate) fn end_rows_on(&self, resources: &[Uuid], now: chrono::DateTime<chrono::Utc>) {
        if let Ok(mut state) = self.state.lock() {
            for row in state
                .rows
                .iter_mut()
                .filter(|row| row.is_active() && resources.contains(&row.resource_id))
            {
                row.status = MembershipStatus::Removed;
                row.removed_at = Some(now);
                row.removed_by = None;
            }
        }
    }

    /// Makes transfers of ownership set the owner in `workspace` too.
    pub(crate) fn keep_owners_in(&self, workspace: &Arc<MemoryWorkspace>) {
        // A second call keeps the first hierarchy, as a fake shares one.
        let _first = self.hierarchy.set(Arc::downgrade(workspace));
    }

    /// How many role look-ups were made so far.
    pub fn lookups(&self) -> usize {
        self.lookups.load(Ordering::Relaxed)
    }

    /// Every row, ACTIVE or REMOVED.
    pub fn rows(&self) -> Vec<Collaborator> {
        self.state.lock().map(|state| state.rows.clone()).unwrap_or_default()
    }

    /// The outbox events written with removals (`AccessChanged` for the removed user, then
    /// the live events of its notifications), in order.
    pub fn events(&self) -> Vec<Event> {
        self.state.lock().map(|state| state.events.clone()).unwrap_or_default()
    }

    /// The notifications stored with removals.
    pub fn notifications(&self) -> Vec<Notification> {
        self.state
            .lock()
            .map(|state| state.notifications.clone())
            .unwrap_or_default()
    }
}

fn active_rows<'a>(rows: &'a [Collaborator], resource_ids: &'a [Uuid]) -> impl Iterator<Item = &'a Collaborator> {
    rows.iter()
        .filter(move |row| row.is_active() && resource_ids.contains(&row.resource_id))
}

#[async_trait::async_trait]
impl CollaboratorRepository for MemoryCollaborators {
    async fn roles_of(&self, user: UserId, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, Role>> {
        Ok(self
            .roles_of_users(&[user], resource_ids)
            .await?
            .remove(&user)
            .unwrap_or_default())
    }

    async fn roles_of_users(
        &self,
        users: &[UserId],
        resource_ids: &[Uuid],
    ) -> RepoResult<HashMap<UserId, HashMap<Uuid, Role>>> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        self.state.with(|state| {
            let mut out: HashMap<UserId, HashMap<Uuid, Role>> = HashMap::new();
            for row in active_rows(&state.rows, resource_ids).filter(|row| users.contains(&row.user_id)) {
                out.entry(row.user_id).or_default().insert(row.resource_id, row.role);
            }
            for (user, space) in &state.label_admins {
                if users.contains(user) && resource_ids.contains(space) {
                    let held = out.entry(*user).or_default().entry(*space).or_insert(Role::Admin);
                    *held = (*held).max(Role::Admin);
                }
            }
            Ok(out)
        })
    }

    async fn find(&self, resource_id: Uuid, user: UserId) -> RepoResult<Option<Collaborator>> {
        Ok(self
            .membership(resource_id, user)
            .await?
            .filter(Collaborator::is_active))
    }

    async fn membership(&self, resource_id: Uuid, user: UserId) -> RepoResult<Option<Collaborator>> {
        self.state.with(|state| {
            let mut held: Vec<&Collaborator> = state
                .rows
                .iter()
                .filter(|row| row.resource_id == resource_id && row.user_id == user)
                .collect();
            // ACTIVE first, then the latest removal.
            held.sort_by(|a, b| {
                b.is_active()
                    .cmp(&a.is_active())
                    .then(b.removed_at.cmp(&a.removed_at))
                    .then(b.id.0.cmp(&a.id.0))
            });
            Ok(held.first().map(|row| (*row).clone()))
        })
    }

    async fn join(&self, joining: &Joining) -> RepoResult<()> {
        self.state.with(|state| store(&mut state.rows, joining))
    }

    async fn set_role(&self, resource_id: Uuid, user: UserId, role: Role) -> RepoResult<()> {
        self.state.with(|state| {
            let row = state
                .rows
                .iter_mut()
                .find(|row| {
                    row.resource_id == resource_id && row.user_id == user && row.is_active() && row.role != Role::Owner
                })
                .ok_or(RepoError::NotFound)?;
            row.role = role;
            Ok(())
        })
    }

    async fn remove(&self, removed: &Collaborator, notifications: &[Notification]) -> RepoResult<bool> {
        self.state.with(|state| {
            let Some(row) = state
                .rows
                .iter_mut()
                .find(|row| row.id == removed.id && row.is_active() && row.role != Role::Owner)
            else {
                return Ok(false);
            };
            let admitted = inbox_admit(&state.notifications, notifications)?;
            *row = removed.clone();
            state.events.push(Event::AccessChanged { user: removed.user_id });
            state.events.extend(inbox_events(&admitted));
            state.notifications.extend(admitted);
            Ok(true)
        })
    }

    async fn former(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<FormerCollaborator>> {
        self.state.with(|state| {
            let mut former: Vec<FormerCollaborator> = state
                .rows
                .iter()
                .filter(|row| row.resource_id == resource_id && row.status == MembershipStatus::Removed)
                .filter_map(Collaborator::former)
                .collect();
            former.sort_by(|a, b| b.removed_at.cmp(&a.removed_at).then(b.id.cmp(&a.id)));
            keep_first(&mut former, limit);
            Ok(former)
        })
    }

    async fn transfer_ownership(&self, resource: ResourcePath, from: UserId, to: &Joining) -> RepoResult<()> {
        self.state.with(|state| {
            let mut rows = state.rows.clone();
            if let Some(row) = rows
                .iter_mut()
                .find(|row| row.resource_id == resource.id() && row.user_id == from && row.is_active())
            {
                row.role = Role::Admin;
            }
            store(&mut rows, to)?;
            state.rows = rows;
            Ok(())
        })?;
        if let Some(hierarchy) = self.hierarchy.get().and_then(std::sync::Weak::upgrade) {
            hierarchy.set_owner(resource, to.row().user_id);
        }
        Ok(())
    }

    async fn page_for(
        &self,
        resource_ids: &[Uuid],
        page: PageRequest,
    ) -> RepoResult<HashMap<Uuid, Page<Collaborator>>> {
        self.state.with(|state| {
            let mut out = HashMap::new();
            for resource in resource_ids {
                let mut rows: Vec<Collaborator> = active_rows(&state.rows, std::slice::from_ref(resource))
                    .filter(|row| page.after.is_none_or(|after| row.id.0 < after))
                    .filter(|row| page.before.is_none_or(|before| row.id.0 > before))
                    .cloned()
                    .collect();
                // The reading order: newest first forward, oldest first backward.
                match page.direction {
                    Direction::Forward => rows.sort_by_key(|row| std::cmp::Reverse(row.id.0)),
                    Direction::Backward => rows.sort_by_key(|row| row.id.0),
                }
                rows.truncate(usize::try_from(page.limit.saturating_add(1)).unwrap_or(usize::MAX));
                out.insert(*resource, Page::from_overfetch(rows, &page));
            }
            Ok(out)
        })
    }

    async fn count_for(&self, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, u64>> {
        self.state.with(|state| {
            let mut out: HashMap<Uuid, u64> = resource_ids.iter().map(|id| (*id, 0)).collect();
            for row in active_rows(&state.rows, resource_ids) {
                *out.entry(row.resource_id).or_default() += 1;
            }
            Ok(out)
        })
    }

    async fn all_for(&self, resource_ids: &[Uuid]) -> RepoResult<Vec<Collaborator>> {
        self.state
            .with(|state| Ok(active_rows(&state.rows, resource_ids).cloned().collect()))
    }
}

/// Stores what joining decided, with the one-ACTIVE-row rule of the SQL store.
fn store(rows: &mut Vec<Collaborator>, joining: &Joining) -> RepoResult<()> {
    match joining {
        Joining::New(row) => {
            if rows
                .iter()
                .any(|held| held.resource_id == row.resource_id && held.user_id == row.user_id && held.is_active())
            {
                return Err(RepoError::Duplicate(Unique::Membership));
            }
            rows.push(row.clone());
        }
        Joining::Changed(row) => {
            let held = rows
                .iter_mut()
                .find(|held| held.id == row.id)
                .ok_or(RepoError::NotFound)?;
            *held = row.clone();
        }
        Joining::Unchanged(_) => {}
    }
    Ok(())
}
