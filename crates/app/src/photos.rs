//! Photos of people. The upload is decoded and drawn again as a new JPEG: the original is
//! never kept or served, so nothing it carried survives (GPS in a photo can reveal where a
//! child lives). It is turned the right way up first, and made no larger than police need.

use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::ids::{PersonId, PhotoId};
use homeward_store::PhotoMeta;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use jiff::civil::Date;
use std::io::Cursor;

/// A phone photo is rarely over 10 MB; anything over this is refused before decoding.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;
/// The longest side kept: enough for a police pack and a phone screen.
pub const MAX_SIDE: u32 = 1600;

#[derive(Debug, PartialEq, Eq)]
pub struct ProcessedPhoto {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Why an upload was refused, as the message id the user sees.
#[derive(Debug, PartialEq, Eq)]
pub enum PhotoProblem {
    Empty,
    TooLarge,
    NotAnImage,
    /// More pixels than [`MAX_PIXELS`], or more memory to decode than [`MAX_DECODE_BYTES`]: a
    /// camera's photo never is, a decompression bomb always is.
    TooManyPixels,
}

impl PhotoProblem {
    pub fn message(&self) -> &'static str {
        match self {
            PhotoProblem::Empty => "error-photo-empty",
            PhotoProblem::TooLarge => "error-photo-too-large",
            PhotoProblem::NotAnImage => "error-photo-not-image",
            PhotoProblem::TooManyPixels => "error-photo-too-many-pixels",
        }
    }
}

/// The most pixels a photo may have: 40 megapixels, more than a phone's camera makes.
pub const MAX_PIXELS: u64 = 40_000_000;
/// The most memory one decode may take (a 40-megapixel 8-bit colour photo needs 120 MB).
pub const MAX_DECODE_BYTES: u64 = 160 * 1024 * 1024;
/// Photos decoded at once: each may take [`MAX_DECODE_BYTES`], so uploads together stay
/// bounded however many arrive.
const DECODES_AT_ONCE: usize = 2;
static DECODES: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(DECODES_AT_ONCE);

/// Decodes a JPEG, PNG or WebP, applies its orientation, shrinks it to at most
/// [`MAX_SIDE`] and encodes a fresh JPEG with no metadata at all.
pub fn process_photo(bytes: &[u8]) -> Result<ProcessedPhoto, PhotoProblem> {
    let rgb = decode_upload(bytes, MAX_SIDE)?.to_rgb8();
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&rgb)
        .map_err(|_| PhotoProblem::NotAnImage)?;
    Ok(ProcessedPhoto {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
    })
}

/// Decodes an uploaded JPEG, PNG or WebP safely (a decompression bomb is refused from its
/// header), turned the right way up and no larger than `max_side`: what is kept is drawn
/// again from these pixels, so nothing else the upload carried survives.
pub fn decode_upload(bytes: &[u8], max_side: u32) -> Result<DynamicImage, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoProblem::NotAnImage)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(PhotoProblem::NotAnImage);
    }
    // A small file can claim enormous dimensions: its header is read first, and nothing is
    // decoded for more pixels than a camera makes.
    let (width, height) = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoProblem::NotAnImage)?
        .into_dimensions()
        .map_err(|_| PhotoProblem::NotAnImage)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoProblem::TooManyPixels);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|_| PhotoProblem::NotAnImage)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoProblem::TooManyPixels,
        _ => PhotoProblem::NotAnImage,
    })?;
    // Shrunk first, then turned: turning a camera's full-size photo would copy every pixel
    // again. The box is square, so the result is the same. Area averaging needs no buffer
    // beyond the small result (a filtered resize keeps a float copy the size of the photo).
    if img.width() > max_side || img.height() > max_side {
        img = img.thumbnail(max_side, max_side);
    }
    img.apply_orientation(orientation);
    Ok(img)
}

/// Runs an upload's decoding off the async runtime, waiting its turn: at most
/// [`DECODES_AT_ONCE`] images are decoded at once. A refusal is an error on `field`.
pub(crate) async fn decode_in_turn<T: Send + 'static>(
    field: &str,
    decode: impl FnOnce() -> Result<T, PhotoProblem> + Send + 'static,
) -> AppResult<T> {
    let _turn = DECODES
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(decode)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|p| AppError::invalid(field, p.message()))
}

impl App {
    /// Adds a photo of a person (it becomes the current one). Decoding runs off the async
    /// runtime: a large photo takes a noticeable fraction of a second.
    pub async fn add_photo(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        upload: Vec<u8>,
        taken_on: Option<Date>,
    ) -> AppResult<PhotoId> {
        let person = self.person_for(actor, Action::EditPeople, id).await?;
        let today = homeward_domain::time::in_london(self.clock.now()).date();
        let taken_on = taken_on.unwrap_or(today);
        if taken_on > today {
            return Err(AppError::invalid("taken_on", "error-date-future"));
        }
        let processed = decode_in_turn("photo", move || process_photo(&upload)).await?;
        let now = self.clock.now();
        let photo = PhotoMeta {
            id: PhotoId::new_random(),
            person_id: person.id,
            taken_on,
            width: processed.width,
            height: processed.height,
            uploaded_by_label: actor.user.email.clone(),
            uploaded_at: now,
        };
        let e = actor.event(
            now,
            meta,
            "photo.add",
            "person",
            Some(format!("{id} photo {}", photo.id)),
            Outcome::Allowed,
        );
        self.store
            .add_photo(actor.org_id(), &photo, &processed.jpeg, &e)
            .await?;
        Ok(photo.id)
    }

    pub async fn choose_photo(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        photo: PhotoId,
    ) -> AppResult<()> {
        self.person_for(actor, Action::EditPeople, id).await?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "photo.choose",
            "person",
            Some(format!("{id} photo {photo}")),
            Outcome::Allowed,
        );
        if self
            .store
            .choose_photo(actor.org_id(), id, photo, &actor.user.email, &e)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The person's photos, newest first, and the current one.
    pub async fn photos(
        &self,
        actor: &Actor,
        id: PersonId,
    ) -> AppResult<(Vec<PhotoMeta>, Option<PhotoId>)> {
        self.person_for(actor, Action::ViewPeople, id).await?;
        Ok(self.store.photos(actor.org_id(), id).await?)
    }

    /// A person's photos for the API's list, audited as a read of their record.
    pub async fn list_photos(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
    ) -> AppResult<(Vec<PhotoMeta>, Option<PhotoId>)> {
        let found = self.photos(actor, id).await?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "photo.list",
            "person",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.store.record_audit(&e).await?;
        Ok(found)
    }

    /// One photo's JPEG. Every view is audited: a photo is personal data.
    pub async fn photo_jpeg(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: PersonId,
        photo: PhotoId,
    ) -> AppResult<Vec<u8>> {
        self.person_for(actor, Action::ViewPeople, id).await?;
        let jpeg = self
            .store
            .photo_jpeg(actor.org_id(), id, photo)
            .await?
            .ok_or(AppError::NotFound)?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "photo.view",
            "person",
            Some(format!("{id} photo {photo}")),
            Outcome::Allowed,
        );
        self.store.record_audit(&e).await?;
        Ok(jpeg)
    }
}

/// A drawn portrait for demo data: a plain figure on a coloured background, so nobody could
/// take it for a real child. `seed` varies the colours.
pub fn demo_portrait(seed: usize) -> Vec<u8> {
    let backgrounds = [
        [170, 200, 230],
        [200, 225, 190],
        [235, 210, 170],
        [215, 195, 225],
    ];
    let skins = [
        [224, 186, 150],
        [176, 124, 90],
        [240, 205, 180],
        [120, 80, 60],
    ];
    let hair = [[60, 40, 30], [170, 80, 40], [230, 200, 120], [20, 20, 20]];
    let (bg, skin, hair) = (backgrounds[seed % 4], skins[(seed / 2) % 4], hair[seed % 4]);
    let (w, h) = (300u32, 400u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let (x, y) = (i64::from(x), i64::from(y));
        let in_circle = |cx: i64, cy: i64, r: i64| (x - cx).pow(2) + (y - cy).pow(2) <= r * r;
        let pixel = if in_circle(150, 150, 75) && y < 120 {
            hair
        } else if in_circle(150, 160, 70) {
            skin
        } else if y > 250 && in_circle(150, 430, 170) {
            [60, 90, 140]
        } else {
            bg
        };
        image::Rgb(pixel)
    });
    let mut png = Vec::new();
    let encoded = image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut png),
        img.as_raw(),
        w,
        h,
        image::ExtendedColorType::Rgb8,
    );
    if encoded.is_err() {
        return Vec::new();
    }
    png
}

/// Images for tests, here rather than under `cfg(test)` so the web tests can upload them too.
#[doc(hidden)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub mod test_images {
    use image::codecs::jpeg::JpegEncoder;
    use image::{ImageEncoder, Rgb, RgbImage};

    /// A PNG whose header claims 16000 × 16000 at 16 bits a channel, with a few hundred KB
    /// of compressed rows behind it: refused from the header, before anything is decoded.
    pub fn png_bomb() -> Vec<u8> {
        use std::io::Write as _;
        let (w, h) = (16_000u32, 16_000u32);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let chunk = |png: &mut Vec<u8>, kind: &[u8], data: &[u8]| {
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = crc32(kind);
            crc = crc32_more(crc, data);
            png.extend_from_slice(kind);
            png.extend_from_slice(data);
            png.extend_from_slice(&crc.to_be_bytes());
        };
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[16, 2, 0, 0, 0]);
        chunk(&mut png, b"IHDR", &ihdr);
        // The first rows of zeros, compressed: a few hundred KB standing for gigabytes.
        let row = vec![0u8; 1 + w as usize * 6];
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..3_000 {
            z.write_all(&row).unwrap();
        }
        chunk(&mut png, b"IDAT", &z.finish().unwrap());
        chunk(&mut png, b"IEND", &[]);
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        crc32_more(0, bytes)
    }

    fn crc32_more(crc: u32, bytes: &[u8]) -> u32 {
        let mut c = !crc;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    /// A plain JPEG: red on the left, blue on the right.
    pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgb([200, 30, 30])
            } else {
                Rgb([30, 30, 200])
            }
        });
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(img.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    /// A JPEG with an EXIF block saying "rotate 90° clockwise" and where it was taken.
    pub fn jpeg_with_gps_and_orientation(width: u32, height: u32) -> Vec<u8> {
        let be16 = |v: u16| v.to_be_bytes().to_vec();
        let be32 = |v: u32| v.to_be_bytes().to_vec();
        let entry = |tag: u16, kind: u16, count: u32, value: Vec<u8>| {
            [be16(tag), be16(kind), be32(count), value].concat()
        };
        let mut tiff = b"MM\0\x2a".to_vec();
        tiff.extend(be32(8)); // IFD0 starts right after the header
        tiff.extend(be16(2));
        tiff.extend(entry(0x0112, 3, 1, [be16(6), be16(0)].concat())); // orientation: rotate 90° CW
        tiff.extend(entry(0x8825, 4, 1, be32(38))); // the GPS IFD follows
        tiff.extend(be32(0));
        tiff.extend(be16(2));
        tiff.extend(entry(0x0001, 2, 2, b"N\0\0\0".to_vec())); // latitude reference
        tiff.extend(entry(0x0002, 5, 3, be32(68))); // latitude, three rationals at 68
        tiff.extend(be32(0));
        for (n, d) in [(52u32, 1u32), (30, 1), (1234, 100)] {
            tiff.extend(be32(n));
            tiff.extend(be32(d));
        }
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(tiff);
        let plain = jpeg(width, height);
        let mut out = plain[..2].to_vec(); // SOI
        out.extend([0xFF, 0xE1]);
        out.extend(be16(u16::try_from(app1.len() + 2).unwrap()));
        out.extend(app1);
        out.extend(&plain[2..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::test_images::*;
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage};

    #[test]
    fn not_an_image_or_empty_is_refused() {
        assert_eq!(process_photo(b""), Err(PhotoProblem::Empty));
        assert_eq!(
            process_photo(b"%PDF-1.7 not a photo"),
            Err(PhotoProblem::NotAnImage)
        );
        let mut truncated = jpeg(40, 40);
        truncated.truncate(200);
        assert_eq!(process_photo(&truncated), Err(PhotoProblem::NotAnImage));
        assert_eq!(
            process_photo(&vec![0u8; MAX_UPLOAD_BYTES + 1]),
            Err(PhotoProblem::TooLarge)
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let png = test_images::png_bomb();
        assert!(png.len() < MAX_UPLOAD_BYTES, "{} bytes", png.len());
        assert_eq!(process_photo(&png), Err(PhotoProblem::TooManyPixels));
        assert_eq!(
            PhotoProblem::TooManyPixels.message(),
            "error-photo-too-many-pixels"
        );
    }

    #[test]
    fn metadata_is_gone_and_the_photo_is_the_right_way_up() {
        let upload = jpeg_with_gps_and_orientation(40, 20);
        let mut decoder = ImageReader::new(Cursor::new(&upload))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert!(
            decoder.exif_metadata().unwrap().is_some(),
            "the test upload carries EXIF"
        );
        let p = process_photo(&upload).unwrap();
        assert_eq!(
            (p.width, p.height),
            (20, 40),
            "turned as its orientation says"
        );
        let mut stored = ImageReader::new(Cursor::new(&p.jpeg))
            .with_guessed_format()
            .unwrap()
            .into_decoder()
            .unwrap();
        assert_eq!(stored.exif_metadata().unwrap(), None);
        assert!(
            !p.jpeg.windows(4).any(|w| w == b"Exif"),
            "no EXIF block at all"
        );
        assert!(
            !p.jpeg.windows(2).any(|w| w == [0xFF, 0xE1]),
            "no APP1 segment"
        );
    }

    #[test]
    fn png_and_webp_are_accepted() {
        let img = RgbImage::from_pixel(30, 10, Rgb([10, 120, 10]));
        let mut png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut png)
            .write_image(img.as_raw(), 30, 10, image::ExtendedColorType::Rgb8)
            .unwrap();
        assert_eq!(process_photo(&png).unwrap().width, 30);
        let mut webp = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
            .write_image(img.as_raw(), 30, 10, image::ExtendedColorType::Rgb8)
            .unwrap();
        assert_eq!(process_photo(&webp).unwrap().height, 10);
    }

    #[test]
    fn large_photos_are_shrunk_keeping_their_shape() {
        let p = process_photo(&jpeg(3200, 2000)).unwrap();
        assert_eq!((p.width, p.height), (1600, 1000));
        let small = process_photo(&jpeg(300, 400)).unwrap();
        assert_eq!((small.width, small.height), (300, 400));
    }
}
