//! Managing collaborators: adding, changing roles, removing, leaving, transferring ownership.
//! Only OWNER and ADMIN (effective) manage collaborators; nobody grants a role above their
//! own; the OWNER is changed only by `transfer_ownership`.

use backline_domain::ids::{CollaboratorId, UserId};
use backline_domain::roles::Role;
use backline_domain::workspace::{Collaborator, ResourcePath};

use super::Workspace;
use super::resource::{ResourceRef, resolve};
use crate::Actor;
use crate::access::Access;
use crate::access::readable_or_not_found;
use crate::error::{AppError, AppResult};
use crate::ports::RepoError;
use crate::workspace::resource::{load_project, load_space, load_track};

/// Resolves the resource and checks the caller manages it; returns its path, owner and the
/// caller's role.
pub(crate) async fn managed(
    access: &Access,
    actor: &Actor,
    resource: ResourceRef,
) -> AppResult<(ResourcePath, UserId, Role)> {
    let (path, owner) = resolve(access, resource).await?;
    let role = readable_or_not_found(access, actor, path).await?;
    if role < Role::Admin {
        return Err(AppError::Forbidden(format!(
            "only the owner and admins manage collaborators; your role is {role}"
        )));
    }
    Ok((path, owner, role))
}

pub(crate) fn grantable(role: Role, granter: Role) -> AppResult<()> {
    if role == Role::Owner {
        return Err(AppError::invalid(
            "role",
            "OWNER cannot be granted; use transferOwnership",
        ));
    }
    if role > granter {
        return Err(AppError::Forbidden(format!(
            "you cannot grant {role}, which is above your own role {granter}"
        )));
    }
    Ok(())
}

/// Gives `user` a role on a resource.
pub async fn add_collaborator(
    workspace: &Workspace,
    actor: &Actor,
    resource: ResourceRef,
    user: UserId,
    role: Role,
) -> AppResult<Collaborator> {
    let (path, _, granter) = managed(&workspace.access, actor, resource).await?;
    grantable(role, granter)?;
    if workspace.access.users.find(user).await?.is_none() {
        return Err(AppError::NotFound("user"));
    }
    // Always a new membership: one that is ACTIVE already makes the store refuse it (a former
    // collaborator's REMOVED row stays in the history).
    let joining = Collaborator::joining(
        CollaboratorId(workspace.ids.uuid()),
        path,
        user,
        role,
        workspace.clock.now(),
    )
    .join_onto(None);
    workspace
        .access
        .collaborators
        .join(&joining)
        .await
        .map_err(|error| match error {
            RepoError::Duplicate(_) => AppError::conflict(
                "userId",
                "this user already collaborates here; use updateCollaboratorRole",
            ),
            other => other.into(),
        })?;
    Ok(joining.into_row())
}

/// Changes a collaborator's role on a resource.
pub async fn update_collaborator_role(
    workspace: &Workspace,
    actor: &Actor,
    resource: ResourceRef,
    user: UserId,
    role: Role,
) -> AppResult<Collaborator> {
    let (path, _, granter) = managed(&workspace.access, actor, resource).await?;
    grantable(role, granter)?;
    let mut row = workspace
        .access
        .collaborators
        .find(path.id(), user)
        .await?
        .ok_or(AppError::NotFound("collaborator"))?;
    if row.role == Role::Owner {
        return Err(AppError::Forbidden(
            "the owner's role changes only through transferOwnership".into(),
        ));
    }
    if row.role > granter {
        return Err(AppError::Forbidden(format!(
            "you cannot change the role of a {}",
            row.role
        )));
    }
    workspace
        .access
        .collaborators
        .set_role(path.id(), user, role)
        .await
        .map_err(|error| match error {
            // They left, were removed, or were made owner between the read and the write.
            RepoError::NotFound => {
                AppError::conflict("userId", "this collaborator changed meanwhile; reload and try again")
            }
            other => other.into(),
        })?;
    row.role = role;
    Ok(row)
}

/// Removes a collaborator from a resource. The owner cannot be removed.
pub async fn remove_collaborator(
    workspace: &Workspace,
    actor: &Actor,
    resource: ResourceRef,
    user: UserId,
) -> AppResult<Collaborator> {
    let (path, _, remover) = managed(&workspace.access, actor, resource).await?;
    let row = workspace
        .access
        .collaborators
        .find(path.id(), user)
        .await?
        .ok_or(AppError::NotFound("collaborator"))?;
    if row.role == Role::Owner {
        return Err(AppError::Forbidden(
            "the owner cannot be removed; transfer ownership first".into(),
        ));
    }
    if row.role > remover {
        return Err(AppError::Forbidden(format!("you cannot remove a {}", row.role)));
    }
    let Some(removed) = row.remove(actor.user_id(), workspace.clock.now()) else {
        return Err(AppError::NotFound("collaborator"));
    };
    let notifications = match actor.user_id() {
        Some(sender) => {
            let name = match resource {
                ResourceRef::Space(id) => load_space(&workspace.access, id).await.map(|space| space.name),
                ResourceRef::Project(id) => load_project(&workspace.access, id).await.map(|project| project.name),
                ResourceRef::Track(id) => load_track(&workspace.access, id).await.map(|track| track.title),
            }
            .unwrap_or_default();
            let about = crate::notifications::About {
                kind: backline_domain::notifications::NotificationType::CollaboratorRemoved,
                sender: Some(sender),
                // The removed user can no longer read it; they are told all the same.
                target: None,
                pointer: path.id(),
                headline: format!("removed you from “{name}”"),
                slug: "/".to_owned(),
                dedupe: None,
            };
            crate::notifications::prepare(&workspace.notifier, &about, [user]).await?
        }
        None => Vec::new(),
    };
    if !workspace.access.collaborators.remove(&removed, &notifications).await? {
        return Err(AppError::NotFound("collaborator"));
    }
    Ok(removed)
}

/// The caller gives up their own role on a resource. The owner must transfer ownership first.
pub async fn leave_resource(workspace: &Workspace, actor: &Actor, resource: ResourceRef) -> AppResult<Collaborator> {
    let user = actor.require()?;
    let (path, _) = resolve(&workspace.access, resource).await?;
    readable_or_not_found(&workspace.access, actor, path).await?;
    let row = workspace
        .access
        .collaborators
        .find(path.id(), user)
        .await?
        .ok_or(AppError::NotFound("collaborator"))?;
    if row.role == Role::Owner {
        return Err(AppError::Forbidden(
            "the owner cannot leave; transfer ownership first".into(),
        ));
    }
    let Some(removed) = row.remove(None, workspace.clock.now()) else {
        return Err(AppError::NotFound("collaborator"));
    };
    if !workspace.access.collaborators.remove(&removed, &[]).await? {
        return Err(AppError::NotFound("collaborator"));
    }
    Ok(removed)
}

/// Makes `new_owner` the OWNER; the previous owner stays on as ADMIN. Only an (effective) OWNER
/// may do this.
pub async fn transfer_ownership(
    workspace: &Workspace,
    actor: &Actor,
    resource: ResourceRef,
    new_owner: UserId,
) -> AppResult<Collaborator> {
    let (path, owner) = resolve(&workspace.access, resource).await?;
    let role = readable_or_not_found(&workspace.access, actor, path).await?;
    if role != Role::Owner {
        return Err(AppError::Forbidden("only the owner may transfer ownership".into()));
    }
    if workspace.access.users.find(new_owner).await?.is_none() {
        return Err(AppError::NotFound("user"));
    }
    if new_owner == owner {
        return Err(AppError::invalid("userId", "this user already owns the resource"));
    }
    // An ACTIVE member is promoted on their row; anyone else joins as OWNER.
    let existing = workspace.access.collaborators.find(path.id(), new_owner).await?;
    let joining = Collaborator::joining(
        CollaboratorId(workspace.ids.uuid()),
        path,
        new_owner,
        Role::Owner,
        workspace.clock.now(),
    )
    .join_onto(existing);
    workspace
        .access
        .collaborators
        .transfer_ownership(path, owner, &joining)
        .await?;
    Ok(joining.into_row())
}

/// A resource's former collaborators (removed, or left), most recent first, at most 100; OWNER
/// and ADMIN only.
pub async fn former_collaborators_of(
    workspace: &Workspace,
    actor: &Actor,
    resource: ResourceRef,
) -> AppResult<Vec<backline_domain::workspace::FormerCollaborator>> {
    let (path, _, _) = managed(&workspace.access, actor, resource).await?;
    Ok(workspace.access.collaborators.former(path.id(), 100).await?)
}

#[cfg(test)]
mod tests {
    use backline_domain::notifications::NotificationType;
    use backline_domain::workspace::MembershipStatus;

    use super::*;
    use crate::ports::{Clock, Event};
    use crate::testing::world::World;

    /// The ACTIVE rows of `user` on the track.
    fn active_on_track(world: &World, user: UserId) -> Vec<Collaborator> {
        world
            .collaborators
            .rows()
            .into_iter()
            .filter(|row| row.user_id == user && row.resource_id == world.track.id.0)
            .filter(|row| row.status == MembershipStatus::Active)
            .collect()
    }

    #[tokio::test]
    async fn the_owner_adds_an_editor_who_joins_active_now() -> AppResult<()> {
        let world = World::new();
        let newcomer = world.person("newcomer", None);
        let track = ResourceRef::Track(world.track.id);
        let added = add_collaborator(
            &world.workspace,
            &World::actor(world.owner),
            track,
            newcomer,
            Role::Editor,
        )
        .await?;
        assert_eq!(added.status, MembershipStatus::Active);
        assert_eq!(added.role, Role::Editor);
        assert_eq!(added.joined_at, world.clock.now());
        assert_eq!(added.removed_at, None);
        assert_eq!(active_on_track(&world, newcomer), vec![added]);
        let again = add_collaborator(
            &world.workspace,
            &World::actor(world.owner),
            track,
            newcomer,
            Role::Viewer,
        )
        .await;
        assert!(
            matches!(&again, Err(AppError::Conflict { field: Some(field), .. }) if field == "userId"),
            "{again:?}"
        );
        assert_eq!(
            active_on_track(&world, newcomer).len(),
            1,
            "the second add wrote nothing"
        );
        Ok(())
    }

    #[tokio::test]
    async fn editors_cannot_manage_and_strangers_are_told_nothing_exists() -> AppResult<()> {
        let world = World::new();
        let editor = world.person("editor", Some(Role::Editor));
        let stranger = world.person("stranger", None);
        let newcomer = world.person("newcomer", None);
        let track = ResourceRef::Track(world.track.id);
        let by_editor = add_collaborator(&world.workspace, &World::actor(editor), track, newcomer, Role::Viewer).await;
        assert!(matches!(by_editor, Err(AppError::Forbidden(_))), "{by_editor:?}");
        let by_stranger =
            add_collaborator(&world.workspace, &World::actor(stranger), track, newcomer, Role::Viewer).await;
        assert!(matches!(by_stranger, Err(AppError::NotFound(_))), "{by_stranger:?}");
        assert!(active_on_track(&world, newcomer).is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn an_admin_cannot_touch_the_owner_nor_grant_owner() -> AppResult<()> {
        let world = World::new();
        let admin = world.person("admin", Some(Role::Admin));
        let newcomer = world.person("newcomer", None);
        let track = ResourceRef::Track(world.track.id);
        let as_admin = World::actor(admin);
        let grant_owner = add_collaborator(&world.workspace, &as_admin, track, newcomer, Role::Owner).await;
        assert!(
            matches!(grant_owner, Err(AppError::InvalidInput { .. })),
            "{grant_owner:?}"
        );
        let demote_owner =
            update_collaborator_role(&world.workspace, &as_admin, track, world.owner, Role::Viewer).await;
        assert!(matches!(demote_owner, Err(AppError::Forbidden(_))), "{demote_owner:?}");
        let remove_owner = remove_collaborator(&world.workspace, &as_admin, track, world.owner).await;
        assert!(matches!(remove_owner, Err(AppError::Forbidden(_))), "{remove_owner:?}");
        let owners: Vec<Role> = active_on_track(&world, world.owner)
            .iter()
            .map(|row| row.role)
            .collect();
        assert_eq!(owners, vec![Role::Owner]);
        Ok(())
    }

    #[tokio::test]
    async fn a_removed_collaborator_stays_as_removed_and_is_told() -> AppResult<()> {
        let world = World::new();
        let editor = world.person("editor", Some(Role::Editor));
        let track = ResourceRef::Track(world.track.id);
        let removed = remove_collaborator(&world.workspace, &World::actor(world.owner), track, editor).await?;
        assert_eq!(removed.status, MembershipStatus::Removed);
        assert_eq!(removed.removed_by, Some(world.owner));
        assert_eq!(removed.removed_at, Some(world.clock.now()));
        assert!(active_on_track(&world, editor).is_empty());
        let kept: Vec<MembershipStatus> = world
            .collaborators
            .rows()
            .iter()
            .filter(|row| row.user_id == editor)
            .map(|row| row.status)
            .collect();
        assert_eq!(kept, vec![MembershipStatus::Removed], "the row is kept in the history");
        let told: Vec<(UserId, NotificationType)> = world
            .collaborators
            .notifications()
            .iter()
            .map(|notification| (notification.recipient_id, notification.kind))
            .collect();
        assert_eq!(told, vec![(editor, NotificationType::CollaboratorRemoved)]);
        assert!(
            matches!(
                world.collaborators.events().as_slice(),
                [Event::AccessChanged { user }, Event::Notification { .. }] if *user == editor
            ),
            "live subscriptions hear the access ended: {:?}",
            world.collaborators.events()
        );
        let twice = remove_collaborator(&world.workspace, &World::actor(world.owner), track, editor).await;
        assert!(matches!(twice, Err(AppError::NotFound("collaborator"))), "{twice:?}");
        Ok(())
    }

    #[tokio::test]
    async fn the_owner_leaves_only_after_transferring_ownership() -> AppResult<()> {
        let world = World::new();
        let admin = world.person("admin", Some(Role::Admin));
        let track = ResourceRef::Track(world.track.id);
        let as_owner = World::actor(world.owner);
        let leave = leave_resource(&world.workspace, &as_owner, track).await;
        assert!(matches!(leave, Err(AppError::Forbidden(_))), "{leave:?}");
        let by_admin = transfer_ownership(&world.workspace, &World::actor(admin), track, admin).await;
        assert!(matches!(by_admin, Err(AppError::Forbidden(_))), "{by_admin:?}");
        let new_owner = transfer_ownership(&world.workspace, &as_owner, track, admin).await?;
        assert_eq!(new_owner.role, Role::Owner);
        let roles = |user| -> Vec<Role> { active_on_track(&world, user).iter().map(|row| row.role).collect() };
        assert_eq!(
            roles(world.owner),
            vec![Role::Admin],
            "the previous owner stays on as ADMIN"
        );
        assert_eq!(roles(admin), vec![Role::Owner], "promoted on their own row");
        assert_eq!(
            resolve(&world.workspace.access, track).await?.1,
            admin,
            "the track's owner moved"
        );
        // The new owner hands it back: their row becomes ADMIN, the old owner's OWNER again.
        transfer_ownership(&world.workspace, &World::actor(admin), track, world.owner).await?;
        assert_eq!(
            (roles(world.owner), roles(admin)),
            (vec![Role::Owner], vec![Role::Admin])
        );
        transfer_ownership(&world.workspace, &World::actor(world.owner), track, admin).await?;
        let left = leave_resource(&world.workspace, &as_owner, track).await?;
        assert_eq!((left.status, left.removed_by), (MembershipStatus::Removed, None));
        assert!(active_on_track(&world, world.owner).is_empty());
        Ok(())
    }

    #[test]
    fn nobody_grants_owner_or_above_their_own_role() {
        for granter in Role::ALL {
            for role in Role::ALL {
                let result = grantable(role, granter);
                match (role, role <= granter) {
                    (Role::Owner, _) => assert!(
                        matches!(result, Err(AppError::InvalidInput { .. })),
                        "{role} by {granter}"
                    ),
                    (_, true) => assert!(result.is_ok(), "{role} by {granter}"),
                    (_, false) => assert!(matches!(result, Err(AppError::Forbidden(_))), "{role} by {granter}"),
                }
            }
        }
    }
}
