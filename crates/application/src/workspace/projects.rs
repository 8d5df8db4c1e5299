//! Creating, reading, changing and deleting projects.

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{ArtistSpaceId, CollaboratorId, ProjectId};
use backline_domain::roles::Role;
use backline_domain::values::{Description, Name, ShortId, SlugType};
use backline_domain::workspace::{Collaborator, Project, ProjectStatus};

use super::Workspace;
use super::resource::{load_project, load_space};
use super::slugs::{insert_with_unique_ids, premium_slug};
use crate::Actor;
use crate::access::{authorize, authorize_create, readable_or_not_found};
use crate::error::{AppError, AppResult};
use crate::ports::{RepoError, SiblingScope};

/// Input of `createProject`.
#[derive(Debug, Clone)]
pub struct CreateProject {
    /// The space to create it in.
    pub artist_space_id: ArtistSpaceId,
    /// Title.
    pub name: String,
    /// Notes.
    pub description: Option<String>,
    /// Starting status (DRAFT by default).
    pub status: Option<ProjectStatus>,
    /// A chosen slug (the space owner's plan must be PRO or higher).
    pub slug: Option<String>,
}

/// Input of `updateProject`; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct UpdateProject {
    /// New title.
    pub name: Option<String>,
    /// New notes, or clear them.
    pub description: Option<Option<String>>,
    /// New status.
    pub status: Option<ProjectStatus>,
    /// A chosen slug (PRO plan).
    pub slug: Option<String>,
}

/// Creates a project in a space (Project C on the space: owner and admin).
pub async fn create_project(workspace: &Workspace, actor: &Actor, input: CreateProject) -> AppResult<Project> {
    let creator = actor.require()?;
    let space = load_space(&workspace.access, input.artist_space_id).await?;
    authorize_create(&workspace.access, actor, space.path(), ResourceKind::Project).await?;
    let name = Name::parse(&input.name, "name")?;
    let description = input
        .description
        .map(|text| Description::parse(&text, "description"))
        .transpose()?
        .and_then(Description::into_inner);
    let chosen = match input.slug.filter(|slug| !slug.trim().is_empty()) {
        Some(raw) => Some(premium_slug(&workspace.access, space.owner_id, &raw).await?),
        None => None,
    };
    let now = workspace.clock.now();
    let project = Project {
        id: ProjectId(workspace.ids.uuid()),
        short_id: String::new(),
        slug: String::new(),
        slug_type: SlugType::Auto,
        name: name.as_str().to_owned(),
        image: None,
        description,
        artist_space_id: space.id,
        owner_id: creator,
        status: input.status.unwrap_or(ProjectStatus::Draft),
        created_at: now,
        updated_at: now,
    };
    let collaborator = Collaborator::joining(
        CollaboratorId(workspace.ids.uuid()),
        project.path(),
        creator,
        Role::Owner,
        now,
    );
    insert_with_unique_ids(
        workspace,
        SiblingScope::ProjectsOf(space.id),
        &project.name.clone(),
        chosen,
        "another project in this space has this slug",
        |short_id, slug, slug_type| {
            let project = Project {
                short_id,
                slug,
                slug_type,
                ..project.clone()
            };
            let collaborator = &collaborator;
            async move {
                workspace
                    .access
                    .workspace
                    .insert_project(&project, collaborator)
                    .await
                    .map(|()| project)
            }
        },
    )
    .await
}

/// Finds a project the caller can read; `NOT_FOUND` otherwise.
pub async fn find_project(workspace: &Workspace, actor: &Actor, id: ProjectId) -> AppResult<Project> {
    let project = load_project(&workspace.access, id).await?;
    readable_or_not_found(&workspace.access, actor, project.path()).await?;
    Ok(project)
}

/// Finds a project by short id.
pub async fn find_project_by_short_id(workspace: &Workspace, actor: &Actor, short_id: &str) -> AppResult<Project> {
    let short_id = ShortId::parse(short_id).map_err(|_| AppError::NotFound("project"))?;
    let project = workspace
        .access
        .workspace
        .project_by_short_id(short_id.as_str())
        .await?
        .ok_or(AppError::NotFound("project"))?;
    readable_or_not_found(&workspace.access, actor, project.path()).await?;
    Ok(project)
}

/// Changes a project (Project U: owner and admin).
pub async fn update_project(
    workspace: &Workspace,
    actor: &Actor,
    id: ProjectId,
    input: UpdateProject,
) -> AppResult<Project> {
    let mut project = load_project(&workspace.access, id).await?;
    authorize(
        &workspace.access,
        actor,
        project.path(),
        ResourceKind::Project,
        Action::Update,
    )
    .await?;
    if let Some(name) = input.name {
        project.name = Name::parse(&name, "name")?.as_str().to_owned();
    }
    if let Some(description) = input.description {
        project.description = description
            .map(|text| Description::parse(&text, "description"))
            .transpose()?
            .and_then(Description::into_inner);
    }
    if let Some(status) = input.status {
        project.status = status;
    }
    if let Some(raw) = input.slug {
        let space_owner = load_space(&workspace.access, project.artist_space_id).await?.owner_id;
        let (slug, slug_type) = premium_slug(&workspace.access, space_owner, &raw).await?;
        project.slug = slug.as_str().to_owned();
        project.slug_type = slug_type;
    }
    project.updated_at = workspace.clock.now();
    workspace
        .access
        .workspace
        .update_project(&project)
        .await
        .map_err(|error| match error {
            RepoError::Duplicate(_) => AppError::conflict("slug", "another project in this space has this slug"),
            other => other.into(),
        })?;
    Ok(project)
}

/// Deletes a project and its tracks in one transaction (Project D: owner and admin).
pub async fn delete_project(workspace: &Workspace, actor: &Actor, id: ProjectId) -> AppResult<ProjectId> {
    let project = load_project(&workspace.access, id).await?;
    authorize(
        &workspace.access,
        actor,
        project.path(),
        ResourceKind::Project,
        Action::Delete,
    )
    .await?;
    let released = workspace.access.workspace.delete_project(project.id).await?;
    crate::media::remove_blobs(&*workspace.blobs, &released).await;
    Ok(project.id)
}
