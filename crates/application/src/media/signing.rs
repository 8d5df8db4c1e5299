//! Signed content URLs: an HMAC over what the URL may reach and until when, so an `<audio src>`
//! works without headers and cannot be altered to reach anything else.

use super::Media;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a signature grants access to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedScope {
    /// A file's content (also as a download) and waveform.
    File(uuid::Uuid),
    /// A file's content to play and its waveform, never as a download (review links without
    /// `allowDownload`).
    FileStream(uuid::Uuid),
    /// One variant of an image.
    Image(uuid::Uuid, backline_domain::media::ImageVariant),
    /// A document of an artist space.
    Document(uuid::Uuid),
}

impl SignedScope {
    fn message(self, expires: i64) -> String {
        match self {
            SignedScope::File(id) => format!("file:{id}:{expires}"),
            SignedScope::FileStream(id) => format!("stream:{id}:{expires}"),
            SignedScope::Image(id, variant) => format!("image:{id}:{}:{expires}", variant.as_str()),
            SignedScope::Document(id) => format!("document:{id}:{expires}"),
        }
    }
}

fn mac(media: &Media, scope: SignedScope, expires: i64) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(&media.settings.media.signing_key).ok()?;
    mac.update(scope.message(expires).as_bytes());
    Some(mac)
}

/// The query string (`exp=…&sig=…`) granting `scope` until the configured lifetime passes.
pub fn sign_url(media: &Media, scope: SignedScope, now: DateTime<Utc>) -> String {
    let expires = (now + media.settings.media.url_ttl).timestamp();
    let signature = mac(media, scope, expires)
        .map(|mac| hex::encode(mac.finalize().into_bytes()))
        .unwrap_or_default();
    format!("exp={expires}&sig={signature}")
}

/// Whether `signature` grants `scope` at `now` (not expired, not altered). Constant-time.
pub fn verify_signature(media: &Media, scope: SignedScope, expires: i64, signature: &str, now: DateTime<Utc>) -> bool {
    if expires < now.timestamp() {
        return false;
    }
    let Ok(bytes) = hex::decode(signature) else {
        return false;
    };
    mac(media, scope, expires).is_some_and(|mac| mac.verify_slice(&bytes).is_ok())
}
