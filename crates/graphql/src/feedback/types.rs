//! Time-synced comments and their threads.

use async_graphql::{Context, ID, Object};
use backline_application::ports::CommentParent;
use backline_domain::page::{ListOrder, Page};
use backline_domain::workspace::ResourcePath;
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::enums::GqlCommentOrder;
use crate::common::ids::{Kind, encode};
use crate::common::nodes::{CommentConnection, CommentNode, FileNode, ReplyConnection, TrackNode, UserNode};
use crate::common::pagination::page_request;
use crate::common::total_count::TotalCount;
use crate::feedback::loaders::{CommentDetailsOf, CommentsOf, RepliesOf};

impl CommentNode {
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }
}

/// A time-synced comment on a version ("at 1:32–1:40 the snare is too loud"), or a reply in its
/// thread. Replies are one level deep and carry no time.
#[Object(name = "Comment")]
impl CommentNode {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Comment, self.0.id.0)
    }

    /// The text; `[deleted]` for a deleted comment kept for its replies.
    async fn content(&self) -> &str {
        &self.0.content
    }

    /// Whether a guest wrote it through a public review link (then `owner` is null and
    /// `guestName` names them).
    async fn is_guest(&self) -> bool {
        self.0.is_guest()
    }

    /// The display name a guest gave; null for comments by members.
    async fn guest_name(&self) -> Option<&str> {
        self.0.guest_name.as_deref()
    }

    /// The author; null once the comment is deleted, and for guest comments.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        match self.0.owner_id {
            Some(owner) => crate::common::owner::owner(ctx, owner).await.map(Some),
            None => Ok(None),
        }
    }

    /// The version it is about.
    async fn file(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<FileNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(self.0.file_id).await?.map(FileNode))
    }

    /// The track.
    async fn track(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TrackNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(self.0.track_id).await?.map(TrackNode))
    }

    /// Seconds from the start where it applies; null for replies and untimed comments.
    async fn time_start(&self) -> Option<f64> {
        self.0.time.map(|time| time.start)
    }

    /// Seconds from the start where a range ends; null for a moment.
    async fn time_end(&self) -> Option<f64> {
        self.0.time.and_then(|time| time.end)
    }

    /// Whether it is marked done.
    async fn is_resolved(&self) -> bool {
        self.0.is_resolved
    }

    /// Who marked it done.
    async fn resolved_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        match self.0.resolved_by {
            Some(user) => crate::common::owner::owner(ctx, user).await.map(Some),
            None => Ok(None),
        }
    }

    /// When it was marked done.
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }

    /// Whether it is pinned to the top.
    async fn is_pinned(&self) -> bool {
        self.0.is_pinned
    }

    /// Whether it was deleted and is kept only for its replies.
    async fn is_deleted(&self) -> bool {
        self.0.is_deleted
    }

    /// Who liked it, ordered by account (oldest account first); `likeCount` and `likedByMe` need
    /// no list.
    async fn likes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<crate::common::nodes::UserConnection> {
        let page_request = page_request(first, after, last, before)?;
        let (_, request) = parts(ctx)?;
        let details = request.loaders.load_one(CommentDetailsOf(self.0.id)).await?;
        let likers = details.map(|details| details.likers).unwrap_or_default();
        let total = u64::try_from(likers.len()).unwrap_or(u64::MAX);
        let page = Page::of_list(likers, &page_request, |id| id.0, ListOrder::OldestFirst);
        let users = request.loaders.0.load_many(page.items.iter().copied()).await?;
        let page = Page {
            items: page.items.iter().filter_map(|id| users.get(id).cloned()).collect(),
            has_next_page: page.has_next_page,
            has_previous_page: page.has_previous_page,
        };
        Ok(crate::common::nodes::UserConnection::new(
            page,
            TotalCount::Known(total),
        ))
    }

    /// How many people liked it.
    async fn like_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let (_, request) = parts(ctx)?;
        let details = request.loaders.load_one(CommentDetailsOf(self.0.id)).await?;
        Ok(details.map_or(0, |details| i32::try_from(details.likers.len()).unwrap_or(i32::MAX)))
    }

    /// Whether you liked it.
    async fn liked_by_me(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let (_, request) = parts(ctx)?;
        let details = request.loaders.load_one(CommentDetailsOf(self.0.id)).await?;
        Ok(details.is_some_and(|details| details.liked_by_me))
    }

    /// The people its text mentions with `@username` who can read the track.
    async fn mentions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<UserNode>> {
        let (_, request) = parts(ctx)?;
        let details = request.loaders.load_one(CommentDetailsOf(self.0.id)).await?;
        let mentioned = details.map(|details| details.mentions).unwrap_or_default();
        let users = request.loaders.0.load_many(mentioned.iter().copied()).await?;
        Ok(mentioned
            .iter()
            .filter_map(|id| users.get(id).cloned().map(UserNode::from))
            .collect())
    }

    /// The replies, oldest first (none for a reply: threads are one level deep).
    async fn responses(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<ReplyConnection> {
        let page_request = page_request(first, after, last, before)?;
        let replies = if self.0.parent_id.is_some() {
            Vec::new()
        } else {
            let (_, request) = parts(ctx)?;
            request
                .loaders
                .load_one(RepliesOf(self.0.id))
                .await?
                .unwrap_or_default()
        };
        let total = u64::try_from(replies.len()).unwrap_or(u64::MAX);
        let page = Page::of_list(replies, &page_request, |reply| reply.id.0, ListOrder::OldestFirst);
        Ok(ReplyConnection::new(page, TotalCount::Known(total)))
    }

    /// The comment this replies to; null for a top-level comment.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<CommentNode>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        let (app, request) = parts(ctx)?;
        let found = backline_application::feedback::find_comment(&app.feedback, &request.actor, parent).await;
        match found {
            Ok(comment) => Ok(Some(CommentNode(comment))),
            Err(backline_application::AppError::NotFound(_)) => Ok(None),
            Err(error) => Err(crate::common::error::gql(error)),
        }
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When anything about it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// When its text was last edited; null if never.
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.0.edited_at
    }
}

/// Resolves a `comments(…)` field of a file or a track.
#[expect(clippy::too_many_arguments, reason = "the field's arguments, passed through")]
pub(crate) async fn comments_field(
    ctx: &Context<'_>,
    parent: CommentParent,
    id: uuid::Uuid,
    path: ResourcePath,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    order: GqlCommentOrder,
    include_resolved: bool,
) -> async_graphql::Result<CommentConnection> {
    let request = page_request(first, after, last, before)?;
    let (_, context) = parts(ctx)?;
    let filter = order.filter(include_resolved);
    let page = context
        .loaders
        .0
        .load_one(CommentsOf(parent, id, path, filter, request))
        .await?
        .unwrap_or_default();
    crate::feedback::ahead::below_comments(ctx, &page.items).await?;
    Ok(CommentConnection::new(
        page,
        TotalCount::Comments(parent, id, path, include_resolved),
    ))
}
