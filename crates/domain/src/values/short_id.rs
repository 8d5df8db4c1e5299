//! Short ids: the 6-character nanoid every space, project and track gets for short URLs.

use crate::DomainError;

/// The nanoid URL-safe alphabet.
pub const SHORT_ID_ALPHABET: &str = "_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
/// Length of every short id.
pub const SHORT_ID_LEN: usize = 6;

/// A 6-character id from the nanoid alphabet, unique per kind of resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShortId(String);

impl ShortId {
    /// Checks a short id given by a client.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.len() == SHORT_ID_LEN && raw.chars().all(|c| SHORT_ID_ALPHABET.contains(c)) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::invalid(
                "shortId",
                "must be 6 characters of A-Z, a-z, 0-9, '_' or '-'",
            ))
        }
    }

    /// The short id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_length_and_alphabet() {
        assert!(ShortId::parse("aB3_-z").is_ok());
        assert!(ShortId::parse("aB3_-").is_err());
        assert!(ShortId::parse("aB3_-z!").is_err());
        assert!(ShortId::parse("aB3 -z").is_err());
    }
}
