//! Loading ahead below artist spaces and projects (see `common::ahead`): their projects,
//! tracks, collaborators and the people those are, as far down that chain as the query selects.

use async_graphql::Context;
use backline_application::workspace::{collaborators_of, projects_in, tracks_in};
use backline_domain::ids::ArtistSpaceId;
use backline_domain::workspace::{ArtistSpace, Project, ResourcePath, Track};

use crate::common::ahead::{Level, items, page_of, people};
use crate::common::error::gql;
use crate::workspace::loaders::{CollaboratorsOf, ProjectsOf, TracksOf};

/// Loads ahead below the artist spaces `ctx`'s field returns (`connection`: as a connection).
pub(crate) async fn below_spaces(
    ctx: &Context<'_>,
    connection: bool,
    spaces: &[ArtistSpace],
) -> async_graphql::Result<()> {
    match Level::of(ctx, connection) {
        Some(level) if !spaces.is_empty() => spaces_level(&level, spaces).await,
        _ => Ok(()),
    }
}

/// Loads ahead below the project `ctx`'s field returns.
pub(crate) async fn below_project(ctx: &Context<'_>, project: &Project) -> async_graphql::Result<()> {
    match Level::of(ctx, false) {
        Some(level) => projects_level(&level, std::slice::from_ref(project)).await,
        None => Ok(()),
    }
}

async fn spaces_level(level: &Level<'_>, spaces: &[ArtistSpace]) -> async_graphql::Result<()> {
    collaborators_level(level, spaces.iter().map(ArtistSpace::path).collect()).await?;
    let ids: Vec<ArtistSpaceId> = spaces.iter().map(|space| space.id).collect();
    for field in level.children("projects") {
        let Some(page) = page_of(&field) else { continue };
        let mut pages = projects_in(&level.app.workspace, level.actor(), &ids, page)
            .await
            .map_err(gql)?;
        let projects = items(&pages);
        level.request.loaders.prime(
            ids.iter()
                .map(|id| (ProjectsOf(*id, page), pages.remove(id).unwrap_or_default())),
        );
        if !projects.is_empty() {
            projects_level(&level.below(field), &projects).await?;
        }
    }
    Ok(())
}

async fn projects_level(level: &Level<'_>, projects: &[Project]) -> async_graphql::Result<()> {
    let paths: Vec<ResourcePath> = projects.iter().map(Project::path).collect();
    collaborators_level(level, paths.clone()).await?;
    for field in level.children("tracks") {
        let Some(page) = page_of(&field) else { continue };
        let mut pages = tracks_in(&level.app.workspace, level.actor(), &paths, page)
            .await
            .map_err(gql)?;
        let tracks = items(&pages);
        level.request.loaders.prime(paths.iter().filter_map(|path| match path {
            ResourcePath::Project(_, project) => {
                Some((TracksOf(*path, page), pages.remove(project).unwrap_or_default()))
            }
            _ => None,
        }));
        if !tracks.is_empty() {
            collaborators_level(&level.below(field), tracks.iter().map(Track::path).collect()).await?;
        }
    }
    Ok(())
}

/// The collaborators of the resources at `paths`, and the people they are, when selected.
async fn collaborators_level(level: &Level<'_>, paths: Vec<ResourcePath>) -> async_graphql::Result<()> {
    for field in level.children("collaborators") {
        let Some(page) = page_of(&field) else { continue };
        let mut pages = collaborators_of(&level.app.workspace, level.actor(), &paths, page)
            .await
            .map_err(gql)?;
        let users: Vec<_> = pages
            .values()
            .flat_map(|page| page.items.iter().map(|collaborator| collaborator.user_id))
            .collect();
        level.request.loaders.prime(paths.iter().map(|path| {
            (
                CollaboratorsOf(*path, page),
                pages.remove(&path.id()).unwrap_or_default(),
            )
        }));
        if !level.below(field).children("user").is_empty() {
            people(level, users).await?;
        }
    }
    Ok(())
}
