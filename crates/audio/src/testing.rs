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
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    crate::render::pcm_wav(rate, channels, frames, bits, |frame| match signal {
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
    })
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
