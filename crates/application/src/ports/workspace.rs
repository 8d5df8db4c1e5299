//! Artist spaces, projects and tracks.

use std::collections::HashMap;

use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId, UserId};
use backline_domain::page::{Page, PageRequest};
use backline_domain::workspace::{ArtistSpace, Collaborator, Project, Track};

use super::RepoResult;

/// Where a slug must be unique: all spaces, or the children of one parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiblingScope {
    /// Space slugs are globally unique.
    Spaces,
    /// Project slugs are unique within their space.
    ProjectsOf(ArtistSpaceId),
    /// Track slugs are unique within their project.
    TracksOf(ProjectId),
}

/// Stores the workspace hierarchy.
///
/// # Errors
/// Inserts and updates return `Duplicate(Unique::ShortId)` on a short-id collision (the caller draws
/// another) and `Duplicate(Unique::Slug)` when the slug is taken among siblings; the rest fail only
/// when the store fails.
#[async_trait::async_trait]
pub trait WorkspaceRepository: Send + Sync + 'static {
    /// Stores a space and its OWNER collaborator in one transaction.
    async fn insert_space(&self, space: &ArtistSpace, owner: &Collaborator) -> RepoResult<()>;
    /// Stores a project and its OWNER collaborator in one transaction.
    async fn insert_project(&self, project: &Project, owner: &Collaborator) -> RepoResult<()>;
    /// Stores a track and its OWNER collaborator in one transaction.
    async fn insert_track(&self, track: &Track, owner: &Collaborator) -> RepoResult<()>;

    /// Saves a space's editable fields.
    async fn update_space(&self, space: &ArtistSpace) -> RepoResult<()>;
    /// Saves a project's editable fields.
    async fn update_project(&self, project: &Project) -> RepoResult<()>;
    /// Saves a track's editable fields, with a `TrackUpdated` event, in one transaction.
    async fn update_track(&self, track: &Track) -> RepoResult<()>;

    /// Deletes a space with all its projects, tracks and collaborators in one transaction.
    /// Files and images inside go too, their bytes returned to their owners' storage; the
    /// result lists the blob keys they held, for the caller to remove.
    async fn delete_space(&self, id: ArtistSpaceId) -> RepoResult<Vec<String>>;
    /// Deletes a project with its tracks and collaborators in one transaction.
    async fn delete_project(&self, id: ProjectId) -> RepoResult<Vec<String>>;
    /// Deletes a track and its collaborators in one transaction.
    async fn delete_track(&self, id: TrackId) -> RepoResult<Vec<String>>;

    /// Spaces by id.
    async fn spaces(&self, ids: &[ArtistSpaceId]) -> RepoResult<Vec<ArtistSpace>>;
    /// Projects by id.
    async fn projects(&self, ids: &[ProjectId]) -> RepoResult<Vec<Project>>;
    /// Tracks by id.
    async fn tracks(&self, ids: &[TrackId]) -> RepoResult<Vec<Track>>;
    /// A space by short id.
    async fn space_by_short_id(&self, short_id: &str) -> RepoResult<Option<ArtistSpace>>;
    /// A space by slug.
    async fn space_by_slug(&self, slug: &str) -> RepoResult<Option<ArtistSpace>>;
    /// A project by short id.
    async fn project_by_short_id(&self, short_id: &str) -> RepoResult<Option<Project>>;
    /// A track by short id.
    async fn track_by_short_id(&self, short_id: &str) -> RepoResult<Option<Track>>;

    /// Slugs in `scope` that equal `stem` or start with `stem-`, for picking a free suffix.
    async fn slugs_like(&self, scope: SiblingScope, stem: &str) -> RepoResult<Vec<String>>;

    /// A page of the spaces a user holds a role on directly, newest first.
    async fn spaces_of_user(&self, user: UserId, page: PageRequest) -> RepoResult<Page<ArtistSpace>>;
    /// How many spaces a user holds a role on directly.
    async fn count_spaces_of_user(&self, user: UserId) -> RepoResult<u64>;
    /// A page of each space's projects, newest first.
    async fn projects_of(
        &self,
        spaces: &[ArtistSpaceId],
        page: PageRequest,
    ) -> RepoResult<HashMap<ArtistSpaceId, Page<Project>>>;
    /// How many projects each space has.
    async fn count_projects_of(&self, spaces: &[ArtistSpaceId]) -> RepoResult<HashMap<ArtistSpaceId, u64>>;
    /// A page of each project's tracks, newest first.
    async fn tracks_of(&self, projects: &[ProjectId], page: PageRequest)
    -> RepoResult<HashMap<ProjectId, Page<Track>>>;
    /// How many tracks each project has.
    async fn count_tracks_of(&self, projects: &[ProjectId]) -> RepoResult<HashMap<ProjectId, u64>>;
}
