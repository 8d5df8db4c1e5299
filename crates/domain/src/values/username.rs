//! Usernames: the public handle, unique case-insensitively.

use crate::DomainError;

/// 3-30 characters of `[A-Za-z0-9_-]`. The case the user typed is kept for display;
/// [`Username::key`] gives the lower-case form used for uniqueness.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Parses a username.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim();
        let len = value.chars().count();
        if !(3..=30).contains(&len) {
            return Err(DomainError::invalid("username", "must be 3 to 30 characters long"));
        }
        if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(DomainError::invalid(
                "username",
                "may contain only letters A-Z, digits, '_' and '-'",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// The username as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-case key that makes usernames unique regardless of case.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_handles_and_keys_them_lower_case() -> Result<(), DomainError> {
        let name = Username::parse("The_Band-7")?;
        assert_eq!(name.as_str(), "The_Band-7");
        assert_eq!(name.key(), "the_band-7");
        Ok(())
    }

    #[test]
    fn refuses_bad_handles() {
        for bad in ["ab", "a".repeat(31).as_str(), "with space", "ümlaut", "dot.ted", ""] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }
}
