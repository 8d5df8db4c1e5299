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
            id,
            content: content.as_str().to_owned(),
            owner_id,
            file_id: file.id,
            track_id: file.track_id,
            project_id: file.project_id,
            artist_space_id: file.artist_space_id,
            parent_id: None,
            time,
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
