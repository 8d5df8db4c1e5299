//! Sharing: invite links that make whoever opens them a collaborator with a set role.

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::access::ResourceKind;
use crate::ids::{InvitationId, InviteLinkId, UserId};
use crate::roles::Role;

/// Characters of a short code: 62 letters and digits.
pub const SHORT_CODE_ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// Characters in a short code: 12 from 62 is about 71 bits, not guessable.
pub const SHORT_CODE_LENGTH: usize = 12;
/// The most uses one link may allow.
pub const MAX_LINK_USES: i32 = 10_000;

/// A shareable invitation to a space, project or track (seed 000 Link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteLink {
    /// Primary key.
    pub id: InviteLinkId,
    /// Who created it.
    pub owner_id: UserId,
    /// The space, project or track it opens.
    pub resource_id: uuid::Uuid,
    /// Which kind `resource_id` is.
    pub resource_kind: ResourceKind,
    /// The role it grants (never OWNER).
    pub role: Role,
    /// The random code in its URL.
    pub short_code: String,
    /// After this it no longer works.
    pub expires_at: Option<DateTime<Utc>>,
    /// How many people may join through it (`None`: no limit).
    pub max_uses: Option<i32>,
    /// How many have.
    pub use_count: i32,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

/// Why a link no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkRefusal {
    /// Its creator (or an admin) revoked it.
    Revoked,
    /// Its expiry passed.
    Expired,
    /// As many people joined as it allows.
    UsedUp,
}

impl LinkRefusal {
    /// A sentence for the person holding the link.
    pub fn message(self) -> &'static str {
        match self {
            Self::Revoked => "this invite link was revoked",
            Self::Expired => "this invite link has expired",
            Self::UsedUp => "this invite link has been used as often as it allows",
        }
    }
}

impl InviteLink {
    /// Why the link does not work at `now`, if it does not. Revocation is named first, then
    /// expiry, then use.
    pub fn refusal(&self, now: DateTime<Utc>) -> Option<LinkRefusal> {
        if self.revoked_at.is_some() {
            Some(LinkRefusal::Revoked)
        } else if self.expires_at.is_some_and(|at| at <= now) {
            Some(LinkRefusal::Expired)
        } else if self.max_uses.is_some_and(|max| self.use_count >= max) {
            Some(LinkRefusal::UsedUp)
        } else {
            None
        }
    }
}

/// Checks the role a link grants: ADMIN, EDITOR or VIEWER.
///
/// # Errors
/// OWNER cannot be handed out by link.
pub fn link_role(role: Role) -> Result<Role, DomainError> {
    if role == Role::Owner {
        return Err(DomainError::invalid(
            "role",
            "a link grants ADMIN, EDITOR or VIEWER; ownership moves only with transferOwnership",
        ));
    }
    Ok(role)
}

/// Checks a link's limits against `now`.
///
/// # Errors
/// An expiry not in the future, or a use limit outside 1-10,000.
pub fn link_limits(
    expires_at: Option<DateTime<Utc>>,
    max_uses: Option<i32>,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if expires_at.is_some_and(|at| at <= now) {
        return Err(DomainError::invalid("expiresAt", "the expiry must be in the future"));
    }
    if max_uses.is_some_and(|max| !(1..=MAX_LINK_USES).contains(&max)) {
        return Err(DomainError::invalid(
            "maxUses",
            format!("allow between 1 and {MAX_LINK_USES} uses, or leave it out for no limit"),
        ));
    }
    Ok(())
}

/// A short code from random text (e.g. base64 of random bytes): its first
/// [`SHORT_CODE_LENGTH`] letters and digits; `None` when it holds too few.
pub fn short_code_from(random: &str) -> Option<String> {
    let code: String = random
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(SHORT_CODE_LENGTH)
        .collect();
    (code.len() == SHORT_CODE_LENGTH).then_some(code)
}

/// Whether `value` could be a short code (so junk is refused before any look-up).
pub fn is_short_code(value: &str) -> bool {
    (10..=64).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric())
}

/// How long an email invitation stays valid.
pub const INVITATION_DAYS: i64 = 7;
/// The longest personal message an invitation may carry.
pub const MAX_INVITATION_MESSAGE: usize = 2_000;

/// Where an email invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvitationStatus {
    /// Sent, not answered.
    Pending,
    /// The recipient joined.
    Accepted,
    /// The recipient said no.
    Declined,
    /// The inviter (or an admin) took it back.
    Revoked,
    /// Not answered in time.
    Expired,
}

impl InvitationStatus {
    /// Every status.
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Revoked,
        Self::Expired,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Accepted => "ACCEPTED",
            Self::Declined => "DECLINED",
            Self::Revoked => "REVOKED",
            Self::Expired => "EXPIRED",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == value)
    }
}

/// An invitation sent by email (seed 002 ArtistInvitation) to someone who may not have an
/// account yet. Its token travels only in the email; only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Primary key.
    pub id: InvitationId,
    /// The space, project or track it opens.
    pub resource_id: uuid::Uuid,
    /// Which kind `resource_id` is.
    pub resource_kind: ResourceKind,
    /// Who sent it.
    pub inviter_id: UserId,
    /// The recipient's address, lower-case.
    pub email: String,
    /// The role it grants (never OWNER).
    pub role: Role,
    /// As stored; see [`Invitation::status_at`] for expiry.
    pub status: InvitationStatus,
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// A personal note from the inviter.
    pub message: Option<String>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was sent (or last re-sent).
    pub created_at: DateTime<Utc>,
    /// When it was answered, revoked or re-sent.
    pub updated_at: DateTime<Utc>,
}

impl Invitation {
    /// The status at `now`: a pending invitation past its expiry is EXPIRED.
    pub fn status_at(&self, now: DateTime<Utc>) -> InvitationStatus {
        if self.status == InvitationStatus::Pending && self.expires_at <= now {
            InvitationStatus::Expired
        } else {
            self.status
        }
    }
}

/// Checks an invitation's personal message (trimmed; empty means none).
///
/// # Errors
/// A message longer than [`MAX_INVITATION_MESSAGE`] characters.
pub fn invitation_message(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    let Some(text) = raw.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_INVITATION_MESSAGE {
        return Err(DomainError::invalid(
            "message",
            format!("at most {MAX_INVITATION_MESSAGE} characters"),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DomainError::invalid("message", "control characters are not allowed"));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn link(now: DateTime<Utc>) -> InviteLink {
        InviteLink {
            id: InviteLinkId(uuid::Uuid::nil()),
            owner_id: UserId(uuid::Uuid::nil()),
            resource_id: uuid::Uuid::nil(),
            resource_kind: ResourceKind::Track,
            role: Role::Viewer,
            short_code: "abcdefghijkl".into(),
            expires_at: Some(now + Duration::hours(1)),
            max_uses: Some(2),
            use_count: 0,
            revoked_at: None,
            created_at: now,
        }
    }

    #[test]
    fn names_why_a_link_is_refused() {
        let now = Utc::now();
        let mut open = link(now);
        assert_eq!(open.refusal(now), None);
        open.use_count = 2;
        assert_eq!(open.refusal(now), Some(LinkRefusal::UsedUp));
        assert_eq!(open.refusal(now + Duration::hours(2)), Some(LinkRefusal::Expired));
        open.revoked_at = Some(now);
        assert_eq!(open.refusal(now + Duration::hours(2)), Some(LinkRefusal::Revoked));
        let unlimited = InviteLink {
            max_uses: None,
            expires_at: None,
            use_count: 1_000_000,
            ..link(now)
        };
        assert_eq!(unlimited.refusal(now + Duration::days(999)), None);
    }

    #[test]
    fn checks_roles_and_limits() {
        let now = Utc::now();
        assert!(link_role(Role::Owner).is_err());
        assert_eq!(link_role(Role::Admin).ok(), Some(Role::Admin));
        assert!(link_limits(Some(now), None, now).is_err());
        assert!(link_limits(None, Some(0), now).is_err());
        assert!(link_limits(None, Some(MAX_LINK_USES + 1), now).is_err());
        assert!(link_limits(Some(now + Duration::minutes(1)), Some(1), now).is_ok());
    }

    #[test]
    fn invitations_expire_and_messages_are_checked() {
        let now = Utc::now();
        let invitation = Invitation {
            id: InvitationId(uuid::Uuid::nil()),
            resource_id: uuid::Uuid::nil(),
            resource_kind: ResourceKind::ArtistSpace,
            inviter_id: UserId(uuid::Uuid::nil()),
            email: "a@example.com".into(),
            role: Role::Editor,
            status: InvitationStatus::Pending,
            token_hash: String::new(),
            message: None,
            expires_at: now + Duration::days(INVITATION_DAYS),
            created_at: now,
            updated_at: now,
        };
        assert_eq!(invitation.status_at(now), InvitationStatus::Pending);
        assert_eq!(invitation.status_at(now + Duration::days(8)), InvitationStatus::Expired);
        let declined = Invitation {
            status: InvitationStatus::Declined,
            ..invitation
        };
        assert_eq!(declined.status_at(now + Duration::days(8)), InvitationStatus::Declined);
        for status in InvitationStatus::ALL {
            assert_eq!(InvitationStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(invitation_message(Some("  ")).ok(), Some(None));
        assert_eq!(
            invitation_message(Some(" hi\nthere ")).ok(),
            Some(Some("hi\nthere".into()))
        );
        assert!(invitation_message(Some(&"x".repeat(MAX_INVITATION_MESSAGE + 1))).is_err());
        assert!(invitation_message(Some("bell\u{7}")).is_err());
    }

    #[test]
    fn short_codes_are_letters_and_digits() {
        assert_eq!(SHORT_CODE_ALPHABET.len(), 62);
        assert_eq!(short_code_from("a-b_cdefghijklmnop").as_deref(), Some("abcdefghijkl"));
        assert_eq!(short_code_from("a-b_c"), None);
        assert!(is_short_code("abcdefghijkl"));
        assert!(!is_short_code("abc"));
        assert!(!is_short_code("abcdefghij-l"));
    }
}
