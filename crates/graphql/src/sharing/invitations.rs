//! Invite links and email invitations.

use async_graphql::{Context, Enum, ID, Object};
use backline_application::sharing::{InvitePreview, invite_link_users};
use backline_domain::access::ResourceKind;
use backline_domain::sharing::{InvitationStatus, LinkRefusal};
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::enums::GqlRole;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, encode};
use crate::common::nodes::{InvitationNode, InviteLinkNode, UserNode};

/// What kind of resource a link opens.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "SharedResourceType")]
pub(crate) enum GqlSharedResourceType {
    /// An artist space (and everything in it).
    ArtistSpace,
    /// A project (and its tracks).
    Project,
    /// One track.
    Track,
}

fn resource_type(kind: ResourceKind) -> GqlSharedResourceType {
    match kind {
        ResourceKind::ArtistSpace => GqlSharedResourceType::ArtistSpace,
        ResourceKind::Project => GqlSharedResourceType::Project,
        ResourceKind::Track | ResourceKind::File | ResourceKind::Comment => GqlSharedResourceType::Track,
    }
}

/// Whether a link still works.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "InviteLinkStatus")]
pub(crate) enum GqlInviteLinkStatus {
    /// It works.
    Active,
    /// It was revoked.
    Revoked,
    /// Its expiry passed.
    Expired,
    /// As many people joined as it allows.
    UsedUp,
}

fn status(refusal: Option<LinkRefusal>) -> GqlInviteLinkStatus {
    match refusal {
        None => GqlInviteLinkStatus::Active,
        Some(LinkRefusal::Revoked) => GqlInviteLinkStatus::Revoked,
        Some(LinkRefusal::Expired) => GqlInviteLinkStatus::Expired,
        Some(LinkRefusal::UsedUp) => GqlInviteLinkStatus::UsedUp,
    }
}

/// The web app's join URL for a short code.
fn join_url(ctx: &Context<'_>, code: &str) -> async_graphql::Result<String> {
    let (app, _) = parts(ctx)?;
    Ok(format!("{}/join/{code}", app.settings.public_url.trim_end_matches('/')))
}

/// A shareable link that makes whoever opens it (signed in) a collaborator with `role` on the
/// space, project or track, until it expires, is revoked or has been used `maxUses` times.
#[Object(name = "InviteLink")]
impl InviteLinkNode {
    /// Global id (`inv_…`).
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::InviteLink, self.0.id.0)
    }

    /// The random code in the link (12 letters and digits).
    async fn short_code(&self) -> &str {
        &self.0.short_code
    }

    /// The link to share: the web app's join page for this code.
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        join_url(ctx, &self.0.short_code)
    }

    /// The role it grants.
    async fn role(&self) -> GqlRole {
        self.0.role.into()
    }

    /// What kind of resource it opens.
    async fn resource_type(&self) -> GqlSharedResourceType {
        resource_type(self.0.resource_kind)
    }

    /// When it stops working; null: never.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// How many people may join through it; null: no limit.
    async fn max_uses(&self) -> Option<i32> {
        self.0.max_uses
    }

    /// How many have.
    async fn use_count(&self) -> i32 {
        self.0.use_count
    }

    /// Who joined through it, in the order they did.
    async fn used_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<UserNode>> {
        let (app, request) = parts(ctx)?;
        let ids = invite_link_users(&app.sharing, &[self.0.id])
            .await
            .gql()?
            .remove(&self.0.id)
            .unwrap_or_default();
        let users = request.loaders.0.load_many(ids.iter().copied()).await?;
        Ok(ids
            .iter()
            .filter_map(|id| users.get(id).cloned().map(UserNode::from))
            .collect())
    }

    /// Whether it still works.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<GqlInviteLinkStatus> {
        let (app, _) = parts(ctx)?;
        Ok(status(self.0.refusal(app.now())))
    }

    /// When it was revoked; null while it is not.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Who created it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(self.0.owner_id).await?.map(UserNode::from))
    }
}

/// What a link offers, as a signed-in user sees it before joining.
pub(crate) struct InvitePreviewNode(pub(crate) InvitePreview);

/// What an invite link would give you: the name of the space, project or track, the role, who
/// invited you and whether the link still works. Nothing else about the resource is shown
/// until you join.
#[Object(name = "InvitePreview")]
impl InvitePreviewNode {
    /// The name of the artist space or project, or the track's title.
    async fn resource_name(&self) -> &str {
        &self.0.resource_name
    }

    /// What kind of resource it opens.
    async fn resource_type(&self) -> GqlSharedResourceType {
        resource_type(self.0.link.resource_kind)
    }

    /// The role you would get.
    async fn role(&self) -> GqlRole {
        self.0.link.role.into()
    }

    /// Who created the link.
    async fn inviter(&self) -> Option<UserNode> {
        self.0.inviter.clone().map(UserNode::from)
    }

    /// When it stops working; null: never.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.link.expires_at
    }

    /// Whether it still works (accepting a link that does not is refused, naming why).
    async fn status(&self) -> GqlInviteLinkStatus {
        status(self.0.refusal)
    }
}

/// Where an email invitation stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "InvitationStatus")]
pub(crate) enum GqlInvitationStatus {
    /// Sent, not answered.
    Pending,
    /// The recipient joined.
    Accepted,
    /// The recipient said no.
    Declined,
    /// The inviter (or an admin) took it back.
    Revoked,
    /// Not answered in time.
    Expired,
}

impl From<InvitationStatus> for GqlInvitationStatus {
    fn from(status: InvitationStatus) -> Self {
        match status {
            InvitationStatus::Pending => Self::Pending,
            InvitationStatus::Accepted => Self::Accepted,
            InvitationStatus::Declined => Self::Declined,
            InvitationStatus::Revoked => Self::Revoked,
            InvitationStatus::Expired => Self::Expired,
        }
    }
}

impl InvitationNode {
    /// The id its cursor carries.
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.invitation.id.0
    }
}

/// An invitation sent by email to join a space, project or track with a role. The token it
/// carries is only ever in the email.
#[Object(name = "Invitation")]
impl InvitationNode {
    /// Global id (`ivt_…`).
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Invitation, self.0.invitation.id.0)
    }

    /// The recipient's address.
    async fn email(&self) -> &str {
        &self.0.invitation.email
    }

    /// The role it grants.
    async fn role(&self) -> GqlRole {
        self.0.invitation.role.into()
    }

    /// Where it stands now.
    async fn status(&self) -> GqlInvitationStatus {
        self.0.status.into()
    }

    /// The invitee's membership now: PENDING while the invitation waits; once accepted,
    /// ACTIVE while they hold a role on the resource and REMOVED after they were removed or
    /// left; null when it was declined, revoked or expired.
    async fn membership_status(&self) -> Option<crate::common::enums::GqlMembershipStatus> {
        self.0.membership.map(Into::into)
    }

    /// The personal note sent with it.
    async fn message(&self) -> Option<&str> {
        self.0.invitation.message.as_deref()
    }

    /// The name of the artist space or project, or the track's title.
    async fn resource_name(&self) -> &str {
        &self.0.resource_name
    }

    /// What kind of resource it opens.
    async fn resource_type(&self) -> GqlSharedResourceType {
        resource_type(self.0.invitation.resource_kind)
    }

    /// Who sent it.
    async fn inviter(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request
            .loaders
            .0
            .load_one(self.0.invitation.inviter_id)
            .await?
            .map(UserNode::from))
    }

    /// When it stops working (7 days after it was sent or last re-sent).
    async fn expires_at(&self) -> DateTime<Utc> {
        self.0.invitation.expires_at
    }

    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.invitation.created_at
    }
}
