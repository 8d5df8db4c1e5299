//! Decoding a whole file with symphonia and measuring it.

use std::fs::File;

use backline_application::ports::{AnalysisFailure, AudioReport};
use backline_domain::media::{AudioMetadata, MediaFormat};
use symphonia::core::audio::AudioBuffer;
use symphonia::core::codecs::{CODEC_TYPE_NULL, CODEC_TYPE_OPUS, DecoderOptions};
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::{FormatOptions, Packet};
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
    let opus = params.codec == CODEC_TYPE_OPUS;
    let codec = if opus {
        "opus".to_owned()
    } else {
        symphonia::default::get_codecs()
            .get_codec(params.codec)
            .map_or("unknown", |descriptor| descriptor.short_name)
            .to_owned()
    };
    let bits_per_sample = params.bits_per_sample.or(params.bits_per_coded_sample);
    // MP4 edit lists say how many priming frames to drop and how many frames are real audio.
    let edit = match (raw_edit, params.sample_rate) {
        (Some(raw), Some(rate)) => raw.at_rate(rate),
        _ => None,
    };
    let mut engine = if opus {
        let channels = params.channels.map_or(0, |channels| channels.count());
        if !(1..=2).contains(&channels) {
            return Err(media(format!(
                "Opus with {channels} channels is not supported (mono and stereo are)"
            )));
        }
        let decoder = opus_rs::OpusDecoder::new(48_000, channels)
            .map_err(|error| media(format!("the Opus stream cannot be decoded: {error}")))?;
        Engine::Opus {
            decoder: Box::new(decoder),
            channels,
            pcm: vec![0.0; OPUS_MAX_FRAMES * channels],
            planes: vec![Vec::new(); channels],
        }
    } else {
        let decoder = symphonia::default::get_codecs()
            .make(params, &DecoderOptions::default())
            .map_err(|error| media(format!("the codec cannot be decoded: {error}")))?;
        Engine::Symphonia { decoder, buffer: None }
    };
    let mut tally = Tally {
        meter: None,
        frames: 0,
        // Opus pre-skip: the demuxer's end trimming counts it, its start trimming does not drop it.
        skip: edit.map_or(0, |edit| edit.skip) + if opus { u64::from(params.delay.unwrap_or(0)) } else { 0 },
        keep: edit.map_or(u64::MAX, |edit| edit.keep),
    };
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
                if tally.frames == 0 {
                    return Err(media(format!("the stream cannot be read: {error}")));
                }
                // A broken tail after good audio: keep what was decoded.
                break;
            }
        };
        if packet.track_id() != track.id {
            continue;
        }
        let decoded = match engine.decode(&packet) {
            Ok(decoded) => decoded,
            Err(Step::Corrupt(reason)) => {
                errors += 1;
                if errors > MAX_DECODE_ERRORS {
                    return Err(media(format!("too many corrupt packets (last: {reason})")));
                }
                continue;
            }
            Err(Step::End) => break,
            Err(Step::Fail(failure)) => return Err(failure),
        };
        tally.feed(&decoded.planes, decoded.rate)?;
    }
    let Tally { meter, frames, .. } = tally;
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

/// The most frames one Opus packet decodes to (120 ms at 48 kHz).
const OPUS_MAX_FRAMES: usize = 5_760;

/// Why one packet gave no audio.
enum Step {
    /// The packet is corrupt; skip it.
    Corrupt(String),
    /// The stream ended.
    End,
    /// Stop with this failure.
    Fail(AnalysisFailure),
}

/// One packet's audio, planar.
struct Decoded<'a> {
    planes: Vec<&'a [f32]>,
    rate: u32,
}

/// What turns packets into samples: symphonia's decoders, or the pure-Rust Opus decoder
/// (`opus-rs`; symphonia has none) fed with symphonia's Ogg demuxer.
enum Engine {
    Symphonia {
        decoder: Box<dyn symphonia::core::codecs::Decoder>,
        buffer: Option<AudioBuffer<f32>>,
    },
    Opus {
        decoder: Box<opus_rs::OpusDecoder>,
        channels: usize,
        pcm: Vec<f32>,
        planes: Vec<Vec<f32>>,
    },
}

impl Engine {
    fn decode(&mut self, packet: &Packet) -> Result<Decoded<'_>, Step> {
        match self {
            Engine::Symphonia { decoder, buffer } => {
                let decoded = match decoder.decode(packet) {
                    Ok(decoded) => decoded,
                    Err(SymphoniaError::DecodeError(reason)) => return Err(Step::Corrupt(reason.to_owned())),
                    Err(SymphoniaError::IoError(error)) if error.kind() == std::io::ErrorKind::UnexpectedEof => {
                        return Err(Step::End);
                    }
                    Err(error) => return Err(Step::Fail(media(format!("decoding failed: {error}")))),
                };
                let spec = *decoded.spec();
                let channels = spec.channels.count();
                if channels == 0 || channels > MAX_CHANNELS {
                    return Err(Step::Fail(media(format!("{channels} channels is not supported"))));
                }
                if decoded.capacity() as u64 * channels as u64 > MAX_PACKET_SAMPLES {
                    return Err(Step::Fail(media("a packet decodes to an absurd number of samples")));
                }
                let reusable = buffer
                    .as_ref()
                    .is_some_and(|buffer| buffer.capacity() >= decoded.capacity() && *buffer.spec() == spec);
                if !reusable {
                    *buffer = Some(AudioBuffer::new(decoded.capacity() as u64, spec));
                }
                let Some(buffer) = buffer.as_mut() else {
                    return Err(Step::Corrupt("no buffer".into()));
                };
                decoded.convert(buffer);
                let buffer = &*buffer;
                Ok(Decoded {
                    planes: buffer.planes().planes().to_vec(),
                    rate: spec.rate,
                })
            }
            Engine::Opus {
                decoder,
                channels,
                pcm,
                planes,
            } => {
                let frames = decoder
                    .decode(packet.buf(), OPUS_MAX_FRAMES, pcm)
                    .map_err(|error| Step::Corrupt(error.to_owned()))?;
                // End padding, as the Ogg demuxer computed it from the last granule position
                // (gapless); the pre-skip is dropped by the tally.
                let kept = frames.saturating_sub(packet.trim_end() as usize);
                for (channel, plane) in planes.iter_mut().enumerate() {
                    plane.clear();
                    plane.extend(pcm[..kept * *channels].iter().skip(channel).step_by(*channels));
                }
                Ok(Decoded {
                    planes: planes.iter().map(Vec::as_slice).collect(),
                    rate: 48_000,
                })
            }
        }
    }
}

/// Counts frames and feeds the meter, dropping priming frames and keeping only the real audio
/// (MP4 edit lists).
struct Tally {
    meter: Option<(Meter, u16, u32)>,
    frames: u64,
    skip: u64,
    keep: u64,
}

impl Tally {
    fn feed(&mut self, planes: &[&[f32]], rate: u32) -> Result<(), AnalysisFailure> {
        if !(1..=MAX_RATE).contains(&rate) {
            return Err(media(format!("the sample rate {rate} is out of range")));
        }
        let channels = u16::try_from(planes.len()).map_err(|_| media("too many channels"))?;
        let (meter, meter_channels, meter_rate) = self
            .meter
            .get_or_insert_with(|| (Meter::new(rate, channels, SAMPLES_PER_PIXEL), channels, rate));
        if *meter_channels != channels || *meter_rate != rate {
            return Err(media("the channel count or sample rate changes midway"));
        }
        let available = planes.iter().map(|plane| plane.len()).min().unwrap_or(0) as u64;
        let dropped = self.skip.min(available);
        self.skip -= dropped;
        let taken = (available - dropped).min(self.keep);
        self.keep -= taken;
        self.frames += taken;
        if taken > 0 {
            let (from, to) = (dropped as usize, (dropped + taken) as usize);
            let window: Vec<&[f32]> = planes.iter().map(|plane| &plane[from..to]).collect();
            meter.push(&window);
        }
        Ok(())
    }
}
