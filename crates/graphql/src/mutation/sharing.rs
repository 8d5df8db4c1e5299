//! Invite links: creating, accepting, revoking.

use async_graphql::{Context, ID, InputObject, Object};
use backline_application::sharing::{self as uc, CreateInviteLink};
use backline_domain::ids::InviteLinkId;
use chrono::{DateTime, Utc};

use super::collaborators::resource;
use crate::context::parts;
use crate::error::GqlResult;
use crate::ids::{Kind, decode};
use crate::types::sharing::InviteLinkNode;
use crate::types::{CollaboratorNode, GqlRole};

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

#[Object]
impl SharingMutation {
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
            uc::create_invite_link(app, &request.actor, input).await.gql()?,
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
            uc::accept_invite_link(app, &request.actor, &short_code).await.gql()?,
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
            uc::revoke_invite_link(app, &request.actor, id).await.gql()?,
        ))
    }
}
