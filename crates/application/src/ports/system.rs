//! Time and identity generation, behind ports so tests can pin them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The current time.
pub trait Clock: Send + Sync + 'static {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// Fresh identifiers.
pub trait IdGenerator: Send + Sync + 'static {
    /// A new UUIDv7 (time-ordered).
    fn uuid(&self) -> Uuid;
    /// A new 6-character nanoid for short URLs.
    fn short_id(&self) -> String;
    /// `bytes` bytes of cryptographically secure randomness, URL-safe base64 encoded, for
    /// opaque tokens.
    fn secret_token(&self, bytes: usize) -> String;
}
