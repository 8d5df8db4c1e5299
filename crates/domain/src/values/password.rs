//! Plain-text passwords on their way to the hasher. Never stored, never logged.

use crate::DomainError;

/// A password of 8-128 characters. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks the length rule. `field` names the input (`password`, `newPassword`).
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, DomainError> {
        let len = raw.chars().count();
        if !(8..=128).contains(&len) {
            return Err(DomainError::invalid(field, "must be 8 to 128 characters long"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enforces_length_and_hides_itself() -> Result<(), DomainError> {
        assert!(Password::parse("short", "password").is_err());
        assert!(Password::parse(&"x".repeat(129), "password").is_err());
        let password = Password::parse("correct horse", "password")?;
        assert_eq!(format!("{password:?}"), "Password(***)");
        Ok(())
    }
}
