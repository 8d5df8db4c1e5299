//! Cross-origin access for browser apps served from another origin: which origins may call the
//! API (`BACKLINE_CORS_ORIGINS`), the CORS layer for `/graphql`, `/files/…`, `/images/…` and
//! `/documents/…`, and the `Origin` check of WebSocket upgrades (which browsers do not
//! preflight). Credentials (cookies) are never allowed: the API authenticates with bearer
//! tokens, so CSRF through a plain form post stays refused by the CSRF rule of `/graphql`.

use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The origins allowed to call the API from a browser.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedOrigins {
    patterns: Vec<OriginPattern>,
}

/// One allowed origin: exact, or with any port (`http://localhost:*`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct OriginPattern {
    /// `scheme://host`.
    prefix: String,
    /// `Some(port)` for an exact port, `None` for any port (or none).
    port: Option<Option<u16>>,
}

impl std::str::FromStr for AllowedOrigins {
    type Err = String;

    /// A comma-separated list of origins (`https://app.example.com`), each optionally with `:*`
    /// for any port; `*` alone allows every origin; empty allows none.
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let mut patterns = Vec::new();
        for origin in value.split(',').map(str::trim).filter(|origin| !origin.is_empty()) {
            if origin == "*" {
                patterns.push(OriginPattern {
                    prefix: "*".into(),
                    port: None,
                });
                continue;
            }
            let (scheme, rest) = origin
                .split_once("://")
                .ok_or_else(|| format!("'{origin}' is not an origin like https://app.example.com"))?;
            if !matches!(scheme, "http" | "https") || rest.contains('/') || rest.is_empty() {
                return Err(format!("'{origin}' is not an origin like https://app.example.com"));
            }
            let (host, port) = match rest.rsplit_once(':') {
                Some((host, "*")) => (host, None),
                Some((host, port)) => (
                    host,
                    Some(Some(
                        port.parse::<u16>()
                            .map_err(|_| format!("'{origin}' has a port that is not a number"))?,
                    )),
                ),
                None => (rest, Some(None)),
            };
            patterns.push(OriginPattern {
                prefix: format!("{scheme}://{}", host.to_ascii_lowercase()),
                port,
            });
        }
        Ok(Self { patterns })
    }
}

impl AllowedOrigins {
    /// The development default: any port on localhost and 127.0.0.1.
    pub fn development() -> Self {
        "http://localhost:*,http://127.0.0.1:*,https://localhost:*"
            .parse()
            .unwrap_or_default()
    }

    /// Whether `origin` (an `Origin` header's value) is allowed.
    pub fn allows(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        self.patterns.iter().any(|pattern| {
            if pattern.prefix == "*" {
                return true;
            }
            let Some(rest) = origin.strip_prefix(&pattern.prefix) else {
                return false;
            };
            let port = match rest {
                "" => None,
                _ => match rest.strip_prefix(':').map(str::parse::<u16>) {
                    Some(Ok(port)) => Some(port),
                    _ => return false,
                },
            };
            pattern.port.is_none_or(|wanted| wanted == port)
        })
    }

    /// Whether any origin is allowed at all.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

/// The headers a browser client may send: those of Apollo Client, apollo-upload-client, urql
/// and players (ranges, caching).
const ALLOWED_HEADERS: [&str; 9] = [
    "authorization",
    "content-type",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "apollographql-client-name",
    "apollographql-client-version",
    "range",
    "if-none-match",
    "x-request-id",
];

/// The headers a browser client may read.
const EXPOSED_HEADERS: [&str; 7] = [
    "content-range",
    "accept-ranges",
    "content-length",
    "content-disposition",
    "etag",
    "retry-after",
    "x-request-id",
];

/// The CORS layer for every route.
pub(crate) fn layer(origins: &AllowedOrigins) -> CorsLayer {
    let origins = origins.clone();
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin.to_str().is_ok_and(|origin| origins.allows(origin))
        }))
        .allow_methods([Method::GET, Method::POST, Method::HEAD, Method::OPTIONS])
        .allow_headers(ALLOWED_HEADERS.map(HeaderName::from_static))
        .expose_headers(EXPOSED_HEADERS.map(HeaderName::from_static))
        .allow_credentials(false)
        .max_age(Duration::from_secs(600))
}

/// Whether a WebSocket upgrade may proceed: clients that send no `Origin` (not browsers), the
/// server's own origin (GraphiQL), and allowed origins.
pub(crate) fn socket_origin_allowed(origins: &AllowedOrigins, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|value| value.to_str().ok()) else {
        return true;
    };
    let own = headers
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|host| {
            origin
                .split_once("://")
                .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
        });
    own || origins.allows(origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_match_exactly_or_on_any_port() -> Result<(), String> {
        let origins: AllowedOrigins = "https://app.example.com, http://localhost:*".parse()?;
        assert!(origins.allows("https://app.example.com"));
        assert!(origins.allows("HTTPS://APP.EXAMPLE.COM"));
        assert!(!origins.allows("https://app.example.com:8443"));
        assert!(!origins.allows("http://app.example.com"));
        assert!(!origins.allows("https://app.example.com.evil.net"));
        assert!(origins.allows("http://localhost:5173"));
        assert!(origins.allows("http://localhost"));
        assert!(!origins.allows("http://localhost.evil.net:5173"));
        assert!(!origins.allows("http://localhost:5173/path"));
        let exact: AllowedOrigins = "http://localhost:3000".parse()?;
        assert!(exact.allows("http://localhost:3000") && !exact.allows("http://localhost:3001"));
        assert!("*".parse::<AllowedOrigins>()?.allows("https://anything.example"));
        assert!("".parse::<AllowedOrigins>()?.is_empty());
        assert!("app.example.com".parse::<AllowedOrigins>().is_err());
        assert!("https://app.example.com/".parse::<AllowedOrigins>().is_err());
        Ok(())
    }

    #[test]
    fn sockets_from_the_page_itself_or_allowed_origins_only() -> Result<(), String> {
        let origins: AllowedOrigins = "https://app.example.com".parse()?;
        let headers = |origin: Option<&str>| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_static("api.example.com"));
            if let Some(origin) = origin {
                headers.insert(
                    header::ORIGIN,
                    HeaderValue::from_str(origin).unwrap_or(HeaderValue::from_static("x")),
                );
            }
            headers
        };
        assert!(socket_origin_allowed(&origins, &headers(None)));
        assert!(socket_origin_allowed(
            &origins,
            &headers(Some("https://api.example.com"))
        ));
        assert!(socket_origin_allowed(
            &origins,
            &headers(Some("https://app.example.com"))
        ));
        assert!(!socket_origin_allowed(&origins, &headers(Some("https://evil.example"))));
        Ok(())
    }
}
