/**
 * Image decoding for hashing — the only module (with decode-video) that touches sharp/libvips.
 *
 * Inputs are untrusted: the pixel count is checked from the header before any pixel is decoded, sharp's own
 * `limitInputPixels` backs that up, and libvips' operation cache is off so a batch of large files does not pile up
 * memory. Callers bound time (the worker pool terminates a stuck worker).
 */
import sharp, { type Metadata } from 'sharp';

sharp.cache(false);

/** Decompression-bomb guard: a 12 MP photo is 12e6, large panoramas reach ~150e6. */
export const DEFAULT_MAX_PIXELS = 200_000_000;
/** The reference resizes any image with a side over 512 to exactly 512x512 (aspect not kept) before PDQ. */
export const PDQ_WORKING_SIZE = 512;

export interface DecodeImageOptions {
  maxPixels?: number;
  /** Side of the square working buffer for images larger than it (default 512, as the reference). */
  workingSize?: number;
}

export interface ImageHeader {
  format: string;
  width: number;
  height: number;
  /** EXIF orientation 1..8 as stored (we do not apply it; see pdq docs in hash-file.ts). */
  orientation?: number;
  pages: number;
  channels: number;
  space?: string;
  bitsPerSample?: string;
}

export interface DecodedPixels {
  pixels: Uint8Array;
  width: number;
  height: number;
  /** 1 (grey) or 3 (RGB): alpha is dropped, as the reference does. */
  channels: 1 | 3;
}

export interface DecodedImage extends DecodedPixels {
  header: ImageHeader;
}

export class ImageDecodeError extends Error {
  constructor(message: string, readonly code: 'too-many-pixels' | 'unsupported' | 'corrupt') {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

function sharpError(e: unknown): ImageDecodeError {
  // libvips/libheif can repeat a line per retry; the first line says it.
  const msg = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
  if (/pixel limit/i.test(msg)) return new ImageDecodeError(`image exceeds the pixel limit: ${msg}`, 'too-many-pixels');
  if (/unsupported image format|not a known file format|heif: .*(unsupported|no decoder)/i.test(msg)) {
    return new ImageDecodeError(`unsupported or unrecognised image: ${msg}`, 'unsupported');
  }
  return new ImageDecodeError(`corrupt or truncated image: ${msg}`, 'corrupt');
}

const GREY_SPACES = new Set(['b-w', 'grey16']);

/** Reads only the header (dimensions, format, orientation) of an untrusted image. */
export async function readImageHeader(input: string | Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<ImageHeader> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false, failOn: 'none' }).metadata();
  } catch (e) {
    throw sharpError(e);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!meta.format || width <= 0 || height <= 0) throw new ImageDecodeError('image header has no dimensions', 'corrupt');
  if (width * height > maxPixels) {
    throw new ImageDecodeError(`image declares ${width}x${height} = ${width * height} pixels, over the limit of ${maxPixels}`, 'too-many-pixels');
  }
  return {
    format: meta.format,
    width,
    height,
    ...(meta.orientation ? { orientation: meta.orientation } : {}),
    pages: meta.pages ?? 1,
    channels: meta.channels ?? 0,
    ...(meta.space ? { space: meta.space } : {}),
    ...(meta.depth ? { bitsPerSample: meta.depth } : {}),
  };
}

/**
 * Decodes the first frame of an untrusted image to the PDQ working buffer: native size when both sides are at most
 * `workingSize`, else exactly `workingSize` square like the reference. For JPEG, libjpeg's shrink-on-load does most of
 * the reduction inside the decoder (a 12 MP photo is never materialised at full size), which is what makes hashing
 * fast. Alpha is dropped, palette/CMYK/16-bit are converted to 8-bit sRGB, greyscale stays one channel, and EXIF
 * orientation is deliberately not applied (the reference hashes stored pixels; shared hash lists expect that).
 */
export async function decodeImageForPdq(input: string | Buffer, options: DecodeImageOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const size = options.workingSize ?? PDQ_WORKING_SIZE;
  const header = await readImageHeader(input, maxPixels);
  const grey = GREY_SPACES.has(header.space ?? '');
  try {
    let img = sharp(input, { limitInputPixels: maxPixels, failOn: 'error', page: 0, pages: 1, sequentialRead: true });
    if (header.width > size || header.height > size) img = img.resize(size, size, { fit: 'fill', kernel: 'cubic' });
    img = img.removeAlpha().toColourspace(grey ? 'b-w' : 'srgb');
    if (grey) img = img.extractChannel(0);
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    const channels = info.channels === 1 ? 1 : 3;
    if (info.channels !== 1 && info.channels !== 3) throw new ImageDecodeError(`unexpected channel count ${info.channels}`, 'unsupported');
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels, header };
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw sharpError(e);
  }
}

/** Decodes an image losslessly at native size (used to feed reference pixel buffers stored as PNG). */
export async function decodeImageExact(input: string | Buffer, maxPixels = DEFAULT_MAX_PIXELS): Promise<DecodedPixels> {
  const header = await readImageHeader(input, maxPixels);
  const grey = GREY_SPACES.has(header.space ?? '') || header.channels === 1 || header.channels === 2;
  try {
    let img = sharp(input, { limitInputPixels: maxPixels, failOn: 'error' }).removeAlpha();
    if (grey) img = img.extractChannel(0);
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3 };
  } catch (e) {
    throw sharpError(e);
  }
}
