/**
 * Video probing and frame extraction through ffmpeg/ffprobe child processes — with decode-image, the only code that
 * runs a decoder. Every call has a time limit and kills its child when it passes (a crafted file can stall a
 * decoder forever); frames are streamed, never buffered whole.
 */
import { spawn, spawnSync } from 'node:child_process';

export class FfmpegMissingError extends Error {
  constructor(tool: string) {
    super(`${tool} was not found: install it (Debian: apt-get install ffmpeg) or set ${tool === 'ffprobe' ? 'FFPROBE_PATH' : 'FFMPEG_PATH'} to its path`);
    this.name = 'FfmpegMissingError';
  }
}

export class VideoDecodeError extends Error {
  constructor(message: string, readonly code: 'timeout' | 'corrupt' | 'no-video' | 'too-many-pixels') {
    super(message);
    this.name = 'VideoDecodeError';
  }
}

export const DEFAULT_VIDEO_TIMEOUT_MS = 120_000;
/** Frames larger than this are refused (8K UHD is 33 Mpx). */
export const MAX_FRAME_PIXELS = 40_000_000;

const found = new Map<string, string>();

/** Resolves ffmpeg/ffprobe (env override, else PATH) once; throws FfmpegMissingError with what to do. */
export function resolveTool(tool: 'ffmpeg' | 'ffprobe'): string {
  const candidate = (tool === 'ffmpeg' ? process.env.FFMPEG_PATH : process.env.FFPROBE_PATH) || tool;
  const cached = found.get(candidate);
  if (cached) return cached;
  const r = spawnSync(candidate, ['-version'], { stdio: 'ignore', timeout: 10_000 });
  if (r.error || r.status !== 0) throw new FfmpegMissingError(tool);
  found.set(candidate, candidate);
  return candidate;
}

export interface VideoInfo {
  /** Seconds. */
  duration?: number;
  codec: string;
  width: number;
  height: number;
  /** Frames per second (avg_frame_rate, else r_frame_rate). */
  frameRate: number;
  frameCount?: number;
  /** Container creation time as stored (ISO 8601, usually UTC "Z"). */
  creationTime?: string;
  container?: string;
}

function parseRate(r: unknown): number {
  if (typeof r !== 'string') return 0;
  const [a, b] = r.split('/').map(Number);
  if (!a || !Number.isFinite(a)) return 0;
  return b ? a / b : a;
}

function run(cmd: string, args: string[], timeoutMs: number, onStdout?: (chunk: Buffer) => void): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let failure: unknown;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      if (failure) return;
      if (onStdout) {
        try {
          onStdout(c);
        } catch (e) {
          failure = e;
          child.kill('SIGKILL');
        }
      } else if (stdout.length < 4 << 20) stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      if (stderr.length < 16384) stderr += c.toString('utf8');
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (timedOut) reject(new VideoDecodeError(`${cmd} exceeded the time limit of ${timeoutMs} ms and was stopped`, 'timeout'));
      else if (code !== 0) reject(new VideoDecodeError(`${cmd} failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${code}`}`, 'corrupt'));
      else resolve({ stdout, stderr });
    });
  });
}

/** Container and first video stream facts of an untrusted file (ffprobe, time-limited). */
export async function probeVideo(path: string, timeoutMs = 30_000): Promise<VideoInfo> {
  const ffprobe = resolveTool('ffprobe');
  const { stdout } = await run(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'v:0', '--', path], timeoutMs);
  let j: { streams?: Record<string, unknown>[]; format?: Record<string, unknown> };
  try {
    j = JSON.parse(stdout);
  } catch {
    throw new VideoDecodeError('ffprobe gave no readable answer', 'corrupt');
  }
  const s = j.streams?.[0];
  if (!s) throw new VideoDecodeError('no video stream', 'no-video');
  const width = Number(s.width);
  const height = Number(s.height);
  if (!(width > 0 && height > 0)) throw new VideoDecodeError('video stream has no dimensions', 'corrupt');
  if (width * height > MAX_FRAME_PIXELS) throw new VideoDecodeError(`video frames of ${width}x${height} exceed the pixel limit`, 'too-many-pixels');
  const fmt = j.format ?? {};
  const duration = Number(fmt.duration ?? s.duration);
  const frameRate = parseRate(s.avg_frame_rate) || parseRate(s.r_frame_rate);
  const tags = { ...((fmt.tags as Record<string, string> | undefined) ?? {}), ...((s.tags as Record<string, string> | undefined) ?? {}) };
  const nb = Number(s.nb_frames);
  return {
    ...(Number.isFinite(duration) ? { duration } : {}),
    codec: String(s.codec_name ?? 'unknown'),
    width,
    height,
    frameRate,
    ...(Number.isFinite(nb) && nb > 0 ? { frameCount: nb } : {}),
    ...(tags.creation_time ? { creationTime: String(tags.creation_time) } : {}),
    ...(fmt.format_name ? { container: String(fmt.format_name) } : {}),
  };
}

export interface FrameOptions {
  /** Frames hashed per second of video (default 1); 0 = every frame. Frame n is taken when n % floor(rate/fps) = 0. */
  fps?: number;
  timeoutMs?: number;
  /** Stop after this many output frames (a bound on work for absurdly long files). */
  maxFrames?: number;
  /** Downscale each frame to size x size (area filter, aspect not kept) before hashing, as vPDQ's `-s`. */
  size?: number;
}

export interface RawFrame {
  /** 0-based decoded frame number. */
  n: number;
  /** Seconds: n / frame rate, as the reference computes it. */
  ts: number;
  pixels: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decodes frames of the first video stream as RGB24 at native size (no autorotation, like the reference) and hands
 * each selected frame to `onFrame` synchronously (the pixel buffer is reused afterwards). Resolves with the info.
 */
export async function readVideoFrames(path: string, options: FrameOptions, onFrame: (f: RawFrame) => void): Promise<VideoInfo> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VIDEO_TIMEOUT_MS;
  const started = Date.now();
  const info = await probeVideo(path, timeoutMs);
  const ffmpeg = resolveTool('ffmpeg');
  const fps = options.fps ?? 1;
  const rate = info.frameRate || 25;
  const frameMod = fps > 0 ? Math.max(1, Math.trunc(rate / fps)) : 1;
  const width = options.size ?? info.width;
  const height = options.size ?? info.height;
  const frameBytes = width * height * 3;
  const buf = new Uint8Array(frameBytes);
  let filled = 0;
  let outIndex = 0;
  const maxFrames = options.maxFrames ?? Number.POSITIVE_INFINITY;
  const args = ['-nostdin', '-v', 'error', '-noautorotate', '-i', path, '-map', '0:v:0', '-an', '-sn', '-dn'];
  if (frameMod > 1) args.push('-vf', `select=not(mod(n\\,${frameMod}))`);
  if (options.size) args.push('-s', `${options.size}x${options.size}`);
  args.push('-fps_mode', 'passthrough', '-sws_flags', 'area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  class Done extends Error {}
  try {
    await run(ffmpeg, args, Math.max(1000, timeoutMs - (Date.now() - started)), (chunk) => {
      let at = 0;
      while (at < chunk.length) {
        const take = Math.min(chunk.length - at, frameBytes - filled);
        buf.set(chunk.subarray(at, at + take), filled);
        filled += take;
        at += take;
        if (filled === frameBytes) {
          const n = outIndex * frameMod;
          onFrame({ n, ts: n / rate, pixels: buf, width, height });
          filled = 0;
          outIndex++;
          if (outIndex >= maxFrames) throw new Done();
        }
      }
    });
  } catch (e) {
    if (!(e instanceof Done)) throw e;
  }
  if (outIndex === 0) throw new VideoDecodeError('no frame could be decoded', 'corrupt');
  return info;
}
