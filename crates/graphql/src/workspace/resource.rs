//! The fields every workspace resource (artist space, project, track) has, written once and
//! flattened into each of the three types: its short id and slug, its owner, your role there,
//! its collaborators (current and former), its invite links and invitations, its timestamps.

use async_graphql::{Context, Object};
use backline_application::sharing::invite_links_of;
use backline_application::workspace::ResourceRef;
use backline_domain::ids::UserId;
use backline_domain::values::SlugType;
use backline_domain::workspace::{ArtistSpace, Project, ResourcePath, Track};
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::enums::{GqlRole, GqlSlugType};
use crate::common::error::GqlResult;
use crate::common::nodes::{CollaboratorConnection, InvitationNode, InviteLinkNode, UserNode};
use crate::common::owner::owner;
use crate::common::pagination::page_request;
use crate::common::total_count::TotalCount;
use crate::workspace::collaborators::FormerCollaboratorNode;
use crate::workspace::loaders::{CollaboratorsOf, RoleOn};

/// What the shared fields read of a space, project or track.
pub(crate) struct ResourceFields {
    path: ResourcePath,
    reference: ResourceRef,
    short_id: String,
    slug: String,
    slug_type: SlugType,
    owner_id: UserId,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ResourceFields {
    /// The shared fields of a space.
    pub(crate) fn space(space: &ArtistSpace) -> Self {
        Self {
            path: space.path(),
            reference: ResourceRef::Space(space.id),
            short_id: space.short_id.clone(),
            slug: space.slug.clone(),
            slug_type: space.slug_type,
            owner_id: space.owner_id,
            created_at: space.created_at,
            updated_at: space.updated_at,
        }
    }

    /// The shared fields of a project.
    pub(crate) fn project(project: &Project) -> Self {
        Self {
            path: project.path(),
            reference: ResourceRef::Project(project.id),
            short_id: project.short_id.clone(),
            slug: project.slug.clone(),
            slug_type: project.slug_type,
            owner_id: project.owner_id,
            created_at: project.created_at,
            updated_at: project.updated_at,
        }
    }

    /// The shared fields of a track.
    pub(crate) fn track(track: &Track) -> Self {
        Self {
            path: track.path(),
            reference: ResourceRef::Track(track.id),
            short_id: track.short_id.clone(),
            slug: track.slug.clone(),
            slug_type: track.slug_type,
            owner_id: track.owner_id,
            created_at: track.created_at,
            updated_at: track.updated_at,
        }
    }
}

/// The fields of every workspace resource.
#[Object]
impl ResourceFields {
    /// 6-character id for short links.
    async fn short_id(&self) -> &str {
        &self.short_id
    }

    /// URL slug: unique across all spaces for a space, within its space for a project, within
    /// its project for a track.
    async fn slug(&self) -> &str {
        &self.slug
    }

    /// Whether the slug was derived from the name (AUTO) or chosen (PREMIUM).
    async fn slug_type(&self) -> GqlSlugType {
        self.slug_type.into()
    }

    /// The owner (who created it, until ownership is transferred).
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<UserNode> {
        owner(ctx, self.owner_id).await
    }

    /// Your effective role here (including roles held on the project and space above it);
    /// null if you have none.
    async fn viewer_role(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<GqlRole>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(RoleOn(self.path)).await?.map(Into::into))
    }

    /// People with a role on this resource itself, newest first (roles held above it apply
    /// too; a space's roles apply to all its projects and tracks).
    async fn collaborators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<CollaboratorConnection> {
        let request = page_request(first, after, last, before)?;
        let (_, context) = parts(ctx)?;
        let page = context
            .loaders
            .load_one(CollaboratorsOf(self.path, request))
            .await?
            .unwrap_or_default();
        Ok(CollaboratorConnection::new(page, TotalCount::Collaborators(self.path)))
    }

    /// People removed from (or who left) this resource, most recent first (at most 100);
    /// OWNER and ADMIN only.
    async fn former_collaborators(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<FormerCollaboratorNode>> {
        let (app, request) = parts(ctx)?;
        let former =
            backline_application::workspace::former_collaborators_of(&app.workspace, &request.actor, self.reference)
                .await
                .gql()?;
        Ok(former.into_iter().map(FormerCollaboratorNode).collect())
    }

    /// Invite links to this resource, newest first (at most 100); OWNER and ADMIN only.
    async fn invite_links(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InviteLinkNode>> {
        let (app, request) = parts(ctx)?;
        let links = invite_links_of(&app.sharing, &request.actor, self.reference)
            .await
            .gql()?;
        Ok(links.into_iter().map(InviteLinkNode).collect())
    }

    /// Email invitations to this resource, newest first (at most 100), each with its status
    /// now; the PENDING ones are its pending members. OWNER and ADMIN only.
    async fn invitations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<InvitationNode>> {
        let (app, request) = parts(ctx)?;
        let found = backline_application::sharing::invitations_of(&app.sharing, &request.actor, self.reference)
            .await
            .gql()?;
        Ok(found.into_iter().map(InvitationNode).collect())
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
}
