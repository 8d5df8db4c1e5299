//! Loading ahead below a page of comments (see `common::ahead`): their replies, then, at once,
//! the likes and mentions of the comments and replies together and the authors of both
//! together.

use async_graphql::Context;
use backline_application::feedback::{comment_details, replies_of};
use backline_domain::comments::Comment;
use backline_domain::ids::{CommentId, UserId};

use crate::common::ahead::{Level, people};
use crate::common::error::gql;
use crate::feedback::loaders::{CommentDetailsOf, RepliesOf};

/// The comment fields answered from its likes and mentions.
const DETAILS: [&str; 4] = ["likeCount", "likedByMe", "likes", "mentions"];

/// What the comments (or replies) of one level need loaded.
#[derive(Default)]
struct Wanted {
    details: Vec<CommentId>,
    owners: Vec<UserId>,
}

impl Wanted {
    fn add<'c>(&mut self, level: &Level<'_>, comments: impl IntoIterator<Item = &'c Comment> + Clone) {
        if level.has(&DETAILS) {
            self.details
                .extend(comments.clone().into_iter().map(|comment| comment.id));
        }
        if level.has(&["owner"]) {
            self.owners
                .extend(comments.into_iter().filter_map(|comment| comment.owner_id));
        }
    }
}

/// Loads ahead below the page of `comments` that `ctx`'s connection field returns.
pub(crate) async fn below_comments(ctx: &Context<'_>, comments: &[Comment]) -> async_graphql::Result<()> {
    let Some(level) = Level::of(ctx, true) else {
        return Ok(());
    };
    if comments.is_empty() {
        return Ok(());
    }
    let mut wanted = Wanted::default();
    wanted.add(&level, comments);
    let threads = level.children("responses");
    if !threads.is_empty() {
        let parents: Vec<CommentId> = comments
            .iter()
            .filter(|comment| comment.parent_id.is_none())
            .map(|comment| comment.id)
            .collect();
        let mut replies = replies_of(&level.app.feedback, &parents).await.map_err(gql)?;
        for thread in threads {
            wanted.add(&level.below(thread), replies.values().flatten());
        }
        level.request.loaders.prime(
            parents
                .iter()
                .map(|id| (RepliesOf(*id), replies.remove(id).unwrap_or_default())),
        );
    }
    // The likes and the authors do not depend on each other: both at once.
    let Wanted { mut details, owners } = wanted;
    details.sort_unstable();
    details.dedup();
    let likes = async {
        if details.is_empty() {
            return Ok(());
        }
        let found = comment_details(&level.app.feedback, level.actor(), &details)
            .await
            .map_err(gql)?;
        level
            .request
            .loaders
            .prime(found.into_iter().map(|(id, details)| (CommentDetailsOf(id), details)));
        Ok::<(), async_graphql::Error>(())
    };
    let (likes, authors) = tokio::join!(likes, people(&level, owners));
    likes.and(authors)?;
    Ok(())
}
