//! Analyses audio files the way the server's worker does and prints how long each took, for
//! the figures in docs/performance.md: `cargo run --release -p backline_audio --example
//! analyze -- FILE...`.

use std::time::Instant;

use backline_domain::media::sniff;

fn main() -> anyhow::Result<()> {
    for path in std::env::args().skip(1) {
        let mut head = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::fs::File::open(&path)?, 64 * 1024),
            &mut head,
        )?;
        let format = sniff(&head).ok_or_else(|| anyhow::anyhow!("{path}: not a supported format"))?;
        let file = std::fs::File::open(&path)?;
        let started = Instant::now();
        let report = backline_audio::analyze_file(file, format).map_err(|error| anyhow::anyhow!("{path}: {error}"))?;
        let elapsed = started.elapsed().as_secs_f64();
        let duration = report.metadata.duration_seconds;
        println!(
            "{path}: {duration:.3} s of audio analysed in {elapsed:.3} s ({:.0}x real time); integrated {:?} LUFS, true peak {:?} dBTP",
            duration / elapsed,
            report
                .loudness
                .integrated_lufs
                .map(|value| (value * 10.0).round() / 10.0),
            report
                .loudness
                .true_peak_dbtp
                .map(|value| (value * 10.0).round() / 10.0),
        );
    }
    Ok(())
}
