//! Artist spaces, projects and tracks.

use async_graphql::{Context, ID, Json, Object};
use backline_application::media::TrackVersion;
use backline_application::ports::CommentParent;
use backline_application::workspace::my_artist_spaces;
use backline_domain::page::PageRequest;

use crate::common::context::parts;
use crate::common::enums::{GqlCommentOrder, GqlProjectStatus, GqlTrackStatus};
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, encode};
use crate::common::images::image_of;
use crate::common::nodes::{
    ArtistSpaceConnection, ArtistSpaceNode, CommentConnection, FileConnection, FileNode, ImageNode, ProjectConnection,
    ProjectNode, TrackConnection, TrackNode,
};
use crate::common::pagination::page_request;
use crate::common::total_count::TotalCount;
use crate::feedback::types::comments_field;
use crate::media::loaders::{FilesOf, TrackFile};
use crate::workspace::loaders::{ProjectsOf, TracksOf};
use crate::workspace::resource::ResourceFields;

/// The caller's artist spaces as a connection (for `myArtistSpaces` and `me.artistSpaces`).
pub(crate) async fn my_spaces(ctx: &Context<'_>, request: PageRequest) -> async_graphql::Result<ArtistSpaceConnection> {
    let (app, context) = parts(ctx)?;
    let page = my_artist_spaces(&app.workspace, &context.actor, request).await.gql()?;
    crate::workspace::ahead::below_spaces(ctx, true, &page.items).await?;
    Ok(ArtistSpaceConnection::new(page, TotalCount::MySpaces))
}

impl ArtistSpaceNode {
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }
}

/// An artist, band or label: the top-level container of projects.
#[Object(name = "ArtistSpace")]
impl ArtistSpaceNode {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::ArtistSpace, self.0.id.0)
    }

    /// The fields every space, project and track has.
    #[graphql(flatten)]
    async fn resource(&self) -> ResourceFields {
        ResourceFields::space(&self.0)
    }

    /// Artist, band or label name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The artist image, with thumbnail and medium variants; set it with `uploadImage`.
    async fn image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ImageNode>> {
        image_of(ctx, self.0.image.as_deref()).await
    }

    /// Short biography.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }

    /// ISO 3166-1 alpha-2 country code.
    async fn country_code(&self) -> Option<&str> {
        self.0.country_code.as_deref()
    }

    /// Named links, e.g. `{"website": "https://…", "bandcamp": "https://…"}`.
    async fn links(&self) -> Json<serde_json::Value> {
        Json(self.0.links.clone())
    }

    /// The profile: long "about" text, social handles, press kits and visuals.
    async fn profile(&self, ctx: &Context<'_>) -> async_graphql::Result<crate::common::nodes::ArtistProfileNode> {
        let (_, request) = parts(ctx)?;
        request
            .loaders
            .0
            .load_one(crate::creators::loaders::ProfileOf(self.0.id))
            .await?
            .map(crate::common::nodes::ArtistProfileNode)
            .ok_or_else(|| async_graphql::Error::new("profile is missing"))
    }

    /// Press-kit documents stored in this space (`uploadDocument`), newest first, listed in the
    /// profile or not.
    async fn documents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::common::nodes::DocumentNode>> {
        let (app, request) = parts(ctx)?;
        let documents = backline_application::creators::space_documents(&app.creators, &request.actor, self.0.id)
            .await
            .gql()?;
        Ok(documents.into_iter().map(crate::common::nodes::DocumentNode).collect())
    }

    /// Visual images uploaded to this space (`uploadImage` with ARTIST_VISUAL), newest first,
    /// listed in the profile or not.
    async fn visual_images(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::common::nodes::ImageNode>> {
        let (app, request) = parts(ctx)?;
        let images = backline_application::creators::space_visual_images(&app.creators, &request.actor, self.0.id)
            .await
            .gql()?;
        Ok(images.into_iter().map(crate::common::nodes::ImageNode).collect())
    }

    /// Labels that asked to roster this space or hold it (PENDING and ACTIVE entries); the
    /// space's OWNER only.
    async fn roster_requests(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::common::nodes::RosterEntryNode>> {
        let (app, request) = parts(ctx)?;
        let entries = backline_application::creators::rosters_of_space(&app.creators, &request.actor, self.0.id)
            .await
            .gql()?;
        crate::creators::types::roster_nodes(ctx, entries).await
    }

    /// The space's other names, oldest first. Active ones' slugs open the space too.
    async fn aliases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<crate::common::nodes::ArtistAliasNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request
            .loaders
            .0
            .load_one(crate::creators::loaders::AliasesOf(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(crate::common::nodes::ArtistAliasNode)
            .collect())
    }

    /// The space's projects, newest first.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<ProjectConnection> {
        let request = page_request(first, after, last, before)?;
        let (_, context) = parts(ctx)?;
        let page = context
            .loaders
            .load_one(ProjectsOf(self.0.id, request))
            .await?
            .unwrap_or_default();
        Ok(ProjectConnection::new(page, TotalCount::Projects(self.0.id)))
    }
}

impl ProjectNode {
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }
}

/// An album, EP, single or other body of work.
#[Object(name = "Project")]
impl ProjectNode {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Project, self.0.id.0)
    }

    /// The fields every space, project and track has.
    #[graphql(flatten)]
    async fn resource(&self) -> ResourceFields {
        ResourceFields::project(&self.0)
    }

    /// Title.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The cover art, with thumbnail and medium variants; set it with `uploadImage`.
    async fn image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ImageNode>> {
        image_of(ctx, self.0.image.as_deref()).await
    }

    /// Notes.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The space it belongs to; null if your role is only on this project or its tracks.
    async fn artist_space(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ArtistSpaceNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request
            .loaders
            .0
            .load_one(self.0.artist_space_id)
            .await?
            .map(ArtistSpaceNode))
    }

    /// Where the project stands.
    async fn status(&self) -> GqlProjectStatus {
        self.0.status.into()
    }

    /// The project's tracks, newest first.
    async fn tracks(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<TrackConnection> {
        let request = page_request(first, after, last, before)?;
        let (_, context) = parts(ctx)?;
        let path = self.0.path();
        let page = context
            .loaders
            .load_one(TracksOf(path, request))
            .await?
            .unwrap_or_default();
        Ok(TrackConnection::new(page, TotalCount::Tracks(path)))
    }
}

impl TrackNode {
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }
}

/// A song, with its versions and feedback.
#[Object(name = "Track")]
impl TrackNode {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Track, self.0.id.0)
    }

    /// The fields every space, project and track has.
    #[graphql(flatten)]
    async fn resource(&self) -> ResourceFields {
        ResourceFields::track(&self.0)
    }

    /// Song title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The project it belongs to; null if your role is only on this track.
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(self.0.project_id).await?.map(ProjectNode))
    }

    /// The space it belongs to; null if your role is only on the project or track.
    async fn artist_space(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ArtistSpaceNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request
            .loaders
            .0
            .load_one(self.0.artist_space_id)
            .await?
            .map(ArtistSpaceNode))
    }

    /// Where the track stands.
    async fn status(&self) -> GqlTrackStatus {
        self.0.status.into()
    }

    /// Whether the track may be shared publicly.
    async fn is_public(&self) -> bool {
        self.0.is_public
    }

    /// Public review links to this track with their view and play counts, newest first (at
    /// most 100); OWNER and ADMIN only.
    async fn review_links(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<crate::common::nodes::ReviewLinkNode>> {
        let (app, request) = parts(ctx)?;
        Ok(
            backline_application::sharing::review_links_of(&app.sharing, &request.actor, self.0.id)
                .await
                .gql()?
                .into_iter()
                .map(crate::common::nodes::ReviewLinkNode)
                .collect(),
        )
    }

    /// Uploaded versions, newest first.
    async fn files(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<FileConnection> {
        let request = page_request(first, after, last, before)?;
        let (_, context) = parts(ctx)?;
        let path = self.0.path();
        let page = context
            .loaders
            .0
            .load_one(FilesOf(path, request))
            .await?
            .unwrap_or_default();
        Ok(FileConnection::new(page, TotalCount::Files(path)))
    }

    /// The newest version; null before the first upload.
    async fn latest_file(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FileNode>> {
        let (_, context) = parts(ctx)?;
        Ok(context
            .loaders
            .0
            .load_one(TrackFile(self.0.path(), TrackVersion::Latest))
            .await?
            .map(FileNode))
    }

    /// The version approved as final (`approveFileVersion`); null until one is.
    async fn final_file(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FileNode>> {
        let (_, context) = parts(ctx)?;
        Ok(context
            .loaders
            .0
            .load_one(TrackFile(self.0.path(), TrackVersion::Final))
            .await?
            .map(FileNode))
    }

    /// Top-level comments with their threads across every version (see each comment's `file { version }`).
    #[expect(clippy::too_many_arguments, reason = "the field's arguments")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
        #[graphql(
            desc = "TIMESTAMP (position in the audio, the default) or NEWEST.",
            default_with = "GqlCommentOrder::Timestamp"
        )]
        order_by: GqlCommentOrder,
        #[graphql(desc = "Whether resolved comments are listed too (default true).", default = true)]
        include_resolved: bool,
    ) -> async_graphql::Result<CommentConnection> {
        comments_field(
            ctx,
            CommentParent::Track,
            self.0.id.0,
            self.0.path(),
            first,
            after,
            last,
            before,
            order_by,
            include_resolved,
        )
        .await
    }
}
