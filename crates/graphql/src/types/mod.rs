//! GraphQL object types. Each wraps a domain value; nested fields go through the dataloaders.

mod auth;
mod collaborator;
pub(crate) mod comment;
pub(crate) mod enums;
pub(crate) mod labels;
pub(crate) mod media;
mod node;
pub(crate) mod notification;
pub(crate) mod review;
pub(crate) mod sharing;
pub(crate) mod user;
mod workspace;

pub(crate) use auth::AuthPayloadNode;
pub(crate) use collaborator::{CollaboratorConnection, CollaboratorNode};
pub(crate) use comment::CommentNode;
pub(crate) use enums::{GqlImageTarget, GqlPlan, GqlProjectStatus, GqlRole, GqlTrackStatus};
pub(crate) use media::{FileNode, ImageNode};
pub(crate) use node::Node;
pub(crate) use user::{SubscriptionNode, UserNode};
pub(crate) use workspace::{ArtistSpaceConnection, ArtistSpaceNode, ProjectNode, TrackNode, my_spaces};

use backline_domain::ids::ArtistSpaceId;
use backline_domain::workspace::ResourcePath;

use crate::context::parts;
use crate::error::GqlResult;
use crate::loaders::{CollaboratorCount, CommentCount, FileCount, ProjectCount, TrackCount};

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
            TotalCount::MySpaces => backline_application::workspace::count_my_artist_spaces(app, &request.actor)
                .await
                .gql()?,
            TotalCount::Projects(space) => loader.load_one(ProjectCount(space)).await?.unwrap_or(0),
            TotalCount::Tracks(project) => loader.load_one(TrackCount(project)).await?.unwrap_or(0),
            TotalCount::Collaborators(resource) => loader.load_one(CollaboratorCount(resource)).await?.unwrap_or(0),
            TotalCount::Files(track) => loader.load_one(FileCount(track)).await?.unwrap_or(0),
            TotalCount::Notifications(unread_only) => {
                backline_application::notifications::count_notifications(app, &request.actor, unread_only)
                    .await
                    .gql()?
            }
            TotalCount::Comments(parent, id, path, resolved) => loader
                .load_one(CommentCount(parent, id, path, resolved))
                .await?
                .unwrap_or(0),
        })
    }
}
