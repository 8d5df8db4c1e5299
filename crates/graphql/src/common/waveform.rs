//! Waveform arguments and the waveform field, shared by files and review links.

use async_graphql::{Context, Enum, Json};
use backline_application::media::{WaveformRequest, waveform_of};
use backline_domain::media::{MediaFile, Waveform};

use crate::common::context::parts;
use crate::common::error::{GqlResult, bad_input};

/// How a waveform lays out channels.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "WaveformChannels")]
pub(crate) enum GqlWaveformChannels {
    /// One channel: per pixel, the lowest minimum and highest maximum of all channels.
    Merged,
    /// One min/max pair per channel per pixel, interleaved as audiowaveform does.
    Separate,
}

/// The audiowaveform JSON object for a waveform.
pub fn waveform_json(waveform: &Waveform) -> serde_json::Value {
    serde_json::json!({
        "version": 2,
        "channels": waveform.channels,
        "sample_rate": waveform.sample_rate,
        "samples_per_pixel": waveform.samples_per_pixel,
        "bits": waveform.bits,
        "length": waveform.length,
        "data": waveform.data,
    })
}

/// Reads the waveform arguments into a request; `BAD_USER_INPUT` when out of range.
pub(crate) fn waveform_request(
    samples_per_pixel: Option<i32>,
    channels: GqlWaveformChannels,
    bits: Option<i32>,
) -> async_graphql::Result<WaveformRequest> {
    let samples_per_pixel = samples_per_pixel
        .map(|value| u32::try_from(value).map_err(|_| bad_input("samplesPerPixel", "must be positive")))
        .transpose()?;
    let bits = match bits {
        None | Some(16) => 16,
        Some(8) => 8,
        Some(_) => return Err(bad_input("bits", "bits must be 8 or 16")),
    };
    Ok(WaveformRequest {
        samples_per_pixel,
        merged: channels == GqlWaveformChannels::Merged,
        bits: Some(bits),
    })
}

/// The `waveform` field of a file (members' `File` and guests' `ReviewFile`).
pub(crate) async fn waveform_field(
    ctx: &Context<'_>,
    file: &MediaFile,
    samples_per_pixel: Option<i32>,
    channels: GqlWaveformChannels,
    bits: Option<i32>,
) -> async_graphql::Result<Option<Json<serde_json::Value>>> {
    let (app, _) = parts(ctx)?;
    let request = waveform_request(samples_per_pixel, channels, bits)?;
    let waveform = waveform_of(&app.media, file, request).await.gql()?;
    Ok(waveform.as_ref().map(|waveform| Json(waveform_json(waveform))))
}
