//! Queries: artist spaces, projects and tracks.

use async_graphql::{Context, ID, Object};
use backline_application::workspace::{
    SpaceLookup, find_artist_space, find_project, find_project_by_short_id, find_track, find_track_by_short_id,
};
use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId};

use crate::common::context::parts;
use crate::common::error::{GqlResult, bad_input, exactly_one};
use crate::common::ids::{Kind, decode};
use crate::common::nodes::{ArtistSpaceConnection, ArtistSpaceNode, ProjectNode, TrackNode};
use crate::common::pagination::page_request;
use crate::workspace::ahead::{below_project, below_spaces};

/// Artist spaces, projects and tracks.
#[derive(Default)]
pub(crate) struct WorkspaceQuery;

/// Artist spaces, projects and tracks.
#[Object]
impl WorkspaceQuery {
    /// An artist space by id, short id or slug (alias slugs included). Give exactly one.
    async fn artist_space(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The space's global id.")] id: Option<ID>,
        #[graphql(desc = "The space's 6-character short id.")] short_id: Option<String>,
        #[graphql(desc = "The space's slug.")] slug: Option<String>,
    ) -> async_graphql::Result<ArtistSpaceNode> {
        let (app, request) = parts(ctx)?;
        exactly_one(
            "id, shortId, slug",
            [id.is_some(), short_id.is_some(), slug.is_some()]
                .into_iter()
                .filter(|given| *given)
                .count(),
        )?;
        let lookup = match (id, short_id, slug) {
            (Some(id), _, _) => SpaceLookup::Id(ArtistSpaceId(decode(Kind::ArtistSpace, &id, "id")?)),
            (None, Some(short_id), _) => SpaceLookup::ShortId(short_id),
            (None, None, Some(slug)) => SpaceLookup::Slug(slug),
            (None, None, None) => return Err(bad_input("id", "give exactly one of id, shortId, slug")),
        };
        let space = find_artist_space(&app.workspace, &request.actor, lookup).await.gql()?;
        below_spaces(ctx, false, std::slice::from_ref(&space)).await?;
        Ok(ArtistSpaceNode(space))
    }

    /// A project by id or short id. Give exactly one.
    async fn project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's global id.")] id: Option<ID>,
        #[graphql(desc = "The project's 6-character short id.")] short_id: Option<String>,
    ) -> async_graphql::Result<ProjectNode> {
        let (app, request) = parts(ctx)?;
        exactly_one(
            "id, shortId",
            usize::from(id.is_some()) + usize::from(short_id.is_some()),
        )?;
        let project = match (id, short_id) {
            (Some(id), _) => {
                find_project(
                    &app.workspace,
                    &request.actor,
                    ProjectId(decode(Kind::Project, &id, "id")?),
                )
                .await
            }
            (None, Some(short_id)) => find_project_by_short_id(&app.workspace, &request.actor, &short_id).await,
            (None, None) => return Err(bad_input("id", "give exactly one of id, shortId")),
        };
        let project = project.gql()?;
        below_project(ctx, &project).await?;
        Ok(ProjectNode(project))
    }

    /// A track by id or short id. Give exactly one.
    async fn track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track's global id.")] id: Option<ID>,
        #[graphql(desc = "The track's 6-character short id.")] short_id: Option<String>,
    ) -> async_graphql::Result<TrackNode> {
        let (app, request) = parts(ctx)?;
        exactly_one(
            "id, shortId",
            usize::from(id.is_some()) + usize::from(short_id.is_some()),
        )?;
        let track = match (id, short_id) {
            (Some(id), _) => find_track(&app.workspace, &request.actor, TrackId(decode(Kind::Track, &id, "id")?)).await,
            (None, Some(short_id)) => find_track_by_short_id(&app.workspace, &request.actor, &short_id).await,
            (None, None) => return Err(bad_input("id", "give exactly one of id, shortId")),
        };
        Ok(TrackNode(track.gql()?))
    }

    /// The artist spaces you own or collaborate on (with a role on the space itself), newest first.
    async fn my_artist_spaces(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<ArtistSpaceConnection> {
        crate::workspace::types::my_spaces(ctx, page_request(first, after, last, before)?).await
    }
}
