#!/usr/bin/env bash
# Analysis speed against ffmpeg on the same files, in one run (docs/performance.md).
# Needs ffmpeg (Debian: apt-get install ffmpeg). Usage: bash bench/analysis.sh [runs, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
cargo build --release -q -p backline_audio --example analyze
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Five minutes of pink noise over a 220 Hz tone, 44.1 kHz stereo.
ffmpeg -v error -f lavfi -i "anoisesrc=d=300:c=pink:a=0.25:r=44100" -f lavfi -i "sine=f=220:d=300:r=44100" \
  -filter_complex "[0][1]amix=inputs=2,aformat=channel_layouts=stereo" -c:a pcm_s16le "$work/mix.wav"
ffmpeg -v error -i "$work/mix.wav" -c:a flac "$work/mix.flac"
ffmpeg -v error -i "$work/mix.wav" -c:a libmp3lame -b:a 320k "$work/mix.mp3"
ffmpeg -v error -i "$work/mix.wav" -c:a libopus -b:a 128k "$work/mix.opus"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc; }
printf "%-9s %12s %12s %12s %8s %8s\n" file backline ffmpeg-null ffmpeg-r128 ratio vs-r128
for f in mix.wav mix.flac mix.mp3 mix.opus; do
  ours=$(for _ in $(seq "$runs"); do seconds target/release/examples/analyze "$work/$f"; done | median)
  bare=$(for _ in $(seq "$runs"); do seconds ffmpeg -v error -threads 1 -i "$work/$f" -f null -; done | median)
  r128=$(for _ in $(seq "$runs"); do seconds ffmpeg -v error -threads 1 -i "$work/$f" -af ebur128=peak=true+sample -f null -; done | median)
  printf "%-9s %11.3fs %11.3fs %11.3fs %7.2fx %7.2fx\n" "$f" "$ours" "$bare" "$r128" \
    "$(echo "$ours / $bare" | bc -l)" "$(echo "$ours / $r128" | bc -l)"
done
