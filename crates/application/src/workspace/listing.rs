//! Lists and batched look-ups for the API's nested fields. Each function authorizes the whole
//! batch with at most two role look-ups, so nesting never costs a query per item.

use std::collections::HashMap;

use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId};
use backline_domain::page::{Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::workspace::{ArtistSpace, Collaborator, Project, ResourcePath, Track};
use uuid::Uuid;

use super::Workspace;
use crate::Actor;
use crate::access::{effective_roles, readable_paths};
use crate::error::AppResult;

/// The caller's effective role on each of `paths` (absent when none), keyed by resource id.
pub async fn viewer_roles(
    workspace: &Workspace,
    actor: &Actor,
    paths: &[ResourcePath],
) -> AppResult<HashMap<Uuid, Role>> {
    effective_roles(&workspace.access, actor, paths).await
}

/// The spaces the caller holds a role on directly, newest first. Within a query, the spaces
/// the caller owns are remembered as theirs to OWN (the owner's row and `owner_id` change
/// together), so the lists nested below them need no role look-up.
pub async fn my_artist_spaces(workspace: &Workspace, actor: &Actor, page: PageRequest) -> AppResult<Page<ArtistSpace>> {
    let user = actor.require()?;
    let spaces = workspace.access.workspace.spaces_of_user(user, page).await?;
    if let Some(memo) = actor.role_memo() {
        let owned: HashMap<Uuid, Role> = spaces
            .items
            .iter()
            .filter(|space| space.owner_id == user)
            .map(|space| (space.id.0, Role::Owner))
            .collect();
        let ids: Vec<Uuid> = owned.keys().copied().collect();
        memo.store(&ids, &owned);
    }
    Ok(spaces)
}

/// How many spaces the caller holds a role on directly.
pub async fn count_my_artist_spaces(workspace: &Workspace, actor: &Actor) -> AppResult<u64> {
    let user = actor.require()?;
    Ok(workspace.access.workspace.count_spaces_of_user(user).await?)
}

/// Spaces by id that the caller can read (others are left out).
pub async fn spaces_by_ids(workspace: &Workspace, actor: &Actor, ids: &[ArtistSpaceId]) -> AppResult<Vec<ArtistSpace>> {
    let spaces = workspace.access.workspace.spaces(ids).await?;
    let paths: Vec<_> = spaces.iter().map(ArtistSpace::path).collect();
    let allowed = readable_paths(&workspace.access, actor, &paths).await?;
    Ok(spaces
        .into_iter()
        .filter(|space| allowed.contains(&space.path()))
        .collect())
}

/// Projects by id that the caller can read.
pub async fn projects_by_ids(workspace: &Workspace, actor: &Actor, ids: &[ProjectId]) -> AppResult<Vec<Project>> {
    let projects = workspace.access.workspace.projects(ids).await?;
    let paths: Vec<_> = projects.iter().map(Project::path).collect();
    let allowed = readable_paths(&workspace.access, actor, &paths).await?;
    Ok(projects
        .into_iter()
        .filter(|project| allowed.contains(&project.path()))
        .collect())
}

/// Tracks by id that the caller can read.
pub async fn tracks_by_ids(workspace: &Workspace, actor: &Actor, ids: &[TrackId]) -> AppResult<Vec<Track>> {
    let tracks = workspace.access.workspace.tracks(ids).await?;
    let paths: Vec<_> = tracks.iter().map(Track::path).collect();
    let allowed = readable_paths(&workspace.access, actor, &paths).await?;
    Ok(tracks
        .into_iter()
        .filter(|track| allowed.contains(&track.path()))
        .collect())
}

fn space_ids(paths: &[ResourcePath]) -> Vec<ArtistSpaceId> {
    paths
        .iter()
        .filter_map(|path| match path {
            ResourcePath::Space(id) => Some(*id),
            _ => None,
        })
        .collect()
}

fn project_ids(paths: &[ResourcePath]) -> Vec<ProjectId> {
    paths
        .iter()
        .filter_map(|path| match path {
            ResourcePath::Project(_, id) => Some(*id),
            _ => None,
        })
        .collect()
}

/// A page of projects of each readable space in `spaces`.
pub async fn projects_in(
    workspace: &Workspace,
    actor: &Actor,
    spaces: &[ArtistSpaceId],
    page: PageRequest,
) -> AppResult<HashMap<ArtistSpaceId, Page<Project>>> {
    let paths: Vec<_> = spaces.iter().map(|id| ResourcePath::Space(*id)).collect();
    let allowed = space_ids(&readable_paths(&workspace.access, actor, &paths).await?);
    Ok(workspace.access.workspace.projects_of(&allowed, page).await?)
}

/// How many projects each readable space has.
pub async fn count_projects_in(
    workspace: &Workspace,
    actor: &Actor,
    spaces: &[ArtistSpaceId],
) -> AppResult<HashMap<ArtistSpaceId, u64>> {
    let paths: Vec<_> = spaces.iter().map(|id| ResourcePath::Space(*id)).collect();
    let allowed = space_ids(&readable_paths(&workspace.access, actor, &paths).await?);
    Ok(workspace.access.workspace.count_projects_of(&allowed).await?)
}

/// A page of tracks of each readable project in `projects`.
pub async fn tracks_in(
    workspace: &Workspace,
    actor: &Actor,
    projects: &[ResourcePath],
    page: PageRequest,
) -> AppResult<HashMap<ProjectId, Page<Track>>> {
    let allowed = project_ids(&readable_paths(&workspace.access, actor, projects).await?);
    Ok(workspace.access.workspace.tracks_of(&allowed, page).await?)
}

/// How many tracks each readable project has.
pub async fn count_tracks_in(
    workspace: &Workspace,
    actor: &Actor,
    projects: &[ResourcePath],
) -> AppResult<HashMap<ProjectId, u64>> {
    let allowed = project_ids(&readable_paths(&workspace.access, actor, projects).await?);
    Ok(workspace.access.workspace.count_tracks_of(&allowed).await?)
}

/// A page of collaborators of each readable resource in `resources`, keyed by resource id.
pub async fn collaborators_of(
    workspace: &Workspace,
    actor: &Actor,
    resources: &[ResourcePath],
    page: PageRequest,
) -> AppResult<HashMap<Uuid, Page<Collaborator>>> {
    let allowed: Vec<Uuid> = readable_paths(&workspace.access, actor, resources)
        .await?
        .iter()
        .map(|path| path.id())
        .collect();
    Ok(workspace.access.collaborators.page_for(&allowed, page).await?)
}

/// How many collaborators each readable resource has.
pub async fn count_collaborators_of(
    workspace: &Workspace,
    actor: &Actor,
    resources: &[ResourcePath],
) -> AppResult<HashMap<Uuid, u64>> {
    let allowed: Vec<Uuid> = readable_paths(&workspace.access, actor, resources)
        .await?
        .iter()
        .map(|path| path.id())
        .collect();
    Ok(workspace.access.collaborators.count_for(&allowed).await?)
}
