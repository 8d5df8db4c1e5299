//! Recognising media formats from their first bytes.

use super::file::FileType;

/// How many leading bytes [`sniff`] wants to see (fewer work for most formats).
pub const SNIFF_BYTES: usize = 64 * 1024;

/// A format Backline accepts, recognised from the content itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaFormat {
    /// RIFF/WAVE (also RF64 and BW64).
    Wav,
    /// AIFF or AIFF-C.
    Aiff,
    /// FLAC.
    Flac,
    /// MPEG-1/2 Layer III, with or without an ID3v2 tag.
    Mp3,
    /// Vorbis in Ogg.
    OggVorbis,
    /// Opus in Ogg.
    OggOpus,
    /// MPEG-4 audio (`.m4a`: AAC or ALAC).
    Mp4,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// WebP image.
    WebP,
    /// GIF image.
    Gif,
}

impl MediaFormat {
    /// The canonical content type served for this format.
    pub fn content_type(self) -> &'static str {
        match self {
            MediaFormat::Wav => "audio/wav",
            MediaFormat::Aiff => "audio/aiff",
            MediaFormat::Flac => "audio/flac",
            MediaFormat::Mp3 => "audio/mpeg",
            MediaFormat::OggVorbis => "audio/ogg",
            MediaFormat::OggOpus => "audio/ogg; codecs=opus",
            MediaFormat::Mp4 => "audio/mp4",
            MediaFormat::Png => "image/png",
            MediaFormat::Jpeg => "image/jpeg",
            MediaFormat::WebP => "image/webp",
            MediaFormat::Gif => "image/gif",
        }
    }

    /// The kind of file this format makes.
    pub fn file_type(self) -> FileType {
        match self {
            MediaFormat::Png | MediaFormat::Jpeg | MediaFormat::WebP | MediaFormat::Gif => FileType::Image,
            _ => FileType::Audio,
        }
    }

    /// The container's name, as reported in file metadata.
    pub fn container(self) -> &'static str {
        match self {
            MediaFormat::Wav => "wav",
            MediaFormat::Aiff => "aiff",
            MediaFormat::Flac => "flac",
            MediaFormat::Mp3 => "mp3",
            MediaFormat::OggVorbis | MediaFormat::OggOpus => "ogg",
            MediaFormat::Mp4 => "mp4",
            MediaFormat::Png => "png",
            MediaFormat::Jpeg => "jpeg",
            MediaFormat::WebP => "webp",
            MediaFormat::Gif => "gif",
        }
    }

    /// Content types a client may declare for this format.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            MediaFormat::Wav => &["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"],
            MediaFormat::Aiff => &["audio/aiff", "audio/x-aiff"],
            MediaFormat::Flac => &["audio/flac", "audio/x-flac"],
            MediaFormat::Mp3 => &["audio/mpeg", "audio/mp3", "audio/mpeg3", "audio/x-mpeg-3"],
            MediaFormat::OggVorbis => &["audio/ogg", "audio/vorbis", "application/ogg"],
            MediaFormat::OggOpus => &["audio/ogg", "audio/opus", "application/ogg"],
            MediaFormat::Mp4 => &["audio/mp4", "audio/m4a", "audio/x-m4a", "audio/aac", "audio/alac"],
            MediaFormat::Png => &["image/png"],
            MediaFormat::Jpeg => &["image/jpeg", "image/jpg", "image/pjpeg"],
            MediaFormat::WebP => &["image/webp"],
            MediaFormat::Gif => &["image/gif"],
        }
    }

    /// Whether a content type a client declared agrees with this format. No declaration, and
    /// the generic `application/octet-stream`, agree with everything.
    pub fn agrees_with(self, declared: Option<&str>) -> bool {
        let Some(declared) = declared else { return true };
        let essence = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        essence.is_empty()
            || essence == "application/octet-stream"
            || essence == "binary/octet-stream"
            || self.aliases().contains(&essence.as_str())
    }
}

/// Recognises the format of content from its first bytes (up to [`SNIFF_BYTES`]); `None`
/// for anything Backline does not accept.
pub fn sniff(head: &[u8]) -> Option<MediaFormat> {
    let at = |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
    if (at(0, b"RIFF") || at(0, b"RF64") || at(0, b"BW64")) && at(8, b"WAVE") {
        return Some(MediaFormat::Wav);
    }
    if at(0, b"RIFF") && at(8, b"WEBP") {
        return Some(MediaFormat::WebP);
    }
    if at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC")) {
        return Some(MediaFormat::Aiff);
    }
    if at(0, b"fLaC") {
        return Some(MediaFormat::Flac);
    }
    if at(0, b"OggS") {
        // The first page holds the codec's identification header at byte 28.
        return if at(28, b"\x01vorbis") {
            Some(MediaFormat::OggVorbis)
        } else if at(28, b"OpusHead") {
            Some(MediaFormat::OggOpus)
        } else {
            None
        };
    }
    if at(4, b"ftyp") {
        return Some(MediaFormat::Mp4);
    }
    if at(0, b"\x89PNG\r\n\x1a\n") {
        return Some(MediaFormat::Png);
    }
    if at(0, b"\xff\xd8\xff") {
        return Some(MediaFormat::Jpeg);
    }
    if at(0, b"GIF87a") || at(0, b"GIF89a") {
        return Some(MediaFormat::Gif);
    }
    if at(0, b"ID3") {
        // ID3v2: a 10-byte header whose size is four 7-bit bytes. The audio follows the tag;
        // when the tag is longer than what we were shown, trust the tag.
        let size = head
            .get(6..10)?
            .iter()
            .fold(0usize, |size, byte| (size << 7) | usize::from(byte & 0x7f));
        let footer = if head.get(5).is_some_and(|flags| flags & 0x10 != 0) {
            10
        } else {
            0
        };
        let start = 10 + size + footer;
        return match head.get(start..) {
            Some(rest) if rest.len() >= 4 => is_mpeg_audio_frame(rest).then_some(MediaFormat::Mp3),
            _ => Some(MediaFormat::Mp3),
        };
    }
    if is_mpeg_audio_frame(head) {
        return Some(MediaFormat::Mp3);
    }
    None
}

/// Whether `bytes` start with a valid MPEG audio Layer III frame header.
fn is_mpeg_audio_frame(bytes: &[u8]) -> bool {
    let [a, b, c, ..] = bytes else { return false };
    let sync = *a == 0xff && b & 0xe0 == 0xe0;
    let version = (b >> 3) & 0b11;
    let layer = (b >> 1) & 0b11;
    let bitrate = c >> 4;
    let rate = (c >> 2) & 0b11;
    sync && version != 0b01 && layer == 0b01 && bitrate != 0 && bitrate != 0xf && rate != 0b11
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(prefix: &[u8]) -> Vec<u8> {
        let mut bytes = prefix.to_vec();
        bytes.resize(64, 0);
        bytes
    }

    #[test]
    fn recognises_every_accepted_format() {
        let mut ogg_vorbis = padded(b"OggS");
        ogg_vorbis[28..35].copy_from_slice(b"\x01vorbis");
        let mut ogg_opus = padded(b"OggS");
        ogg_opus[28..36].copy_from_slice(b"OpusHead");
        let cases: Vec<(Vec<u8>, MediaFormat)> = vec![
            (padded(b"RIFF\0\0\0\0WAVEfmt "), MediaFormat::Wav),
            (padded(b"RF64\0\0\0\0WAVE"), MediaFormat::Wav),
            (padded(b"FORM\0\0\0\0AIFF"), MediaFormat::Aiff),
            (padded(b"FORM\0\0\0\0AIFC"), MediaFormat::Aiff),
            (padded(b"fLaC\0\0\0\x22"), MediaFormat::Flac),
            (padded(&[0xff, 0xfb, 0x90, 0x64]), MediaFormat::Mp3),
            (padded(b"ID3\x04\0\0\0\0\0\0\xff\xfb\x90\x64"), MediaFormat::Mp3),
            (ogg_vorbis, MediaFormat::OggVorbis),
            (ogg_opus, MediaFormat::OggOpus),
            (padded(b"\0\0\0\x20ftypM4A "), MediaFormat::Mp4),
            (padded(b"\x89PNG\r\n\x1a\n"), MediaFormat::Png),
            (padded(b"\xff\xd8\xff\xe0"), MediaFormat::Jpeg),
            (padded(b"RIFF\0\0\0\0WEBPVP8 "), MediaFormat::WebP),
            (padded(b"GIF89a"), MediaFormat::Gif),
        ];
        for (bytes, format) in cases {
            assert_eq!(sniff(&bytes), Some(format), "{format:?}");
        }
    }

    #[test]
    fn refuses_unknown_and_truncated_content() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"RIFF"), None);
        assert_eq!(sniff(b"%PDF-1.7 hello"), None);
        assert_eq!(sniff(b"#!/bin/sh\nrm -rf /"), None);
        assert_eq!(sniff(&padded(b"OggS")), None, "Ogg with an unknown codec");
        // An ID3 tag followed by something that is not an MPEG frame.
        assert_eq!(sniff(&padded(b"ID3\x04\0\0\0\0\0\0PK\x03\x04")), None);
        // Frame sync with a reserved sample rate.
        assert_eq!(sniff(&padded(&[0xff, 0xfb, 0x9c, 0x64])), None);
    }

    #[test]
    fn declared_types_must_agree() {
        assert!(MediaFormat::Wav.agrees_with(None));
        assert!(MediaFormat::Wav.agrees_with(Some("application/octet-stream")));
        assert!(MediaFormat::Wav.agrees_with(Some("audio/x-wav")));
        assert!(MediaFormat::Mp3.agrees_with(Some("Audio/MPEG; charset=binary")));
        assert!(!MediaFormat::Wav.agrees_with(Some("audio/flac")));
        assert!(!MediaFormat::Png.agrees_with(Some("image/jpeg")));
        assert!(!MediaFormat::OggVorbis.agrees_with(Some("audio/opus")));
    }
}
