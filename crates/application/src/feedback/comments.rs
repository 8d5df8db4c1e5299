//! Writing, changing and deleting comments.

use backline_domain::access::{Action, ResourceKind, permits};
use backline_domain::comments::{Comment, CommentContent, TimeRange};
use backline_domain::ids::{CommentId, FileId, UserId};
use backline_domain::notifications::Notification;

use super::Feedback;
use crate::Actor;
use crate::access::{authorize_create, readable_or_not_found, user_can_read};
use crate::error::{AppError, AppResult, NotFoundAs};
use crate::media::readable_file;
use crate::notifications::{About, prepare, track_audience, track_context};
use crate::ports::{CommentEventKind, NewComment};
use backline_domain::notifications::NotificationType;

/// At most this many users are mentioned per comment; further `@names` stay plain text.
const MAX_MENTIONS: usize = 20;

/// A new top-level comment.
#[derive(Debug, Clone)]
pub struct AddComment {
    /// The version it is about.
    pub file_id: FileId,
    /// The text (1-5,000 characters).
    pub content: String,
    /// Seconds from the start (a moment, or the start of a range).
    pub time_start: Option<f64>,
    /// Seconds from the start (the end of a range).
    pub time_end: Option<f64>,
}

/// Loads a comment without any access check.
pub(crate) async fn load_comment(feedback: &Feedback, id: CommentId) -> AppResult<Comment> {
    feedback
        .comments
        .comments(&[id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("comment"))
}

/// Finds a comment the caller can read (Comment R on its track); `NOT_FOUND` otherwise.
pub async fn find_comment(feedback: &Feedback, actor: &Actor, id: CommentId) -> AppResult<Comment> {
    let comment = load_comment(feedback, id).await?;
    readable_or_not_found(&feedback.access, actor, comment.path())
        .await
        .not_found_as("comment")?;
    Ok(comment)
}

/// The users `content` mentions who can read the track (never the author).
async fn mentioned(
    feedback: &Feedback,
    content: &CommentContent,
    author: UserId,
    comment: &Comment,
) -> AppResult<Vec<UserId>> {
    let mut users = Vec::new();
    for name in content.mentions().into_iter().take(MAX_MENTIONS) {
        if let Some(user) = feedback.access.users.find_by_username(&name).await?
            && user.id != author
            && !users.contains(&user.id)
            && user_can_read(&feedback.access, user.id, comment.path()).await?
        {
            users.push(user.id);
        }
    }
    Ok(users)
}

fn content_of(raw: &str) -> AppResult<CommentContent> {
    CommentContent::parse(raw).map_err(AppError::from)
}

/// Comments on a version (Comment C on its track: every role, viewers included). The time must
/// lie within the version when its duration is known.
pub async fn add_comment(feedback: &Feedback, actor: &Actor, input: AddComment) -> AppResult<Comment> {
    let user = actor.require()?;
    let file = readable_file(&feedback.access, &*feedback.files, actor, input.file_id).await?;
    authorize_create(&feedback.access, actor, file.path(), ResourceKind::Comment).await?;
    let content = content_of(&input.content)?;
    let duration = file
        .analysis
        .metadata
        .as_ref()
        .map(|metadata| metadata.duration_seconds);
    let time = TimeRange::parse(input.time_start, input.time_end, duration).map_err(AppError::from)?;
    let now = feedback.clock.now();
    let comment = Comment::top_level(CommentId(feedback.ids.uuid()), &content, Some(user), &file, time, now);
    let mentions = mentioned(feedback, &content, user, &comment).await?;
    let notifications = comment_notifications(feedback, &comment, file.version, &mentions, None).await?;
    feedback
        .comments
        .insert(NewComment {
            comment: &comment,
            mentions: &mentions,
            event: CommentEventKind::Added,
            notifications: &notifications,
        })
        .await?;
    crate::failpoints::hit(crate::failpoints::COMMENT_COMMITTED);
    Ok(comment)
}

/// The notifications a new comment or reply raises, stored with it: mentioned users
/// (MENTIONED), and for a top-level comment the track's people (NEW_COMMENT_CREATED), for a
/// reply the thread's people (RESPONSE_TO_COMMENT).
async fn comment_notifications(
    feedback: &Feedback,
    comment: &Comment,
    version: i32,
    mentions: &[UserId],
    thread: Option<Vec<UserId>>,
) -> AppResult<Vec<Notification>> {
    let Some(sender) = comment.owner_id else {
        return Ok(Vec::new());
    };
    let context = track_context(&feedback.notifier, comment.path()).await?;
    let slug = context.link(&format!("v={version}&c={}", comment.id));
    let about = |kind, headline: String| About {
        kind,
        sender: Some(sender),
        target: Some(comment.path()),
        pointer: comment.id.0,
        headline,
        slug: slug.clone(),
        dedupe: None,
    };
    let title = &context.title;
    let mut raised = prepare(
        &feedback.notifier,
        &about(
            NotificationType::Mentioned,
            format!("mentioned you on “{title}” (v{version})"),
        ),
        mentions.iter().copied(),
    )
    .await?;
    let (kind, headline, audience) = match thread {
        Some(thread) => (
            NotificationType::ResponseToComment,
            format!("replied in a thread on “{title}” (v{version})"),
            thread,
        ),
        None => (
            NotificationType::NewCommentCreated,
            format!("commented on “{title}” (v{version})"),
            track_audience(&feedback.notifier, comment.path()).await?,
        ),
    };
    let others = audience.into_iter().filter(|user| !mentions.contains(user));
    raised.extend(prepare(&feedback.notifier, &about(kind, headline), others).await?);
    Ok(raised)
}

/// Replies in a thread (Comment C). A reply to a reply joins the same top-level comment;
/// replies carry no time.
pub async fn reply_to_comment(feedback: &Feedback, actor: &Actor, to: CommentId, content: &str) -> AppResult<Comment> {
    let user = actor.require()?;
    let target = find_comment(feedback, actor, to).await?;
    authorize_create(&feedback.access, actor, target.path(), ResourceKind::Comment).await?;
    let parent = match target.parent_id {
        Some(parent) => load_comment(feedback, parent).await?,
        None => target,
    };
    let content = content_of(content)?;
    let reply = parent.reply(CommentId(feedback.ids.uuid()), &content, user, feedback.clock.now());
    let mentions = mentioned(feedback, &content, user, &reply).await?;
    // The thread's people: the parent's author and everyone who replied before.
    let mut thread: Vec<UserId> = parent.owner_id.into_iter().collect();
    if let Some(replies) = feedback.comments.replies(&[parent.id]).await?.remove(&parent.id) {
        thread.extend(replies.iter().filter_map(|reply| reply.owner_id));
    }
    let version = feedback
        .files
        .files(&[reply.file_id])
        .await?
        .first()
        .map_or(0, |file| file.version);
    let notifications = comment_notifications(feedback, &reply, version, &mentions, Some(thread)).await?;
    feedback
        .comments
        .insert(NewComment {
            comment: &reply,
            mentions: &mentions,
            event: CommentEventKind::Added,
            notifications: &notifications,
        })
        .await?;
    Ok(reply)
}

/// Loads a live comment the caller may change: its author (while they can read the track), or
/// anyone with Comment U on the track (owner, admin, editor).
async fn changeable(feedback: &Feedback, actor: &Actor, id: CommentId, action: Action) -> AppResult<Comment> {
    let user = actor.require()?;
    let comment = load_comment(feedback, id).await?;
    let role = readable_or_not_found(&feedback.access, actor, comment.path())
        .await
        .not_found_as("comment")?;
    if comment.is_deleted {
        return Err(AppError::NotFound("comment"));
    }
    if comment.is_by(user) || permits(role, ResourceKind::Comment, action) {
        Ok(comment)
    } else {
        Err(AppError::Forbidden(format!(
            "your role {role} may only {} your own comments",
            if action == Action::Delete { "delete" } else { "change" }
        )))
    }
}

/// Changes the text (the author, or Comment U). Mentions of newly named users are not sent
/// again; the stored mentions stay those of the first version.
pub async fn edit_comment(feedback: &Feedback, actor: &Actor, id: CommentId, content: &str) -> AppResult<Comment> {
    let mut comment = changeable(feedback, actor, id, Action::Update).await?;
    let content = content_of(content)?;
    let event = comment.edit(&content, feedback.clock.now());
    feedback.comments.save(&comment, event, &[]).await?;
    Ok(comment)
}

/// A change to a comment's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentChange {
    /// Mark done.
    Resolve,
    /// Mark not done.
    Reopen,
    /// Pin to the top.
    Pin,
    /// Unpin.
    Unpin,
}

/// Resolves, reopens, pins or unpins a top-level comment (the author, or Comment U).
/// Idempotent: resolving a resolved comment changes nothing.
pub async fn change_comment(
    feedback: &Feedback,
    actor: &Actor,
    id: CommentId,
    change: CommentChange,
) -> AppResult<Comment> {
    let user = actor.require()?;
    let mut comment = changeable(feedback, actor, id, Action::Update).await?;
    if comment.parent_id.is_some() {
        return Err(AppError::invalid(
            "commentId",
            "replies cannot be resolved or pinned; change their thread's comment",
        ));
    }
    let now = feedback.clock.now();
    let event = match change {
        CommentChange::Resolve => comment.resolve(user, now),
        CommentChange::Reopen => comment.reopen(now),
        CommentChange::Pin => comment.set_pinned(true, now),
        CommentChange::Unpin => comment.set_pinned(false, now),
    };
    if let Some(event) = event {
        let notifications = if change == CommentChange::Resolve {
            for_author(
                feedback,
                &comment,
                user,
                NotificationType::CommentCompleted,
                "resolved your comment on",
                None,
            )
            .await?
        } else {
            Vec::new()
        };
        feedback.comments.save(&comment, event, &notifications).await?;
    }
    Ok(comment)
}

/// Deletes a comment (the author, or Comment D: owner, admin, editor). A top-level comment with
/// replies stays as a `[deleted]` placeholder without author, so the thread survives.
pub async fn delete_comment(feedback: &Feedback, actor: &Actor, id: CommentId) -> AppResult<CommentId> {
    let mut comment = changeable(feedback, actor, id, Action::Delete).await?;
    let has_replies = comment.parent_id.is_none()
        && feedback
            .comments
            .replies(&[comment.id])
            .await?
            .get(&comment.id)
            .is_some_and(|replies| !replies.is_empty());
    if has_replies {
        let event = comment.delete_keeping_replies(feedback.clock.now());
        feedback.comments.save(&comment, event, &[]).await?;
    } else {
        feedback.comments.delete(&comment).await?;
    }
    Ok(id)
}

/// What a change by `sender` to `comment` raises for its author (none for a guest's comment),
/// to store with the change.
async fn for_author(
    feedback: &Feedback,
    comment: &Comment,
    sender: UserId,
    kind: NotificationType,
    verb: &str,
    dedupe: Option<String>,
) -> AppResult<Vec<Notification>> {
    let Some(author) = comment.owner_id else {
        return Ok(Vec::new());
    };
    let context = track_context(&feedback.notifier, comment.path()).await?;
    let about = About {
        kind,
        sender: Some(sender),
        target: Some(comment.path()),
        pointer: comment.id.0,
        headline: format!("{verb} “{}”", context.title),
        slug: context.link(&format!("c={}", comment.id)),
        dedupe,
    };
    prepare(&feedback.notifier, &about, [author]).await
}

/// Likes a comment (anyone who can read it). Idempotent.
pub async fn like_comment(feedback: &Feedback, actor: &Actor, id: CommentId) -> AppResult<Comment> {
    let user = actor.require()?;
    let comment = find_comment(feedback, actor, id).await?;
    if comment.is_deleted {
        return Err(AppError::NotFound("comment"));
    }
    let dedupe = format!("like:{}:{user}", comment.id);
    let notifications = for_author(
        feedback,
        &comment,
        user,
        NotificationType::LikeToComment,
        "liked your comment on",
        Some(dedupe),
    )
    .await?;
    feedback
        .comments
        .like(&comment, user, feedback.clock.now(), &notifications)
        .await?;
    Ok(comment)
}

/// Takes a like back. Idempotent.
pub async fn unlike_comment(feedback: &Feedback, actor: &Actor, id: CommentId) -> AppResult<Comment> {
    let user = actor.require()?;
    let comment = find_comment(feedback, actor, id).await?;
    feedback.comments.unlike(&comment, user).await?;
    Ok(comment)
}

#[cfg(test)]
mod tests {
    use backline_domain::roles::Role;

    use super::*;
    use crate::ports::Event;
    use crate::testing::world::World;

    fn at(world: &World, start: f64, content: &str) -> AddComment {
        AddComment {
            file_id: world.version.id,
            content: content.to_owned(),
            time_start: Some(start),
            time_end: None,
        }
    }

    #[tokio::test]
    async fn a_viewer_comments_and_the_owner_hears_of_it_in_the_same_write() -> AppResult<()> {
        let world = World::new();
        let viewer = world.person("viewer", Some(Role::Viewer));
        let comment = add_comment(
            &world.feedback,
            &World::actor(viewer),
            at(&world, 92.0, "snare too loud"),
        )
        .await?;
        assert_eq!(world.comments.stored(), vec![comment.clone()]);
        let events = world.comments.events();
        assert!(
            matches!(
                events.as_slice(),
                [
                    Event::Comment { kind: CommentEventKind::Added, comment: stored },
                    Event::Notification { notification },
                ] if stored.id == comment.id && notification.recipient_id == world.owner
            ),
            "the comment's event and the owner's live notification, written with it: {events:?}"
        );
        let recipients: Vec<UserId> = world.comments.notifications().iter().map(|n| n.recipient_id).collect();
        assert_eq!(recipients, vec![world.owner], "the owner, not the author");
        Ok(())
    }

    #[tokio::test]
    async fn a_stranger_is_told_the_version_does_not_exist_and_nothing_is_written() -> AppResult<()> {
        let world = World::new();
        let stranger = world.person("stranger", None);
        let refused = add_comment(&world.feedback, &World::actor(stranger), at(&world, 10.0, "hi")).await;
        assert!(matches!(refused, Err(AppError::NotFound("file"))), "{refused:?}");
        assert!(world.comments.stored().is_empty());
        assert!(world.comments.events().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_time_past_the_end_of_the_version_is_refused_and_nothing_is_written() -> AppResult<()> {
        let world = World::new();
        let refused = add_comment(&world.feedback, &World::actor(world.owner), at(&world, 181.0, "late")).await;
        assert!(matches!(refused, Err(AppError::InvalidInput { .. })), "{refused:?}");
        assert!(world.comments.stored().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_viewer_may_edit_their_own_comment_but_not_anothers() -> AppResult<()> {
        let world = World::new();
        let (alice, bob) = (
            world.person("alice", Some(Role::Viewer)),
            world.person("bob", Some(Role::Viewer)),
        );
        let comment = add_comment(&world.feedback, &World::actor(alice), at(&world, 5.0, "intro drags")).await?;
        let refused = edit_comment(&world.feedback, &World::actor(bob), comment.id, "no").await;
        assert!(matches!(refused, Err(AppError::Forbidden(_))), "{refused:?}");
        let edited = edit_comment(&world.feedback, &World::actor(alice), comment.id, "intro drags a bit").await?;
        assert_eq!(edited.content, "intro drags a bit");
        assert_eq!(world.comments.stored()[0].content, "intro drags a bit");
        Ok(())
    }

    #[tokio::test]
    async fn a_reply_to_a_reply_joins_the_top_level_thread_and_notifies_its_author() -> AppResult<()> {
        let world = World::new();
        let editor = world.person("editor", Some(Role::Editor));
        let top = add_comment(&world.feedback, &World::actor(world.owner), at(&world, 30.0, "bass?")).await?;
        let first = reply_to_comment(&world.feedback, &World::actor(editor), top.id, "fixed").await?;
        let second = reply_to_comment(&world.feedback, &World::actor(world.owner), first.id, "thanks").await?;
        assert_eq!(first.parent_id, Some(top.id));
        assert_eq!(
            second.parent_id,
            Some(top.id),
            "a reply to a reply joins the top-level comment"
        );
        assert_eq!(second.time, None, "replies carry no time");
        let last = world.comments.notifications();
        assert!(
            last.iter()
                .any(|n| n.recipient_id == editor && n.pointer_id == Some(second.id.0))
        );
        assert!(
            last.iter().all(|n| Some(n.recipient_id) != n.sender_id),
            "nobody hears of their own comment"
        );
        Ok(())
    }
}
