//! Reading comments in batches (the GraphQL dataloaders call these).

use std::collections::HashMap;

use backline_domain::comments::Comment;
use backline_domain::ids::{CommentId, UserId};
use backline_domain::page::{Page, PageRequest};
use backline_domain::workspace::ResourcePath;

use super::Feedback;
use crate::Actor;
use crate::access::readable_paths;
use crate::error::AppResult;
use crate::ports::{CommentFilter, CommentParent};

/// A page of top-level comments of each file or track in `targets` (id and the path of its
/// track) whose track the caller can read.
pub async fn comments_of(
    feedback: &Feedback,
    actor: &Actor,
    parent: CommentParent,
    targets: &[(uuid::Uuid, ResourcePath)],
    filter: CommentFilter,
    page: PageRequest,
) -> AppResult<HashMap<uuid::Uuid, Page<Comment>>> {
    let paths: Vec<ResourcePath> = targets.iter().map(|(_, path)| *path).collect();
    let readable = readable_paths(&feedback.access, actor, &paths).await?;
    let allowed: Vec<uuid::Uuid> = targets
        .iter()
        .filter(|(_, path)| readable.contains(path))
        .map(|(id, _)| *id)
        .collect();
    Ok(feedback.comments.page_for(parent, &allowed, filter, page).await?)
}

/// How many top-level comments each readable file or track in `targets` has.
pub async fn count_comments_of(
    feedback: &Feedback,
    actor: &Actor,
    parent: CommentParent,
    targets: &[(uuid::Uuid, ResourcePath)],
    include_resolved: bool,
) -> AppResult<HashMap<uuid::Uuid, u64>> {
    let paths: Vec<ResourcePath> = targets.iter().map(|(_, path)| *path).collect();
    let readable = readable_paths(&feedback.access, actor, &paths).await?;
    let allowed: Vec<uuid::Uuid> = targets
        .iter()
        .filter(|(_, path)| readable.contains(path))
        .map(|(id, _)| *id)
        .collect();
    Ok(feedback.comments.count_for(parent, &allowed, include_resolved).await?)
}

/// The replies of comments the caller already read, oldest first.
pub async fn replies_of(feedback: &Feedback, parents: &[CommentId]) -> AppResult<HashMap<CommentId, Vec<Comment>>> {
    Ok(feedback.comments.replies(parents).await?)
}

/// Likes and mentions of comments the caller already read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentDetails {
    /// Who liked it, in order.
    pub likers: Vec<UserId>,
    /// Whether the caller liked it.
    pub liked_by_me: bool,
    /// Who it mentions.
    pub mentions: Vec<UserId>,
}

/// Likes and mentions of each comment in `ids`.
pub async fn comment_details(
    feedback: &Feedback,
    actor: &Actor,
    ids: &[CommentId],
) -> AppResult<HashMap<CommentId, CommentDetails>> {
    // One read for likes and mentions; whether the caller liked one is among its likers.
    let mut people = feedback.comments.people(ids).await?;
    let me = actor.user_id();
    Ok(ids
        .iter()
        .map(|id| {
            let likers = people.likers.remove(id).unwrap_or_default();
            let liked_by_me = me.is_some_and(|me| likers.contains(&me));
            (
                *id,
                CommentDetails {
                    likers,
                    liked_by_me,
                    mentions: people.mentions.remove(id).unwrap_or_default(),
                },
            )
        })
        .collect())
}
