//! Named links of an artist space (`{"website": "https://…", "bandcamp": "https://…"}`).

use std::collections::BTreeMap;

use crate::DomainError;

/// At most 20 named http(s) URLs; names are 1-32 characters of letters, digits, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NamedLinks(BTreeMap<String, String>);

impl NamedLinks {
    /// Most links a space may list.
    pub const MAX_LINKS: usize = 20;

    /// Parses a JSON object of named URLs.
    pub fn parse(value: &serde_json::Value) -> Result<Self, DomainError> {
        let invalid = |message: String| DomainError::invalid("links", message);
        let object = value
            .as_object()
            .ok_or_else(|| invalid("must be a JSON object of named URLs, like {\"website\": \"https://…\"}".into()))?;
        if object.len() > Self::MAX_LINKS {
            return Err(invalid(format!("may hold at most {} links", Self::MAX_LINKS)));
        }
        let mut links = BTreeMap::new();
        for (name, url) in object {
            let name_ok = (1..=32).contains(&name.len())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !name_ok {
                return Err(invalid(format!(
                    "'{name}' is not a valid link name (1-32 letters, digits, '_' or '-')"
                )));
            }
            let url = url
                .as_str()
                .ok_or_else(|| invalid(format!("'{name}' must be a URL string")))?
                .trim();
            let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
            if !scheme_ok || url.len() > 2048 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(invalid(format!("'{name}' must be an http(s) URL")));
            }
            links.insert(name.clone(), url.to_owned());
        }
        Ok(Self(links))
    }

    /// The links as a JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.0
                .iter()
                .map(|(name, url)| (name.clone(), serde_json::Value::String(url.clone())))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_named_http_urls() -> Result<(), DomainError> {
        let links = NamedLinks::parse(&json!({"website": " https://band.example ", "bandcamp": "http://x.example"}))?;
        assert_eq!(
            links.to_json(),
            json!({"bandcamp": "http://x.example", "website": "https://band.example"})
        );
        Ok(())
    }

    #[test]
    fn refuses_other_shapes() {
        for bad in [
            json!([1]),
            json!({"x": 1}),
            json!({"x": "javascript:alert(1)"}),
            json!({"bad name": "https://a.example"}),
        ] {
            assert!(NamedLinks::parse(&bad).is_err(), "{bad}");
        }
    }
}
