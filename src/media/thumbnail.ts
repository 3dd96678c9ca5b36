/**
 * Thumbnails made from pixels already decoded for hashing (the PDQ working buffer or a video frame), so an image is
 * decoded once for both (added by the ingest work, issue 4). The working buffer may be squashed to a square; the
 * thumbnail restores the picture's own aspect ratio and applies its EXIF orientation, so people see it upright
 * although the hash is computed on the stored pixels.
 */
import sharp from 'sharp';

sharp.cache(false);

export interface ThumbnailOptions {
  /** Longest side of the thumbnail (default 256). */
  maxSide?: number;
  /** The original picture's size, for its aspect ratio (defaults to the buffer's). */
  originalWidth?: number;
  originalHeight?: number;
  /** EXIF orientation 1..8 of the original. */
  orientation?: number;
  /** JPEG quality (default 70). */
  quality?: number;
}

export const THUMBNAIL_MIME = 'image/jpeg';

/** Encodes a JPEG thumbnail from an interleaved 8-bit buffer (1 or 3 channels). */
export async function thumbnailFromPixels(pixels: Uint8Array, width: number, height: number, channels: 1 | 3, options: ThumbnailOptions = {}): Promise<{ bytes: Buffer; width: number; height: number }> {
  const maxSide = options.maxSide ?? 256;
  const ow = options.originalWidth ?? width;
  const oh = options.originalHeight ?? height;
  const scale = Math.min(1, maxSide / Math.max(ow, oh));
  const tw = Math.max(1, Math.round(ow * scale));
  const th = Math.max(1, Math.round(oh * scale));
  let img = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels } });
  // Bilinear from a buffer at most twice the size is indistinguishable at thumbnail size, and the cheapest.
  if (tw !== width || th !== height) img = img.resize(tw, th, { fit: 'fill', kernel: 'linear' });
  // EXIF orientation, as sharp's own auto-rotation would apply it (checked against it in the tests).
  switch (options.orientation) {
    case 2: img = img.flop(); break;
    case 3: img = img.rotate(180); break;
    case 4: img = img.flip(); break;
    case 5: img = img.rotate(270).flop(); break;
    case 6: img = img.rotate(90); break;
    case 7: img = img.rotate(90).flop(); break;
    case 8: img = img.rotate(270); break;
    default: break;
  }
  const { data, info } = await img.jpeg({ quality: options.quality ?? 70, mozjpeg: false, trellisQuantisation: false, overshootDeringing: false, optimiseScans: false, optimiseCoding: false }).toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height };
}
