//! Naming a space, project or track generically (collaborators apply to all three).

use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId, UserId};
use backline_domain::workspace::{ArtistSpace, Project, ResourcePath, Track};

use crate::access::Access;
use crate::error::{AppError, AppResult};

/// A space, project or track by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceRef {
    /// An artist space.
    Space(ArtistSpaceId),
    /// A project.
    Project(ProjectId),
    /// A track.
    Track(TrackId),
}

/// Loads a space by id, without any access check; `NOT_FOUND` when it does not exist.
pub(crate) async fn load_space(access: &Access, id: ArtistSpaceId) -> AppResult<ArtistSpace> {
    access
        .workspace
        .spaces(&[id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("artist space"))
}

/// Loads a project by id, without any access check; `NOT_FOUND` when it does not exist.
pub(crate) async fn load_project(access: &Access, id: ProjectId) -> AppResult<Project> {
    access
        .workspace
        .projects(&[id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("project"))
}

/// Loads a track by id, without any access check; `NOT_FOUND` when it does not exist.
pub(crate) async fn load_track(access: &Access, id: TrackId) -> AppResult<Track> {
    access
        .workspace
        .tracks(&[id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("track"))
}

/// Loads where a resource sits and who owns it; `NOT_FOUND` when it does not exist.
pub async fn resolve(access: &Access, resource: ResourceRef) -> AppResult<(ResourcePath, UserId)> {
    Ok(match resource {
        ResourceRef::Space(id) => load_space(access, id)
            .await
            .map(|space| (space.path(), space.owner_id))?,
        ResourceRef::Project(id) => load_project(access, id)
            .await
            .map(|project| (project.path(), project.owner_id))?,
        ResourceRef::Track(id) => load_track(access, id)
            .await
            .map(|track| (track.path(), track.owner_id))?,
    })
}
