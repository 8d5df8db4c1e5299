//! What a connection's `totalCount` counts, resolved only when asked for.

use backline_domain::ids::ArtistSpaceId;
use backline_domain::workspace::ResourcePath;

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::loaders::{CollaboratorCount, CommentCount, FileCount, ProjectCount, TrackCount};

/// What a connection's `totalCount` counts; resolved lazily, only when asked for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TotalCount {
    /// Already known: the list was loaded whole.
    Known(u64),
    /// The caller's spaces.
    MySpaces,
    /// Projects of a space.
    Projects(ArtistSpaceId),
    /// Tracks of a project.
    Tracks(ResourcePath),
    /// Collaborators of a resource.
    Collaborators(ResourcePath),
    /// Files of a track.
    Files(ResourcePath),
    /// The caller's notifications (unread only, or all).
    Notifications(bool),
    /// Top-level comments of a file or track (id, its track's path, whether resolved ones count).
    Comments(
        backline_application::ports::CommentParent,
        uuid::Uuid,
        ResourcePath,
        bool,
    ),
}

impl TotalCount {
    pub(crate) async fn resolve(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<u64> {
        let (app, request) = parts(ctx)?;
        let loader = &request.loaders.0;
        Ok(match *self {
            TotalCount::Known(count) => count,
            TotalCount::MySpaces => {
                backline_application::workspace::count_my_artist_spaces(&app.workspace, &request.actor)
                    .await
                    .gql()?
            }
            TotalCount::Projects(space) => loader.load_one(ProjectCount(space)).await?.unwrap_or(0),
            TotalCount::Tracks(project) => loader.load_one(TrackCount(project)).await?.unwrap_or(0),
            TotalCount::Collaborators(resource) => loader.load_one(CollaboratorCount(resource)).await?.unwrap_or(0),
            TotalCount::Files(track) => loader.load_one(FileCount(track)).await?.unwrap_or(0),
            TotalCount::Notifications(unread_only) => backline_application::notifications::count_notifications(
                &app.notifications,
                &request.actor,
                unread_only,
            )
            .await
            .gql()?,
            TotalCount::Comments(parent, id, path, resolved) => loader
                .load_one(CommentCount(parent, id, path, resolved))
                .await?
                .unwrap_or(0),
        })
    }
}
