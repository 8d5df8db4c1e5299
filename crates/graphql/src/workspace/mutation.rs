//! Creating, changing and deleting artist spaces, projects and tracks.

use async_graphql::{Context, ID, InputObject, Json, MaybeUndefined, Object};
use backline_application::workspace::{
    self as uc, CreateArtistSpace, CreateProject, CreateTrack, UpdateArtistSpace, UpdateProject, UpdateTrack,
};
use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId};

use crate::common::args::maybe;
use crate::common::context::parts;
use crate::common::enums::{GqlProjectStatus, GqlTrackStatus};
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode, encode};
use crate::common::nodes::{ArtistSpaceNode, ProjectNode, TrackNode};

#[derive(Default)]
pub(crate) struct WorkspaceMutation;

/// Input of `createArtistSpace`.
#[derive(InputObject)]
struct CreateArtistSpaceInput {
    /// Artist, band or label name (1-120 characters).
    name: String,
    /// A custom URL slug (needs the PRO plan or higher); derived from the name when omitted.
    slug: Option<String>,
    /// Short biography (up to 5,000 characters).
    bio: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    country_code: Option<String>,
    /// Named http(s) links, e.g. `{"website": "https://…"}` (at most 20).
    links: Option<Json<serde_json::Value>>,
}

/// Input of `updateArtistSpace`. Omitted fields stay; `null` clears a clearable one.
#[derive(InputObject)]
struct UpdateArtistSpaceInput {
    /// New name (the slug stays, so shared links keep working).
    name: Option<String>,
    /// A custom URL slug (needs the PRO plan or higher).
    slug: Option<String>,
    /// New biography, or null to clear it.
    bio: MaybeUndefined<String>,
    /// New country code, or null to clear it.
    country_code: MaybeUndefined<String>,
    /// New links (replace all).
    links: Option<Json<serde_json::Value>>,
}

/// Input of `createProject`.
#[derive(InputObject)]
struct CreateProjectInput {
    /// The space to create the project in.
    artist_space_id: ID,
    /// Title (1-120 characters).
    name: String,
    /// Notes (up to 5,000 characters).
    description: Option<String>,
    /// Starting status (DRAFT when omitted).
    status: Option<GqlProjectStatus>,
    /// A custom URL slug (the space owner needs the PRO plan or higher).
    slug: Option<String>,
}

/// Input of `updateProject`. Omitted fields stay; `null` clears a clearable one.
#[derive(InputObject)]
struct UpdateProjectInput {
    /// New title.
    name: Option<String>,
    /// New notes, or null to clear them.
    description: MaybeUndefined<String>,
    /// New status.
    status: Option<GqlProjectStatus>,
    /// A custom URL slug (the space owner needs the PRO plan or higher).
    slug: Option<String>,
}

/// Input of `createTrack`.
#[derive(InputObject)]
struct CreateTrackInput {
    /// The project to create the track in.
    project_id: ID,
    /// Song title (1-120 characters).
    title: String,
    /// Starting status (DRAFT when omitted).
    status: Option<GqlTrackStatus>,
    /// Whether it may be shared publicly (false when omitted).
    is_public: Option<bool>,
    /// A custom URL slug (the space owner needs the PRO plan or higher).
    slug: Option<String>,
}

/// Input of `updateTrack`. Omitted fields stay.
#[derive(InputObject)]
struct UpdateTrackInput {
    /// New title.
    title: Option<String>,
    /// New status.
    status: Option<GqlTrackStatus>,
    /// Share publicly or not.
    is_public: Option<bool>,
    /// A custom URL slug (the space owner needs the PRO plan or higher).
    slug: Option<String>,
}

#[Object]
impl WorkspaceMutation {
    /// Creates an artist space; you become its OWNER.
    async fn create_artist_space(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new space.")] input: CreateArtistSpaceInput,
    ) -> async_graphql::Result<ArtistSpaceNode> {
        let (app, request) = parts(ctx)?;
        let input = CreateArtistSpace {
            name: input.name,
            slug: input.slug,
            bio: input.bio,
            country_code: input.country_code,
            links: input.links.map(|links| links.0),
        };
        Ok(ArtistSpaceNode(
            uc::create_artist_space(&app.workspace, &request.actor, input)
                .await
                .gql()?,
        ))
    }

    /// Changes an artist space (OWNER or ADMIN).
    async fn update_artist_space(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The space's id.")] id: ID,
        #[graphql(desc = "The fields to change.")] input: UpdateArtistSpaceInput,
    ) -> async_graphql::Result<ArtistSpaceNode> {
        let (app, request) = parts(ctx)?;
        let id = ArtistSpaceId(decode(Kind::ArtistSpace, &id, "id")?);
        let input = UpdateArtistSpace {
            name: input.name,
            slug: input.slug,
            bio: maybe(input.bio),
            country_code: maybe(input.country_code),
            links: input.links.map(|links| links.0),
        };
        Ok(ArtistSpaceNode(
            uc::update_artist_space(&app.workspace, &request.actor, id, input)
                .await
                .gql()?,
        ))
    }

    /// Deletes an artist space with all its projects and tracks (OWNER only). Returns its id.
    async fn delete_artist_space(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The space's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let id = ArtistSpaceId(decode(Kind::ArtistSpace, &id, "id")?);
        let deleted = uc::delete_artist_space(&app.workspace, &request.actor, id)
            .await
            .gql()?;
        Ok(encode(Kind::ArtistSpace, deleted.0))
    }

    /// Creates a project in a space (OWNER or ADMIN of the space); you become its OWNER.
    async fn create_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new project.")] input: CreateProjectInput,
    ) -> async_graphql::Result<ProjectNode> {
        let (app, request) = parts(ctx)?;
        let input = CreateProject {
            artist_space_id: ArtistSpaceId(decode(Kind::ArtistSpace, &input.artist_space_id, "artistSpaceId")?),
            name: input.name,
            description: input.description,
            status: input.status.map(Into::into),
            slug: input.slug,
        };
        Ok(ProjectNode(
            uc::create_project(&app.workspace, &request.actor, input).await.gql()?,
        ))
    }

    /// Changes a project (OWNER or ADMIN).
    async fn update_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's id.")] id: ID,
        #[graphql(desc = "The fields to change.")] input: UpdateProjectInput,
    ) -> async_graphql::Result<ProjectNode> {
        let (app, request) = parts(ctx)?;
        let id = ProjectId(decode(Kind::Project, &id, "id")?);
        let input = UpdateProject {
            name: input.name,
            description: maybe(input.description),
            status: input.status.map(Into::into),
            slug: input.slug,
        };
        Ok(ProjectNode(
            uc::update_project(&app.workspace, &request.actor, id, input)
                .await
                .gql()?,
        ))
    }

    /// Deletes a project with its tracks (OWNER or ADMIN). Returns its id.
    async fn delete_project(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The project's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let id = ProjectId(decode(Kind::Project, &id, "id")?);
        let deleted = uc::delete_project(&app.workspace, &request.actor, id).await.gql()?;
        Ok(encode(Kind::Project, deleted.0))
    }

    /// Creates a track in a project (OWNER or ADMIN); you become its OWNER.
    async fn create_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new track.")] input: CreateTrackInput,
    ) -> async_graphql::Result<TrackNode> {
        let (app, request) = parts(ctx)?;
        let input = CreateTrack {
            project_id: ProjectId(decode(Kind::Project, &input.project_id, "projectId")?),
            title: input.title,
            status: input.status.map(Into::into),
            is_public: input.is_public,
            slug: input.slug,
        };
        Ok(TrackNode(
            uc::create_track(&app.workspace, &request.actor, input).await.gql()?,
        ))
    }

    /// Changes a track (OWNER, ADMIN or EDITOR).
    async fn update_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track's id.")] id: ID,
        #[graphql(desc = "The fields to change.")] input: UpdateTrackInput,
    ) -> async_graphql::Result<TrackNode> {
        let (app, request) = parts(ctx)?;
        let id = TrackId(decode(Kind::Track, &id, "id")?);
        let input = UpdateTrack {
            title: input.title,
            status: input.status.map(Into::into),
            is_public: input.is_public,
            slug: input.slug,
        };
        Ok(TrackNode(
            uc::update_track(&app.workspace, &request.actor, id, input)
                .await
                .gql()?,
        ))
    }

    /// Deletes a track (OWNER or ADMIN). Returns its id.
    async fn delete_track(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track's id.")] id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let id = TrackId(decode(Kind::Track, &id, "id")?);
        let deleted = uc::delete_track(&app.workspace, &request.actor, id).await.gql()?;
        Ok(encode(Kind::Track, deleted.0))
    }
}
