//! The demo song `backline seed-demo` uploads: 16 seconds of a synth-pop sketch (a pad on
//! A minor, F, C and G, a plucked bass, a kick on every beat and a hi-hat between), rendered
//! here so a new install shows a real waveform, loudness and comments at once.

use std::f64::consts::PI;

/// Sample rate of the demo song.
pub const RATE: u32 = 22_050;
/// Beats per minute.
pub const TEMPO: f64 = 120.0;
/// Bars of four beats (two seconds each at 120 BPM).
pub const BARS: u64 = 8;

/// Its length in seconds.
pub fn seconds() -> f64 {
    BARS as f64 * 4.0 * 60.0 / TEMPO
}

/// Root notes of the bars' chords (A minor, F, C, G, twice), as MIDI notes.
const ROOTS: [(u8, bool); 4] = [(57, true), (53, false), (60, false), (55, false)];

fn hertz(note: f64) -> f64 {
    440.0 * 2f64.powf((note - 69.0) / 12.0)
}

/// The song as a 16-bit mono WAV file.
pub fn song() -> Vec<u8> {
    let frames = (seconds() * f64::from(RATE)) as u64;
    let beat = 60.0 / TEMPO;
    let mut noise: u64 = 0x2545_f491_4f6c_dd1d;
    crate::render::pcm_wav(RATE, 1, frames, 16, |frame| {
        let t = frame as f64 / f64::from(RATE);
        let bar = (t / (4.0 * beat)) as usize;
        let (root, minor) = ROOTS[bar % ROOTS.len()];
        let root = f64::from(root);
        let third = if minor { 3.0 } else { 4.0 };
        let in_bar = t % (4.0 * beat);
        let in_beat = t % beat;
        let in_half = t % (beat / 2.0);
        // Pad: the triad, swelling in over each bar.
        let swell = (in_bar / 0.4).min(1.0);
        let pad: f64 = [0.0, third, 7.0]
            .iter()
            .map(|interval| (2.0 * PI * hertz(root + interval) * t).sin())
            .sum::<f64>()
            * 0.07
            * swell;
        // Bass: the root two octaves down, plucked on every beat.
        let bass = (2.0 * PI * hertz(root - 24.0) * t).sin() * 0.22 * (-in_beat * 5.0).exp();
        // Kick: a falling sine on every beat.
        let kick_pitch = 50.0 + 90.0 * (-in_beat * 30.0).exp();
        let kick = (2.0 * PI * kick_pitch * in_beat).sin() * 0.45 * (-in_beat * 9.0).exp();
        // Hi-hat: a short burst of noise on the off-beats.
        noise ^= noise << 13;
        noise ^= noise >> 7;
        noise ^= noise << 17;
        let white = (noise >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0;
        let off_beat = in_beat >= beat / 2.0;
        let hat = if off_beat {
            white * 0.08 * (-in_half * 60.0).exp()
        } else {
            0.0
        };
        // Fade the last half second out.
        let fade = ((seconds() - t) / 0.5).min(1.0);
        (pad + bass + kick + hat) * fade
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_song_is_sixteen_seconds_of_sound_within_full_scale() {
        let wav = song();
        let frames = (wav.len() - 44) / 2;
        assert_eq!(frames as f64 / f64::from(RATE), seconds());
        assert_eq!(seconds(), 16.0);
        let samples: Vec<i16> = wav[44..]
            .chunks_exact(2)
            .map(|pair| i16::from_le_bytes([pair[0], pair[1]]))
            .collect();
        let peak = samples.iter().map(|sample| sample.unsigned_abs()).max().unwrap_or(0);
        assert!(peak > 10_000, "audible: peak {peak}");
        assert!(peak < i16::MAX.unsigned_abs(), "not clipped: peak {peak}");
        // Louder on the beat (the kick) than just before it.
        let on_beat = samples[..220]
            .iter()
            .map(|sample| sample.unsigned_abs())
            .max()
            .unwrap_or(0);
        let before = samples[10_800..11_000]
            .iter()
            .map(|s| s.unsigned_abs())
            .max()
            .unwrap_or(0);
        assert!(on_beat > before, "{on_beat} > {before}");
    }
}
