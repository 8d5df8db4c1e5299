//! Naming a space, project or track generically (collaborators apply to all three).

use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId, UserId};
use backline_domain::workspace::ResourcePath;

use crate::App;
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

/// Loads where a resource sits and who owns it; `NOT_FOUND` when it does not exist.
pub async fn resolve(app: &App, resource: ResourceRef) -> AppResult<(ResourcePath, UserId)> {
    match resource {
        ResourceRef::Space(id) => app
            .workspace
            .spaces(&[id])
            .await?
            .pop()
            .map(|space| (space.path(), space.owner_id))
            .ok_or(AppError::NotFound("artist space")),
        ResourceRef::Project(id) => app
            .workspace
            .projects(&[id])
            .await?
            .pop()
            .map(|project| (project.path(), project.owner_id))
            .ok_or(AppError::NotFound("project")),
        ResourceRef::Track(id) => app
            .workspace
            .tracks(&[id])
            .await?
            .pop()
            .map(|track| (track.path(), track.owner_id))
            .ok_or(AppError::NotFound("track")),
    }
}
