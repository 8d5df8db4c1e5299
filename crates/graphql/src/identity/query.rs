//! Queries: users and the signed-in caller.

use async_graphql::{Context, ID, Object};
use backline_application::identity::{find_user, find_user_by_username};
use backline_domain::ids::UserId;

use crate::common::context::parts;
use crate::common::error::{GqlResult, bad_input, exactly_one};
use crate::common::ids::{Kind, decode};
use crate::common::nodes::UserNode;

/// Users and the signed-in caller.
#[derive(Default)]
pub(crate) struct IdentityQuery;

/// Users and the signed-in caller.
#[Object]
impl IdentityQuery {
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
            (Some(id), _) => find_user(&app.identity, &request.actor, UserId(decode(Kind::User, &id, "id")?)).await,
            (None, Some(username)) => find_user_by_username(&app.identity, &request.actor, &username).await,
            (None, None) => return Err(bad_input("id", "give exactly one of id, username")),
        };
        Ok(UserNode::from(user.gql()?))
    }
}
