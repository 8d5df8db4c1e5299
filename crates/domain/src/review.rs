//! Public review links: a track's chosen versions shared with people outside the platform,
//! optionally behind a password, until the link expires or is revoked. Guests may leave
//! comments under a display name when the link allows it.

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::ids::{ArtistSpaceId, FileId, ProjectId, ReviewLinkId, TrackId, UserId};
use crate::workspace::ResourcePath;

/// How many unrevoked, unexpired review links a space on the FREE plan may have at once.
pub const FREE_ACTIVE_REVIEW_LINKS: u64 = 3;
/// The most versions a SPECIFIC link may list.
pub const MAX_REVIEW_FILES: usize = 20;
/// The longest guest display name, in characters.
pub const MAX_GUEST_NAME: usize = 60;
/// Shortest and longest review-link password, in characters.
pub const REVIEW_PASSWORD_CHARS: (usize, usize) = (4, 128);

/// Which versions of the track a review link shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewVersions {
    /// Always the newest version: a new upload appears on the link by itself.
    Latest,
    /// The version approved as final (none until one is approved).
    Final,
    /// The versions chosen when the link was made.
    Specific,
}

impl ReviewVersions {
    /// Every choice.
    pub const ALL: [Self; 3] = [Self::Latest, Self::Final, Self::Specific];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Latest => "LATEST",
            Self::Final => "FINAL",
            Self::Specific => "SPECIFIC",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|versions| versions.as_str() == value)
    }
}

/// A link that opens a track's chosen versions to anyone holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLink {
    /// Primary key.
    pub id: ReviewLinkId,
    /// The random code in its URL.
    pub code: String,
    /// Who made it.
    pub owner_id: UserId,
    /// The space of the track.
    pub artist_space_id: ArtistSpaceId,
    /// The project of the track.
    pub project_id: ProjectId,
    /// The track it shares.
    pub track_id: TrackId,
    /// Which versions it shows.
    pub versions: ReviewVersions,
    /// The versions a SPECIFIC link shows (empty otherwise).
    pub file_ids: Vec<FileId>,
    /// The password's hash (PHC string), when it has one.
    pub password_hash: Option<String>,
    /// After this it no longer opens.
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether guests are offered a download of the original file.
    pub allow_download: bool,
    /// Whether guests may comment.
    pub allow_comments: bool,
    /// How often it was opened.
    pub view_count: i64,
    /// How often a version was played through it.
    pub play_count: i64,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// Why a review link no longer opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReviewRefusal {
    /// Revoked by its maker, an owner or an admin.
    Revoked,
    /// Its expiry passed.
    Expired,
}

impl ReviewRefusal {
    /// A sentence for the person holding the link.
    pub fn message(self) -> &'static str {
        match self {
            Self::Revoked => "this review link was revoked",
            Self::Expired => "this review link has expired",
        }
    }
}

impl ReviewLink {
    /// Why the link does not open at `now`, if it does not (revocation named first).
    pub fn refusal(&self, now: DateTime<Utc>) -> Option<ReviewRefusal> {
        if self.revoked_at.is_some() {
            Some(ReviewRefusal::Revoked)
        } else if self.expires_at.is_some_and(|at| at <= now) {
            Some(ReviewRefusal::Expired)
        } else {
            None
        }
    }

    /// Whether it opens at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.refusal(now).is_none()
    }

    /// The track it shares.
    pub fn path(&self) -> ResourcePath {
        ResourcePath::Track(self.artist_space_id, self.project_id, self.track_id)
    }
}

/// Checks the versions a link shows: SPECIFIC needs 1-20 distinct versions, LATEST and FINAL
/// take none. Returns the versions without repeats, in the order given.
///
/// # Errors
/// Names `fileIds`.
pub fn review_selection(versions: ReviewVersions, file_ids: &[FileId]) -> Result<Vec<FileId>, DomainError> {
    let mut distinct: Vec<FileId> = Vec::with_capacity(file_ids.len());
    for id in file_ids {
        if !distinct.contains(id) {
            distinct.push(*id);
        }
    }
    match versions {
        ReviewVersions::Specific if distinct.is_empty() => Err(DomainError::invalid(
            "fileIds",
            "SPECIFIC needs at least one version of the track",
        )),
        ReviewVersions::Specific if distinct.len() > MAX_REVIEW_FILES => Err(DomainError::invalid(
            "fileIds",
            format!("a link shows at most {MAX_REVIEW_FILES} versions"),
        )),
        ReviewVersions::Specific => Ok(distinct),
        ReviewVersions::Latest | ReviewVersions::Final if !distinct.is_empty() => Err(DomainError::invalid(
            "fileIds",
            "only SPECIFIC links take fileIds; LATEST and FINAL follow the track",
        )),
        ReviewVersions::Latest | ReviewVersions::Final => Ok(Vec::new()),
    }
}

/// Checks a new link's password: none (absent or empty), or 4-128 characters kept as given.
///
/// # Errors
/// Names `password`.
pub fn review_password(raw: Option<&str>) -> Result<Option<&str>, DomainError> {
    let Some(password) = raw.filter(|password| !password.is_empty()) else {
        return Ok(None);
    };
    let (shortest, longest) = REVIEW_PASSWORD_CHARS;
    let length = password.chars().count();
    if !(shortest..=longest).contains(&length) {
        return Err(DomainError::invalid(
            "password",
            format!("a review-link password has {shortest} to {longest} characters"),
        ));
    }
    Ok(Some(password))
}

/// Checks a guest's display name: trimmed, 1-60 characters, no control characters.
///
/// # Errors
/// Names `guestName`.
pub fn guest_name(raw: &str) -> Result<String, DomainError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(DomainError::invalid(
            "guestName",
            "guests give a display name to comment",
        ));
    }
    if name.chars().count() > MAX_GUEST_NAME {
        return Err(DomainError::invalid(
            "guestName",
            format!("at most {MAX_GUEST_NAME} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(DomainError::invalid("guestName", "control characters are not allowed"));
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn link(now: DateTime<Utc>) -> ReviewLink {
        let nil = uuid::Uuid::nil();
        ReviewLink {
            id: ReviewLinkId(nil),
            code: "abcdefghijkl".into(),
            owner_id: UserId(nil),
            artist_space_id: ArtistSpaceId(nil),
            project_id: ProjectId(nil),
            track_id: TrackId(nil),
            versions: ReviewVersions::Latest,
            file_ids: Vec::new(),
            password_hash: None,
            expires_at: Some(now + Duration::hours(1)),
            allow_download: false,
            allow_comments: true,
            view_count: 0,
            play_count: 0,
            revoked_at: None,
            created_at: now,
        }
    }

    #[test]
    fn links_expire_and_are_revoked() {
        let now = Utc::now();
        let mut open = link(now);
        assert!(open.is_active(now));
        assert_eq!(open.refusal(now + Duration::hours(1)), Some(ReviewRefusal::Expired));
        open.revoked_at = Some(now);
        assert_eq!(open.refusal(now + Duration::hours(2)), Some(ReviewRefusal::Revoked));
        let forever = ReviewLink {
            expires_at: None,
            ..link(now)
        };
        assert!(forever.is_active(now + Duration::days(10_000)));
    }

    #[test]
    fn selections_follow_the_choice() {
        let one = FileId(uuid::Uuid::from_u128(1));
        let two = FileId(uuid::Uuid::from_u128(2));
        assert_eq!(
            review_selection(ReviewVersions::Specific, &[one, two, one]),
            Ok(vec![one, two])
        );
        assert!(review_selection(ReviewVersions::Specific, &[]).is_err());
        assert!(review_selection(ReviewVersions::Latest, &[one]).is_err());
        assert_eq!(review_selection(ReviewVersions::Final, &[]), Ok(Vec::new()));
        let many: Vec<FileId> = (0..=MAX_REVIEW_FILES as u128)
            .map(|n| FileId(uuid::Uuid::from_u128(n)))
            .collect();
        assert!(review_selection(ReviewVersions::Specific, &many).is_err());
        for versions in ReviewVersions::ALL {
            assert_eq!(ReviewVersions::parse(versions.as_str()), Some(versions));
        }
    }

    #[test]
    fn passwords_and_guest_names_are_checked() {
        assert_eq!(review_password(None), Ok(None));
        assert_eq!(review_password(Some("")), Ok(None));
        assert!(review_password(Some("abc")).is_err());
        assert_eq!(review_password(Some(" mix2 ")), Ok(Some(" mix2 ")));
        assert!(review_password(Some(&"p".repeat(129))).is_err());
        assert_eq!(guest_name("  Ana from the label "), Ok("Ana from the label".into()));
        assert!(guest_name("   ").is_err());
        assert!(guest_name(&"n".repeat(61)).is_err());
        assert!(guest_name("tab\there").is_err());
    }
}
