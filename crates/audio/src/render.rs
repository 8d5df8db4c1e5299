//! Writing PCM samples as a WAV file in memory, for the test signals and the demo song.

/// Renders `frames` frames as a 16- or 24-bit PCM WAV file; `sample(frame)` gives each frame's
/// value in -1.0..=1.0 (clamped), the same in every channel.
pub(crate) fn pcm_wav(rate: u32, channels: u16, frames: u64, bits: u16, mut sample: impl FnMut(u64) -> f64) -> Vec<u8> {
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
    for frame in 0..frames {
        let value = (sample(frame).clamp(-1.0, 1.0) * full_scale).round() as i32;
        for _ in 0..channels {
            out.extend_from_slice(&value.to_le_bytes()[..bytes_per_sample as usize]);
        }
    }
    out
}
