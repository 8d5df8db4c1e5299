//! An object's owner, as every owned object shows it.

use async_graphql::Context;
use backline_domain::ids::UserId;

use crate::common::context::parts;
use crate::common::nodes::UserNode;

pub(crate) async fn owner(ctx: &Context<'_>, id: UserId) -> async_graphql::Result<UserNode> {
    let (_, request) = parts(ctx)?;
    request
        .loaders
        .load_one(id)
        .await?
        .map(UserNode::from)
        .ok_or_else(|| async_graphql::Error::new("owner is missing"))
}
