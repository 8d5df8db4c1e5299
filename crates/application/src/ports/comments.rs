//! Comments, their likes and mentions.

use std::collections::HashMap;

use backline_domain::comments::Comment;
use backline_domain::ids::{CommentId, ReviewLinkId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};

use super::RepoResult;
use super::events::CommentEventKind;

/// A new comment and everything its creation writes, decided by the use case: stored in one
/// transaction, so a rolled-back comment emits and notifies nothing and a committed one has its
/// event in the outbox and its notifications in the inbox.
pub struct NewComment<'a> {
    /// The comment.
    pub comment: &'a Comment,
    /// The users its text mentions.
    pub mentions: &'a [UserId],
    /// The event subscribers get.
    pub event: CommentEventKind,
    /// The notifications it raises (recipients already chosen and checked).
    pub notifications: &'a [Notification],
}

/// How a list of comments is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentOrder {
    /// By position in the audio, earliest first (comments without a time last), then by age.
    Timestamp,
    /// Newest first.
    Newest,
}

/// Which top-level comments to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommentFilter {
    /// The order.
    pub order: CommentOrder,
    /// Whether resolved comments are included.
    pub include_resolved: bool,
}

/// What a list of comments hangs from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommentParent {
    /// One version.
    File,
    /// Every version of a track.
    Track,
}

/// The people of some comments: who liked each (in the order they did) and whom each
/// mentions (in the order of the text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentPeople {
    /// Who liked each comment; comments nobody liked are absent.
    pub likers: HashMap<CommentId, Vec<UserId>>,
    /// Whom each comment mentions; comments that mention nobody are absent.
    pub mentions: HashMap<CommentId, Vec<UserId>>,
}

/// Comments on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait CommentRepository: Send + Sync + 'static {
    /// Stores a new comment, the users it mentions, its event and its notifications (with their
    /// live events; a notification whose dedupe key was used is skipped), in one transaction.
    async fn insert(&self, new: NewComment<'_>) -> RepoResult<()>;
    /// Comments by id (missing ids are skipped).
    async fn comments(&self, ids: &[CommentId]) -> RepoResult<Vec<Comment>>;
    /// Saves the changeable fields (content, edit time, resolution, pin, deletion, author), with
    /// a `kind` event and the `notifications` the change raises, in one transaction.
    async fn save(&self, comment: &Comment, kind: CommentEventKind, notifications: &[Notification]) -> RepoResult<()>;
    /// Deletes a comment with its replies, likes and mentions, with a `Deleted` event carrying
    /// `comment` as it was, in one transaction.
    async fn delete(&self, comment: &Comment) -> RepoResult<()>;
    /// Top-level comments guests wrote through a review link, oldest first, at most `limit`.
    async fn through_review_link(&self, link: ReviewLinkId, limit: u64) -> RepoResult<Vec<Comment>>;
    /// Replies of each comment, oldest first.
    async fn replies(&self, parents: &[CommentId]) -> RepoResult<HashMap<CommentId, Vec<Comment>>>;
    /// Adds a like, with a `Liked` event and `notifications` when it is new, in one
    /// transaction; whether it was new.
    async fn like(
        &self,
        comment: &Comment,
        user: UserId,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<bool>;
    /// Removes a like, with an `Unliked` event when there was one; whether there was one.
    async fn unlike(&self, comment: &Comment, user: UserId) -> RepoResult<bool>;
    /// Who liked each comment (in the order they did) and whom it mentions, read together.
    async fn people(&self, ids: &[CommentId]) -> RepoResult<CommentPeople>;
    /// How many top-level comments each file or track in `parents` has.
    async fn count_for(
        &self,
        parent: CommentParent,
        parents: &[uuid::Uuid],
        include_resolved: bool,
    ) -> RepoResult<HashMap<uuid::Uuid, u64>>;
    /// A page of top-level comments of each file or track in `parents`.
    async fn page_for(
        &self,
        parent: CommentParent,
        parents: &[uuid::Uuid],
        filter: CommentFilter,
        page: PageRequest,
    ) -> RepoResult<HashMap<uuid::Uuid, Page<Comment>>>;
}
