/**
 * The per-file media pipeline: one read of the bytes feeds the digests, content sniffing and (for images) the
 * in-memory copy the decoder and EXIF reader work from; videos are then decoded by ffmpeg from the file.
 *
 * EXIF orientation is reported (`exif.orientation`) but not applied before hashing: Meta's reference hashes the
 * stored pixels, and hashes must interoperate with shared hash lists computed that way. A rotated copy of a picture
 * is still found through the dihedral hashes (`--dihedral`), which cover all 8 orientations.
 */
import { open, stat } from 'node:fs/promises';
import { decodeImageForPdq, DEFAULT_MAX_PIXELS, ImageDecodeError } from './decode-image.js';
import { DEFAULT_VIDEO_TIMEOUT_MS, readVideoFrames } from './decode-video.js';
import { digestBuffer, DigestAccumulator, type Digests } from './digests.js';
import { readImageMetadata, type ImageMetadata } from './metadata.js';
import { pdqDihedralFromPixels, pdqFromPixels } from './pdq.js';
import { sniffType, SNIFF_BYTES, type SniffedType } from './sniff.js';
import { foldConsecutiveDuplicates, type VpdqFrame } from './vpdq.js';

export interface HashFileOptions {
  /** Add the 8 dihedral hashes of images. */
  dihedral?: boolean;
  /** vPDQ frames per second (default 1); 0 = every frame. */
  fps?: number;
  maxPixels?: number;
  /** Images larger than this many bytes are refused (they are held in memory once). Default 256 MiB. */
  maxImageBytes?: number;
  /** Time limit for decoding one video (ffmpeg is killed past it). */
  videoTimeoutMs?: number;
}

interface Common extends Digests {
  path: string;
  type: string;
  mime: string;
}

export interface ImageHashResult extends Common {
  kind: 'image';
  width: number;
  height: number;
  pdq: string;
  quality: number;
  dihedral?: string[];
  exif: ImageMetadata;
}

export interface VideoHashResult extends Common {
  kind: 'video';
  width: number;
  height: number;
  duration?: number;
  codec: string;
  frameRate: number;
  creationTime?: string;
  /** Sampled frames, consecutive duplicates folded. */
  frames: VpdqFrame[];
}

export type MediaHashResult = ImageHashResult | VideoHashResult;

export class MediaFileError extends Error {
  constructor(message: string, readonly code: 'empty' | 'not-media' | 'too-large' | 'unreadable') {
    super(message);
    this.name = 'MediaFileError';
  }
}

const DEFAULT_MAX_IMAGE_BYTES = 256 << 20;

const HEAD_BYTES = 64 * 1024;

/**
 * Reads the file once: the head is sniffed; an image is then read whole into one buffer (decoder and EXIF reader work
 * from it, digests are taken over it), anything else is streamed through the digests from where the head ended.
 */
async function readOnce(path: string, size: number, maxImageBytes: number): Promise<{ digests: Digests; sniffed: SniffedType; bytes?: Buffer }> {
  const fh = await open(path, 'r');
  try {
    const headLen = Math.min(size, HEAD_BYTES);
    const first = Buffer.allocUnsafe(headLen);
    const { bytesRead } = await fh.read(first, 0, headLen, 0);
    const head = first.subarray(0, bytesRead);
    const sniffed = sniffType(head.subarray(0, SNIFF_BYTES));
    if (sniffed.kind === 'image') {
      if (size > maxImageBytes) throw new MediaFileError(`image file of ${size} bytes is over the limit of ${maxImageBytes}`, 'too-large');
      const bytes = Buffer.allocUnsafe(size);
      head.copy(bytes);
      let at = head.length;
      while (at < size) {
        const r = await fh.read(bytes, at, size - at, at);
        if (r.bytesRead === 0) break;
        at += r.bytesRead;
      }
      const whole = bytes.subarray(0, at);
      return { digests: digestBuffer(whole), sniffed, bytes: whole };
    }
    const acc = new DigestAccumulator();
    acc.update(head);
    for await (const chunk of fh.createReadStream({ start: head.length, highWaterMark: 1 << 20, autoClose: false })) acc.update(chunk as Buffer);
    return { digests: acc.digest(), sniffed };
  } finally {
    await fh.close();
  }
}

/** Hashes one untrusted file: throws a MediaFileError / ImageDecodeError / VideoDecodeError with a reason. */
export async function hashFile(path: string, options: HashFileOptions = {}): Promise<MediaHashResult> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new MediaFileError(`cannot read file: ${e.code ?? e.message}`, 'unreadable');
  });
  // Pipes and devices can block a read forever (and a blocked read cannot be cancelled): only regular files.
  if (!st.isFile()) throw new MediaFileError('not a regular file', 'unreadable');
  if (st.isFile() && st.size === 0) throw new MediaFileError('empty file (0 bytes)', 'empty');
  const { digests, sniffed, bytes } = await readOnce(path, st.size, options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES);
  if (digests.size === 0) throw new MediaFileError('empty file (0 bytes)', 'empty');
  const common: Common = { path, ...digests, type: sniffed.type, mime: sniffed.mime };

  if (sniffed.kind === 'image' && bytes) {
    const [decoded, exif] = await Promise.all([
      decodeImageForPdq(bytes, { maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }).catch((e: unknown) => {
        // libvips keeps one error buffer per process, so with several workers decoding at once its text can
        // describe another file; the type we sniffed ourselves is always this file's.
        if (e instanceof ImageDecodeError) throw new ImageDecodeError(`${sniffed.type}: ${e.message}`, e.code);
        throw e;
      }),
      readImageMetadata(bytes),
    ]);
    const { pixels, width, height, channels, header } = decoded;
    const base = { ...common, kind: 'image' as const, width: header.width, height: header.height };
    if (options.dihedral) {
      const r = pdqDihedralFromPixels(pixels, width, height, channels);
      return { ...base, pdq: r.hash, quality: r.quality, dihedral: r.dihedral, exif };
    }
    const r = pdqFromPixels(pixels, width, height, channels);
    return { ...base, pdq: r.hash, quality: r.quality, exif };
  }

  if (sniffed.kind === 'video') {
    const frames: VpdqFrame[] = [];
    const info = await readVideoFrames(path, { fps: options.fps ?? 1, timeoutMs: options.videoTimeoutMs ?? DEFAULT_VIDEO_TIMEOUT_MS }, (f) => {
      const r = pdqFromPixels(f.pixels, f.width, f.height, 3);
      frames.push({ n: f.n, ts: Math.round(f.ts * 1000) / 1000, pdq: r.hash, quality: r.quality });
    });
    return {
      ...common,
      kind: 'video',
      width: info.width,
      height: info.height,
      ...(info.duration !== undefined ? { duration: info.duration } : {}),
      codec: info.codec,
      frameRate: info.frameRate,
      ...(info.creationTime ? { creationTime: info.creationTime } : {}),
      frames: foldConsecutiveDuplicates(frames),
    };
  }
  throw new MediaFileError(`not an image or video (content looks like: ${sniffed.type})`, 'not-media');
}
