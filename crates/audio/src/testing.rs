//! Test signals with known properties, as WAV files built in memory: tones, silence and noise
//! at any rate, channel count and bit depth. Used by this crate's tests and the black-box
//! tests.

/// A signal to render.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Signal {
    /// A sine of `frequency` Hz with peak `amplitude` (0.0..=1.0), the same in every channel.
    Sine {
        /// Hz.
        frequency: f64,
        /// Peak, linear full scale.
        amplitude: f64,
    },
    /// Digital silence.
    Silence,
    /// Uniform white noise with peak `amplitude`, from a fixed seed (reproducible).
    Noise {
        /// Peak, linear full scale.
        amplitude: f64,
    },
}

/// Renders `frames` frames of `signal` as a PCM WAV file (`bits` 16 or 24).
pub fn wav(signal: Signal, rate: u32, channels: u16, frames: u64, bits: u16) -> Vec<u8> {
    let bytes_per_sample = u32::from(bits / 8);
    let block_align = u32::from(channels) * bytes_per_sample;
    let data_len = u32::try_from(frames * u64::from(block_align)).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate.to_le_bytes());
    out.extend_from_slice(&(rate * block_align).to_le_bytes());
    out.extend_from_slice(&u16::try_from(block_align).unwrap_or(u16::MAX).to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    let full_scale = f64::from((1u32 << (bits - 1)) - 1);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for frame in 0..frames {
        let value = match signal {
            Signal::Sine { frequency, amplitude } => {
                amplitude * (2.0 * std::f64::consts::PI * frequency * frame as f64 / f64::from(rate)).sin()
            }
            Signal::Silence => 0.0,
            Signal::Noise { amplitude } => {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                amplitude * ((seed >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0)
            }
        };
        let sample = (value * full_scale).round() as i32;
        for _ in 0..channels {
            out.extend_from_slice(&sample.to_le_bytes()[..bytes_per_sample as usize]);
        }
    }
    out
}

/// The standard test tone: a 440 Hz sine at half full scale (-6.02 dBFS peak), 16-bit.
pub fn tone(rate: u32, channels: u16, frames: u64) -> Vec<u8> {
    wav(
        Signal::Sine {
            frequency: 440.0,
            amplitude: 0.5,
        },
        rate,
        channels,
        frames,
        16,
    )
}

/// `len` reproducible pseudo-random bytes (for corrupt-media tests).
pub fn random_bytes(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect()
}
