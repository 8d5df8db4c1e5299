//! URL slugs: derived from names (AUTO) or chosen by paying users (PREMIUM).

use crate::DomainError;

/// Words no slug may be, because they name routes of the API or the web app.
pub const RESERVED_SLUGS: &[&str] = &[
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "dashboard",
    "docs",
    "files",
    "graphql",
    "graphiql",
    "healthz",
    "help",
    "invite",
    "login",
    "logout",
    "me",
    "new",
    "null",
    "readyz",
    "review",
    "s",
    "settings",
    "signup",
    "static",
    "support",
    "undefined",
    "www",
];

/// Longest slug accepted.
pub const MAX_SLUG_LEN: usize = 60;

/// How a slug came to be (seed 000 `slugType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SlugType {
    /// Derived from the name by the server.
    Auto,
    /// Chosen by the user; needs a PRO plan or higher.
    Premium,
}

impl SlugType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SlugType::Auto => "AUTO",
            SlugType::Premium => "PREMIUM",
        }
    }

    /// Parses the stored name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "AUTO" => Some(SlugType::Auto),
            "PREMIUM" => Some(SlugType::Premium),
            _ => None,
        }
    }
}

/// A lower-case, ASCII, hyphenated slug of 1-60 characters that is not a reserved word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    /// Checks a slug a user chose: it must already be in canonical form.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let value = raw.trim();
        let canonical = !value.is_empty()
            && value.len() <= MAX_SLUG_LEN
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !value.starts_with('-')
            && !value.ends_with('-')
            && !value.contains("--");
        if !canonical {
            return Err(DomainError::invalid(
                "slug",
                "must be 1 to 60 lower-case letters, digits and single hyphens, like 'night-drive'",
            ));
        }
        if RESERVED_SLUGS.contains(&value) {
            return Err(DomainError::invalid(
                "slug",
                format!("'{value}' is reserved; choose another"),
            ));
        }
        Ok(Self(value.to_owned()))
    }

    /// Derives a slug from a name: ASCII-folded (`Björk` → `bjork`), lower-case, hyphenated,
    /// cut to fit. Names with no letters or digits, and reserved words, fall back to a safe
    /// stem so that every name gets a slug.
    pub fn from_name(name: &str) -> Self {
        let mut value = slug::slugify(name);
        if value.len() > MAX_SLUG_LEN {
            value.truncate(MAX_SLUG_LEN);
            value = value.trim_end_matches('-').to_owned();
        }
        if value.is_empty() {
            value = "untitled".to_owned();
        }
        if RESERVED_SLUGS.contains(&value.as_str()) {
            value.push_str("-1");
        }
        Self(value)
    }

    /// The slug with a numeric suffix, for a clash among siblings (`night-drive-2`). The stem is
    /// shortened if needed so the result still fits.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut stem = self.0.clone();
        stem.truncate(MAX_SLUG_LEN - suffix.len());
        let stem = stem.trim_end_matches('-');
        Self(format!("{stem}{suffix}"))
    }

    /// The slug.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_folded_hyphenated_slugs() {
        assert_eq!(
            Slug::from_name("Björk & The Sugarcubes!").as_str(),
            "bjork-the-sugarcubes"
        );
        assert_eq!(Slug::from_name("  ").as_str(), "untitled");
        assert_eq!(Slug::from_name("GraphQL").as_str(), "graphql-1");
        assert_eq!(Slug::from_name(&"a".repeat(80)).as_str().len(), MAX_SLUG_LEN);
    }

    #[test]
    fn suffixes_fit_the_limit() {
        let long = Slug::from_name(&"a".repeat(80));
        let suffixed = long.with_suffix(12);
        assert!(suffixed.as_str().ends_with("-12"));
        assert!(suffixed.as_str().len() <= MAX_SLUG_LEN);
        assert_eq!(Slug::from_name("Night Drive").with_suffix(2).as_str(), "night-drive-2");
    }

    #[test]
    fn chosen_slugs_must_be_canonical_and_unreserved() {
        assert!(Slug::parse("night-drive").is_ok());
        for bad in ["Night", "a--b", "-a", "a-", "", "api", "graphql", "a b", "ö"] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }
}
