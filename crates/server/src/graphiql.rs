//! GraphiQL, served whole from the binary: the page, its scripts and styles (GraphiQL 4.1.2,
//! React 18.3.1 and the GraphiQL Explorer plugin 4.0.6, committed from npm with their licences
//! under `assets/graphiql/`), and Backline's start-up script with the tour. Nothing is fetched
//! from another host, so it works offline, and the page's Content-Security-Policy allows only
//! this server.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One file GraphiQL's page loads.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Every file under `/graphiql/`.
const ASSETS: &[Asset] = &[
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/graphiql.min.js"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/graphiql.min.css"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    },
    Asset {
        name: "plugin-explorer.umd.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/plugin-explorer.umd.js"),
    },
    Asset {
        name: "plugin-explorer.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/plugin-explorer.css"),
    },
    Asset {
        name: "page.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/page.css"),
    },
    Asset {
        name: "backline.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/backline.js"),
    },
];

/// The page at `GET /graphql`. Its scripts are all external (the policy forbids inline ones).
const PAGE: &str = r#"<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="robots" content="noindex">
    <title>Backline GraphiQL</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/graphiql/graphiql.min.css">
    <link rel="stylesheet" href="/graphiql/plugin-explorer.css">
    <link rel="stylesheet" href="/graphiql/page.css">
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/react.production.min.js"></script>
    <script src="/graphiql/react-dom.production.min.js"></script>
    <script src="/graphiql/graphiql.min.js"></script>
    <script src="/graphiql/plugin-explorer.umd.js"></script>
    <script src="/graphiql/backline.js"></script>
  </body>
</html>
"#;

/// The page's Content-Security-Policy: scripts, styles, fonts and connections from this server
/// only (`data:` for the fonts and icons GraphiQL's stylesheet embeds; inline styles because
/// its components set them). The WebSocket origin is named as well, for browsers whose
/// `'self'` does not cover `ws:`.
fn content_security_policy(headers: &HeaderMap) -> String {
    let socket = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| is_authority(host))
        .map(|host| format!(" ws://{host} wss://{host}"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
         font-src 'self' data:; connect-src 'self'{socket}; base-uri 'none'; form-action 'none'; \
         frame-ancestors 'none'"
    )
}

/// Whether `value` is a plain `host[:port]`, safe to repeat inside the policy.
fn is_authority(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 255
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b':' | b'[' | b']'))
}

/// Headers every GraphiQL response carries.
fn guarded(mut response: Response, policy: Option<&str>) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Some(value) = policy.and_then(|policy| HeaderValue::from_str(policy).ok()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// `GET /graphql` without an operation: the GraphiQL page.
pub(crate) fn page(headers: &HeaderMap) -> Response {
    let response = (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        PAGE,
    )
        .into_response();
    guarded(response, Some(&content_security_policy(headers)))
}

/// The entity tag of an asset: the start of its SHA-256.
fn etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", hex::encode(&digest[..12]))
}

/// `GET /graphiql/{name}`: one of the page's files, with an entity tag so a reload costs a 304.
pub(crate) fn asset(name: &str, headers: &HeaderMap) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tag = etag(asset.bytes);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|candidate| candidate.trim() == tag));
    let cache = [
        (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
        (header::ETAG, tag),
    ];
    let response = if fresh {
        (StatusCode::NOT_MODIFIED, cache).into_response()
    } else {
        (cache, [(header::CONTENT_TYPE, asset.content_type)], asset.bytes).into_response()
    };
    guarded(response, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_loads_only_files_the_server_has() {
        let mut referenced = 0;
        for part in PAGE.split("\"/graphiql/").skip(1) {
            let name = part.split('"').next().unwrap_or_default();
            assert!(ASSETS.iter().any(|asset| asset.name == name), "{name} is not served");
            referenced += 1;
        }
        assert_eq!(referenced, ASSETS.len(), "every asset is used");
        assert!(!PAGE.contains("http://") && !PAGE.contains("https://"), "no other host");
        assert!(!PAGE.contains("<script>"), "no inline script");
    }

    #[test]
    fn the_policy_names_only_this_server() {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        let policy = content_security_policy(&headers);
        assert!(policy.contains("script-src 'self';"), "{policy}");
        assert!(
            policy.contains("connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080;"),
            "{policy}"
        );
        headers.insert(header::HOST, HeaderValue::from_static("evil.example; script-src *"));
        assert!(
            !content_security_policy(&headers).contains("evil"),
            "a strange Host is left out"
        );
    }
}
