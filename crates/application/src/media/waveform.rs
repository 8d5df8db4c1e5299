//! Serving a file's waveform at the zoom, channel layout and resolution a player asks for.

use backline_domain::media::{AnalysisStatus, MediaFile, Waveform};

use super::Media;
use crate::error::{AppError, AppResult};

/// How a player wants the waveform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WaveformRequest {
    /// Audio frames per pixel; at least the stored zoom. `None`: the stored zoom.
    pub samples_per_pixel: Option<u32>,
    /// One merged channel instead of one per channel.
    pub merged: bool,
    /// 8 or 16 (default 16).
    pub bits: Option<u8>,
}

/// The waveform of a file the caller is already authorized to read; `None` until analysis is
/// ready (or when it failed, or the file is not audio).
pub async fn waveform_of(media: &Media, file: &MediaFile, request: WaveformRequest) -> AppResult<Option<Waveform>> {
    if file.analysis.status != AnalysisStatus::Ready {
        return Ok(None);
    }
    let Some(key) = &file.analysis.waveform_key else {
        return Ok(None);
    };
    let Some(bytes) = media.blobs.get(key).await? else {
        return Ok(None);
    };
    let stored = Waveform::from_dat(&bytes).map_err(|error| AppError::Internal(error.into()))?;
    let invalid =
        |field: &str, error: backline_domain::media::WaveformError| AppError::invalid(field, error.to_string());
    let mut waveform = match request.samples_per_pixel {
        Some(zoom) => stored
            .rescale(zoom)
            .map_err(|error| invalid("samplesPerPixel", error))?,
        None => stored,
    };
    if request.merged {
        waveform = waveform.merged();
    }
    waveform
        .with_bits(request.bits.unwrap_or(16))
        .map(Some)
        .map_err(|error| invalid("bits", error))
}
