//! Uploaded images (avatars, artist images, cover art) and their variants.

use chrono::{DateTime, Utc};

use crate::ids::{ImageId, UserId};

/// What an uploaded image is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageTarget {
    /// A user's avatar.
    UserAvatar,
    /// An artist space's image.
    ArtistSpace,
    /// A project's cover art.
    ProjectCover,
    /// A visual of an artist space's profile (a press photo, artwork); a space keeps many,
    /// listed in its profile's `visuals`.
    ArtistVisual,
}

/// The stored renditions of an image. Every one is re-encoded, so none carries the upload's
/// metadata (EXIF, GPS, comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageVariant {
    /// Full size.
    Original,
    /// At most 640 px on the longer side.
    Medium,
    /// At most 160 px on the longer side.
    Thumbnail,
}

impl ImageVariant {
    /// Every variant.
    pub const ALL: [ImageVariant; 3] = [ImageVariant::Original, ImageVariant::Medium, ImageVariant::Thumbnail];

    /// The name used in URLs and blob keys.
    pub fn as_str(self) -> &'static str {
        match self {
            ImageVariant::Original => "original",
            ImageVariant::Medium => "medium",
            ImageVariant::Thumbnail => "thumbnail",
        }
    }

    /// Parses a URL name.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|variant| variant.as_str() == value)
    }

    /// The longest side, in pixels; `None` keeps the original size.
    pub fn max_side(self) -> Option<u32> {
        match self {
            ImageVariant::Original => None,
            ImageVariant::Medium => Some(640),
            ImageVariant::Thumbnail => Some(160),
        }
    }
}

/// One uploaded image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Primary key.
    pub id: ImageId,
    /// Who uploaded it (whose storage it counts against).
    pub owner_id: UserId,
    /// Content type of the stored variants.
    pub content_type: String,
    /// Width of the original, in pixels.
    pub width: u32,
    /// Height of the original, in pixels.
    pub height: u32,
    /// Bytes stored for all variants together.
    pub size: i64,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

impl Image {
    /// The blob key of one variant.
    pub fn blob_key(&self, variant: ImageVariant) -> String {
        format!("images/{}/{}", self.id, variant.as_str())
    }

    /// Every blob this image owns.
    pub fn blob_keys(&self) -> Vec<String> {
        ImageVariant::ALL
            .iter()
            .map(|variant| self.blob_key(*variant))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_round_trip_and_shrink() {
        for variant in ImageVariant::ALL {
            assert_eq!(ImageVariant::parse(variant.as_str()), Some(variant));
        }
        assert_eq!(ImageVariant::parse("../secret"), None);
        assert_eq!(ImageVariant::Thumbnail.max_side(), Some(160));
    }
}
