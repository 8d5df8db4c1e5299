//! Time-synced comments on a version of a track, one level of replies, likes, resolution,
//! pinning and @mentions (seed 000 Comment; Samply-style threads).

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::ids::{ArtistSpaceId, CommentId, FileId, ProjectId, ReviewLinkId, TrackId, UserId};
use crate::workspace::ResourcePath;

/// The longest comment, in characters.
pub const MAX_CONTENT_CHARS: usize = 5_000;

/// What a deleted comment that still has replies shows instead of its text.
pub const DELETED_CONTENT: &str = "[deleted]";

/// A comment's text: trimmed, 1 to 5,000 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentContent(String);

impl CommentContent {
    /// Validates `raw`.
    ///
    /// # Errors
    /// When it is empty after trimming or longer than [`MAX_CONTENT_CHARS`].
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(DomainError::invalid("content", "must not be empty"));
        }
        if trimmed.chars().count() > MAX_CONTENT_CHARS {
            return Err(DomainError::invalid(
                "content",
                format!("must be at most {MAX_CONTENT_CHARS} characters"),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The usernames mentioned as `@name` (letters, digits, `_`, `-`, `.`), lowercased, each
    /// once, in order of appearance. An `@` inside a word (an email address) is not a mention.
    pub fn mentions(&self) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        let chars: Vec<char> = self.0.chars().collect();
        let is_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.');
        let mut index = 0;
        while index < chars.len() {
            let starts_word = index == 0 || !is_name(chars[index - 1]);
            if chars[index] == '@' && starts_word {
                let name: String = chars[index + 1..].iter().take_while(|c| is_name(**c)).collect();
                let name = name.trim_end_matches('.').to_lowercase();
                if !name.is_empty() && !found.contains(&name) {
                    found.push(name.clone());
                }
                index += 1 + name.chars().count();
            } else {
                index += 1;
            }
        }
        found
    }
}

/// Where a comment sits in the audio: a moment, or a range.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TimeRange {
    /// Seconds from the start.
    pub start: f64,
    /// Seconds from the start, for a range.
    pub end: Option<f64>,
}

impl TimeRange {
    /// Validates a moment or range against the version's duration, when it is known:
    /// `0 ≤ start ≤ end ≤ duration`. An end without a start is refused.
    ///
    /// # Errors
    /// Names `timeStart` or `timeEnd`.
    pub fn parse(start: Option<f64>, end: Option<f64>, duration: Option<f64>) -> Result<Option<Self>, DomainError> {
        let finite = |field: &'static str, value: f64| {
            if value.is_finite() && value >= 0.0 {
                Ok(value)
            } else {
                Err(DomainError::invalid(field, "must be a number of seconds, 0 or more"))
            }
        };
        let Some(start) = start else {
            return match end {
                Some(_) => Err(DomainError::invalid("timeEnd", "needs a timeStart")),
                None => Ok(None),
            };
        };
        let start = finite("timeStart", start)?;
        let end = end.map(|end| finite("timeEnd", end)).transpose()?;
        if let Some(end) = end
            && end < start
        {
            return Err(DomainError::invalid("timeEnd", "must not be before timeStart"));
        }
        if let Some(duration) = duration {
            // A little slack for players that report the very end.
            let limit = duration + 0.001;
            if start > limit {
                return Err(DomainError::invalid(
                    "timeStart",
                    format!("is past the end of this version ({duration:.3} s)"),
                ));
            }
            if end.is_some_and(|end| end > limit) {
                return Err(DomainError::invalid(
                    "timeEnd",
                    format!("is past the end of this version ({duration:.3} s)"),
                ));
            }
        }
        Ok(Some(Self { start, end }))
    }
}

/// What happened to a comment: each state change below returns the one it caused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CommentEventKind {
    /// Written (a comment or a reply).
    Added,
    /// Its text changed.
    Updated,
    /// Deleted (or turned into a `[deleted]` placeholder).
    Deleted,
    /// Marked done.
    Resolved,
    /// Marked open again.
    Reopened,
    /// Liked.
    Liked,
    /// A like was taken back.
    Unliked,
    /// Pinned.
    Pinned,
    /// Unpinned.
    Unpinned,
}

/// A comment, or a reply to one.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    /// Primary key.
    pub id: CommentId,
    /// The text ([`DELETED_CONTENT`] once deleted with replies kept).
    pub content: String,
    /// The author; `None` once deleted with replies kept.
    pub owner_id: Option<UserId>,
    /// The version it is about (a reply: its parent's).
    pub file_id: FileId,
    /// The track.
    pub track_id: TrackId,
    /// The project.
    pub project_id: ProjectId,
    /// The space.
    pub artist_space_id: ArtistSpaceId,
    /// The top-level comment this replies to.
    pub parent_id: Option<CommentId>,
    /// Where in the audio (top-level comments only).
    pub time: Option<TimeRange>,
    /// Marked done.
    pub is_resolved: bool,
    /// Who resolved it.
    pub resolved_by: Option<UserId>,
    /// When.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Pinned to the top of the thread list.
    pub is_pinned: bool,
    /// Deleted, kept as a placeholder because it has replies.
    pub is_deleted: bool,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When anything about it last changed.
    pub updated_at: DateTime<Utc>,
    /// When its text was last edited.
    pub edited_at: Option<DateTime<Utc>>,
    /// The display name a guest gave when commenting through a review link (no `owner_id`).
    #[serde(default)]
    pub guest_name: Option<String>,
    /// The review link a guest comment came through.
    #[serde(default)]
    pub review_link_id: Option<ReviewLinkId>,
}

impl Comment {
    /// A new top-level comment on a version: unresolved, unpinned, no replies. `owner` is
    /// `None` for a guest's comment.
    pub fn top_level(
        id: CommentId,
        content: &CommentContent,
        owner_id: Option<UserId>,
        file: &crate::media::MediaFile,
        time: Option<TimeRange>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            file_id: file.id,
            track_id: file.track_id,
            project_id: file.project_id,
            artist_space_id: file.artist_space_id,
            parent_id: None,
            time,
            ..Self::fresh(id, content, owner_id, now)
        }
    }

    /// A new comment's own fields: unresolved, unpinned, not deleted, written `now`. Where it
    /// sits (version, track, thread, time) is the caller's to set.
    fn fresh(id: CommentId, content: &CommentContent, owner_id: Option<UserId>, now: DateTime<Utc>) -> Self {
        let nil = uuid::Uuid::nil();
        Self {
            id,
            content: content.as_str().to_owned(),
            owner_id,
            file_id: FileId(nil),
            track_id: TrackId(nil),
            project_id: ProjectId(nil),
            artist_space_id: ArtistSpaceId(nil),
            parent_id: None,
            time: None,
            is_resolved: false,
            resolved_by: None,
            resolved_at: None,
            is_pinned: false,
            is_deleted: false,
            created_at: now,
            updated_at: now,
            edited_at: None,
            guest_name: None,
            review_link_id: None,
        }
    }

    /// A reply by `owner` in this comment's thread: on the same version and track, with no
    /// time, joining the top-level comment when this is itself a reply.
    pub fn reply(&self, id: CommentId, content: &CommentContent, owner_id: UserId, now: DateTime<Utc>) -> Self {
        Self {
            file_id: self.file_id,
            track_id: self.track_id,
            project_id: self.project_id,
            artist_space_id: self.artist_space_id,
            parent_id: Some(self.parent_id.unwrap_or(self.id)),
            ..Self::fresh(id, content, Some(owner_id), now)
        }
    }

    /// Replaces the text.
    pub fn edit(&mut self, content: &CommentContent, now: DateTime<Utc>) -> CommentEventKind {
        content.as_str().clone_into(&mut self.content);
        self.edited_at = Some(now);
        self.updated_at = now;
        CommentEventKind::Updated
    }

    /// Marks it done by `by`; `None` (and nothing changes) when it already is.
    pub fn resolve(&mut self, by: UserId, now: DateTime<Utc>) -> Option<CommentEventKind> {
        if self.is_resolved {
            return None;
        }
        self.is_resolved = true;
        self.resolved_by = Some(by);
        self.resolved_at = Some(now);
        self.updated_at = now;
        Some(CommentEventKind::Resolved)
    }

    /// Marks it open again; `None` when it is open.
    pub fn reopen(&mut self, now: DateTime<Utc>) -> Option<CommentEventKind> {
        if !self.is_resolved {
            return None;
        }
        self.is_resolved = false;
        self.resolved_by = None;
        self.resolved_at = None;
        self.updated_at = now;
        Some(CommentEventKind::Reopened)
    }

    /// Pins it (`true`) or unpins it; `None` when it already is so.
    pub fn set_pinned(&mut self, pinned: bool, now: DateTime<Utc>) -> Option<CommentEventKind> {
        if self.is_pinned == pinned {
            return None;
        }
        self.is_pinned = pinned;
        self.updated_at = now;
        Some(if pinned {
            CommentEventKind::Pinned
        } else {
            CommentEventKind::Unpinned
        })
    }

    /// Deletes it but keeps its place for its replies: `[deleted]`, no author, unpinned.
    pub fn delete_keeping_replies(&mut self, now: DateTime<Utc>) -> CommentEventKind {
        DELETED_CONTENT.clone_into(&mut self.content);
        self.owner_id = None;
        self.is_deleted = true;
        self.is_pinned = false;
        self.updated_at = now;
        CommentEventKind::Deleted
    }

    /// The track it belongs to; permissions on comments are judged there.
    pub fn path(&self) -> ResourcePath {
        ResourcePath::Track(self.artist_space_id, self.project_id, self.track_id)
    }

    /// Whether a guest wrote it through a review link.
    pub fn is_guest(&self) -> bool {
        self.review_link_id.is_some()
    }

    /// Whether `user` wrote it.
    pub fn is_by(&self, user: UserId) -> bool {
        self.owner_id == Some(user)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(at: DateTime<Utc>) -> Comment {
        let id = |n: u128| uuid::Uuid::from_u128(n);
        Comment {
            id: CommentId(id(1)),
            content: "snare too loud".into(),
            owner_id: Some(UserId(id(2))),
            file_id: FileId(id(3)),
            track_id: TrackId(id(4)),
            project_id: ProjectId(id(5)),
            artist_space_id: ArtistSpaceId(id(6)),
            parent_id: None,
            time: TimeRange::parse(Some(4.0), Some(6.0), Some(16.0)).ok().flatten(),
            is_resolved: false,
            resolved_by: None,
            resolved_at: None,
            is_pinned: false,
            is_deleted: false,
            created_at: at,
            updated_at: at,
            edited_at: None,
            guest_name: None,
            review_link_id: None,
        }
    }

    #[test]
    fn state_changes_return_their_event_and_repeat_as_nothing() {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        let later = start + chrono::Duration::seconds(5);
        let by = UserId(uuid::Uuid::from_u128(9));
        let mut c = comment(start);
        assert_eq!(c.resolve(by, later), Some(CommentEventKind::Resolved));
        assert_eq!(
            (c.resolved_by, c.resolved_at, c.updated_at),
            (Some(by), Some(later), later)
        );
        assert_eq!(c.resolve(by, later), None, "resolving twice changes nothing");
        assert_eq!(c.reopen(later), Some(CommentEventKind::Reopened));
        assert_eq!((c.is_resolved, c.resolved_by), (false, None));
        assert_eq!(c.reopen(later), None);
        assert_eq!(c.set_pinned(true, later), Some(CommentEventKind::Pinned));
        assert_eq!(c.set_pinned(true, later), None);
        assert_eq!(c.set_pinned(false, later), Some(CommentEventKind::Unpinned));
        let text = CommentContent::parse("kick too boomy").unwrap_or_else(|_| unreachable!());
        assert_eq!(c.edit(&text, later), CommentEventKind::Updated);
        assert_eq!((c.content.as_str(), c.edited_at), ("kick too boomy", Some(later)));
        c.set_pinned(true, later);
        assert_eq!(c.delete_keeping_replies(later), CommentEventKind::Deleted);
        assert_eq!(
            (c.content.as_str(), c.owner_id, c.is_pinned, c.is_deleted),
            (DELETED_CONTENT, None, false, true)
        );
    }

    #[test]
    fn a_reply_joins_the_top_level_thread_without_a_time() {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        let top = comment(start);
        let text = CommentContent::parse("fixed in v4").unwrap_or_else(|_| unreachable!());
        let by = UserId(uuid::Uuid::from_u128(9));
        let reply = top.reply(CommentId(uuid::Uuid::from_u128(10)), &text, by, start);
        assert_eq!(
            (reply.parent_id, reply.time, reply.owner_id),
            (Some(top.id), None, Some(by))
        );
        assert_eq!((reply.file_id, reply.track_id), (top.file_id, top.track_id));
        let deeper = reply.reply(CommentId(uuid::Uuid::from_u128(11)), &text, by, start);
        assert_eq!(
            deeper.parent_id,
            Some(top.id),
            "a reply to a reply joins the same thread"
        );
    }

    #[test]
    fn content_is_trimmed_and_bounded() {
        assert_eq!(
            CommentContent::parse("  snare too loud \n").map(|c| c.0),
            Ok("snare too loud".into())
        );
        assert!(CommentContent::parse("   ").is_err());
        assert!(CommentContent::parse(&"a".repeat(5_000)).is_ok());
        assert!(CommentContent::parse(&"é".repeat(5_001)).is_err());
    }

    #[test]
    fn finds_mentions_but_not_emails() {
        let Ok(content) = CommentContent::parse("@Ana and @bob.s, see @ana again; mail me@example.com. @") else {
            panic!("valid content refused");
        };
        assert_eq!(content.mentions(), vec!["ana".to_owned(), "bob.s".to_owned()]);
    }

    #[test]
    fn time_ranges_stay_inside_the_version() {
        assert_eq!(TimeRange::parse(None, None, Some(10.0)), Ok(None));
        assert_eq!(
            TimeRange::parse(Some(1.5), None, Some(10.0)),
            Ok(Some(TimeRange { start: 1.5, end: None }))
        );
        assert!(
            TimeRange::parse(Some(1.0), Some(2.0), None).is_ok(),
            "unknown duration: no upper bound"
        );
        assert!(TimeRange::parse(None, Some(2.0), None).is_err());
        assert!(TimeRange::parse(Some(3.0), Some(2.0), None).is_err());
        assert!(TimeRange::parse(Some(-1.0), None, None).is_err());
        assert!(TimeRange::parse(Some(f64::NAN), None, None).is_err());
        assert!(TimeRange::parse(Some(11.0), None, Some(10.0)).is_err());
        assert!(TimeRange::parse(Some(1.0), Some(10.5), Some(10.0)).is_err());
        assert!(TimeRange::parse(Some(10.0), Some(10.0), Some(10.0)).is_ok());
    }
}
