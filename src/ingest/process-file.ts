/**
 * What happens to one file on its way in, in one read of its bytes: the three digests, content sniffing, encryption
 * into a staged blob, and — for pictures — one decode at working size from which the PDQ hash and the thumbnail are
 * both derived (STYLE: hash while streaming, decode once). Videos are sampled by ffmpeg for vPDQ and a thumbnail.
 *
 * Runs inside an ingest worker thread (it has a blob key grant, never the master key) and stands alone for tests. A
 * failure to decode does not lose the file: its bytes are stored and the problem is noted. Only failing to read the
 * file at all is an error without a media item.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { copyFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BlobKeyGrant } from '../exchange/crypto/blob-keys.js';
import { decodeImageForPdq, DEFAULT_MAX_PIXELS, ImageDecodeError } from '../media/decode-image.js';
import { readVideoFrames, VideoDecodeError, type VideoInfo } from '../media/decode-video.js';
import { DigestAccumulator } from '../media/digests.js';
import { readImageMetadata, type ImageMetadata } from '../media/metadata.js';
import { PDQ_MIN_QUALITY, pdqFromPixels } from '../media/pdq.js';
import { sniffType, type MediaKind } from '../media/sniff.js';
import { thumbnailFromPixels } from '../media/thumbnail.js';
import { foldConsecutiveDuplicates, type VpdqFrame } from '../media/vpdq.js';
import { StagedBlobWriter } from '../store/blob-store.js';
import { fsProblem, problem, type Problem } from './problems.js';
import { ARCHIVE_SNIFF_BYTES, decodeName, sniffArchive, type ArchiveFormat, type FileSource, type FileTimes } from './walk.js';

export interface ProcessOptions {
  maxPixels: number;
  /** Pictures up to this size are decoded from memory; larger ones are stored without a hash. */
  maxImageBytes: number;
  videoTimeoutMs: number;
  /** vPDQ frames per second. */
  fps: number;
  /** Upper bound on sampled video frames (a very long video is hashed on its first frames only). */
  maxVideoFrames: number;
  thumbnailSide: number;
}

export const DEFAULT_PROCESS_OPTIONS: ProcessOptions = {
  maxPixels: DEFAULT_MAX_PIXELS,
  maxImageBytes: 256 << 20,
  videoTimeoutMs: 120_000,
  fps: 1,
  maxVideoFrames: 3600,
  thumbnailSide: 256,
};

export interface ProcessTask {
  source: FileSource;
  stagingDir: string;
  grants: { media: BlobKeyGrant; thumb: BlobKeyGrant };
  options: ProcessOptions;
  /** A folder file: it may turn out to be an archive (walked instead of stored), and its times come from the file. */
  fromFolder: boolean;
}

/** Milliseconds spent per stage, for the benchmark's breakdown. */
export interface StageTimings {
  read: number;
  digest: number;
  store: number;
  decode: number;
  pdq: number;
  thumbnail: number;
  metadata: number;
}

export interface ProcessedFile {
  status: 'ok';
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
  type: string;
  mime: string;
  kind: MediaKind;
  times: FileTimes;
  /** The staged (encrypted) original, promoted once its row is committed ('' when skipped). */
  staged: string;
  /** The bytes were already in the node: nothing was decoded or staged (the media item exists). */
  skipped?: boolean;
  thumbStaged?: string;
  width?: number;
  height?: number;
  duration?: number;
  pdq?: string;
  quality?: number;
  frames?: VpdqFrame[];
  camera?: ImageMetadata;
  video?: VideoInfo;
  problems: Problem[];
  timings: StageTimings;
}

export type ProcessResult = ProcessedFile | { status: 'archive'; format: ArchiveFormat } | { status: 'error'; problem: Problem };

const CHUNK = 1 << 20;
const PREALLOCATE_LIMIT = 64 << 20;

const iso = (d: Date) => (Number.isNaN(d.getTime()) || d.getTime() <= 0 ? undefined : d.toISOString());

function decodeProblem(e: unknown): Problem {
  if (e instanceof ImageDecodeError && e.code === 'too-many-pixels') return problem('too-many-pixels', e.message);
  if (e instanceof VideoDecodeError && e.code === 'timeout') return problem('decode-timeout', e.message);
  if (e instanceof VideoDecodeError && e.code === 'too-many-pixels') return problem('too-many-pixels', e.message);
  return problem('undecodable', `${e instanceof Error ? e.message : String(e)}`);
}

/**
 * Reads a regular file in order, one slice at a time (into one buffer for files up to 64 MiB, which the decoder then
 * uses as is). Reads are synchronous on purpose: this runs on a worker thread, and asynchronous reads would queue in
 * the process-wide libuv pool behind the image decodes that keep it busy.
 */
function* readSlices(fd: number, size: number, timings: StageTimings): Generator<Buffer> {
  const whole = size > 0 && size <= PREALLOCATE_LIMIT ? Buffer.allocUnsafe(size) : undefined;
  let at = 0;
  for (;;) {
    const t = performance.now();
    const buf = whole && at < size ? whole.subarray(at, Math.min(size, at + CHUNK)) : Buffer.allocUnsafe(CHUNK);
    const bytesRead = readSync(fd, buf, 0, buf.length, null);
    timings.read += performance.now() - t;
    if (bytesRead === 0) return;
    at += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

/**
 * The kept slices as one buffer. They are consecutive views of one buffer whenever the file was read whole (up to
 * 64 MiB) or came from memory: then that buffer is the answer, without copying a 12-megapixel JPEG once more.
 */
function joinSlices(slices: Buffer[]): Buffer {
  if (slices.length === 1) return slices[0]!;
  const first = slices[0]!;
  let end = first.byteOffset;
  for (const s of slices) {
    if (s.buffer !== first.buffer || s.byteOffset !== end) return Buffer.concat(slices);
    end += s.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}

/** A path as bytes arrives from another thread as a plain Uint8Array: make it a Buffer again. */
function asPath(p: string | Uint8Array): string | Buffer {
  return typeof p === 'string' ? p : Buffer.from(p.buffer, p.byteOffset, p.byteLength);
}

export interface ProcessHooks {
  /** Whether the node already holds these bytes (decoding them again would only repeat known work). */
  isKnown?: (sha256: string) => Promise<boolean>;
}

export async function processFile(task: ProcessTask, hooks: ProcessHooks = {}): Promise<ProcessResult> {
  const timings: StageTimings = { read: 0, digest: 0, store: 0, decode: 0, pdq: 0, thumbnail: 0, metadata: 0 };
  const { options } = task;
  const source: FileSource = task.source.kind === 'path' ? { kind: 'path', path: asPath(task.source.path) } : task.source;
  let fd: number | undefined;
  let times: FileTimes = {};
  let slices: Iterable<Buffer>;
  let declared = 0;
  const closeFd = () => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    fd = undefined;
  };
  if (source.kind === 'bytes') {
    declared = source.bytes.length;
    slices = (function* () {
      for (let at = 0; at < source.bytes.length; at += CHUNK) yield source.bytes.subarray(at, at + CHUNK);
    })();
  } else {
    try {
      // O_NOFOLLOW: a file swapped for a link since the walk is not followed; O_NONBLOCK: nor does a FIFO block us.
      fd = openSync(source.path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
      const st = fstatSync(fd);
      if (!st.isFile()) {
        closeFd();
        return { status: 'error', problem: problem('special-file') };
      }
      declared = st.size;
      if (task.fromFolder) {
        times = { modified: iso(st.mtime), accessed: iso(st.atime), changed: iso(st.ctime), born: iso(st.birthtime) };
        times = Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined)) as FileTimes;
      }
    } catch (e) {
      closeFd();
      return { status: 'error', problem: fsProblem(e) };
    }
    slices = readSlices(fd, declared, timings);
  }

  const acc = new DigestAccumulator();
  const kept: Buffer[] = [];
  let keep = true;
  let total = 0;
  let head: Buffer | undefined;
  let writer: StagedBlobWriter | undefined;
  try {
    for (const slice of slices) {
      if (!head) {
        head = slice;
        if (task.fromFolder) {
          const format = sniffArchive(slice.subarray(0, ARCHIVE_SNIFF_BYTES));
          if (format) return { status: 'archive', format };
        }
        writer = await StagedBlobWriter.create(task.stagingDir, task.grants.media);
      }
      total += slice.length;
      let t = performance.now();
      acc.update(slice);
      timings.digest += performance.now() - t;
      t = performance.now();
      await writer!.write(slice);
      timings.store += performance.now() - t;
      if (keep) {
        if (total <= options.maxImageBytes) kept.push(slice);
        else {
          keep = false;
          kept.length = 0;
        }
      }
    }
    if (!writer) writer = await StagedBlobWriter.create(task.stagingDir, task.grants.media);
  } catch (e) {
    await writer?.abort();
    return { status: 'error', problem: fsProblem(e) };
  } finally {
    closeFd();
  }
  const digests = acc.digest();
  const sniffed = sniffType(head ?? Buffer.alloc(0));
  if (hooks.isKnown && (await hooks.isKnown(digests.sha256))) {
    await writer.abort();
    return { status: 'ok', size: digests.size, md5: digests.md5, sha1: digests.sha1, sha256: digests.sha256, type: sniffed.type, mime: sniffed.mime, kind: sniffed.kind, times, staged: '', skipped: true, problems: [], timings };
  }
  let t = performance.now();
  const staged = await writer.finish('media', digests.sha256);
  timings.store += performance.now() - t;

  const result: ProcessedFile = {
    status: 'ok',
    size: digests.size,
    md5: digests.md5,
    sha1: digests.sha1,
    sha256: digests.sha256,
    type: sniffed.type,
    mime: sniffed.mime,
    kind: sniffed.kind,
    times,
    staged,
    problems: [],
    timings,
  };

  const stageThumb = async (bytes: Buffer) => {
    const w = await StagedBlobWriter.create(task.stagingDir, task.grants.thumb);
    await w.write(bytes);
    result.thumbStaged = await w.finish('thumb', digests.sha256);
  };

  if (sniffed.kind === 'image') {
    if (!keep) {
      result.problems.push(problem('undecodable', `the picture is larger than ${options.maxImageBytes} bytes: stored without a perceptual hash`));
      return result;
    }
    const bytes = joinSlices(kept);
    t = performance.now();
    result.camera = await readImageMetadata(bytes);
    timings.metadata += performance.now() - t;
    try {
      t = performance.now();
      const decoded = await decodeImageForPdq(bytes, { maxPixels: options.maxPixels });
      timings.decode += performance.now() - t;
      result.width = decoded.header.width;
      result.height = decoded.header.height;
      t = performance.now();
      const pdq = pdqFromPixels(decoded.pixels, decoded.width, decoded.height, decoded.channels);
      timings.pdq += performance.now() - t;
      result.pdq = pdq.hash;
      result.quality = pdq.quality;
      t = performance.now();
      const thumb = await thumbnailFromPixels(decoded.pixels, decoded.width, decoded.height, decoded.channels, {
        maxSide: options.thumbnailSide,
        originalWidth: decoded.header.width,
        originalHeight: decoded.header.height,
        ...(result.camera.orientation ? { orientation: result.camera.orientation } : {}),
      });
      await stageThumb(thumb.bytes);
      timings.thumbnail += performance.now() - t;
    } catch (e) {
      result.problems.push(decodeProblem(e));
    }
    return result;
  }

  if (sniffed.kind === 'video') {
    // ffmpeg needs a file named in UTF-8: archive members held in memory, and files whose names are not UTF-8, are
    // written (plaintext, 0600) to the staging folder, which lives in the data directory, and removed straight after.
    let videoPath: string | undefined;
    if (source.kind !== 'bytes') {
      const p = source.path;
      if (typeof p === 'string') videoPath = p;
      else if (!decodeName(p).nonUtf8) videoPath = p.toString('utf8');
    }
    let temp: string | undefined;
    if (!videoPath) {
      temp = path.join(task.stagingDir, `${randomBytes(8).toString('hex')}.spool`);
      if (source.kind === 'bytes') await writeFile(temp, source.bytes, { mode: 0o600, flag: 'wx' });
      else await copyFile(source.path, temp, fsConstants.COPYFILE_EXCL);
      videoPath = temp;
    }
    const frames: VpdqFrame[] = [];
    let thumbFrame: { pixels: Uint8Array; width: number; height: number } | undefined;
    let thumbQuality = -1;
    let pdqMs = 0;
    try {
      t = performance.now();
      const info = await readVideoFrames(videoPath!, { fps: options.fps, timeoutMs: options.videoTimeoutMs, maxFrames: options.maxVideoFrames }, (f) => {
        const t0 = performance.now();
        const r = pdqFromPixels(f.pixels, f.width, f.height, 3);
        pdqMs += performance.now() - t0;
        frames.push({ n: f.n, ts: Math.round(f.ts * 1000) / 1000, pdq: r.hash, quality: r.quality });
        // The first frame, unless it is featureless (a fade from black): then the best of the first ten.
        if (!thumbFrame || (thumbQuality < PDQ_MIN_QUALITY && frames.length <= 10 && r.quality > thumbQuality)) {
          thumbFrame = { pixels: Uint8Array.from(f.pixels), width: f.width, height: f.height };
          thumbQuality = r.quality;
        }
      });
      timings.decode += performance.now() - t - pdqMs;
      timings.pdq += pdqMs;
      result.video = info;
      result.width = info.width;
      result.height = info.height;
      if (info.duration !== undefined) result.duration = info.duration;
      result.frames = foldConsecutiveDuplicates(frames);
      if (thumbFrame) {
        t = performance.now();
        const thumb = await thumbnailFromPixels(thumbFrame.pixels, thumbFrame.width, thumbFrame.height, 3, { maxSide: options.thumbnailSide });
        await stageThumb(thumb.bytes);
        timings.thumbnail += performance.now() - t;
      }
    } catch (e) {
      result.problems.push(decodeProblem(e));
    } finally {
      if (temp) await unlink(temp).catch(() => {});
    }
  }
  return result;
}
