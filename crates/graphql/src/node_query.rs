//! Queries: any object by global id.

use async_graphql::{Context, ID, Object};
use backline_application::feedback::find_comment;
use backline_application::identity::find_user;
use backline_application::media::find_file;
use backline_application::workspace::{SpaceLookup, find_artist_space, find_project, find_track};
use backline_domain::ids::{
    ArtistAliasId, ArtistSpaceId, CommentId, DocumentId, FileId, ImageId, InvitationId, InviteLinkId, NotificationId,
    OrganizationId, ProjectId, ReviewLinkId, SessionId, TrackId, UserId,
};

use crate::common::context::parts;
use crate::common::error::bad_input;
use crate::common::ids::{Kind, decode_any};
use crate::common::node::Node;
use crate::common::nodes::{
    ArtistSpaceNode, CommentNode, FileNode, NotificationNode, ProjectNode, TrackNode, UserNode,
};

/// Any object by global id.
#[derive(Default)]
pub(crate) struct NodeQuery;

/// Any object by global id.
#[Object]
impl NodeQuery {
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
            Kind::User => find_user(&app.identity, &request.actor, UserId(uuid))
                .await
                .map(|user| Node::User(UserNode::from(user))),
            Kind::ArtistSpace => {
                find_artist_space(&app.workspace, &request.actor, SpaceLookup::Id(ArtistSpaceId(uuid)))
                    .await
                    .map(|space| Node::ArtistSpace(ArtistSpaceNode(space)))
            }
            Kind::Project => find_project(&app.workspace, &request.actor, ProjectId(uuid))
                .await
                .map(|project| Node::Project(ProjectNode(project))),
            Kind::Track => find_track(&app.workspace, &request.actor, TrackId(uuid))
                .await
                .map(|track| Node::Track(TrackNode(track))),
            Kind::File => find_file(&app.media, &request.actor, FileId(uuid))
                .await
                .map(|file| Node::File(FileNode(file))),
            Kind::Comment => find_comment(&app.feedback, &request.actor, CommentId(uuid))
                .await
                .map(|comment| Node::Comment(CommentNode(comment))),
            Kind::Session => {
                backline_application::identity::find_session(&app.identity, &request.actor, SessionId(uuid))
                    .await
                    .map(|session| {
                        let current = request.actor.session_id() == Some(session.id);
                        Node::Session(crate::common::nodes::SessionNode { session, current })
                    })
            }
            Kind::Notification => backline_application::notifications::find_notification(
                &app.notifications,
                &request.actor,
                NotificationId(uuid),
            )
            .await
            .map(|notification| Node::Notification(NotificationNode(notification))),
            Kind::InviteLink => {
                backline_application::sharing::find_invite_link(&app.sharing, &request.actor, InviteLinkId(uuid))
                    .await
                    .map(|link| Node::InviteLink(crate::common::nodes::InviteLinkNode(link)))
            }
            Kind::Invitation => {
                backline_application::sharing::find_invitation(&app.sharing, &request.actor, InvitationId(uuid))
                    .await
                    .map(|invitation| Node::Invitation(crate::common::nodes::InvitationNode(invitation)))
            }
            Kind::ArtistAlias => {
                backline_application::creators::find_alias(&app.creators, &request.actor, ArtistAliasId(uuid))
                    .await
                    .map(|alias| Node::ArtistAlias(crate::common::nodes::ArtistAliasNode(alias)))
            }
            Kind::ReviewLink => {
                backline_application::sharing::find_review_link(&app.sharing, &request.actor, ReviewLinkId(uuid))
                    .await
                    .map(|link| Node::ReviewLink(crate::common::nodes::ReviewLinkNode(link)))
            }
            Kind::Organization => backline_application::creators::find_organization(
                &app.creators,
                &request.actor,
                backline_application::creators::OrgLookup::Id(OrganizationId(uuid)),
            )
            .await
            .map(|(organization, role)| Node::Organization(crate::common::nodes::OrganizationNode(organization, role))),
            Kind::RosterEntry => {
                match backline_application::creators::find_roster_entry(&app.creators, &request.actor, uuid).await {
                    Ok(entry) => Ok(crate::creators::types::roster_nodes(ctx, vec![entry])
                        .await?
                        .pop()
                        .map(Node::RosterEntry)),
                    Err(error) => Err(error),
                }
                .and_then(|node| node.ok_or(backline_application::AppError::NotFound("roster entry")))
            }
            Kind::Image => backline_application::media::find_own_image(&app.media, &request.actor, ImageId(uuid))
                .await
                .map(|image| Node::Image(crate::common::nodes::ImageNode(image))),
            Kind::Document => backline_application::media::find_document(&app.media, &request.actor, DocumentId(uuid))
                .await
                .map(|document| Node::Document(crate::common::nodes::DocumentNode(document))),
        };
        match found {
            Ok(node) => Ok(Some(node)),
            Err(backline_application::AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(crate::common::error::gql(other)),
        }
    }
}
