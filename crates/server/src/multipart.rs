//! Reading GraphQL multipart requests (the spec apollo-upload-client speaks) with limits per
//! part: `operations` and `map` may be at most the JSON body limit, each file at most the upload
//! limit, and there may be at most a few files. Files are spooled to anonymous temporary files
//! with async writes as they arrive, so memory stays flat and no async thread blocks on disk.
//! A client that stops sending for [`IDLE`] is cut off, so a stalled upload does not hold its
//! place among the requests in flight.

use std::collections::HashMap;

use async_graphql::{BatchRequest, UploadValue};
use axum::body::Body;
use multer::{Constraints, Multipart, SizeLimit};
use tokio::io::AsyncWriteExt;

/// How long an upload may go without a byte arriving.
pub(crate) const IDLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Limits of one multipart request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PartLimits {
    /// `operations` and `map`, in bytes.
    pub(crate) json_bytes: u64,
    /// Each file, in bytes.
    pub(crate) file_bytes: u64,
    /// Files per request.
    pub(crate) files: usize,
}

/// Why a multipart request was refused.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MultipartError {
    /// A part is larger than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// The request does not follow the multipart request spec.
    #[error("{0}")]
    Malformed(String),
    /// No byte arrived for [`IDLE`].
    #[error("no data arrived for {} s; the upload was abandoned", IDLE.as_secs())]
    Stalled,
    /// Spooling failed.
    #[error("could not store the upload: {0}")]
    Io(#[from] std::io::Error),
}

fn malformed(message: impl Into<String>) -> MultipartError {
    MultipartError::Malformed(message.into())
}

fn from_multer(error: multer::Error) -> MultipartError {
    match error {
        multer::Error::StreamReadFailed(cause)
            if cause
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut) =>
        {
            MultipartError::Stalled
        }
        multer::Error::FieldSizeExceeded { limit, field_name } => MultipartError::TooLarge(format!(
            "the part '{}' is larger than {limit} bytes",
            field_name.unwrap_or_default()
        )),
        multer::Error::StreamSizeExceeded { limit } => {
            MultipartError::TooLarge(format!("the request is larger than {limit} bytes"))
        }
        other => malformed(format!("invalid multipart data: {other}")),
    }
}

/// Reads a multipart body into a batch with its uploads attached.
pub(crate) async fn read(content_type: &str, body: Body, limits: PartLimits) -> Result<BatchRequest, MultipartError> {
    let boundary = multer::parse_boundary(content_type).map_err(|_| malformed("the multipart boundary is missing"))?;
    let files = u64::try_from(limits.files).unwrap_or(u64::MAX);
    let size = SizeLimit::new()
        .whole_stream(
            limits
                .file_bytes
                .saturating_mul(files)
                .saturating_add(limits.json_bytes.saturating_mul(2)),
        )
        .per_field(limits.file_bytes)
        .for_field("operations", limits.json_bytes)
        .for_field("map", limits.json_bytes);
    let stream = futures::stream::unfold(Some(body.into_data_stream()), |state| async move {
        let mut chunks = state?;
        match tokio::time::timeout(IDLE, futures::StreamExt::next(&mut chunks)).await {
            Ok(Some(chunk)) => Some((chunk.map_err(std::io::Error::other), Some(chunks))),
            Ok(None) => None,
            Err(_) => Some((Err(std::io::Error::from(std::io::ErrorKind::TimedOut)), None)),
        }
    });
    let mut multipart = Multipart::with_constraints(stream, boundary, Constraints::new().size_limit(size));
    let mut operations: Option<BatchRequest> = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut uploads: Vec<(String, UploadValue)> = Vec::new();
    while let Some(mut field) = multipart.next_field().await.map_err(from_multer)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "operations" => {
                let bytes = field.bytes().await.map_err(from_multer)?;
                operations = Some(
                    serde_json::from_slice(&bytes)
                        .map_err(|error| malformed(format!("'operations' is not a GraphQL request: {error}")))?,
                );
            }
            "map" => {
                let bytes = field.bytes().await.map_err(from_multer)?;
                map = Some(
                    serde_json::from_slice(&bytes)
                        .map_err(|error| malformed(format!("'map' is not an object of paths: {error}")))?,
                );
            }
            _ => {
                if uploads.len() >= limits.files {
                    return Err(MultipartError::TooLarge(format!(
                        "a request may carry at most {} files",
                        limits.files
                    )));
                }
                let filename = field.file_name().unwrap_or_default().to_owned();
                let content_type = field.content_type().map(ToString::to_string);
                let mut spool = tokio::fs::File::from_std(tempfile::tempfile()?);
                while let Some(chunk) = field.chunk().await.map_err(from_multer)? {
                    spool.write_all(&chunk).await?;
                }
                spool.flush().await?;
                let mut content = spool.into_std().await;
                std::io::Seek::rewind(&mut content)?;
                uploads.push((
                    name,
                    UploadValue {
                        filename,
                        content_type,
                        content,
                    },
                ));
            }
        }
    }
    let mut batch = operations.ok_or_else(|| malformed("the 'operations' part is missing"))?;
    let mut map = map.ok_or_else(|| malformed("the 'map' part is missing"))?;
    for (name, upload) in uploads {
        let Some(paths) = map.remove(&name) else { continue };
        for path in paths {
            attach(&mut batch, &path, upload.try_clone()?)?;
        }
    }
    if let Some(name) = map.keys().next() {
        return Err(malformed(format!("the file part '{name}' named in 'map' is missing")));
    }
    Ok(batch)
}

/// Puts an upload at `path` (`variables.input.file`, or `0.variables.file` in a batch).
fn attach(batch: &mut BatchRequest, path: &str, upload: UploadValue) -> Result<(), MultipartError> {
    match batch {
        BatchRequest::Single(request) => request.set_upload(path, upload),
        BatchRequest::Batch(requests) => {
            let (index, rest) = path
                .split_once('.')
                .ok_or_else(|| malformed(format!("'{path}' does not name an operation of the batch")))?;
            let request = index
                .parse::<usize>()
                .ok()
                .and_then(|index| requests.get_mut(index))
                .ok_or_else(|| malformed(format!("'{path}' does not name an operation of the batch")))?;
            request.set_upload(rest, upload);
        }
    }
    Ok(())
}
