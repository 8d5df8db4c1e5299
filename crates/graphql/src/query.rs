//! Queries.

use async_graphql::{Context, ID, Object};
use backline_application::feedback::find_comment;
use backline_application::identity::{find_user, find_user_by_username};
use backline_application::media::find_file;
use backline_application::notifications::{count_notifications, list_notifications, notification_settings};
use backline_application::workspace::{
    SpaceLookup, find_artist_space, find_project, find_project_by_short_id, find_track, find_track_by_short_id,
};
use backline_domain::ids::{
    ArtistAliasId, ArtistSpaceId, CommentId, DocumentId, FileId, ImageId, InvitationId, InviteLinkId, NotificationId,
    OrganizationId, ProjectId, ReviewLinkId, SessionId, TrackId, UserId,
};

use backline_domain::page::{ListOrder, Page};

use crate::context::parts;
use crate::error::{GqlResult, bad_input};
use crate::ids::{Kind, decode, decode_any};
use crate::pagination::page_request;
use crate::types::TotalCount;
use crate::types::notification::{NotificationConnection, NotificationNode, NotificationSettingNode};
use crate::types::{
    ArtistSpaceConnection, ArtistSpaceNode, CommentNode, FileNode, Node, ProjectNode, TrackNode, UserNode,
};

/// Everything that can be read.
pub struct QueryRoot;

fn exactly_one(names: &str, given: usize) -> async_graphql::Result<()> {
    if given == 1 {
        Ok(())
    } else {
        Err(bad_input(
            names.split(',').next().unwrap_or(names),
            format!("give exactly one of {names}"),
        ))
    }
}

/// Everything that can be read.
#[Object]
impl QueryRoot {
    /// The signed-in user; null when not signed in.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        let (_, request) = parts(ctx)?;
        let Some(user) = request.actor.user_id() else {
            return Ok(None);
        };
        Ok(request.loaders.0.load_one(user).await?.map(UserNode::from))
    }

    /// A user by id or by username (case-insensitive). Give exactly one.
    async fn user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's global id.")] id: Option<ID>,
        #[graphql(desc = "The user's username, in any case.")] username: Option<String>,
    ) -> async_graphql::Result<UserNode> {
        let (app, request) = parts(ctx)?;
        exactly_one(
            "id, username",
            usize::from(id.is_some()) + usize::from(username.is_some()),
        )?;
        let user = match (id, username) {
            (Some(id), _) => find_user(app, &request.actor, UserId(decode(Kind::User, &id, "id")?)).await,
            (None, Some(username)) => find_user_by_username(app, &request.actor, &username).await,
            (None, None) => return Err(bad_input("id", "give exactly one of id, username")),
        };
        Ok(UserNode::from(user.gql()?))
    }

    /// Any object by global id; null when it does not exist or you cannot see it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id from any `id` field.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        let (app, request) = parts(ctx)?;
        let Some((kind, uuid)) = decode_any(&id) else {
            return Err(bad_input(
                "id",
                format!("'{}' is not an id this API gave out", id.as_str()),
            ));
        };
        let found = match kind {
            Kind::User => find_user(app, &request.actor, UserId(uuid))
                .await
                .map(|user| Node::User(UserNode::from(user))),
            Kind::ArtistSpace => find_artist_space(app, &request.actor, SpaceLookup::Id(ArtistSpaceId(uuid)))
                .await
                .map(|space| Node::ArtistSpace(ArtistSpaceNode(space))),
            Kind::Project => find_project(app, &request.actor, ProjectId(uuid))
                .await
                .map(|project| Node::Project(ProjectNode(project))),
            Kind::Track => find_track(app, &request.actor, TrackId(uuid))
                .await
                .map(|track| Node::Track(TrackNode(track))),
            Kind::File => find_file(app, &request.actor, FileId(uuid))
                .await
                .map(|file| Node::File(FileNode(file))),
            Kind::Comment => find_comment(app, &request.actor, CommentId(uuid))
                .await
                .map(|comment| Node::Comment(CommentNode(comment))),
            Kind::Session => backline_application::identity::find_session(app, &request.actor, SessionId(uuid))
                .await
                .map(|session| {
                    let current = request.actor.session_id() == Some(session.id);
                    Node::Session(crate::types::user::SessionNode { session, current })
                }),
            Kind::Notification => {
                backline_application::notifications::find_notification(app, &request.actor, NotificationId(uuid))
                    .await
                    .map(|notification| Node::Notification(NotificationNode(notification)))
            }
            Kind::InviteLink => {
                backline_application::sharing::find_invite_link(app, &request.actor, InviteLinkId(uuid))
                    .await
                    .map(|link| Node::InviteLink(crate::types::sharing::InviteLinkNode(link)))
            }
            Kind::Invitation => backline_application::sharing::find_invitation(app, &request.actor, InvitationId(uuid))
                .await
                .map(|invitation| Node::Invitation(crate::types::sharing::InvitationNode(invitation))),
            Kind::ArtistAlias => backline_application::workspace::find_alias(app, &request.actor, ArtistAliasId(uuid))
                .await
                .map(|alias| Node::ArtistAlias(crate::types::sharing::ArtistAliasNode(alias))),
            Kind::ReviewLink => {
                backline_application::sharing::find_review_link(app, &request.actor, ReviewLinkId(uuid))
                    .await
                    .map(|link| Node::ReviewLink(crate::types::review::ReviewLinkNode(link)))
            }
            Kind::Organization => backline_application::labels::find_organization(
                app,
                &request.actor,
                backline_application::labels::OrgLookup::Id(OrganizationId(uuid)),
            )
            .await
            .map(|(organization, role)| Node::Organization(crate::types::labels::OrganizationNode(organization, role))),
            Kind::RosterEntry => match backline_application::labels::find_roster_entry(app, &request.actor, uuid).await
            {
                Ok(entry) => Ok(crate::types::labels::roster_nodes(ctx, vec![entry])
                    .await?
                    .pop()
                    .map(Node::RosterEntry)),
                Err(error) => Err(error),
            }
            .and_then(|node| node.ok_or(backline_application::AppError::NotFound("roster entry"))),
            Kind::Image => backline_application::media::find_own_image(app, &request.actor, ImageId(uuid))
                .await
                .map(|image| Node::Image(crate::types::media::ImageNode(image))),
            Kind::Document => backline_application::media::find_document(app, &request.actor, DocumentId(uuid))
                .await
                .map(|document| Node::Document(crate::types::media::DocumentNode(document))),
        };
        match found {
            Ok(node) => Ok(Some(node)),
            Err(backline_application::AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(crate::error::gql(other)),
        }
    }

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
        Ok(ArtistSpaceNode(
            find_artist_space(app, &request.actor, lookup).await.gql()?,
        ))
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
            (Some(id), _) => find_project(app, &request.actor, ProjectId(decode(Kind::Project, &id, "id")?)).await,
            (None, Some(short_id)) => find_project_by_short_id(app, &request.actor, &short_id).await,
            (None, None) => return Err(bad_input("id", "give exactly one of id, shortId")),
        };
        Ok(ProjectNode(project.gql()?))
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
            (Some(id), _) => find_track(app, &request.actor, TrackId(decode(Kind::Track, &id, "id")?)).await,
            (None, Some(short_id)) => find_track_by_short_id(app, &request.actor, &short_id).await,
            (None, None) => return Err(bad_input("id", "give exactly one of id, shortId")),
        };
        Ok(TrackNode(track.gql()?))
    }

    /// A file (track version) by id.
    async fn file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file's global id.")] id: ID,
    ) -> async_graphql::Result<FileNode> {
        let (app, request) = parts(ctx)?;
        let id = FileId(decode(Kind::File, &id, "id")?);
        Ok(FileNode(find_file(app, &request.actor, id).await.gql()?))
    }

    /// Your notifications, newest first.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only unread ones (default false).", default = false)] unread_only: bool,
    ) -> async_graphql::Result<NotificationConnection> {
        let (app, request) = parts(ctx)?;
        let page = page_request(first, after, last, before)?;
        let found = list_notifications(app, &request.actor, unread_only, page).await.gql()?;
        Ok(NotificationConnection::new(
            found,
            TotalCount::Notifications(unread_only),
        ))
    }

    /// How each type of notification reaches you (every type, defaults filled in).
    async fn notification_settings(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<NotificationSettingNode>> {
        let (app, request) = parts(ctx)?;
        let settings = notification_settings(app, &request.actor).await.gql()?;
        Ok(settings.into_iter().map(NotificationSettingNode).collect())
    }

    /// What an invite link offers (signed in): the resource's name, the role, who invited you
    /// and whether the link still works.
    async fn invite_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code from the link.")] short_code: String,
    ) -> async_graphql::Result<crate::types::sharing::InvitePreviewNode> {
        let (app, request) = parts(ctx)?;
        let preview = backline_application::sharing::invite_link_preview(app, &request.actor, &short_code)
            .await
            .gql()?;
        Ok(crate::types::sharing::InvitePreviewNode(preview))
    }

    /// An organization you belong to, by id or slug; `NOT_FOUND` for others.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's id.")] id: Option<ID>,
        #[graphql(desc = "The organization's slug.")] slug: Option<String>,
    ) -> async_graphql::Result<crate::types::labels::OrganizationNode> {
        let (app, request) = parts(ctx)?;
        let lookup = match (id, slug) {
            (Some(id), None) => backline_application::labels::OrgLookup::Id(backline_domain::ids::OrganizationId(
                crate::ids::decode(Kind::Organization, &id, "id")?,
            )),
            (None, Some(slug)) => backline_application::labels::OrgLookup::Slug(slug),
            _ => return Err(crate::error::bad_input("id", "give exactly one of id and slug")),
        };
        let (organization, role) = backline_application::labels::find_organization(app, &request.actor, lookup)
            .await
            .gql()?;
        Ok(crate::types::labels::OrganizationNode(organization, role))
    }

    /// The organizations you belong to, newest first.
    async fn my_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::types::labels::OrganizationConnection> {
        let page_request = page_request(first, after, last, before)?;
        let (app, request) = parts(ctx)?;
        let found = backline_application::labels::my_organizations(app, &request.actor)
            .await
            .gql()?;
        let total = u64::try_from(found.len()).unwrap_or(u64::MAX);
        let page = Page::of_list(
            found,
            &page_request,
            |(organization, _)| organization.id.0,
            ListOrder::NewestFirst,
        );
        Ok(crate::types::labels::OrganizationConnection::new(
            page,
            TotalCount::Known(total),
        ))
    }

    /// Opens a public review link (no account needed) and counts one view. `NOT_FOUND` for an
    /// unknown code, `FORBIDDEN` naming why for a revoked or expired link, `UNAUTHENTICATED`
    /// for a missing or wrong password, `RATE_LIMITED` after too many wrong passwords.
    async fn review_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code from the link.")] code: String,
        #[graphql(desc = "The link's password, when it has one.")] password: Option<String>,
    ) -> async_graphql::Result<crate::types::review::ReviewSessionNode> {
        let (app, request) = parts(ctx)?;
        let session = backline_application::sharing::open_review_link(app, &code, password.as_deref(), &request.meta)
            .await
            .gql()?;
        Ok(crate::types::review::ReviewSessionNode(std::sync::Arc::new(session)))
    }

    /// Pending invitations sent to your address, newest first.
    async fn my_invitations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::types::sharing::InvitationConnection> {
        let page_request = page_request(first, after, last, before)?;
        let (app, request) = parts(ctx)?;
        let found = backline_application::sharing::my_invitations(app, &request.actor)
            .await
            .gql()?;
        let total = u64::try_from(found.len()).unwrap_or(u64::MAX);
        let page = Page::of_list(
            found,
            &page_request,
            |view| view.invitation.id.0,
            ListOrder::NewestFirst,
        );
        Ok(crate::types::sharing::InvitationConnection::new(
            page,
            TotalCount::Known(total),
        ))
    }

    /// How many of your notifications are unread.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let (app, request) = parts(ctx)?;
        let count = count_notifications(app, &request.actor, true).await.gql()?;
        Ok(i64::try_from(count).unwrap_or(i64::MAX))
    }

    /// A comment by id.
    async fn comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment's global id.")] id: ID,
    ) -> async_graphql::Result<CommentNode> {
        let (app, request) = parts(ctx)?;
        let id = CommentId(decode(Kind::Comment, &id, "id")?);
        Ok(CommentNode(find_comment(app, &request.actor, id).await.gql()?))
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
        crate::types::my_spaces(ctx, page_request(first, after, last, before)?).await
    }
}
