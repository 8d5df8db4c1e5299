//! In-app notifications (seed 000 Notification and NotificationEvents).

use chrono::{DateTime, Utc};

use crate::ids::{NotificationId, UserId};

/// What happened (seed 000's NotificationEvents).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum NotificationType {
    /// A comment was added to a track you work on.
    NewCommentCreated,
    /// Someone replied in a thread you are part of.
    ResponseToComment,
    /// Someone liked your comment.
    LikeToComment,
    /// Your comment was resolved.
    CommentCompleted,
    /// You were invited (raised by sharing).
    NewInvite,
    /// Your invitation was accepted (raised by sharing).
    InviteAccepted,
    /// You were removed from a space, project or track.
    CollaboratorRemoved,
    /// A new version was uploaded to a track you work on.
    FileUploaded,
    /// A version was approved as final.
    VersionApproved,
    /// You were mentioned in a comment.
    Mentioned,
}

impl NotificationType {
    /// Every type.
    pub const ALL: [NotificationType; 10] = [
        NotificationType::NewCommentCreated,
        NotificationType::ResponseToComment,
        NotificationType::LikeToComment,
        NotificationType::CommentCompleted,
        NotificationType::NewInvite,
        NotificationType::InviteAccepted,
        NotificationType::CollaboratorRemoved,
        NotificationType::FileUploaded,
        NotificationType::VersionApproved,
        NotificationType::Mentioned,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationType::NewCommentCreated => "NEW_COMMENT_CREATED",
            NotificationType::ResponseToComment => "RESPONSE_TO_COMMENT",
            NotificationType::LikeToComment => "LIKE_TO_COMMENT",
            NotificationType::CommentCompleted => "COMMENT_COMPLETED",
            NotificationType::NewInvite => "NEW_INVITE",
            NotificationType::InviteAccepted => "INVITE_ACCEPTED",
            NotificationType::CollaboratorRemoved => "COLLABORATOR_REMOVED",
            NotificationType::FileUploaded => "FILE_UPLOADED",
            NotificationType::VersionApproved => "VERSION_APPROVED",
            NotificationType::Mentioned => "MENTIONED",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

/// One notification in a user's inbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notification {
    /// Primary key.
    pub id: NotificationId,
    /// What happened.
    pub kind: NotificationType,
    /// Who caused it.
    pub sender_id: Option<UserId>,
    /// Whose inbox it is in.
    pub recipient_id: UserId,
    /// One line to show.
    pub title: String,
    /// A deep link the web app routes to, e.g. `/s/{space}/{project}/{track}?v=3&c={comment}`.
    pub slug: String,
    /// The id of what it is about (a comment, a file, a space, ...).
    pub pointer_id: Option<uuid::Uuid>,
    /// An image to show beside it.
    pub img: Option<String>,
    /// Whether the recipient has read it.
    pub is_read: bool,
    /// When they read it.
    pub read_at: Option<DateTime<Utc>>,
    /// When it was raised.
    pub created_at: DateTime<Utc>,
    /// Raising a notification with the same key again does nothing (ten likes by one person on
    /// one comment make one notification).
    pub dedupe_key: Option<String>,
    /// Whether it shows in the recipient's inbox (their settings for its type).
    pub in_app: bool,
    /// Whether it waits for the recipient's next email digest.
    pub email_pending: bool,
}

/// How a user wants one type of notification delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NotificationSetting {
    /// The type.
    pub kind: NotificationType,
    /// Shown in the inbox and live.
    pub in_app: bool,
    /// Included in the email digest.
    pub email: bool,
}

impl NotificationType {
    /// What a user gets until they choose: every type in the app; by email only what asks for
    /// them personally (mentions and invitations).
    pub fn default_setting(self) -> NotificationSetting {
        NotificationSetting {
            kind: self,
            in_app: true,
            email: matches!(self, Self::Mentioned | Self::NewInvite),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_round_trip() {
        for kind in NotificationType::ALL {
            assert_eq!(NotificationType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationType::parse("newCommentCreated"), None);
    }
}
