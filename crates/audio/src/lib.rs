//! Backline's audio analysis adapter: decodes a whole file with symphonia on a blocking
//! thread, counts its frames (the exact duration), measures loudness per EBU R128 / ITU-R
//! BS.1770 with the `ebur128` crate, and collects waveform peaks.
//!
//! Bad media never crashes or wedges the worker: absurd parameters are refused before any
//! allocation depends on them, decode errors end the analysis with a reason, and a decoder
//! panic is caught and reported the same way.

mod decode;
pub mod demo;
mod measure;
mod mp4;
mod panics;
mod render;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use backline_application::ports::{AnalysisFailure, AudioAnalyzer, AudioReport, ByteStream};
use backline_domain::ids::FileId;
use backline_domain::media::MediaFormat;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;

pub use decode::analyze_file;

/// Audio frames per stored waveform pixel: about 5 ms at 48 kHz, fine enough for any
/// on-screen zoom; coarser zooms are derived from it.
pub const SAMPLES_PER_PIXEL: u32 = 256;

/// The symphonia analyser.
#[derive(Debug, Clone, Default)]
pub struct SymphoniaAnalyzer;

impl SymphoniaAnalyzer {
    /// A new analyser.
    pub fn new() -> Self {
        Self
    }
}

#[async_trait::async_trait]
impl AudioAnalyzer for SymphoniaAnalyzer {
    async fn analyze(
        &self,
        id: FileId,
        mut stream: ByteStream,
        format: MediaFormat,
    ) -> Result<AudioReport, AnalysisFailure> {
        // Spool to a temporary file: some containers (MP4) need to seek, and memory must not
        // grow with the file.
        let spool = tokio::fs::File::from_std(tempfile::tempfile().map_err(anyhow::Error::from)?);
        let mut writer = tokio::io::BufWriter::with_capacity(1 << 20, spool);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(anyhow::Error::from)?;
            writer.write_all(&chunk).await.map_err(anyhow::Error::from)?;
        }
        writer.flush().await.map_err(anyhow::Error::from)?;
        let mut file = writer.into_inner().into_std().await;
        std::io::Seek::rewind(&mut file).map_err(anyhow::Error::from)?;
        let decode = move || {
            let _decoding = panics::decoding(id);
            analyze_file(file, format)
        };
        match tokio::task::spawn_blocking(decode).await {
            Ok(result) => result,
            Err(error) if error.is_panic() => Err(AnalysisFailure::Media(
                "the decoder crashed on malformed data".to_owned(),
            )),
            Err(error) => Err(AnalysisFailure::Transient(error.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, Write};

    use backline_application::ports::AnalysisFailure;

    use super::*;
    use crate::testing::{Signal, random_bytes, tone, wav};

    fn analyze_bytes(bytes: &[u8], format: MediaFormat) -> Result<AudioReport, AnalysisFailure> {
        let mut file = tempfile::tempfile().map_err(anyhow::Error::from)?;
        file.write_all(bytes).map_err(anyhow::Error::from)?;
        file.rewind().map_err(anyhow::Error::from)?;
        analyze_file(file, format)
    }

    fn report(bytes: &[u8]) -> AudioReport {
        match analyze_bytes(bytes, MediaFormat::Wav) {
            Ok(report) => report,
            Err(error) => panic!("analysis failed: {error}"),
        }
    }

    #[test]
    fn measures_a_calibrated_tone_per_ebu_tech_3341() {
        // EBU Tech 3341 case 1: a stereo 1 kHz sine at -23 dBFS reads -23.0 LUFS.
        let amplitude = 10f64.powf(-23.0 / 20.0);
        let bytes = wav(
            Signal::Sine {
                frequency: 1000.0,
                amplitude,
            },
            48_000,
            2,
            48_000 * 20,
            24,
        );
        let report = report(&bytes);
        let metadata = &report.metadata;
        assert_eq!(metadata.frames, 48_000 * 20);
        assert!((metadata.duration_seconds - 20.0).abs() < 1e-9);
        assert_eq!((metadata.sample_rate, metadata.channels), (48_000, 2));
        assert_eq!(metadata.bits_per_sample, Some(24));
        assert_eq!(metadata.codec, "pcm_s24le");
        let loudness = &report.loudness;
        let integrated = loudness.integrated_lufs.unwrap_or(f64::NAN);
        assert!((integrated + 23.0).abs() < 0.1, "integrated {integrated}");
        let range = loudness.loudness_range.unwrap_or(f64::NAN);
        assert!(range.abs() < 0.1, "a steady tone has no loudness range: {range}");
        let sample_peak = loudness.sample_peak_dbfs.unwrap_or(f64::NAN);
        assert!((sample_peak + 23.0).abs() < 0.05, "sample peak {sample_peak}");
        let true_peak = loudness.true_peak_dbtp.unwrap_or(f64::NAN);
        assert!((true_peak + 23.0).abs() < 0.3, "true peak {true_peak}");
    }

    #[test]
    fn peaks_follow_the_signal() {
        let bytes = wav(
            Signal::Sine {
                frequency: 441.0,
                amplitude: 0.5,
            },
            44_100,
            1,
            44_100,
            16,
        );
        let waveform = report(&bytes).waveform;
        assert_eq!(waveform.samples_per_pixel, SAMPLES_PER_PIXEL);
        assert_eq!(waveform.length, 44_100usize.div_ceil(SAMPLES_PER_PIXEL as usize));
        // Every 256-frame pixel spans more than a 100-frame period: it sees both peaks.
        for pixel in waveform.data.chunks(2).take(waveform.length - 1) {
            assert!(
                (pixel[0] + 16384).abs() <= 2 && (pixel[1] - 16384).abs() <= 2,
                "{pixel:?}"
            );
        }
    }

    #[test]
    fn silence_has_no_loudness_and_flat_peaks() {
        let report = report(&wav(Signal::Silence, 8_000, 2, 8_000 * 3, 16));
        assert_eq!(report.metadata.frames, 24_000);
        assert_eq!(report.loudness.integrated_lufs, None);
        assert_eq!(report.loudness.sample_peak_dbfs, None);
        assert!(report.waveform.data.iter().all(|value| *value == 0));
    }

    #[test]
    fn odd_rates_and_channel_counts_decode_exactly() {
        for (rate, channels) in [(22_050, 1), (96_000, 6), (11_025, 3)] {
            let frames = u64::from(rate) * 3 / 2 + 7;
            let report = report(&wav(Signal::Noise { amplitude: 0.25 }, rate, channels, frames, 16));
            assert_eq!(report.metadata.frames, frames, "{rate} Hz x {channels}");
            assert_eq!(report.metadata.channels, channels);
            assert_eq!(report.waveform.channels, channels);
        }
    }

    fn refused(bytes: &[u8], format: MediaFormat) -> String {
        match analyze_bytes(bytes, format) {
            Err(AnalysisFailure::Media(reason)) => reason,
            Err(AnalysisFailure::Transient(error)) => panic!("transient: {error}"),
            Ok(report) => panic!("accepted: {:?}", report.metadata),
        }
    }

    #[test]
    fn bad_media_ends_with_a_reason() {
        let good = tone(44_100, 2, 44_100);
        // Zero-length.
        assert!(!refused(b"", MediaFormat::Wav).is_empty());
        // A header and nothing else.
        assert!(!refused(&good[..44], MediaFormat::Wav).is_empty());
        // Random bytes behind an audio header.
        let mut random = good[..44].to_vec();
        random.extend(random_bytes(50_000, 7));
        for format in [
            MediaFormat::Flac,
            MediaFormat::Mp3,
            MediaFormat::OggVorbis,
            MediaFormat::Mp4,
        ] {
            let mut bytes = match format {
                MediaFormat::Flac => b"fLaC".to_vec(),
                MediaFormat::Mp3 => vec![0xff, 0xfb, 0x90, 0x64],
                MediaFormat::OggVorbis => b"OggS".to_vec(),
                _ => b"\0\0\0\x20ftypM4A ".to_vec(),
            };
            bytes.extend_from_slice(&random[44..]);
            let _ = analyze_bytes(&bytes, format);
        }
        // Absurd headers: 65,535 channels, a zero sample rate, a 4 GiB data chunk.
        let mut channels = good.clone();
        channels[22..24].copy_from_slice(&u16::MAX.to_le_bytes());
        assert!(!refused(&channels, MediaFormat::Wav).is_empty());
        let mut rate = good.clone();
        rate[24..28].copy_from_slice(&0u32.to_le_bytes());
        assert!(!refused(&rate, MediaFormat::Wav).is_empty());
        let mut block = good.clone();
        block[32..34].copy_from_slice(&u16::MAX.to_le_bytes());
        match analyze_bytes(&block, MediaFormat::Wav) {
            Ok(report) => assert!(report.metadata.frames <= 44_100),
            Err(error) => assert!(matches!(error, AnalysisFailure::Media(_)), "{error}"),
        }
        // A truncated file keeps what decodes: half the frames.
        let half = report(&good[..44 + 44_100 * 2]);
        assert_eq!(half.metadata.frames, 22_050);
        // A data chunk claiming 4 GiB inside a RIFF chunk of one second.
        let mut huge = good.clone();
        huge[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(refused(&huge, MediaFormat::Wav).contains("chunk length"));
    }

    #[tokio::test]
    async fn the_async_analyzer_spools_and_decodes() -> anyhow::Result<()> {
        let bytes = tone(44_100, 2, 44_100);
        let chunks: Vec<std::io::Result<bytes::Bytes>> = bytes
            .chunks(1000)
            .map(|chunk| Ok(bytes::Bytes::copy_from_slice(chunk)))
            .collect();
        let stream: ByteStream = Box::pin(futures::stream::iter(chunks));
        let report = SymphoniaAnalyzer::new()
            .analyze(FileId(uuid::Uuid::now_v7()), stream, MediaFormat::Wav)
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        assert_eq!(report.metadata.frames, 44_100);
        Ok(())
    }
}

#[cfg(test)]
mod fixtures {
    use backline_application::ports::AnalysisFailure;
    use backline_domain::media::sniff;

    use super::*;

    /// The committed fixtures (tests/fixtures/README.md): 1.5 s of a 440 Hz sine at half scale.
    fn fixture(name: &str) -> (std::fs::File, MediaFormat) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures")
            .join(name);
        let bytes = std::fs::read(&path).unwrap_or_default();
        let format = sniff(&bytes).unwrap_or(MediaFormat::Png);
        match std::fs::File::open(&path) {
            Ok(file) => (file, format),
            Err(error) => panic!("{}: {error}", path.display()),
        }
    }

    #[test]
    fn damaged_compressed_files_end_with_a_reason_or_what_decodes() {
        for name in [
            "tone.opus",
            "tone.ogg",
            "tone.mp3",
            "tone.flac",
            "tone.m4a",
            "tone-alac.m4a",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../tests/fixtures")
                .join(name);
            let original = std::fs::read(&path).unwrap_or_default();
            let format = sniff(&original).unwrap_or(MediaFormat::Png);
            let half = original.len() / 2;
            let mut damaged = original.clone();
            for (offset, byte) in damaged[half..half + 2_000].iter_mut().enumerate() {
                *byte ^= (offset as u8).wrapping_mul(31) | 1;
            }
            for bytes in [&original[..half], &damaged[..]] {
                let mut file = match tempfile::tempfile() {
                    Ok(file) => file,
                    Err(error) => panic!("{error}"),
                };
                assert!(std::io::Write::write_all(&mut file, bytes).is_ok());
                assert!(std::io::Seek::rewind(&mut file).is_ok());
                match analyze_file(file, format) {
                    Ok(report) => assert!(report.metadata.duration_seconds <= 1.6, "{name}"),
                    Err(AnalysisFailure::Media(reason)) => assert!(!reason.is_empty()),
                    Err(AnalysisFailure::Transient(error)) => panic!("{name}: {error}"),
                }
            }
        }
    }

    #[test]
    fn every_fixture_decodes_to_its_generated_length() {
        for (name, rate, channels, codec) in [
            ("tone.flac", 44_100, 2, "flac"),
            ("tone.mp3", 44_100, 2, "mp3"),
            ("tone.ogg", 44_100, 2, "vorbis"),
            ("tone.m4a", 44_100, 2, "aac"),
            ("tone-alac.m4a", 44_100, 2, "alac"),
            ("tone.aiff", 44_100, 1, "pcm_s16be"),
            ("tone.opus", 48_000, 2, "opus"),
        ] {
            let (file, format) = fixture(name);
            let report = match analyze_file(file, format) {
                Ok(report) => report,
                Err(error) => panic!("{name}: {error}"),
            };
            let metadata = &report.metadata;
            assert_eq!((metadata.sample_rate, metadata.channels), (rate, channels), "{name}");
            assert_eq!(metadata.codec, codec, "{name}");
            assert!(
                (metadata.duration_seconds - 1.5).abs() < 0.001,
                "{name}: {}",
                metadata.duration_seconds
            );
            let peak = report.loudness.sample_peak_dbfs.unwrap_or(f64::NAN);
            assert!((peak + 6.02).abs() < 0.5, "{name}: sample peak {peak}");
        }
    }
}
