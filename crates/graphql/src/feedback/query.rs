//! Queries: comments.

use async_graphql::{Context, ID, Object};
use backline_application::feedback::find_comment;
use backline_domain::ids::CommentId;

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode};
use crate::common::nodes::CommentNode;

/// Comments.
#[derive(Default)]
pub(crate) struct FeedbackQuery;

/// Comments.
#[Object]
impl FeedbackQuery {
    /// A comment by id.
    async fn comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment's global id.")] id: ID,
    ) -> async_graphql::Result<CommentNode> {
        let (app, request) = parts(ctx)?;
        let id = CommentId(decode(Kind::Comment, &id, "id")?);
        Ok(CommentNode(
            find_comment(&app.feedback, &request.actor, id).await.gql()?,
        ))
    }
}
