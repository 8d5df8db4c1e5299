//! Display names and free text.

use crate::DomainError;

/// A display name or title: trimmed, 1-120 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    /// Longest name accepted, in characters.
    pub const MAX_LEN: usize = 120;

    /// Parses a name for `field` (`name`, `title`).
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, DomainError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(DomainError::invalid(field, "must not be empty"));
        }
        if value.chars().count() > Self::MAX_LEN {
            return Err(DomainError::invalid(
                field,
                format!("must be at most {} characters", Self::MAX_LEN),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(DomainError::invalid(field, "must not contain control characters"));
        }
        Ok(Self(value.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Longer free text (a bio, a project description): trimmed, at most 5,000 characters, no
/// control characters except line breaks and tabs. Empty means "none".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description(Option<String>);

impl Description {
    /// Longest text accepted, in characters.
    pub const MAX_LEN: usize = 5000;

    /// Parses free text for `field`.
    pub fn parse(raw: &str, field: &'static str) -> Result<Self, DomainError> {
        let value = raw.trim();
        if value.chars().count() > Self::MAX_LEN {
            return Err(DomainError::invalid(
                field,
                format!("must be at most {} characters", Self::MAX_LEN),
            ));
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
        {
            return Err(DomainError::invalid(field, "must not contain control characters"));
        }
        Ok(Self((!value.is_empty()).then(|| value.to_owned())))
    }

    /// The text, or `None` when empty.
    pub fn into_inner(self) -> Option<String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() -> Result<(), DomainError> {
        assert_eq!(Name::parse("  Night Drive ", "name")?.as_str(), "Night Drive");
        assert!(Name::parse("   ", "name").is_err());
        assert!(Name::parse(&"n".repeat(121), "name").is_err());
        assert!(Name::parse("a\u{0}b", "name").is_err());
        Ok(())
    }

    #[test]
    fn descriptions_allow_line_breaks_and_empty() -> Result<(), DomainError> {
        assert_eq!(Description::parse("a\nb", "bio")?.into_inner().as_deref(), Some("a\nb"));
        assert_eq!(Description::parse("  ", "bio")?.into_inner(), None);
        assert!(Description::parse("x\u{7}", "bio").is_err());
        Ok(())
    }
}
