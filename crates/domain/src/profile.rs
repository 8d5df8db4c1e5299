//! An artist space's public-facing profile (seed 002): a long "about" text, social handles,
//! press kits and visuals. The short `bio`, the country and the named links stay on the space.

use chrono::{DateTime, Utc};

use crate::DomainError;
use crate::ids::{ArtistSpaceId, DocumentId, FileId, ImageId};

/// Longest "about" text, in characters.
pub const MAX_ABOUT: usize = 20_000;
/// Most social handles, press kits or visuals a profile lists (each).
pub const MAX_ENTRIES: usize = 30;
/// Longest title, caption or handle, in characters.
pub const MAX_LABEL: usize = 200;

/// A handle on a social platform (`instagram` → `@midnightowls`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SocialHandle {
    /// The platform, lower-case letters, digits, `_` or `-` (1-32).
    pub platform: String,
    /// The handle as shown.
    pub handle: String,
    /// A link to the profile, when given.
    pub url: Option<String>,
}

/// A press kit: a link to one, a document uploaded to the space (PDF, ZIP), or an audio file
/// already uploaded to one of its tracks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PressKit {
    /// What it is ("EPK 2026", "One-sheet").
    pub title: String,
    /// Where it lives, for a linked kit.
    pub url: Option<String>,
    /// The uploaded audio file, for a kit stored as a track version.
    pub file_id: Option<FileId>,
    /// The uploaded document, for a kit stored as a PDF or ZIP.
    #[serde(default)]
    pub document_id: Option<DocumentId>,
}

/// What kind of visual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum VisualKind {
    /// A press photo.
    Photo,
    /// Artwork (a cover, a poster).
    Artwork,
    /// A video (a clip, a live session).
    Video,
}

/// A visual: a photo, artwork or video, by link or as an image uploaded to the space.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Visual {
    /// What kind.
    pub kind: VisualKind,
    /// Where it lives, for a linked visual.
    pub url: Option<String>,
    /// The uploaded image (`uploadImage` with ARTIST_VISUAL), for a stored one.
    #[serde(default)]
    pub image_id: Option<ImageId>,
    /// A caption or credit.
    pub caption: Option<String>,
}

/// A visual: a kind, exactly one of a link or an uploaded image, and an optional caption.
///
/// # Errors
/// Names `visuals`.
pub fn visual(
    kind: VisualKind,
    url: Option<&str>,
    image_id: Option<ImageId>,
    caption: Option<&str>,
) -> Result<Visual, DomainError> {
    if url.is_some() == image_id.is_some() {
        return Err(DomainError::invalid(
            "visuals",
            "give each visual either a url or an imageId",
        ));
    }
    Ok(Visual {
        kind,
        url: url.map(|url| http_url("visuals", url)).transpose()?,
        image_id,
        caption: caption
            .filter(|caption| !caption.trim().is_empty())
            .map(|caption| label("visuals", caption))
            .transpose()?,
    })
}

/// The profile of one artist space.
#[derive(Debug, Clone, PartialEq)]
pub struct ArtistProfile {
    /// The space.
    pub artist_space_id: ArtistSpaceId,
    /// Long text about the artist.
    pub about: Option<String>,
    /// Social handles, in the order given.
    pub socials: Vec<SocialHandle>,
    /// Press kits, in the order given.
    pub press_kits: Vec<PressKit>,
    /// Visuals, in the order given.
    pub visuals: Vec<Visual>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl ArtistProfile {
    /// The empty profile every space starts with.
    pub fn empty(artist_space_id: ArtistSpaceId, now: DateTime<Utc>) -> Self {
        Self {
            artist_space_id,
            about: None,
            socials: Vec::new(),
            press_kits: Vec::new(),
            visuals: Vec::new(),
            updated_at: now,
        }
    }
}

fn no_controls(text: &str, lines: bool) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\r' | '\t')))
}

/// An http(s) URL of at most 2,048 characters, trimmed.
///
/// # Errors
/// Names `field`.
pub fn http_url(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let url = raw.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 2048 || url.len() <= "https://".len() || url.chars().any(char::is_whitespace) {
        return Err(DomainError::invalid(field, format!("'{url}' is not an http(s) URL")));
    }
    if !no_controls(url, false) {
        return Err(DomainError::invalid(field, "must not contain control characters"));
    }
    Ok(url.to_owned())
}

/// A short label (title, caption, handle): trimmed, 1-200 characters, one line.
///
/// # Errors
/// Names `field`.
pub fn label(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() || text.chars().count() > MAX_LABEL {
        return Err(DomainError::invalid(
            field,
            format!("needs 1 to {MAX_LABEL} characters"),
        ));
    }
    if !no_controls(text, false) {
        return Err(DomainError::invalid(
            field,
            "must be one line without control characters",
        ));
    }
    Ok(text.to_owned())
}

/// The "about" text: trimmed, at most 20,000 characters; empty means none.
///
/// # Errors
/// Names `about`.
pub fn about(raw: &str) -> Result<Option<String>, DomainError> {
    let text = raw.trim();
    if text.chars().count() > MAX_ABOUT {
        return Err(DomainError::invalid("about", format!("at most {MAX_ABOUT} characters")));
    }
    if !no_controls(text, true) {
        return Err(DomainError::invalid("about", "must not contain control characters"));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// Checks a list's length.
///
/// # Errors
/// Names `field`.
pub fn bounded<T>(field: &'static str, entries: Vec<T>) -> Result<Vec<T>, DomainError> {
    if entries.len() > MAX_ENTRIES {
        return Err(DomainError::invalid(field, format!("at most {MAX_ENTRIES} entries")));
    }
    Ok(entries)
}

/// A social handle: a platform name and a handle, with an optional link. One handle per platform.
///
/// # Errors
/// Names `socials`.
pub fn social(platform: &str, handle: &str, url: Option<&str>) -> Result<SocialHandle, DomainError> {
    let platform = platform.trim().to_lowercase();
    let platform_ok = (1..=32).contains(&platform.len())
        && platform
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !platform_ok {
        return Err(DomainError::invalid(
            "socials",
            format!("'{platform}' is not a platform name (1-32 letters, digits, '_' or '-')"),
        ));
    }
    Ok(SocialHandle {
        platform,
        handle: label("socials", handle)?,
        url: url.map(|url| http_url("socials", url)).transpose()?,
    })
}

/// Checks that no platform is listed twice.
///
/// # Errors
/// Names `socials`.
pub fn distinct_platforms(socials: &[SocialHandle]) -> Result<(), DomainError> {
    for (index, social) in socials.iter().enumerate() {
        if socials[..index].iter().any(|other| other.platform == social.platform) {
            return Err(DomainError::invalid(
                "socials",
                format!("'{}' is listed twice", social.platform),
            ));
        }
    }
    Ok(())
}

/// A press kit: a title and exactly one of a link, an uploaded document or an uploaded file.
///
/// # Errors
/// Names `pressKits`.
pub fn press_kit(
    title: &str,
    url: Option<&str>,
    file_id: Option<FileId>,
    document_id: Option<DocumentId>,
) -> Result<PressKit, DomainError> {
    let given = usize::from(url.is_some()) + usize::from(file_id.is_some()) + usize::from(document_id.is_some());
    if given != 1 {
        return Err(DomainError::invalid(
            "pressKits",
            "give each press kit exactly one of url, documentId or fileId",
        ));
    }
    Ok(PressKit {
        title: label("pressKits", title)?,
        url: url.map(|url| http_url("pressKits", url)).transpose()?,
        file_id,
        document_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_labels_and_about_are_checked() {
        assert_eq!(
            http_url("u", " https://a.example/x ").ok().as_deref(),
            Some("https://a.example/x")
        );
        for bad in ["ftp://a", "https://", "javascript:alert(1)", "https://a b"] {
            assert!(http_url("u", bad).is_err(), "{bad}");
        }
        assert!(label("t", " ").is_err());
        assert!(label("t", "two\nlines").is_err());
        assert_eq!(about("  ").ok(), Some(None));
        assert!(about(&"a".repeat(MAX_ABOUT + 1)).is_err());
        assert!(about("para one\n\npara two").is_ok());
        assert!(bounded("x", vec![0; MAX_ENTRIES + 1]).is_err());
    }

    #[test]
    fn socials_and_press_kits_are_checked() {
        let handle = social(" Instagram ", "@owls", Some("https://instagram.com/owls"));
        assert_eq!(handle.as_ref().map(|h| h.platform.as_str()).ok(), Some("instagram"));
        assert!(social("bad name", "@x", None).is_err());
        let (Ok(one), Ok(two)) = (social("x", "a", None), social("X", "b", None)) else {
            panic!("valid handles refused");
        };
        assert!(distinct_platforms(&[one, two]).is_err());
        assert!(press_kit("EPK", None, None, None).is_err());
        assert!(press_kit("EPK", Some("https://a.example"), Some(FileId(uuid::Uuid::nil())), None).is_err());
        assert!(press_kit("EPK", None, None, Some(DocumentId(uuid::Uuid::nil()))).is_ok());
        assert!(press_kit("EPK", Some("https://a.example"), None, None).is_ok());
        assert!(visual(VisualKind::Photo, None, None, None).is_err());
        let image = Some(ImageId(uuid::Uuid::nil()));
        assert!(visual(VisualKind::Photo, Some("https://a.example/p.jpg"), image, None).is_err());
        let stored = visual(VisualKind::Artwork, None, image, Some("  "));
        assert_eq!(stored.ok().and_then(|v| v.caption), None);
    }
}
