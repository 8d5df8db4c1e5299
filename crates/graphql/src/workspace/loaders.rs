//! This context's dataloaders: spaces, projects and tracks by id, their pages, the caller's roles and collaborator pages, batched per request through use cases that
//! authorize the whole batch.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use backline_application::workspace::{
    collaborators_of, projects_by_ids, projects_in, spaces_by_ids, tracks_by_ids, tracks_in, viewer_roles,
};
use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId};
use backline_domain::page::{Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::workspace::{ArtistSpace, Collaborator, Project, ResourcePath, Track};

use crate::common::error::gql;
use crate::common::loaders::{Batch, LoadResult, by_id, by_request};

by_id!(ArtistSpaceId, ArtistSpace, workspace, spaces_by_ids);

by_id!(ProjectId, Project, workspace, projects_by_ids);

by_id!(TrackId, Track, workspace, tracks_by_ids);

/// Key of the viewer-role loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RoleOn(pub(crate) ResourcePath);

impl Loader<RoleOn> for Batch {
    type Value = Role;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[RoleOn]) -> LoadResult<RoleOn, Role> {
        let paths: Vec<ResourcePath> = keys.iter().map(|key| key.0).collect();
        let roles = viewer_roles(&self.app.workspace, &self.actor, &paths)
            .await
            .map_err(gql)?;
        Ok(keys
            .iter()
            .filter_map(|key| roles.get(&key.0.id()).map(|role| (*key, *role)))
            .collect())
    }
}

/// Key of the project-page loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ProjectsOf(pub(crate) ArtistSpaceId, pub(crate) PageRequest);

impl Loader<ProjectsOf> for Batch {
    type Value = Page<Project>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[ProjectsOf]) -> LoadResult<ProjectsOf, Page<Project>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, spaces) in by_request(&pairs) {
            for (space, page) in projects_in(&self.app.workspace, &self.actor, &spaces, request)
                .await
                .map_err(gql)?
            {
                out.insert(ProjectsOf(space, request), page);
            }
        }
        Ok(out)
    }
}

/// Key of the track-page loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct TracksOf(pub(crate) ResourcePath, pub(crate) PageRequest);

impl Loader<TracksOf> for Batch {
    type Value = Page<Track>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[TracksOf]) -> LoadResult<TracksOf, Page<Track>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, projects) in by_request(&pairs) {
            let pages = tracks_in(&self.app.workspace, &self.actor, &projects, request)
                .await
                .map_err(gql)?;
            for path in projects {
                if let ResourcePath::Project(_, project) = path
                    && let Some(page) = pages.get(&project)
                {
                    out.insert(TracksOf(path, request), page.clone());
                }
            }
        }
        Ok(out)
    }
}

/// Key of the collaborator-page loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CollaboratorsOf(pub(crate) ResourcePath, pub(crate) PageRequest);

impl Loader<CollaboratorsOf> for Batch {
    type Value = Page<Collaborator>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CollaboratorsOf]) -> LoadResult<CollaboratorsOf, Page<Collaborator>> {
        let pairs: Vec<_> = keys.iter().map(|key| (key.0, key.1)).collect();
        let mut out = HashMap::new();
        for (request, resources) in by_request(&pairs) {
            let pages = collaborators_of(&self.app.workspace, &self.actor, &resources, request)
                .await
                .map_err(gql)?;
            for path in resources {
                if let Some(page) = pages.get(&path.id()) {
                    out.insert(CollaboratorsOf(path, request), page.clone());
                }
            }
        }
        Ok(out)
    }
}
