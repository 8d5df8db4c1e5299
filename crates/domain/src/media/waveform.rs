//! Waveform peaks in the BBC audiowaveform data model (version 2): for each pixel, for each
//! channel, the minimum and maximum sample. Stored once at a fine zoom, served at any coarser
//! one, merged or per channel, at 8 or 16 bits.

/// The most channels a waveform may hold.
pub const MAX_CHANNELS: u16 = 32;

/// Why a waveform could not be produced or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaveformError {
    /// The requested zoom is finer than the stored one, or out of range.
    #[error("samplesPerPixel must be between {min} and {max}")]
    Zoom {
        /// The stored (finest) zoom.
        min: u32,
        /// The coarsest zoom served.
        max: u32,
    },
    /// Bits other than 8 or 16.
    #[error("bits must be 8 or 16")]
    Bits,
    /// The stored bytes are not an audiowaveform version 2 file.
    #[error("malformed waveform data: {0}")]
    Malformed(&'static str),
}

/// The coarsest zoom served (about 12 minutes of 44.1 kHz audio per pixel).
pub const MAX_SAMPLES_PER_PIXEL: u32 = 1 << 25;

/// A waveform: `length` pixels of `channels` (min, max) pairs, interleaved as audiowaveform
/// lays them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waveform {
    /// The audio's sample rate.
    pub sample_rate: u32,
    /// Audio frames summarised by one pixel.
    pub samples_per_pixel: u32,
    /// Channel count (1 when merged).
    pub channels: u16,
    /// 8 or 16.
    pub bits: u8,
    /// Pixel count.
    pub length: usize,
    /// `length * channels * 2` values: per pixel, per channel, min then max.
    pub data: Vec<i16>,
}

impl Waveform {
    /// The same waveform at a coarser zoom. Each new pixel covers the stored pixels its sample
    /// range overlaps, so peaks are never lost.
    ///
    /// # Errors
    /// [`WaveformError::Zoom`] when `samples_per_pixel` is finer than the stored zoom or above
    /// [`MAX_SAMPLES_PER_PIXEL`].
    pub fn rescale(&self, samples_per_pixel: u32) -> Result<Self, WaveformError> {
        if samples_per_pixel < self.samples_per_pixel || samples_per_pixel > MAX_SAMPLES_PER_PIXEL {
            return Err(WaveformError::Zoom {
                min: self.samples_per_pixel,
                max: MAX_SAMPLES_PER_PIXEL,
            });
        }
        if samples_per_pixel == self.samples_per_pixel {
            return Ok(self.clone());
        }
        let base = u64::from(self.samples_per_pixel);
        let target = u64::from(samples_per_pixel);
        let total = self.length as u64 * base;
        let length = usize::try_from(total.div_ceil(target)).unwrap_or(usize::MAX);
        let channels = usize::from(self.channels);
        let mut data = Vec::with_capacity(length * channels * 2);
        for pixel in 0..length as u64 {
            let from = usize::try_from(pixel * target / base).unwrap_or(usize::MAX);
            let to = usize::try_from(((pixel + 1) * target).div_ceil(base))
                .unwrap_or(usize::MAX)
                .min(self.length);
            for channel in 0..channels {
                let (mut low, mut high) = (i16::MAX, i16::MIN);
                for source in from..to {
                    let at = (source * channels + channel) * 2;
                    low = low.min(self.data[at]);
                    high = high.max(self.data[at + 1]);
                }
                if from >= to {
                    (low, high) = (0, 0);
                }
                data.push(low);
                data.push(high);
            }
        }
        Ok(Self {
            samples_per_pixel,
            length,
            data,
            ..self.clone()
        })
    }

    /// One channel holding, per pixel, the lowest minimum and highest maximum of all channels.
    pub fn merged(&self) -> Self {
        let channels = usize::from(self.channels.max(1));
        let data = self
            .data
            .chunks(channels * 2)
            .flat_map(|pixel| {
                let low = pixel.iter().step_by(2).copied().min().unwrap_or(0);
                let high = pixel.iter().skip(1).step_by(2).copied().max().unwrap_or(0);
                [low, high]
            })
            .collect();
        Self {
            channels: 1,
            data,
            ..self.clone()
        }
    }

    /// The waveform at `bits` resolution (8 divides 16-bit values by 256, rounding toward
    /// negative infinity as audiowaveform does).
    ///
    /// # Errors
    /// [`WaveformError::Bits`] for anything but 8 or 16.
    pub fn with_bits(&self, bits: u8) -> Result<Self, WaveformError> {
        match (self.bits, bits) {
            (from, to) if from == to => Ok(self.clone()),
            (16, 8) => Ok(Self {
                bits: 8,
                data: self.data.iter().map(|value| value >> 8).collect(),
                ..self.clone()
            }),
            (8, 16) => Ok(Self {
                bits: 16,
                data: self.data.iter().map(|value| value << 8).collect(),
                ..self.clone()
            }),
            _ => Err(WaveformError::Bits),
        }
    }

    /// The audiowaveform binary (`.dat`) encoding, version 2.
    pub fn to_dat(&self) -> Vec<u8> {
        let width = if self.bits == 8 { 1 } else { 2 };
        let mut bytes = Vec::with_capacity(24 + self.data.len() * width);
        bytes.extend_from_slice(&2i32.to_le_bytes());
        bytes.extend_from_slice(&u32::from(self.bits == 8).to_le_bytes());
        bytes.extend_from_slice(&clamp_i32(u64::from(self.sample_rate)).to_le_bytes());
        bytes.extend_from_slice(&clamp_i32(u64::from(self.samples_per_pixel)).to_le_bytes());
        bytes.extend_from_slice(&u32::try_from(self.length).unwrap_or(u32::MAX).to_le_bytes());
        bytes.extend_from_slice(&i32::from(self.channels).to_le_bytes());
        for value in &self.data {
            if self.bits == 8 {
                bytes.extend_from_slice(&i8::try_from(*value).unwrap_or(0).to_le_bytes());
            } else {
                bytes.extend_from_slice(&value.to_le_bytes());
            }
        }
        bytes
    }

    /// Reads the audiowaveform binary encoding, version 2.
    ///
    /// # Errors
    /// [`WaveformError::Malformed`] when the bytes are not such a file.
    pub fn from_dat(bytes: &[u8]) -> Result<Self, WaveformError> {
        let word = |at: usize| -> Result<[u8; 4], WaveformError> {
            bytes
                .get(at..at + 4)
                .and_then(|slice| slice.try_into().ok())
                .ok_or(WaveformError::Malformed("truncated header"))
        };
        if i32::from_le_bytes(word(0)?) != 2 {
            return Err(WaveformError::Malformed("not version 2"));
        }
        let eight = u32::from_le_bytes(word(4)?) & 1 == 1;
        let sample_rate = u32::try_from(i32::from_le_bytes(word(8)?)).map_err(|_| WaveformError::Malformed("rate"))?;
        let samples_per_pixel =
            u32::try_from(i32::from_le_bytes(word(12)?)).map_err(|_| WaveformError::Malformed("zoom"))?;
        let length = u32::from_le_bytes(word(16)?) as usize;
        let channels = u16::try_from(i32::from_le_bytes(word(20)?))
            .ok()
            .filter(|channels| (1..=MAX_CHANNELS).contains(channels))
            .ok_or(WaveformError::Malformed("channels"))?;
        let values = length
            .checked_mul(usize::from(channels) * 2)
            .ok_or(WaveformError::Malformed("length"))?;
        let body = &bytes[24..];
        let data: Vec<i16> = if eight {
            body.iter().map(|byte| i16::from(i8::from_le_bytes([*byte]))).collect()
        } else {
            body.chunks_exact(2)
                .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
                .collect()
        };
        if data.len() != values {
            return Err(WaveformError::Malformed("data length does not match the header"));
        }
        Ok(Self {
            sample_rate,
            samples_per_pixel,
            channels,
            bits: if eight { 8 } else { 16 },
            length,
            data,
        })
    }
}

fn clamp_i32(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// Builds a 16-bit waveform from decoded samples (planar, floating point in -1.0..=1.0).
#[derive(Debug, Clone)]
pub struct WaveformBuilder {
    sample_rate: u32,
    samples_per_pixel: u32,
    channels: usize,
    in_pixel: u32,
    low: Vec<f32>,
    high: Vec<f32>,
    data: Vec<i16>,
}

impl WaveformBuilder {
    /// A builder for `channels` channels (at most [`MAX_CHANNELS`]) at `samples_per_pixel`.
    pub fn new(sample_rate: u32, channels: u16, samples_per_pixel: u32) -> Self {
        let channels = usize::from(channels.clamp(1, MAX_CHANNELS));
        Self {
            sample_rate,
            samples_per_pixel: samples_per_pixel.max(1),
            channels,
            in_pixel: 0,
            low: vec![f32::MAX; channels],
            high: vec![f32::MIN; channels],
            data: Vec::new(),
        }
    }

    /// Adds frames: one slice per channel, all the same length.
    pub fn push_planar(&mut self, planes: &[&[f32]]) {
        let frames = planes.iter().map(|plane| plane.len()).min().unwrap_or(0);
        let mut start = 0;
        while start < frames {
            let room = (self.samples_per_pixel - self.in_pixel) as usize;
            let end = (start + room).min(frames);
            for (channel, plane) in planes.iter().take(self.channels).enumerate() {
                let (low, high) = min_max(&plane[start..end]);
                self.low[channel] = self.low[channel].min(low);
                self.high[channel] = self.high[channel].max(high);
            }
            self.in_pixel += u32::try_from(end - start).unwrap_or(u32::MAX);
            start = end;
            if self.in_pixel == self.samples_per_pixel {
                self.close_pixel();
            }
        }
    }

    fn close_pixel(&mut self) {
        for channel in 0..self.channels {
            self.data.push(to_i16(self.low[channel]));
            self.data.push(to_i16(self.high[channel]));
            self.low[channel] = f32::MAX;
            self.high[channel] = f32::MIN;
        }
        self.in_pixel = 0;
    }

    /// The finished waveform (a partly filled last pixel counts).
    pub fn finish(mut self) -> Waveform {
        if self.in_pixel > 0 {
            self.close_pixel();
        }
        let channels = self.channels;
        Waveform {
            sample_rate: self.sample_rate,
            samples_per_pixel: self.samples_per_pixel,
            channels: u16::try_from(channels).unwrap_or(MAX_CHANNELS),
            bits: 16,
            length: self.data.len() / (channels * 2),
            data: self.data,
        }
    }
}

/// The smallest and largest of `samples` (`f32::MAX, f32::MIN` when empty). Eight independent
/// lanes let the compiler use vector instructions.
fn min_max(samples: &[f32]) -> (f32, f32) {
    const LANES: usize = 8;
    let mut low = [f32::MAX; LANES];
    let mut high = [f32::MIN; LANES];
    let chunks = samples.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for lane in 0..LANES {
            let sample = chunk[lane];
            low[lane] = if sample < low[lane] { sample } else { low[lane] };
            high[lane] = if sample > high[lane] { sample } else { high[lane] };
        }
    }
    let mut low = low.into_iter().fold(f32::MAX, f32::min);
    let mut high = high.into_iter().fold(f32::MIN, f32::max);
    for sample in rest {
        low = low.min(*sample);
        high = high.max(*sample);
    }
    (low, high)
}

/// A floating-point sample as a 16-bit value (clamped; NaN as 0).
fn to_i16(sample: f32) -> i16 {
    if sample.is_nan() {
        return 0;
    }
    // The value is clamped into i16's range first, so the cast cannot truncate.
    (sample * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> Waveform {
        // Two channels, 8 pixels at 4 samples per pixel; channel 1 is channel 0 negated.
        let mut builder = WaveformBuilder::new(8, 2, 4);
        let left: Vec<f32> = (0..32).map(|i| (i as f32 - 16.0) / 16.0).collect();
        let right: Vec<f32> = left.iter().map(|value| -value).collect();
        builder.push_planar(&[&left[..10], &right[..10]]);
        builder.push_planar(&[&left[10..], &right[10..]]);
        builder.finish()
    }

    #[test]
    fn builds_min_max_pairs_per_pixel_and_channel() {
        let waveform = ramp();
        assert_eq!(waveform.length, 8);
        assert_eq!(waveform.data.len(), 8 * 2 * 2);
        // First pixel: left -1.0..-0.8125, right 0.8125..1.0 (clamped to 32767).
        assert_eq!(&waveform.data[..4], &[-32768, -26624, 26624, 32767]);
    }

    #[test]
    fn rescales_without_losing_peaks() -> Result<(), WaveformError> {
        let waveform = ramp();
        let coarse = waveform.rescale(16)?;
        assert_eq!(coarse.length, 2);
        assert_eq!(coarse.data[0], -32768);
        assert_eq!(coarse.data[1], waveform.data[3 * 4 + 1]);
        // A zoom that is not a multiple still covers every stored pixel.
        let odd = waveform.rescale(6)?;
        assert_eq!(odd.length, 6);
        assert_eq!(odd.data[odd.data.len() - 2..], waveform.data[waveform.data.len() - 2..]);
        assert!(matches!(waveform.rescale(2), Err(WaveformError::Zoom { min: 4, .. })));
        assert!(waveform.rescale(MAX_SAMPLES_PER_PIXEL + 1).is_err());
        Ok(())
    }

    #[test]
    fn merges_channels_and_reduces_bits() -> Result<(), WaveformError> {
        let merged = ramp().merged();
        assert_eq!(merged.channels, 1);
        assert_eq!(&merged.data[..2], &[-32768, 32767]);
        let eight = merged.with_bits(8)?;
        assert_eq!(&eight.data[..2], &[-128, 127]);
        assert!(merged.with_bits(12).is_err());
        Ok(())
    }

    #[test]
    fn dat_round_trips_at_both_widths() -> Result<(), WaveformError> {
        let waveform = ramp();
        assert_eq!(Waveform::from_dat(&waveform.to_dat())?, waveform);
        let eight = waveform.with_bits(8)?;
        assert_eq!(Waveform::from_dat(&eight.to_dat())?, eight);
        assert!(Waveform::from_dat(b"nope").is_err());
        let mut truncated = waveform.to_dat();
        truncated.pop();
        assert!(Waveform::from_dat(&truncated).is_err());
        Ok(())
    }
}
