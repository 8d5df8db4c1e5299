//! Loudness (EBU R128) and waveform peaks, fed block by block with planar samples.

use backline_domain::media::{Loudness, Waveform, WaveformBuilder};
use ebur128::{EbuR128, Mode};

/// Everything measured while decoding.
pub(crate) struct Meter {
    loudness: Option<EbuR128>,
    waveform: WaveformBuilder,
    channels: u32,
}

/// Linear amplitude to decibels; `None` for silence.
fn decibels(linear: f64) -> Option<f64> {
    (linear > 0.0).then(|| 20.0 * linear.log10())
}

/// A finite value, or `None` (for -inf on silence, NaN).
fn finite(value: Result<f64, ebur128::Error>) -> Option<f64> {
    value.ok().filter(|value| value.is_finite())
}

impl Meter {
    /// A meter for `channels` channels at `rate`. Loudness is skipped for layouts BS.1770 does
    /// not define (more than 64 channels or rates out of range); peaks are always collected.
    pub(crate) fn new(rate: u32, channels: u16, samples_per_pixel: u32) -> Self {
        let loudness = EbuR128::new(
            u32::from(channels),
            rate,
            Mode::I | Mode::LRA | Mode::SAMPLE_PEAK | Mode::TRUE_PEAK,
        )
        .ok();
        Self {
            loudness,
            waveform: WaveformBuilder::new(rate, channels, samples_per_pixel),
            channels: u32::from(channels),
        }
    }

    /// Adds frames: one slice per channel.
    pub(crate) fn push(&mut self, planes: &[&[f32]]) {
        if let Some(meter) = &mut self.loudness
            && meter.add_frames_planar_f32(planes).is_err()
        {
            self.loudness = None;
        }
        self.waveform.push_planar(planes);
    }

    /// The final figures.
    pub(crate) fn finish(self) -> (Loudness, Waveform) {
        let loudness = match &self.loudness {
            Some(meter) => {
                let peak = |read: &dyn Fn(u32) -> Result<f64, ebur128::Error>| {
                    (0..self.channels)
                        .filter_map(|channel| read(channel).ok())
                        .fold(0.0f64, f64::max)
                };
                Loudness {
                    integrated_lufs: finite(meter.loudness_global()),
                    loudness_range: finite(meter.loudness_range()),
                    sample_peak_dbfs: decibels(peak(&|channel| meter.sample_peak(channel))),
                    true_peak_dbtp: decibels(peak(&|channel| meter.true_peak(channel))),
                }
            }
            None => Loudness {
                integrated_lufs: None,
                loudness_range: None,
                sample_peak_dbfs: None,
                true_peak_dbtp: None,
            },
        };
        (loudness, self.waveform.finish())
    }
}
