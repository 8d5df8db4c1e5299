//! Documents of an artist space (press kits as PDF or ZIP): stored as uploaded, recognised by
//! their first bytes, downloaded as attachments.

use chrono::{DateTime, Utc};

use crate::ids::{ArtistSpaceId, DocumentId, UserId};

/// The largest document accepted, in bytes (50 MiB).
pub const MAX_DOCUMENT_BYTES: u64 = 50 << 20;

/// The content type of a document, from its first bytes: PDF or ZIP; `None` for anything else.
pub fn document_type(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if head.starts_with(b"PK\x03\x04") {
        Some("application/zip")
    } else {
        None
    }
}

/// One stored document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Primary key.
    pub id: DocumentId,
    /// The space it belongs to.
    pub artist_space_id: ArtistSpaceId,
    /// Who uploaded it (whose storage it counts against).
    pub owner_id: UserId,
    /// The file name, sanitised for display.
    pub name: String,
    /// `application/pdf` or `application/zip`.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

impl Document {
    /// Where its content is stored.
    pub fn blob_key(&self) -> String {
        format!("documents/{}", self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_recognised_by_their_first_bytes() {
        assert_eq!(document_type(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(document_type(b"PK\x03\x04rest"), Some("application/zip"));
        assert_eq!(document_type(b"RIFF....WAVE"), None);
        assert_eq!(document_type(b""), None);
    }
}
