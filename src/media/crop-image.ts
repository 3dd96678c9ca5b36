/**
 * Crops a region of an untrusted picture (added by the victim-identification work, issue 9): the region an analyst
 * marked as an identification clue. The region is given in fractions of the picture as people see it (EXIF
 * orientation applied, as the browser shows it), so the crop shows exactly what was marked. Only the crop is ever
 * shared, never the picture: it is re-encoded (no metadata travels with it) and bounded in size.
 */
import sharp from 'sharp';
import { DEFAULT_MAX_PIXELS, ImageDecodeError, readImageHeader } from './decode-image.js';

sharp.cache(false);

export interface CropRegion {
  /** Left, top, width and height as fractions (0..1) of the upright picture. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface CropOptions {
  maxPixels?: number;
  /** Longest side of the crop as stored (default 1024: enough to read a logo or a sign, small to share). */
  maxSide?: number;
  quality?: number;
}

export interface CroppedImage {
  bytes: Buffer;
  mime: 'image/jpeg';
  width: number;
  height: number;
}

/** Orientations 5-8 swap width and height. */
function uprightSize(width: number, height: number, orientation?: number): { width: number; height: number } {
  return orientation && orientation >= 5 ? { width: height, height: width } : { width, height };
}

export async function cropImageRegion(input: Buffer, region: CropRegion, options: CropOptions = {}): Promise<CroppedImage> {
  const header = await readImageHeader(input, options.maxPixels ?? DEFAULT_MAX_PIXELS);
  const { width, height } = uprightSize(header.width, header.height, header.orientation);
  // Fractions from a browser carry float noise (0.2 + 0.4 = 0.6000000000000001): snap within a millionth of a pixel.
  const floor = (v: number) => Math.floor(v + 1e-6);
  const ceil = (v: number) => Math.ceil(v - 1e-6);
  const x0 = Math.max(0, Math.min(width - 1, floor(region.x * width)));
  const y0 = Math.max(0, Math.min(height - 1, floor(region.y * height)));
  const x1 = Math.max(x0 + 1, Math.min(width, ceil((region.x + region.w) * width)));
  const y1 = Math.max(y0 + 1, Math.min(height, ceil((region.y + region.h) * height)));
  const maxSide = options.maxSide ?? 1024;
  try {
    // Two pipelines: sharp applies extract before rotate within one, and the region is in upright coordinates.
    const upright = await sharp(input, { limitInputPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS, failOn: 'error', page: 0, pages: 1 }).rotate().raw().toBuffer({ resolveWithObject: true });
    const raw = { width: upright.info.width, height: upright.info.height, channels: upright.info.channels };
    if (raw.width !== width || raw.height !== height) throw new Error(`decoded ${raw.width}x${raw.height}, header said ${width}x${height}`);
    const { data, info } = await sharp(upright.data, { raw })
      .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: options.quality ?? 85 })
      .toBuffer({ resolveWithObject: true });
    return { bytes: data, mime: 'image/jpeg', width: info.width, height: info.height };
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
    throw new ImageDecodeError(`the picture could not be cropped: ${msg}`, 'corrupt');
  }
}
