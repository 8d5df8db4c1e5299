//! Backline's image adapter: decodes PNG, JPEG, WebP and GIF with the `image` crate under
//! limits (decompression bombs are refused before their pixels are allocated), and re-encodes
//! an original, a medium (640 px) and a thumbnail (160 px) variant. Re-encoding drops every
//! piece of metadata the upload carried (EXIF, GPS, comments).

use std::io::Cursor;

use backline_application::ports::{ImageProcessor, ImageRefusal, ProcessedImage};
use backline_domain::media::ImageVariant;
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The image processor.
#[derive(Debug, Clone)]
pub struct ImageResizer {
    max_pixels: u64,
}

impl ImageResizer {
    /// A processor refusing images of more than `max_pixels` pixels (width times height).
    pub fn new(max_pixels: u64) -> Self {
        Self { max_pixels }
    }
}

impl Default for ImageResizer {
    /// 50 megapixels: any real photograph or artwork, not a bomb.
    fn default() -> Self {
        Self::new(50_000_000)
    }
}

/// Decodes and renders the variants. Blocking.
///
/// # Errors
/// [`ImageRefusal::Invalid`] when the bytes are not a decodable image or exceed the pixel limit.
pub fn process(bytes: &[u8], max_pixels: u64) -> Result<ProcessedImage, ImageRefusal> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|error| ImageRefusal::Internal(error.into()))?;
    let (width, height) = reader
        .into_dimensions()
        .map_err(|error| ImageRefusal::Invalid(format!("the image cannot be read: {error}")))?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 || pixels > max_pixels {
        return Err(ImageRefusal::Invalid(format!(
            "the image is {width}x{height} pixels; at most {max_pixels} pixels are accepted"
        )));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|error| ImageRefusal::Internal(error.into()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Decoded RGBA at 16 bits per channel, plus the decoder's own buffers.
    limits.max_alloc = Some(pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(limits);
    let decoded = reader
        .decode()
        .map_err(|error| ImageRefusal::Invalid(format!("the image cannot be decoded: {error}")))?;
    let alpha = decoded.color().has_alpha();
    let (format, content_type) = if alpha {
        (ImageFormat::Png, "image/png")
    } else {
        (ImageFormat::Jpeg, "image/jpeg")
    };
    let mut variants = Vec::new();
    for variant in ImageVariant::ALL {
        let rendered = match variant.max_side() {
            Some(side) if width.max(height) > side => decoded.resize(side, side, FilterType::Lanczos3),
            _ => decoded.clone(),
        };
        variants.push((variant, encode(&rendered, format, alpha)?));
    }
    Ok(ProcessedImage {
        width,
        height,
        content_type: content_type.to_owned(),
        variants,
    })
}

fn encode(image: &DynamicImage, format: ImageFormat, alpha: bool) -> Result<Vec<u8>, ImageRefusal> {
    let mut out = Cursor::new(Vec::new());
    let result = if alpha {
        DynamicImage::ImageRgba8(image.to_rgba8()).write_to(&mut out, format)
    } else {
        DynamicImage::ImageRgb8(image.to_rgb8()).write_to(&mut out, format)
    };
    result.map_err(|error| ImageRefusal::Internal(error.into()))?;
    Ok(out.into_inner())
}

#[async_trait::async_trait]
impl ImageProcessor for ImageResizer {
    async fn process(&self, bytes: Vec<u8>) -> Result<ProcessedImage, ImageRefusal> {
        let max_pixels = self.max_pixels;
        tokio::task::spawn_blocking(move || process(&bytes, max_pixels))
            .await
            .map_err(|error| ImageRefusal::Invalid(format!("the image could not be processed: {error}")))?
    }
}

#[cfg(test)]
mod tests {
    use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = RgbaImage::from_fn(width, height, |x, y| Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]));
        let mut out = Cursor::new(Vec::new());
        let written = DynamicImage::ImageRgba8(image).write_to(&mut out, ImageFormat::Png);
        assert!(written.is_ok());
        out.into_inner()
    }

    fn dimensions(bytes: &[u8]) -> (u32, u32) {
        match image::load_from_memory(bytes) {
            Ok(image) => (image.width(), image.height()),
            Err(error) => panic!("variant does not decode: {error}"),
        }
    }

    #[test]
    fn renders_three_variants_keeping_the_aspect_ratio() -> Result<(), ImageRefusal> {
        let processed = process(&png(1200, 600), 50_000_000)?;
        assert_eq!((processed.width, processed.height), (1200, 600));
        assert_eq!(processed.content_type, "image/png");
        let sizes: Vec<(u32, u32)> = processed.variants.iter().map(|(_, bytes)| dimensions(bytes)).collect();
        assert_eq!(sizes, vec![(1200, 600), (640, 320), (160, 80)]);
        Ok(())
    }

    #[test]
    fn strips_metadata_by_re_encoding() -> Result<(), ImageRefusal> {
        // A JPEG with an EXIF segment naming a place.
        let image = RgbImage::from_fn(64, 64, |x, y| Rgb([x as u8 * 4, y as u8 * 4, 128]));
        let mut jpeg = Vec::new();
        let encoded = image::codecs::jpeg::JpegEncoder::new(&mut jpeg).write_image(
            image.as_raw(),
            64,
            64,
            image::ExtendedColorType::Rgb8,
        );
        assert!(encoded.is_ok());
        let exif = b"Exif\0\0GPS Secret Studio Location";
        let mut with_exif = jpeg[..2].to_vec();
        with_exif.extend_from_slice(&[0xff, 0xe1]);
        with_exif.extend_from_slice(&u16::try_from(exif.len() + 2).unwrap_or(0).to_be_bytes());
        with_exif.extend_from_slice(exif);
        with_exif.extend_from_slice(&jpeg[2..]);
        let processed = process(&with_exif, 50_000_000)?;
        assert_eq!(processed.content_type, "image/jpeg");
        for (_, bytes) in &processed.variants {
            assert!(!bytes.windows(6).any(|window| window == b"Secret"));
            assert_eq!(dimensions(bytes), (64, 64));
        }
        Ok(())
    }

    #[test]
    fn refuses_decompression_bombs_and_garbage() {
        // A PNG header claiming 100,000 x 100,000 pixels.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(matches!(process(&bomb, 50_000_000), Err(ImageRefusal::Invalid(_))));
        // Within the header limit but over a small configured one.
        assert!(matches!(process(&png(100, 100), 5_000), Err(ImageRefusal::Invalid(_))));
        assert!(matches!(
            process(b"\x89PNG\r\n\x1a\nnot really", 50_000_000),
            Err(ImageRefusal::Invalid(_))
        ));
        assert!(process(b"", 50_000_000).is_err());
    }
}
