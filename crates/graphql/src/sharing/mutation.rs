//! Sharing a space, project or track: invite links and email invitations.

use async_graphql::{Context, ID, InputObject, Object};
use backline_application::sharing::{self as uc, CreateInviteLink, InviteByEmail};
use backline_domain::ids::{InvitationId, InviteLinkId};
use chrono::{DateTime, Utc};

use crate::common::args::resource;
use crate::common::context::parts;
use crate::common::enums::GqlRole;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode};
use crate::common::nodes::{CollaboratorNode, InvitationNode, InviteLinkNode};

#[derive(Default)]
pub(crate) struct SharingMutation;

/// Input of `createInviteLink`.
#[derive(InputObject)]
struct CreateInviteLinkInput {
    /// The artist space, project or track the link opens.
    resource_id: ID,
    /// The role it grants: ADMIN, EDITOR or VIEWER, not above your own.
    role: GqlRole,
    /// When it stops working (must be in the future); leave out for never.
    expires_at: Option<DateTime<Utc>>,
    /// How many people may join through it (1-10,000); leave out for no limit.
    max_uses: Option<i32>,
}

/// Input of `inviteByEmail`.
#[derive(InputObject)]
struct InviteByEmailInput {
    /// The artist space, project or track to invite to.
    resource_id: ID,
    /// The recipient's address (they need no account yet).
    email: String,
    /// The role: ADMIN, EDITOR or VIEWER, not above your own.
    role: GqlRole,
    /// A personal note for the email (at most 2,000 characters).
    message: Option<String>,
}

#[Object]
impl SharingMutation {
    /// Invites an address by email (OWNER and ADMIN of the resource). The recipient gets a
    /// link with a one-time token, valid 7 days; a user with that address also gets a
    /// NEW_INVITE notification. One pending invitation per resource and address.
    async fn invite_by_email(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Who to invite, where, and as what.")] input: InviteByEmailInput,
    ) -> async_graphql::Result<InvitationNode> {
        let (app, request) = parts(ctx)?;
        let input = InviteByEmail {
            resource: resource(&input.resource_id)?,
            email: input.email,
            role: input.role.into(),
            message: input.message,
        };
        Ok(InvitationNode(
            uc::invite_by_email(&app.sharing, &request.actor, input).await.gql()?,
        ))
    }

    /// Accepts an invitation with the token from its email. You must be signed in with the
    /// verified address it was sent to; you join with its role (a higher role you hold there is
    /// kept).
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the invitation email.")] token: String,
    ) -> async_graphql::Result<CollaboratorNode> {
        let (app, request) = parts(ctx)?;
        Ok(CollaboratorNode(
            uc::accept_invitation(&app.sharing, &request.actor, &token)
                .await
                .gql()?,
        ))
    }

    /// Declines an invitation sent to your address.
    async fn decline_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation.")] id: ID,
    ) -> async_graphql::Result<InvitationNode> {
        let (app, request) = parts(ctx)?;
        let id = InvitationId(decode(Kind::Invitation, &id, "id")?);
        Ok(InvitationNode(
            uc::decline_invitation(&app.sharing, &request.actor, id).await.gql()?,
        ))
    }

    /// Takes a pending invitation back (its inviter, or OWNER and ADMIN of the resource).
    async fn revoke_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation.")] id: ID,
    ) -> async_graphql::Result<InvitationNode> {
        let (app, request) = parts(ctx)?;
        let id = InvitationId(decode(Kind::Invitation, &id, "id")?);
        Ok(InvitationNode(
            uc::revoke_invitation(&app.sharing, &request.actor, id).await.gql()?,
        ))
    }

    /// Sends a pending invitation again with a new token and a fresh 7-day expiry; the old
    /// token stops working (its inviter, or OWNER and ADMIN of the resource).
    async fn resend_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invitation.")] id: ID,
    ) -> async_graphql::Result<InvitationNode> {
        let (app, request) = parts(ctx)?;
        let id = InvitationId(decode(Kind::Invitation, &id, "id")?);
        Ok(InvitationNode(
            uc::resend_invitation(&app.sharing, &request.actor, id).await.gql()?,
        ))
    }

    /// Creates an invite link (OWNER and ADMIN of the resource). Share its `url`.
    async fn create_invite_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the link opens and grants.")] input: CreateInviteLinkInput,
    ) -> async_graphql::Result<InviteLinkNode> {
        let (app, request) = parts(ctx)?;
        let input = CreateInviteLink {
            resource: resource(&input.resource_id)?,
            role: input.role.into(),
            expires_at: input.expires_at,
            max_uses: input.max_uses,
        };
        Ok(InviteLinkNode(
            uc::create_invite_link(&app.sharing, &request.actor, input)
                .await
                .gql()?,
        ))
    }

    /// Joins through an invite link: you become a collaborator with its role (a higher role you
    /// already hold there is kept; accepting again is harmless). An expired, revoked or used-up
    /// link is refused with CONFLICT, naming which.
    async fn accept_invite_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The code from the link.")] short_code: String,
    ) -> async_graphql::Result<CollaboratorNode> {
        let (app, request) = parts(ctx)?;
        Ok(CollaboratorNode(
            uc::accept_invite_link(&app.sharing, &request.actor, &short_code)
                .await
                .gql()?,
        ))
    }

    /// Revokes an invite link at once (OWNER and ADMIN of its resource); people who joined
    /// through it stay.
    async fn revoke_invite_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link.")] id: ID,
    ) -> async_graphql::Result<InviteLinkNode> {
        let (app, request) = parts(ctx)?;
        let id = InviteLinkId(decode(Kind::InviteLink, &id, "id")?);
        Ok(InviteLinkNode(
            uc::revoke_invite_link(&app.sharing, &request.actor, id).await.gql()?,
        ))
    }
}
