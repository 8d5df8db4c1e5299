//! Effective roles: the highest role a user holds on a resource or any of its ancestors.

use std::collections::{HashMap, HashSet};

use backline_domain::access::{Action, ResourceKind, permits};
use backline_domain::ids::UserId;
use backline_domain::roles::Role;
use backline_domain::workspace::{ResourcePath, effective_role as highest};

use super::Access;
use crate::Actor;
use crate::app::RoleMemo;
use crate::error::{AppError, AppResult};
use crate::ports::CollaboratorRepository;

fn kind_name(kind: ResourceKind) -> &'static str {
    match kind {
        ResourceKind::ArtistSpace => "artist space",
        ResourceKind::Project => "project",
        ResourceKind::Track => "track",
        ResourceKind::File => "file",
        ResourceKind::Comment => "comment",
    }
}

/// The roles `user` holds on `ids` themselves (keyed by id; absent where none), asking the
/// store only about ids `memo` (the operation's, when it is a query) has not seen.
async fn own_roles(
    collaborators: &dyn CollaboratorRepository,
    memo: Option<&RoleMemo>,
    user: UserId,
    ids: &[uuid::Uuid],
) -> AppResult<HashMap<uuid::Uuid, Role>> {
    let Some(memo) = memo else {
        return Ok(collaborators.roles_of(user, ids).await?);
    };
    let (mut known, missing) = memo.split(ids);
    if !missing.is_empty() {
        let found = collaborators.roles_of(user, &missing).await?;
        memo.store(&missing, &found);
        known.extend(found);
    }
    Ok(known)
}

/// The caller's effective role on `path`, or `None` for anonymous callers and non-members.
pub async fn effective_role(access: &Access, actor: &Actor, path: ResourcePath) -> AppResult<Option<Role>> {
    let Some(user) = actor.user_id() else {
        return Ok(None);
    };
    let held = own_roles(access.collaborators.as_ref(), actor.role_memo(), user, &path.lineage()).await?;
    Ok(highest(held.into_values()))
}

/// Whether `user` (not necessarily the caller) can read the resource at `path`.
pub async fn user_can_read(access: &Access, user: UserId, path: ResourcePath) -> AppResult<bool> {
    let held = access.collaborators.roles_of(user, &path.lineage()).await?;
    Ok(highest(held.into_values()).is_some_and(|role| permits(role, path.kind(), Action::Read)))
}

/// Those of `users` who may read the resource at `path`, with one look-up.
pub async fn readers_among(access: &Access, users: &[UserId], path: ResourcePath) -> AppResult<HashSet<UserId>> {
    readers_in(access.collaborators.as_ref(), users, path).await
}

/// [`readers_among`] over any collaborator store.
async fn readers_in(
    collaborators: &dyn CollaboratorRepository,
    users: &[UserId],
    path: ResourcePath,
) -> AppResult<HashSet<UserId>> {
    let held = collaborators.roles_of_users(users, &path.lineage()).await?;
    Ok(held
        .into_iter()
        .filter(|(_, roles)| {
            highest(roles.values().copied()).is_some_and(|role| permits(role, path.kind(), Action::Read))
        })
        .map(|(user, _)| user)
        .collect())
}

/// The caller's effective roles on many resources with one look-up, keyed by resource id.
pub async fn effective_roles(
    access: &Access,
    actor: &Actor,
    paths: &[ResourcePath],
) -> AppResult<HashMap<uuid::Uuid, Role>> {
    let Some(user) = actor.user_id() else {
        return Ok(HashMap::new());
    };
    let mut ids: Vec<uuid::Uuid> = paths.iter().flat_map(|path| path.lineage()).collect();
    ids.sort_unstable();
    ids.dedup();
    let held = own_roles(access.collaborators.as_ref(), actor.role_memo(), user, &ids).await?;
    Ok(paths
        .iter()
        .filter_map(|path| {
            highest(path.lineage().iter().filter_map(|id| held.get(id).copied())).map(|role| (path.id(), role))
        })
        .collect())
}

/// Checks that the caller may do `action` to the resource at `path` (of `kind`, which is the
/// path's own kind, or File/Comment judged on their track). Callers who cannot read the resource
/// get `NOT_FOUND`, exactly as if it did not exist; readers without the right get `FORBIDDEN`.
pub async fn authorize(
    access: &Access,
    actor: &Actor,
    path: ResourcePath,
    kind: ResourceKind,
    action: Action,
) -> AppResult<Role> {
    let role = readable_or_not_found(access, actor, path).await?;
    if permits(role, kind, action) {
        Ok(role)
    } else {
        Err(AppError::Forbidden(format!(
            "your role {role} may not {} this {}",
            match action {
                Action::Create => "create",
                Action::Read => "read",
                Action::Update => "change",
                Action::Delete => "delete",
            },
            kind_name(kind)
        )))
    }
}

/// Checks that the caller may create a `kind` inside the parent at `path`.
pub async fn authorize_create(
    access: &Access,
    actor: &Actor,
    parent: ResourcePath,
    kind: ResourceKind,
) -> AppResult<Role> {
    let role = readable_or_not_found(access, actor, parent).await?;
    if permits(role, kind, Action::Create) {
        Ok(role)
    } else {
        Err(AppError::Forbidden(format!(
            "your role {role} on this {} may not create a {} in it",
            kind_name(parent.kind()),
            kind_name(kind)
        )))
    }
}

/// The caller's role on a resource they can read; `NOT_FOUND` otherwise.
pub async fn readable_or_not_found(access: &Access, actor: &Actor, path: ResourcePath) -> AppResult<Role> {
    actor.require()?;
    match effective_role(access, actor, path).await? {
        Some(role) if permits(role, path.kind(), Action::Read) => Ok(role),
        _ => Err(AppError::NotFound(kind_name(path.kind()))),
    }
}

/// The subset of `paths` (in their order) the caller can read, with as few look-ups as the
/// hierarchy allows: a role held on an ancestor that permits reading the path's kind settles
/// the path, and the resources' own rows are looked up only for paths no ancestor settles.
/// Nested lists under a readable parent therefore cost one small look-up, not one over every
/// child; within one query, roles already looked up (the space's, at the level above) settle
/// the children with none.
pub async fn readable_paths(access: &Access, actor: &Actor, paths: &[ResourcePath]) -> AppResult<Vec<ResourcePath>> {
    match actor.user_id() {
        Some(user) => readable_by(access.collaborators.as_ref(), actor.role_memo(), user, paths).await,
        None => Ok(Vec::new()),
    }
}

/// Whether the roles in `held` (on any of `ids`) let their holder read `path`.
fn reads(held: &HashMap<uuid::Uuid, Role>, path: &ResourcePath, ids: &[uuid::Uuid]) -> bool {
    highest(ids.iter().filter_map(|id| held.get(id).copied()))
        .is_some_and(|role| permits(role, path.kind(), Action::Read))
}

/// The ids the `paths` that `settled` does not accept name through `ids_of`, once each.
fn open_ids(
    paths: &[ResourcePath],
    settled: impl Fn(&ResourcePath) -> bool,
    ids_of: impl Fn(&ResourcePath) -> Vec<uuid::Uuid>,
) -> Vec<uuid::Uuid> {
    let mut ids: Vec<uuid::Uuid> = paths.iter().filter(|path| !settled(path)).flat_map(ids_of).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// [`readable_paths`] for a known user, over the collaborator port and the operation's memo.
async fn readable_by(
    collaborators: &dyn CollaboratorRepository,
    memo: Option<&RoleMemo>,
    user: UserId,
    paths: &[ResourcePath],
) -> AppResult<Vec<ResourcePath>> {
    // Roles already looked up in this query may settle paths without asking again.
    let mut held: HashMap<uuid::Uuid, Role> = match memo {
        Some(memo) => memo.split(&open_ids(paths, |_| false, |path| path.lineage())).0,
        None => HashMap::new(),
    };
    let ancestors = open_ids(
        paths,
        |path| reads(&held, path, &path.ancestors()),
        |path| path.ancestors(),
    );
    if !ancestors.is_empty() {
        held.extend(own_roles(collaborators, memo, user, &ancestors).await?);
    }
    let own = open_ids(
        paths,
        |path| reads(&held, path, &path.ancestors()),
        |path| vec![path.id()],
    );
    if !own.is_empty() {
        held.extend(own_roles(collaborators, memo, user, &own).await?);
    }
    Ok(paths
        .iter()
        .copied()
        .filter(|path| reads(&held, path, &path.lineage()))
        .collect())
}

#[cfg(test)]
mod tests {
    use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId};
    use uuid::Uuid;

    use super::*;
    use crate::testing::MemoryCollaborators;

    fn tracks(space: ArtistSpaceId, project: ProjectId, n: usize) -> Vec<ResourcePath> {
        (0..n)
            .map(|_| ResourcePath::Track(space, project, TrackId(Uuid::now_v7())))
            .collect()
    }

    #[tokio::test]
    async fn a_role_on_the_space_settles_every_track_with_one_look_up() -> AppResult<()> {
        let rows = MemoryCollaborators::default();
        let user = UserId(Uuid::now_v7());
        let (space, project) = (ArtistSpaceId(Uuid::now_v7()), ProjectId(Uuid::now_v7()));
        rows.grant(ResourcePath::Space(space), user, Role::Viewer);
        let paths = tracks(space, project, 50);
        assert_eq!(readable_by(&rows, None, user, &paths).await?, paths);
        assert_eq!(rows.lookups(), 1);
        Ok(())
    }

    #[tokio::test]
    async fn own_rows_are_read_only_for_paths_no_ancestor_settles() -> AppResult<()> {
        let rows = MemoryCollaborators::default();
        let (user, stranger) = (UserId(Uuid::now_v7()), UserId(Uuid::now_v7()));
        let (space, project) = (ArtistSpaceId(Uuid::now_v7()), ProjectId(Uuid::now_v7()));
        let paths = tracks(space, project, 3);
        rows.grant(paths[1], user, Role::Editor);
        assert_eq!(readable_by(&rows, None, user, &paths).await?, vec![paths[1]]);
        assert_eq!(rows.lookups(), 2);
        assert!(readable_by(&rows, None, stranger, &paths).await?.is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn readers_of_a_track_are_found_for_every_recipient_in_one_look_up() -> AppResult<()> {
        let rows = MemoryCollaborators::default();
        let users: Vec<UserId> = (0..4).map(|_| UserId(Uuid::now_v7())).collect();
        let (space, project) = (ArtistSpaceId(Uuid::now_v7()), ProjectId(Uuid::now_v7()));
        let track = tracks(space, project, 1)[0];
        rows.grant(ResourcePath::Space(space), users[0], Role::Viewer);
        rows.grant(ResourcePath::Project(space, project), users[1], Role::Editor);
        rows.grant(track, users[2], Role::Admin);
        // users[3] holds nothing here; a role elsewhere does not count.
        rows.grant(
            ResourcePath::Space(ArtistSpaceId(Uuid::now_v7())),
            users[3],
            Role::Owner,
        );
        let readers = readers_in(&rows, &users, track).await?;
        assert_eq!(readers, users[..3].iter().copied().collect::<HashSet<_>>());
        assert_eq!(rows.lookups(), 1);
        Ok(())
    }

    #[tokio::test]
    async fn within_one_query_the_spaces_role_settles_every_level_below_it() -> AppResult<()> {
        let rows = MemoryCollaborators::default();
        let memo = RoleMemo::default();
        let (user, other) = (UserId(Uuid::now_v7()), UserId(Uuid::now_v7()));
        let (space, project) = (ArtistSpaceId(Uuid::now_v7()), ProjectId(Uuid::now_v7()));
        rows.grant(ResourcePath::Space(space), user, Role::Viewer);
        let space_path = [ResourcePath::Space(space)];
        assert_eq!(readable_by(&rows, Some(&memo), user, &space_path).await?, space_path);
        let projects = [ResourcePath::Project(space, project)];
        assert_eq!(readable_by(&rows, Some(&memo), user, &projects).await?, projects);
        let paths = tracks(space, project, 20);
        assert_eq!(readable_by(&rows, Some(&memo), user, &paths).await?, paths);
        assert_eq!(rows.lookups(), 1, "the space's role, looked up once for three levels");

        // What was found to be nothing is remembered too; the memo is one caller's, per query.
        let stranger_memo = RoleMemo::default();
        assert!(
            readable_by(&rows, Some(&stranger_memo), other, &paths)
                .await?
                .is_empty()
        );
        let asked = rows.lookups();
        assert!(
            readable_by(&rows, Some(&stranger_memo), other, &paths)
                .await?
                .is_empty()
        );
        assert_eq!(rows.lookups(), asked, "a second check of the same paths asks nothing");
        Ok(())
    }

    #[tokio::test]
    async fn without_a_memo_every_check_sees_the_current_rows() -> AppResult<()> {
        let rows = MemoryCollaborators::default();
        let user = UserId(Uuid::now_v7());
        let space = [ResourcePath::Space(ArtistSpaceId(Uuid::now_v7()))];
        assert!(readable_by(&rows, None, user, &space).await?.is_empty());
        rows.grant(space[0], user, Role::Viewer);
        assert_eq!(
            readable_by(&rows, None, user, &space).await?,
            space,
            "a mutation sees the grant"
        );
        Ok(())
    }

    #[tokio::test]
    async fn spaces_have_no_ancestors_and_keep_their_order() -> AppResult<()> {
        let rows = MemoryCollaborators::default();
        let user = UserId(Uuid::now_v7());
        let spaces: Vec<_> = (0..4)
            .map(|_| ResourcePath::Space(ArtistSpaceId(Uuid::now_v7())))
            .collect();
        rows.grant(spaces[3], user, Role::Owner);
        rows.grant(spaces[0], user, Role::Viewer);
        assert_eq!(
            readable_by(&rows, None, user, &spaces).await?,
            vec![spaces[0], spaces[3]]
        );
        assert_eq!(rows.lookups(), 1, "no ancestor look-up for spaces");
        Ok(())
    }
}
