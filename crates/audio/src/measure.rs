//! Loudness (EBU R128) and waveform peaks, fed block by block with planar samples.
//!
//! The work is split over two threads, so a long file is measured in a little more than half
//! the time: the calling (decoding) thread runs the K-weighted loudness meter (integrated
//! loudness, loudness range, sample peak); a helper thread runs the 4x-oversampled true-peak
//! meter and the waveform. Blocks cross over a bounded channel (memory stays bounded) and their
//! buffers come back for reuse. (A third thread for the loudness meter was measured slower on
//! two cores; see docs/performance.md.)

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use backline_domain::media::{Loudness, Waveform, WaveformBuilder};
use ebur128::{EbuR128, Mode};

/// Blocks in flight between the threads.
const IN_FLIGHT: usize = 8;

/// Planar samples: one vector per channel.
type Block = Vec<Vec<f32>>;

/// What the helper thread measured.
struct Peaks {
    true_peak: Option<f64>,
    waveform: Waveform,
}

/// Everything measured while decoding.
pub(crate) struct Meter {
    loudness: Option<EbuR128>,
    channels: u32,
    blocks: Option<SyncSender<Block>>,
    recycled: Receiver<Block>,
    helper: Option<JoinHandle<Peaks>>,
}

/// Linear amplitude to decibels; `None` for silence.
fn decibels(linear: f64) -> Option<f64> {
    (linear > 0.0).then(|| 20.0 * linear.log10())
}

/// A finite value, or `None` (for -inf on silence, NaN).
fn finite(value: Result<f64, ebur128::Error>) -> Option<f64> {
    value.ok().filter(|value| value.is_finite())
}

/// The highest of a per-channel reading over all channels.
fn highest(channels: u32, read: impl Fn(u32) -> Result<f64, ebur128::Error>) -> f64 {
    (0..channels)
        .filter_map(|channel| read(channel).ok())
        .fold(0.0f64, f64::max)
}

fn measure_peaks(
    blocks: &Receiver<Block>,
    recycle: &SyncSender<Block>,
    rate: u32,
    channels: u16,
    samples_per_pixel: u32,
) -> Peaks {
    let mut true_peak = EbuR128::new(u32::from(channels), rate, Mode::TRUE_PEAK).ok();
    let mut waveform = WaveformBuilder::new(rate, channels, samples_per_pixel);
    while let Ok(block) = blocks.recv() {
        let planes: Vec<&[f32]> = block.iter().map(Vec::as_slice).collect();
        if let Some(meter) = &mut true_peak
            && meter.add_frames_planar_f32(&planes).is_err()
        {
            true_peak = None;
        }
        waveform.push_planar(&planes);
        let _ = recycle.try_send(block);
    }
    Peaks {
        true_peak: true_peak.map(|meter| highest(u32::from(channels), |channel| meter.true_peak(channel))),
        waveform: waveform.finish(),
    }
}

impl Meter {
    /// A meter for `channels` channels at `rate`. Loudness is skipped for layouts BS.1770 does
    /// not define (more than 64 channels or rates out of range); the waveform is always made.
    pub(crate) fn new(rate: u32, channels: u16, samples_per_pixel: u32) -> Self {
        let loudness = EbuR128::new(u32::from(channels), rate, Mode::I | Mode::LRA | Mode::SAMPLE_PEAK).ok();
        let (blocks, incoming) = sync_channel::<Block>(IN_FLIGHT);
        let (recycle, recycled) = sync_channel::<Block>(IN_FLIGHT);
        let helper = std::thread::Builder::new()
            .name("backline-peaks".into())
            .spawn(move || measure_peaks(&incoming, &recycle, rate, channels, samples_per_pixel))
            .ok();
        Self {
            loudness,
            channels: u32::from(channels),
            blocks: helper.is_some().then_some(blocks),
            recycled,
            helper,
        }
    }

    /// Adds frames: one slice per channel.
    pub(crate) fn push(&mut self, planes: &[&[f32]]) {
        if let Some(meter) = &mut self.loudness
            && meter.add_frames_planar_f32(planes).is_err()
        {
            self.loudness = None;
        }
        if let Some(blocks) = &self.blocks {
            let mut block = self.recycled.try_recv().unwrap_or_default();
            block.resize_with(planes.len(), Vec::new);
            for (buffer, plane) in block.iter_mut().zip(planes) {
                buffer.clear();
                buffer.extend_from_slice(plane);
            }
            if blocks.send(block).is_err() {
                self.blocks = None;
            }
        }
    }

    /// The final figures; `None` when the helper thread could not run or crashed.
    pub(crate) fn finish(mut self) -> Option<(Loudness, Waveform)> {
        drop(self.blocks.take());
        let peaks = self.helper.take()?.join().ok()?;
        let channels = self.channels;
        let loudness = Loudness {
            integrated_lufs: self.loudness.as_ref().and_then(|meter| finite(meter.loudness_global())),
            loudness_range: self.loudness.as_ref().and_then(|meter| finite(meter.loudness_range())),
            sample_peak_dbfs: self
                .loudness
                .as_ref()
                .and_then(|meter| decibels(highest(channels, |channel| meter.sample_peak(channel)))),
            true_peak_dbtp: peaks.true_peak.and_then(decibels),
        };
        Some((loudness, peaks.waveform))
    }
}
