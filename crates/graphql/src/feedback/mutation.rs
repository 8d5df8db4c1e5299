//! Comments: writing, replying, editing, deleting, likes, resolution and pins.

use async_graphql::{Context, ID, InputObject, Object};
use backline_application::feedback::{self as uc, AddComment, CommentChange};
use backline_domain::ids::{CommentId, FileId};

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode, encode};
use crate::common::nodes::CommentNode;

#[derive(Default)]
pub(crate) struct FeedbackMutation;

/// Input of `addComment`.
#[derive(InputObject)]
struct AddCommentInput {
    /// The version the comment is about.
    file_id: ID,
    /// The text (1-5,000 characters; `@username` mentions someone who can read the track).
    content: String,
    /// Seconds from the start: the moment, or where a range starts.
    time_start: Option<f64>,
    /// Seconds from the start where a range ends (needs `timeStart`; at most the duration).
    time_end: Option<f64>,
}

/// Input of `replyToComment`.
#[derive(InputObject)]
struct ReplyToCommentInput {
    /// The comment (or reply) to answer; replies always join the top-level comment's thread.
    comment_id: ID,
    /// The text (1-5,000 characters).
    content: String,
}

/// Input of `editComment`.
#[derive(InputObject)]
struct EditCommentInput {
    /// The comment to change.
    comment_id: ID,
    /// The new text (1-5,000 characters).
    content: String,
}

fn comment_id(id: &ID) -> async_graphql::Result<CommentId> {
    Ok(CommentId(decode(Kind::Comment, id, "commentId")?))
}

async fn change(ctx: &Context<'_>, id: &ID, change: CommentChange) -> async_graphql::Result<CommentNode> {
    let (app, request) = parts(ctx)?;
    let comment = uc::change_comment(&app.feedback, &request.actor, comment_id(id)?, change)
        .await
        .gql()?;
    Ok(CommentNode(comment))
}

#[Object]
impl FeedbackMutation {
    /// Comments on a version, at a moment or over a range (any role on the track, viewers
    /// included).
    async fn add_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version, the text and the time.")] input: AddCommentInput,
    ) -> async_graphql::Result<CommentNode> {
        let (app, request) = parts(ctx)?;
        let file_id = FileId(decode(Kind::File, &input.file_id, "fileId")?);
        let comment = uc::add_comment(
            &app.feedback,
            &request.actor,
            AddComment {
                file_id,
                content: input.content,
                time_start: input.time_start,
                time_end: input.time_end,
            },
        )
        .await
        .gql()?;
        Ok(CommentNode(comment))
    }

    /// Replies in a comment's thread (any role on the track).
    async fn reply_to_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment and the text.")] input: ReplyToCommentInput,
    ) -> async_graphql::Result<CommentNode> {
        let (app, request) = parts(ctx)?;
        let id = comment_id(&input.comment_id)?;
        let reply = uc::reply_to_comment(&app.feedback, &request.actor, id, &input.content)
            .await
            .gql()?;
        Ok(CommentNode(reply))
    }

    /// Changes a comment's text (its author, or an owner, admin or editor of the track).
    async fn edit_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment and the new text.")] input: EditCommentInput,
    ) -> async_graphql::Result<CommentNode> {
        let (app, request) = parts(ctx)?;
        let id = comment_id(&input.comment_id)?;
        let comment = uc::edit_comment(&app.feedback, &request.actor, id, &input.content)
            .await
            .gql()?;
        Ok(CommentNode(comment))
    }

    /// Deletes a comment (its author, or an owner, admin or editor of the track). A comment with
    /// replies stays as `[deleted]` so its thread survives. Returns the id.
    async fn delete_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment to delete.")] comment_id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let id = uc::delete_comment(&app.feedback, &request.actor, self::comment_id(&comment_id)?)
            .await
            .gql()?;
        Ok(encode(Kind::Comment, id.0))
    }

    /// Likes a comment (idempotent).
    async fn like_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment to like.")] comment_id: ID,
    ) -> async_graphql::Result<CommentNode> {
        let (app, request) = parts(ctx)?;
        let comment = uc::like_comment(&app.feedback, &request.actor, self::comment_id(&comment_id)?)
            .await
            .gql()?;
        Ok(CommentNode(comment))
    }

    /// Takes a like back (idempotent).
    async fn unlike_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment to unlike.")] comment_id: ID,
    ) -> async_graphql::Result<CommentNode> {
        let (app, request) = parts(ctx)?;
        let comment = uc::unlike_comment(&app.feedback, &request.actor, self::comment_id(&comment_id)?)
            .await
            .gql()?;
        Ok(CommentNode(comment))
    }

    /// Marks a comment done (its author, or an owner, admin or editor of the track).
    async fn resolve_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The top-level comment.")] comment_id: ID,
    ) -> async_graphql::Result<CommentNode> {
        change(ctx, &comment_id, CommentChange::Resolve).await
    }

    /// Marks a resolved comment open again (same people as resolving).
    async fn reopen_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The top-level comment.")] comment_id: ID,
    ) -> async_graphql::Result<CommentNode> {
        change(ctx, &comment_id, CommentChange::Reopen).await
    }

    /// Pins a comment to the top of the thread list (same people as resolving).
    async fn pin_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The top-level comment.")] comment_id: ID,
    ) -> async_graphql::Result<CommentNode> {
        change(ctx, &comment_id, CommentChange::Pin).await
    }

    /// Unpins a comment.
    async fn unpin_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The top-level comment.")] comment_id: ID,
    ) -> async_graphql::Result<CommentNode> {
        change(ctx, &comment_id, CommentChange::Unpin).await
    }
}
