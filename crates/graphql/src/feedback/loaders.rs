//! This context's dataloaders: comment pages, replies, likes and mentions, batched per request through use cases that
//! authorize the whole batch.

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use backline_application::feedback::{CommentDetails, comment_details, comments_of, replies_of};
use backline_application::ports::{CommentFilter, CommentParent};
use backline_domain::comments::Comment;
use backline_domain::ids::CommentId;
use backline_domain::page::{Page, PageRequest};
use backline_domain::workspace::ResourcePath;

use crate::common::error::gql;
use crate::common::loaders::{Batch, LoadResult};

/// Key of the comment-page loader: a file or track (with its track's path), a filter and a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CommentsOf(
    pub(crate) CommentParent,
    pub(crate) uuid::Uuid,
    pub(crate) ResourcePath,
    pub(crate) CommentFilter,
    pub(crate) PageRequest,
);

impl Loader<CommentsOf> for Batch {
    type Value = Page<Comment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CommentsOf]) -> LoadResult<CommentsOf, Page<Comment>> {
        let mut groups: HashMap<(CommentParent, CommentFilter, PageRequest), Vec<(uuid::Uuid, ResourcePath)>> =
            HashMap::new();
        for key in keys {
            groups.entry((key.0, key.3, key.4)).or_default().push((key.1, key.2));
        }
        let mut out = HashMap::new();
        for ((parent, filter, request), targets) in groups {
            let pages = comments_of(&self.app.feedback, &self.actor, parent, &targets, filter, request)
                .await
                .map_err(gql)?;
            for (id, path) in targets {
                if let Some(page) = pages.get(&id) {
                    out.insert(CommentsOf(parent, id, path, filter, request), page.clone());
                }
            }
        }
        Ok(out)
    }
}

/// Key of the replies loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RepliesOf(pub(crate) CommentId);

impl Loader<RepliesOf> for Batch {
    type Value = Vec<Comment>;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[RepliesOf]) -> LoadResult<RepliesOf, Vec<Comment>> {
        let ids: Vec<CommentId> = keys.iter().map(|key| key.0).collect();
        let replies = replies_of(&self.app.feedback, &ids).await.map_err(gql)?;
        Ok(replies.into_iter().map(|(id, list)| (RepliesOf(id), list)).collect())
    }
}

/// Key of the likes-and-mentions loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CommentDetailsOf(pub(crate) CommentId);

impl Loader<CommentDetailsOf> for Batch {
    type Value = CommentDetails;
    type Error = async_graphql::Error;

    async fn load(&self, keys: &[CommentDetailsOf]) -> LoadResult<CommentDetailsOf, CommentDetails> {
        let ids: Vec<CommentId> = keys.iter().map(|key| key.0).collect();
        let details = comment_details(&self.app.feedback, &self.actor, &ids)
            .await
            .map_err(gql)?;
        Ok(details
            .into_iter()
            .map(|(id, details)| (CommentDetailsOf(id), details))
            .collect())
    }
}
