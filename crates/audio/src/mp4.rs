//! Reading an MP4 edit list (`moov/trak/edts/elst`) to trim encoder priming and padding, which
//! symphonia's MP4 reader does not apply. Encoders (ffmpeg, Apple) put the AAC priming frames
//! (typically 1024 or 2112) before the audio and say so here; players honour it, so the exact
//! duration must too.

use std::io::{Read, Seek, SeekFrom};

/// Frames to skip at the start and frames to keep after them, in the audio's own sample rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edit {
    /// Priming frames to drop.
    pub(crate) skip: u64,
    /// Frames of real audio.
    pub(crate) keep: u64,
}

/// The deepest boxes we look into; real files need 4 (moov/trak/mdia/mdhd).
const MAX_DEPTH: usize = 6;

struct Found {
    movie_timescale: Option<u64>,
    media_timescale: Option<u64>,
    edit: Option<(u64, i64)>,
    tracks: usize,
}

fn read_exact<R: Read>(reader: &mut R, count: usize) -> Option<Vec<u8>> {
    let mut buffer = vec![0; count];
    reader.read_exact(&mut buffer).ok()?;
    Some(buffer)
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |value, byte| (value << 8) | u64::from(*byte))
}

fn walk<R: Read + Seek>(reader: &mut R, end: u64, depth: usize, found: &mut Found) -> Option<()> {
    while reader.stream_position().ok()? + 8 <= end {
        let start = reader.stream_position().ok()?;
        let header = read_exact(reader, 8)?;
        let mut size = be(&header[..4]);
        let kind = [header[4], header[5], header[6], header[7]];
        let mut header_len = 8;
        if size == 1 {
            size = be(&read_exact(reader, 8)?);
            header_len = 16;
        } else if size == 0 {
            size = end - start;
        }
        if size < header_len || start + size > end {
            return None;
        }
        let body = size - header_len;
        match &kind {
            b"moov" | b"trak" | b"mdia" | b"edts" if depth < MAX_DEPTH => {
                if &kind == b"trak" {
                    found.tracks += 1;
                }
                walk(reader, start + size, depth + 1, found)?;
            }
            b"mvhd" | b"mdhd" if body >= 24 => {
                let bytes = read_exact(reader, 24)?;
                // Version 1 has 64-bit times before the timescale.
                let timescale = if bytes[0] == 1 {
                    be(&read_exact(reader, 4)?)
                } else {
                    be(&bytes[12..16])
                };
                if &kind == b"mvhd" {
                    found.movie_timescale = Some(timescale);
                } else if found.media_timescale.is_none() {
                    found.media_timescale = Some(timescale);
                }
            }
            b"elst" if body >= 8 && found.edit.is_none() => {
                let bytes = read_exact(reader, 8)?;
                let version = bytes[0];
                let entries = be(&bytes[4..8]);
                if entries == 1 {
                    let entry = read_exact(reader, if version == 1 { 20 } else { 12 })?;
                    let (duration, media_time) = if version == 1 {
                        (be(&entry[..8]), be(&entry[8..16]) as i64)
                    } else {
                        (be(&entry[..4]), i64::from(be(&entry[4..8]) as u32 as i32))
                    };
                    found.edit = Some((duration, media_time));
                }
            }
            _ => {}
        }
        reader.seek(SeekFrom::Start(start + size)).ok()?;
    }
    Some(())
}

/// An edit list entry in the file's own time scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawEdit {
    duration: u64,
    media_time: u64,
    movie_timescale: u64,
    media_timescale: u64,
}

impl RawEdit {
    /// The edit in frames at `rate`.
    pub(crate) fn at_rate(self, rate: u32) -> Option<Edit> {
        let rate = u64::from(rate);
        let skip = self.media_time.checked_mul(rate)? / self.media_timescale;
        let keep = self.duration.checked_mul(rate)? / self.movie_timescale;
        (keep > 0).then_some(Edit { skip, keep })
    }
}

/// The edit of a single-track MP4 file, if it has one that trims. The reader is left at an
/// unspecified position.
#[cfg(test)]
pub(crate) fn edit<R: Read + Seek>(reader: &mut R, rate: u32) -> Option<Edit> {
    raw_edit(reader)?.at_rate(rate)
}

/// The edit list of a single-track MP4 file, if it has one entry. The reader is left at an
/// unspecified position.
pub(crate) fn raw_edit<R: Read + Seek>(reader: &mut R) -> Option<RawEdit> {
    let end = reader.seek(SeekFrom::End(0)).ok()?;
    reader.seek(SeekFrom::Start(0)).ok()?;
    let mut found = Found {
        movie_timescale: None,
        media_timescale: None,
        edit: None,
        tracks: 0,
    };
    walk(reader, end, 0, &mut found);
    let (duration, media_time) = found.edit?;
    let movie = found.movie_timescale.filter(|scale| *scale > 0)?;
    let media = found.media_timescale.filter(|scale| *scale > 0)?;
    if found.tracks != 1 {
        return None;
    }
    Some(RawEdit {
        duration,
        media_time: u64::try_from(media_time).ok()?,
        movie_timescale: movie,
        media_timescale: media,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fixture_edit_list() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/tone.m4a");
        let mut file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(error) => panic!("{error}"),
        };
        assert_eq!(
            edit(&mut file, 44_100),
            Some(Edit {
                skip: 1024,
                keep: 66_150
            })
        );
        assert_eq!(edit(&mut std::io::Cursor::new(b"not an mp4".to_vec()), 44_100), None);
    }
}
