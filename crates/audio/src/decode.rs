//! Decoding a whole file with symphonia and measuring it.

use std::fs::File;

use backline_application::ports::{AnalysisFailure, AudioReport};
use backline_domain::media::{AudioMetadata, MediaFormat};
use symphonia::core::audio::{AudioBuffer, Signal};
use symphonia::core::codecs::{CODEC_TYPE_NULL, DecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use crate::SAMPLES_PER_PIXEL;
use crate::measure::Meter;

/// The most channels accepted.
const MAX_CHANNELS: usize = 32;
/// The highest sample rate accepted.
const MAX_RATE: u32 = 768_000;
/// The most samples (frames times channels) one decoded packet may hold.
const MAX_PACKET_SAMPLES: u64 = 1 << 24;
/// Corrupt packets tolerated (skipped) before the file is judged undecodable.
const MAX_DECODE_ERRORS: usize = 64;

fn media(reason: impl Into<String>) -> AnalysisFailure {
    AnalysisFailure::Media(reason.into())
}

fn extension(format: MediaFormat) -> &'static str {
    match format {
        MediaFormat::Wav => "wav",
        MediaFormat::Aiff => "aiff",
        MediaFormat::Flac => "flac",
        MediaFormat::Mp3 => "mp3",
        MediaFormat::OggVorbis | MediaFormat::OggOpus => "ogg",
        MediaFormat::Mp4 => "m4a",
        MediaFormat::Png | MediaFormat::Jpeg | MediaFormat::WebP | MediaFormat::Gif => "bin",
    }
}

/// Decodes `file` (of the sniffed `format`) from start to end and measures it. Blocking: run it
/// on a blocking thread.
///
/// # Errors
/// [`AnalysisFailure::Media`] when the content cannot be decoded; [`AnalysisFailure::Transient`]
/// when reading the file fails.
pub fn analyze_file(file: File, format: MediaFormat) -> Result<AudioReport, AnalysisFailure> {
    // Decoders may panic on malformed input (symphonia does on some absurd headers); that is
    // a property of the file, not a bug to crash on.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(file, format)))
        .unwrap_or_else(|_| Err(media("the decoder crashed on malformed data")))
}

fn decode(file: File, format: MediaFormat) -> Result<AudioReport, AnalysisFailure> {
    if format.file_type() != backline_domain::media::FileType::Audio {
        return Err(media("the file is not audio"));
    }
    if format == MediaFormat::OggOpus {
        return Err(media(
            "Opus decoding is not supported yet; the file is stored and playable",
        ));
    }
    let size = file.metadata().map_err(anyhow::Error::from)?.len();
    if size == 0 {
        return Err(media("the file is empty"));
    }
    let mut file = file;
    let raw_edit = if format == MediaFormat::Mp4 {
        crate::mp4::raw_edit(&mut file)
    } else {
        None
    };
    std::io::Seek::rewind(&mut file).map_err(anyhow::Error::from)?;
    let source = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
    let mut hint = Hint::new();
    hint.with_extension(extension(format));
    let format_options = FormatOptions {
        enable_gapless: true,
        ..FormatOptions::default()
    };
    let probed = symphonia::default::get_probe()
        .format(&hint, source, &format_options, &MetadataOptions::default())
        .map_err(|error| media(format!("the container cannot be read: {error}")))?;
    let mut reader = probed.format;
    let track = reader
        .tracks()
        .iter()
        .find(|track| track.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| media("the file holds no audio track"))?
        .clone();
    let params = &track.codec_params;
    if params.sample_rate.is_some_and(|rate| !(1..=MAX_RATE).contains(&rate)) {
        return Err(media(format!(
            "the sample rate {:?} is out of range",
            params.sample_rate
        )));
    }
    if let Some(channels) = params.channels
        && channels.count() > MAX_CHANNELS
    {
        return Err(media(format!(
            "{} channels is more than the {MAX_CHANNELS} supported",
            channels.count()
        )));
    }
    if let Some(frames) = params.max_frames_per_packet
        && frames.saturating_mul(params.channels.map_or(1, |channels| channels.count() as u64)) > MAX_PACKET_SAMPLES
    {
        return Err(media("the header declares absurdly large packets"));
    }
    let codec = symphonia::default::get_codecs()
        .get_codec(params.codec)
        .map_or("unknown", |descriptor| descriptor.short_name)
        .to_owned();
    let bits_per_sample = params.bits_per_sample.or(params.bits_per_coded_sample);
    // MP4 edit lists say how many priming frames to drop and how many frames are real audio.
    let edit = match (raw_edit, params.sample_rate) {
        (Some(raw), Some(rate)) => raw.at_rate(rate),
        _ => None,
    };
    let (mut skip, mut keep) = edit.map_or((0, u64::MAX), |edit| (edit.skip, edit.keep));
    let mut decoder = symphonia::default::get_codecs()
        .make(params, &DecoderOptions::default())
        .map_err(|error| media(format!("the codec cannot be decoded: {error}")))?;

    let mut meter: Option<(Meter, u16, u32)> = None;
    let mut buffer: Option<AudioBuffer<f32>> = None;
    let mut frames: u64 = 0;
    let mut errors = 0usize;
    loop {
        let packet = match reader.next_packet() {
            Ok(packet) => packet,
            Err(SymphoniaError::IoError(error)) if error.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymphoniaError::ResetRequired) => return Err(media("the stream changes format midway")),
            Err(SymphoniaError::IoError(error)) => {
                return Err(AnalysisFailure::Transient(anyhow::anyhow!(
                    "reading the file failed: {error}"
                )));
            }
            Err(error) => {
                if frames == 0 {
                    return Err(media(format!("the stream cannot be read: {error}")));
                }
                // A broken tail after good audio: keep what was decoded.
                break;
            }
        };
        if packet.track_id() != track.id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(decoded) => decoded,
            Err(SymphoniaError::DecodeError(reason)) => {
                errors += 1;
                if errors > MAX_DECODE_ERRORS {
                    return Err(media(format!("too many corrupt packets (last: {reason})")));
                }
                continue;
            }
            Err(SymphoniaError::IoError(error)) if error.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(error) => return Err(media(format!("decoding failed: {error}"))),
        };
        let spec = *decoded.spec();
        if !(1..=MAX_RATE).contains(&spec.rate) {
            return Err(media(format!("the sample rate {} is out of range", spec.rate)));
        }
        let channels = spec.channels.count();
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(media(format!("{channels} channels is not supported")));
        }
        if decoded.capacity() as u64 * channels as u64 > MAX_PACKET_SAMPLES {
            return Err(media("a packet decodes to an absurd number of samples"));
        }
        let channel_count = u16::try_from(channels).map_err(|_| media("too many channels"))?;
        let (meter, meter_channels, meter_rate) = meter.get_or_insert_with(|| {
            (
                Meter::new(spec.rate, channel_count, SAMPLES_PER_PIXEL),
                channel_count,
                spec.rate,
            )
        });
        if *meter_channels != channel_count || *meter_rate != spec.rate {
            return Err(media("the channel count or sample rate changes midway"));
        }
        let reusable = buffer
            .as_ref()
            .is_some_and(|buffer| buffer.capacity() >= decoded.capacity() && *buffer.spec() == spec);
        if !reusable {
            buffer = Some(AudioBuffer::new(decoded.capacity() as u64, spec));
        }
        let Some(buffer) = buffer.as_mut() else { continue };
        decoded.convert(buffer);
        let planes = buffer.planes();
        let available = buffer.frames() as u64;
        let dropped = skip.min(available);
        skip -= dropped;
        let taken = (available - dropped).min(keep);
        keep -= taken;
        frames += taken;
        if taken > 0 {
            let (from, to) = (dropped as usize, (dropped + taken) as usize);
            let window: Vec<&[f32]> = planes.planes().iter().map(|plane| &plane[from..to]).collect();
            meter.push(&window);
        }
    }
    let Some((meter, channels, rate)) = meter else {
        return Err(media("no audio could be decoded"));
    };
    if frames == 0 {
        return Err(media("no audio could be decoded"));
    }
    let (loudness, waveform) = meter
        .finish()
        .ok_or_else(|| AnalysisFailure::Transient(anyhow::anyhow!("the peak meter thread failed")))?;
    Ok(AudioReport {
        metadata: AudioMetadata {
            duration_seconds: frames as f64 / f64::from(rate),
            frames,
            sample_rate: rate,
            channels,
            bits_per_sample,
            codec,
            container: format.container().to_owned(),
            bitrate: None,
        },
        loudness,
        waveform,
    })
}
