//! Managing who collaborates on a space, project or track.

use async_graphql::{Context, ID, InputObject, Object};
use backline_application::{Actor, App, workspace as uc};
use backline_domain::ids::UserId;

use crate::common::args::resource;
use crate::common::context::parts;
use crate::common::enums::GqlRole;
use crate::common::error::{GqlResult, bad_input};
use crate::common::ids::{Kind, decode};
use crate::common::nodes::CollaboratorNode;

#[derive(Default)]
pub(crate) struct CollaboratorMutation;

/// Input of `addCollaborator`: who gets which role where. Name the user by `userId` or by
/// `username` (exactly one).
#[derive(InputObject)]
struct AddCollaboratorInput {
    /// The artist space, project or track.
    resource_id: ID,
    /// The user's id.
    user_id: Option<ID>,
    /// The user's username (any case), instead of `userId`.
    username: Option<String>,
    /// The role to give: ADMIN, EDITOR or VIEWER, not above your own.
    role: GqlRole,
}

/// Input of `updateCollaboratorRole`.
#[derive(InputObject)]
struct UpdateCollaboratorRoleInput {
    /// The artist space, project or track.
    resource_id: ID,
    /// The collaborator's user id.
    user_id: ID,
    /// The new role: ADMIN, EDITOR or VIEWER, not above your own.
    role: GqlRole,
}

/// Input of `removeCollaborator`.
#[derive(InputObject)]
struct RemoveCollaboratorInput {
    /// The artist space, project or track.
    resource_id: ID,
    /// The collaborator's user id.
    user_id: ID,
}

/// Input of `transferOwnership`.
#[derive(InputObject)]
struct TransferOwnershipInput {
    /// The artist space, project or track.
    resource_id: ID,
    /// The new owner's user id.
    user_id: ID,
}

async fn user_of(
    app: &App,
    actor: &Actor,
    user_id: Option<ID>,
    username: Option<String>,
) -> async_graphql::Result<UserId> {
    match (user_id, username) {
        (Some(id), None) => Ok(UserId(decode(Kind::User, &id, "userId")?)),
        (None, Some(username)) => {
            Ok(
                backline_application::identity::find_user_by_username(&app.identity, actor, &username)
                    .await
                    .gql()?
                    .id,
            )
        }
        _ => Err(bad_input("userId", "give exactly one of userId, username")),
    }
}

#[Object]
impl CollaboratorMutation {
    /// Gives a user a role on a space, project or track (OWNER or ADMIN only).
    async fn add_collaborator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where, who and which role.")] input: AddCollaboratorInput,
    ) -> async_graphql::Result<CollaboratorNode> {
        let (app, request) = parts(ctx)?;
        let target = resource(&input.resource_id)?;
        let user = user_of(app, &request.actor, input.user_id, input.username).await?;
        Ok(CollaboratorNode(
            uc::add_collaborator(&app.workspace, &request.actor, target, user, input.role.into())
                .await
                .gql()?,
        ))
    }

    /// Changes a collaborator's role (OWNER or ADMIN only; never the owner's).
    async fn update_collaborator_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where, who and the new role.")] input: UpdateCollaboratorRoleInput,
    ) -> async_graphql::Result<CollaboratorNode> {
        let (app, request) = parts(ctx)?;
        let target = resource(&input.resource_id)?;
        let user = UserId(decode(Kind::User, &input.user_id, "userId")?);
        Ok(CollaboratorNode(
            uc::update_collaborator_role(&app.workspace, &request.actor, target, user, input.role.into())
                .await
                .gql()?,
        ))
    }

    /// Removes a collaborator (OWNER or ADMIN only; never the owner). Returns the removed row.
    async fn remove_collaborator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where and who.")] input: RemoveCollaboratorInput,
    ) -> async_graphql::Result<CollaboratorNode> {
        let (app, request) = parts(ctx)?;
        let target = resource(&input.resource_id)?;
        let user = UserId(decode(Kind::User, &input.user_id, "userId")?);
        Ok(CollaboratorNode(
            uc::remove_collaborator(&app.workspace, &request.actor, target, user)
                .await
                .gql()?,
        ))
    }

    /// Gives up your own role on a space, project or track. The owner must transfer ownership first.
    async fn leave_resource(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The artist space, project or track.")] resource_id: ID,
    ) -> async_graphql::Result<CollaboratorNode> {
        let (app, request) = parts(ctx)?;
        let target = resource(&resource_id)?;
        Ok(CollaboratorNode(
            uc::leave_resource(&app.workspace, &request.actor, target).await.gql()?,
        ))
    }

    /// Makes another user the OWNER; the previous owner stays on as ADMIN. OWNER only.
    async fn transfer_ownership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Where and the new owner.")] input: TransferOwnershipInput,
    ) -> async_graphql::Result<CollaboratorNode> {
        let (app, request) = parts(ctx)?;
        let target = resource(&input.resource_id)?;
        let user = UserId(decode(Kind::User, &input.user_id, "userId")?);
        Ok(CollaboratorNode(
            uc::transfer_ownership(&app.workspace, &request.actor, target, user)
                .await
                .gql()?,
        ))
    }
}
