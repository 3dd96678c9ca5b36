/**
 * The per-file media pipeline: one read of the bytes feeds the digests, content sniffing and (for images) the
 * in-memory copy the decoder and EXIF reader work from; videos are then decoded by ffmpeg from the file.
 *
 * EXIF orientation is reported (`exif.orientation`) but not applied before hashing: Meta's reference hashes the
 * stored pixels, and hashes must interoperate with shared hash lists computed that way. A rotated copy of a picture
 * is still found through the dihedral hashes (`--dihedral`), which cover all 8 orientations.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { decodeImageForPdq, DEFAULT_MAX_PIXELS } from './decode-image.js';
import { DEFAULT_VIDEO_TIMEOUT_MS, readVideoFrames } from './decode-video.js';
import { DigestAccumulator, type Digests } from './digests.js';
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

/** Reads the file once: digests, the sniffed type, and the bytes themselves when they are an image to decode. */
async function readOnce(path: string, maxImageBytes: number): Promise<{ digests: Digests; sniffed: SniffedType; bytes?: Buffer }> {
  const acc = new DigestAccumulator();
  const head: Buffer[] = [];
  let headLen = 0;
  let sniffed: SniffedType | undefined;
  let keep: Buffer[] | undefined;
  let kept = 0;
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const chunk = c as Buffer;
    acc.update(chunk);
    if (!sniffed) {
      head.push(chunk);
      headLen += chunk.length;
      if (headLen < SNIFF_BYTES) continue;
      sniffed = sniffType(Buffer.concat(head));
      if (sniffed.kind === 'image') {
        keep = head.slice();
        kept = headLen;
      }
      continue;
    }
    if (keep) {
      kept += chunk.length;
      if (kept > maxImageBytes) throw new MediaFileError(`image file over ${maxImageBytes} bytes`, 'too-large');
      keep.push(chunk);
    }
  }
  if (!sniffed) {
    sniffed = sniffType(Buffer.concat(head));
    if (sniffed.kind === 'image') keep = head;
  }
  return { digests: acc.digest(), sniffed, ...(keep ? { bytes: Buffer.concat(keep) } : {}) };
}

/** Hashes one untrusted file: throws a MediaFileError / ImageDecodeError / VideoDecodeError with a reason. */
export async function hashFile(path: string, options: HashFileOptions = {}): Promise<MediaHashResult> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new MediaFileError(`cannot read file: ${e.code ?? e.message}`, 'unreadable');
  });
  // Pipes and devices can block a read forever (and a blocked read cannot be cancelled): only regular files.
  if (!st.isFile()) throw new MediaFileError('not a regular file', 'unreadable');
  if (st.isFile() && st.size === 0) throw new MediaFileError('empty file (0 bytes)', 'empty');
  const { digests, sniffed, bytes } = await readOnce(path, options.maxImageBytes ?? DEFAULT_MAX_IMAGE_BYTES);
  if (digests.size === 0) throw new MediaFileError('empty file (0 bytes)', 'empty');
  const common: Common = { path, ...digests, type: sniffed.type, mime: sniffed.mime };

  if (sniffed.kind === 'image' && bytes) {
    const [decoded, exif] = await Promise.all([
      decodeImageForPdq(bytes, { maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }),
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
