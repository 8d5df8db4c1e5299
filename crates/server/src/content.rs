//! Content endpoints: file bodies with `Range`, `HEAD` and `ETag` (so `<audio src>` can seek),
//! waveforms as audiowaveform JSON or `.dat`, and image variants. Access is a signed URL from
//! the API, or the `Authorization` header.

use std::collections::HashMap;
use std::ops::Range;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use backline_application::AppError;
use backline_application::media::{
    ContentAccess, SignedScope, WaveformRequest, document_blob, file_blob, file_for_content, image_blob,
    verify_signature, waveform_of,
};
use backline_domain::ids::{DocumentId, FileId, ImageId};
use backline_domain::media::{ImageVariant, MediaFile};

use crate::http::{HttpState, actor_from, refusal, request_id};

/// What a `Range` header asks of a body of a known size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RangeRequest {
    /// No usable range: send everything (also for multiple ranges, which we do not serve).
    Full,
    /// These bytes.
    Partial(Range<u64>),
    /// A range that starts past the end.
    Unsatisfiable,
}

/// Parses a single `bytes=` range against `size` (RFC 9110 §14.1.2). Malformed or multiple
/// ranges are ignored, as the RFC allows.
pub(crate) fn parse_range(header: Option<&str>, size: u64) -> RangeRequest {
    let Some(spec) = header.and_then(|value| value.trim().strip_prefix("bytes=")) else {
        return RangeRequest::Full;
    };
    if spec.contains(',') {
        return RangeRequest::Full;
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return RangeRequest::Full;
    };
    let (start, end) = (start.trim(), end.trim());
    let range = if start.is_empty() {
        // A suffix: the last `end` bytes.
        match end.parse::<u64>() {
            Ok(0) => return RangeRequest::Unsatisfiable,
            Ok(suffix) => size.saturating_sub(suffix)..size,
            Err(_) => return RangeRequest::Full,
        }
    } else {
        let Ok(first) = start.parse::<u64>() else {
            return RangeRequest::Full;
        };
        let last = if end.is_empty() {
            size.saturating_sub(1)
        } else {
            match end.parse::<u64>() {
                Ok(last) if last >= first => last.min(size.saturating_sub(1)),
                _ => return RangeRequest::Full,
            }
        };
        if first >= size {
            return RangeRequest::Unsatisfiable;
        }
        first..last + 1
    };
    if range.is_empty() {
        RangeRequest::Unsatisfiable
    } else {
        RangeRequest::Partial(range)
    }
}

/// The error response of a content request.
fn failure(error: &AppError, request_id: &str) -> Response {
    let code = error.code();
    let message = match error {
        AppError::Internal(inner) => {
            tracing::error!(error = %inner, %request_id, "content request failed");
            "internal error".to_owned()
        }
        other => other.to_string(),
    };
    refusal(crate::http::status_of(code), code, &message, request_id)
}

/// How the caller proves access: `exp` and `sig`, or the `Authorization` header.
enum Proof {
    Signed(i64, String),
    Header(backline_application::Actor),
}

async fn proof(state: &HttpState, headers: &HeaderMap, query: &HashMap<String, String>) -> Result<Proof, AppError> {
    if let (Some(expires), Some(signature)) = (query.get("exp"), query.get("sig")) {
        let expires = expires
            .parse()
            .map_err(|_| AppError::Forbidden("the link's `exp` is not a number".into()))?;
        return Ok(Proof::Signed(expires, signature.clone()));
    }
    let actor = actor_from(&state.composition.app, headers).await?;
    actor.require()?;
    Ok(Proof::Header(actor))
}

async fn authorized_file(
    state: &HttpState,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    id: &str,
) -> Result<MediaFile, AppError> {
    let id = FileId(id.parse().map_err(|_| AppError::NotFound("file"))?);
    let app = &state.composition.app;
    match proof(state, headers, query).await? {
        Proof::Signed(expires, signature) => {
            let access = ContentAccess::Signed {
                expires,
                signature: &signature,
                download: query
                    .get("download")
                    .is_some_and(|value| value == "1" || value == "true"),
            };
            file_for_content(&app.media, access, id).await
        }
        Proof::Header(actor) => file_for_content(&app.media, ContentAccess::Caller(&actor), id).await,
    }
}

/// `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266).
fn attachment(name: &str) -> HeaderValue {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                (byte as char).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// `GET`/`HEAD /files/{id}/content`.
pub(crate) async fn file_content(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let request_id = request_id(&headers);
    let file = match authorized_file(&state, &headers, &query, &id).await {
        Ok(file) => file,
        Err(error) => return failure(&error, &request_id),
    };
    let size = u64::try_from(file.size).unwrap_or(0);
    let etag = format!("\"{}\"", file.sha256);
    let mut builder = Response::builder()
        .header(header::ETAG, &etag)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::CACHE_CONTROL, "private, max-age=3600")
        .header(header::CONTENT_TYPE, &file.content_type)
        .header("x-content-type-options", "nosniff");
    if query
        .get("download")
        .is_some_and(|value| value == "1" || value == "true")
    {
        builder = builder.header(header::CONTENT_DISPOSITION, attachment(&file.name));
    }
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    if not_modified {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    let range = parse_range(headers.get(header::RANGE).and_then(|value| value.to_str().ok()), size);
    let (status, range) = match range {
        RangeRequest::Full => (StatusCode::OK, None),
        RangeRequest::Partial(range) => {
            builder = builder.header(
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{size}", range.start, range.end - 1),
            );
            (StatusCode::PARTIAL_CONTENT, Some(range))
        }
        RangeRequest::Unsatisfiable => {
            return builder
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{size}"))
                .body(Body::empty())
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    let length = range.as_ref().map_or(size, |range| range.end - range.start);
    builder = builder.status(status).header(header::CONTENT_LENGTH, length);
    if method == Method::HEAD {
        return builder
            .body(Body::empty())
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    let blob = match file_blob(&state.composition.app.media, &file, range).await {
        Ok(blob) => blob,
        Err(error) => return failure(&error, &request_id),
    };
    builder
        .body(Body::from_stream(blob.stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// `GET /files/{id}/waveform.json` and `/files/{id}/waveform.dat`.
pub(crate) async fn file_waveform(
    State(state): State<HttpState>,
    Path((id, name)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let request_id = request_id(&headers);
    let dat = match name.as_str() {
        "waveform.json" => false,
        "waveform.dat" => true,
        _ => return failure(&AppError::NotFound("file resource"), &request_id),
    };
    let file = match authorized_file(&state, &headers, &query, &id).await {
        Ok(file) => file,
        Err(error) => return failure(&error, &request_id),
    };
    let request = match waveform_query(&query) {
        Ok(request) => request,
        Err(error) => return failure(&error, &request_id),
    };
    let waveform = match waveform_of(&state.composition.app.media, &file, request).await {
        Ok(Some(waveform)) => waveform,
        Ok(None) => {
            return failure(&AppError::NotFound("waveform (analysis is not ready)"), &request_id);
        }
        Err(error) => return failure(&error, &request_id),
    };
    let (content_type, body) = if dat {
        ("application/octet-stream", waveform.to_dat())
    } else {
        let json = backline_graphql::waveform_json(&waveform);
        ("application/json", json.to_string().into_bytes())
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

fn waveform_query(query: &HashMap<String, String>) -> Result<WaveformRequest, AppError> {
    let samples_per_pixel = query
        .get("samplesPerPixel")
        .map(|value| {
            value
                .parse::<u32>()
                .map_err(|_| AppError::invalid("samplesPerPixel", "must be a positive number"))
        })
        .transpose()?;
    let merged = match query.get("channels").map(|value| value.to_ascii_lowercase()) {
        None => true,
        Some(value) if value == "merged" => true,
        Some(value) if value == "separate" => false,
        Some(_) => return Err(AppError::invalid("channels", "must be merged or separate")),
    };
    let bits = match query.get("bits").map(String::as_str) {
        None | Some("16") => 16,
        Some("8") => 8,
        Some(_) => return Err(AppError::invalid("bits", "must be 8 or 16")),
    };
    Ok(WaveformRequest {
        samples_per_pixel,
        merged,
        bits: Some(bits),
    })
}

/// `GET /images/{id}/{variant}` with a signature.
pub(crate) async fn image_content(
    State(state): State<HttpState>,
    Path((id, variant)): Path<(String, String)>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let request_id = request_id(&headers);
    let (Ok(uuid), Some(variant)) = (id.parse::<uuid::Uuid>(), ImageVariant::parse(&variant)) else {
        return failure(&AppError::NotFound("image"), &request_id);
    };
    let app = &state.composition.app;
    let signed = match (query.get("exp").and_then(|value| value.parse().ok()), query.get("sig")) {
        (Some(expires), Some(signature)) => verify_signature(
            &app.media,
            SignedScope::Image(uuid, variant),
            expires,
            signature,
            app.now(),
        ),
        _ => false,
    };
    if !signed {
        return failure(
            &AppError::Forbidden("the link has expired or was altered; ask the API for a fresh URL".into()),
            &request_id,
        );
    }
    match image_blob(&app.media, ImageId(uuid), variant).await {
        Ok((image, blob)) => Response::builder()
            .header(header::CONTENT_TYPE, image.content_type)
            .header(header::CONTENT_LENGTH, blob.size)
            .header(header::ETAG, format!("\"{}-{}\"", image.id, variant.as_str()))
            .header(header::CACHE_CONTROL, "private, max-age=3600")
            .header("x-content-type-options", "nosniff")
            .body(Body::from_stream(blob.stream))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        Err(error) => failure(&error, &request_id),
    }
}

/// `GET /documents/{id}` with a signature: a press-kit document, always as an attachment.
pub(crate) async fn document_content(
    State(state): State<HttpState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let request_id = request_id(&headers);
    let Ok(uuid) = id.parse::<uuid::Uuid>() else {
        return failure(&AppError::NotFound("document"), &request_id);
    };
    let app = &state.composition.app;
    let signed = match (query.get("exp").and_then(|value| value.parse().ok()), query.get("sig")) {
        (Some(expires), Some(signature)) => {
            verify_signature(&app.media, SignedScope::Document(uuid), expires, signature, app.now())
        }
        _ => false,
    };
    if !signed {
        return failure(
            &AppError::Forbidden("the link has expired or was altered; ask the API for a fresh URL".into()),
            &request_id,
        );
    }
    match document_blob(&app.media, DocumentId(uuid)).await {
        Ok((document, blob)) => Response::builder()
            .header(header::CONTENT_TYPE, document.content_type)
            .header(header::CONTENT_LENGTH, blob.size)
            .header(header::CONTENT_DISPOSITION, attachment(&document.name))
            .header(header::ETAG, format!("\"{}\"", document.sha256))
            .header(header::CACHE_CONTROL, "private, max-age=3600")
            .header("x-content-type-options", "nosniff")
            .body(Body::from_stream(blob.stream))
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        Err(error) => failure(&error, &request_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_ranges() {
        use RangeRequest::{Full, Partial, Unsatisfiable};
        assert_eq!(parse_range(None, 100), Full);
        assert_eq!(parse_range(Some("bytes=0-9"), 100), Partial(0..10));
        assert_eq!(parse_range(Some("bytes=90-"), 100), Partial(90..100));
        assert_eq!(parse_range(Some("bytes=90-500"), 100), Partial(90..100));
        assert_eq!(parse_range(Some("bytes=-10"), 100), Partial(90..100));
        assert_eq!(parse_range(Some("bytes=-500"), 100), Partial(0..100));
        assert_eq!(parse_range(Some("bytes=100-"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=-0"), 100), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=0-0"), 0), Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=5-1"), 100), Full);
        assert_eq!(parse_range(Some("bytes=0-1,5-6"), 100), Full);
        assert_eq!(parse_range(Some("items=0-1"), 100), Full);
        assert_eq!(parse_range(Some("bytes=x-y"), 100), Full);
    }

    #[test]
    fn attachment_names_are_safe_and_keep_unicode() {
        let value = attachment("Mix \"3\" é.wav");
        let text = value.to_str().unwrap_or("");
        assert!(text.starts_with("attachment; filename=\"Mix _3_ _.wav\""), "{text}");
        assert!(text.contains("filename*=UTF-8''Mix%20%223%22%20%C3%A9.wav"), "{text}");
    }
}
