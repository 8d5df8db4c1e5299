//! Creating, reading, changing and deleting tracks.

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{CollaboratorId, ProjectId, TrackId};
use backline_domain::roles::Role;
use backline_domain::values::{Name, ShortId, SlugType};
use backline_domain::workspace::{Collaborator, Track, TrackStatus};

use super::Workspace;
use super::resource::{load_project, load_space, load_track};
use super::slugs::{insert_with_unique_ids, premium_slug};
use crate::Actor;
use crate::access::{authorize, authorize_create, readable_or_not_found};
use crate::error::{AppError, AppResult};
use crate::ports::{RepoError, SiblingScope};

/// Input of `createTrack`.
#[derive(Debug, Clone)]
pub struct CreateTrack {
    /// The project to create it in.
    pub project_id: ProjectId,
    /// Song title.
    pub title: String,
    /// Starting status (DRAFT by default).
    pub status: Option<TrackStatus>,
    /// Whether it may be shared publicly (false by default).
    pub is_public: Option<bool>,
    /// A chosen slug (the space owner's plan must be PRO or higher).
    pub slug: Option<String>,
}

/// Input of `updateTrack`; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct UpdateTrack {
    /// New title.
    pub title: Option<String>,
    /// New status.
    pub status: Option<TrackStatus>,
    /// Share publicly or not.
    pub is_public: Option<bool>,
    /// A chosen slug (PRO plan).
    pub slug: Option<String>,
}

/// Creates a track in a project (Track C on the project: owner and admin).
pub async fn create_track(workspace: &Workspace, actor: &Actor, input: CreateTrack) -> AppResult<Track> {
    let creator = actor.require()?;
    let project = load_project(&workspace.access, input.project_id).await?;
    authorize_create(&workspace.access, actor, project.path(), ResourceKind::Track).await?;
    let title = Name::parse(&input.title, "title")?;
    let chosen = match input.slug.filter(|slug| !slug.trim().is_empty()) {
        Some(raw) => {
            let space_owner = load_space(&workspace.access, project.artist_space_id).await?.owner_id;
            Some(premium_slug(&workspace.access, space_owner, &raw).await?)
        }
        None => None,
    };
    let now = workspace.clock.now();
    let track = Track {
        id: TrackId(workspace.ids.uuid()),
        short_id: String::new(),
        slug: String::new(),
        slug_type: SlugType::Auto,
        title: title.as_str().to_owned(),
        project_id: project.id,
        artist_space_id: project.artist_space_id,
        owner_id: creator,
        status: input.status.unwrap_or(TrackStatus::Draft),
        is_public: input.is_public.unwrap_or(false),
        created_at: now,
        updated_at: now,
    };
    let collaborator = Collaborator::joining(
        CollaboratorId(workspace.ids.uuid()),
        track.path(),
        creator,
        Role::Owner,
        now,
    );
    insert_with_unique_ids(
        workspace,
        SiblingScope::TracksOf(project.id),
        &track.title.clone(),
        chosen,
        "another track in this project has this slug",
        |short_id, slug, slug_type| {
            let track = Track {
                short_id,
                slug,
                slug_type,
                ..track.clone()
            };
            let collaborator = &collaborator;
            async move {
                workspace
                    .access
                    .workspace
                    .insert_track(&track, collaborator)
                    .await
                    .map(|()| track)
            }
        },
    )
    .await
}

/// Finds a track the caller can read; `NOT_FOUND` otherwise.
pub async fn find_track(workspace: &Workspace, actor: &Actor, id: TrackId) -> AppResult<Track> {
    let track = load_track(&workspace.access, id).await?;
    readable_or_not_found(&workspace.access, actor, track.path()).await?;
    Ok(track)
}

/// Finds a track by short id.
pub async fn find_track_by_short_id(workspace: &Workspace, actor: &Actor, short_id: &str) -> AppResult<Track> {
    let short_id = ShortId::parse(short_id).map_err(|_| AppError::NotFound("track"))?;
    let track = workspace
        .access
        .workspace
        .track_by_short_id(short_id.as_str())
        .await?
        .ok_or(AppError::NotFound("track"))?;
    // A public track opens for anyone, signed in or not; its other fields still show only
    // what the caller may read (the latest and final versions, never collaborators or comments).
    if !track.is_public {
        readable_or_not_found(&workspace.access, actor, track.path()).await?;
    }
    Ok(track)
}

/// Changes a track (Track U: owner, admin and editor).
pub async fn update_track(workspace: &Workspace, actor: &Actor, id: TrackId, input: UpdateTrack) -> AppResult<Track> {
    let mut track = load_track(&workspace.access, id).await?;
    authorize(
        &workspace.access,
        actor,
        track.path(),
        ResourceKind::Track,
        Action::Update,
    )
    .await?;
    if let Some(title) = input.title {
        track.title = Name::parse(&title, "title")?.as_str().to_owned();
    }
    if let Some(status) = input.status {
        track.status = status;
    }
    if let Some(is_public) = input.is_public {
        track.is_public = is_public;
    }
    if let Some(raw) = input.slug {
        let space_owner = load_space(&workspace.access, track.artist_space_id).await?.owner_id;
        let (slug, slug_type) = premium_slug(&workspace.access, space_owner, &raw).await?;
        track.slug = slug.as_str().to_owned();
        track.slug_type = slug_type;
    }
    track.updated_at = workspace.clock.now();
    workspace
        .access
        .workspace
        .update_track(&track)
        .await
        .map_err(|error| match error {
            RepoError::Duplicate(_) => AppError::conflict("slug", "another track in this project has this slug"),
            other => other.into(),
        })?;
    Ok(track)
}

/// Deletes a track (Track D: owner and admin).
pub async fn delete_track(workspace: &Workspace, actor: &Actor, id: TrackId) -> AppResult<TrackId> {
    let track = load_track(&workspace.access, id).await?;
    authorize(
        &workspace.access,
        actor,
        track.path(),
        ResourceKind::Track,
        Action::Delete,
    )
    .await?;
    let released = workspace.access.workspace.delete_track(track.id).await?;
    crate::media::remove_blobs(&*workspace.blobs, &released).await;
    Ok(track.id)
}
