import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FfmpegMissingError, readVideoFrames, resolveTool } from './decode-video.js';
import { hamming } from './hash256.js';
import { pdqFromPixels } from './pdq.js';
import { VPDQ_VECTORS, readVpdqHashes } from './testing/vectors.js';
import { foldConsecutiveDuplicates, matchVpdq, type VpdqFrame } from './vpdq.js';

const videos = readdirSync(join(VPDQ_VECTORS, 'sample-videos')).filter((f) => f.endsWith('.mp4')).map((f) => f.slice(0, -4)).sort();
/** Videos that have reference hashes of 128x128 frames. */
const videos128 = videos.filter((v) => existsSync(join(VPDQ_VECTORS, 'sample-hashes', `${v}-128x128.txt`)));
const tmp = mkdtempSync(join(tmpdir(), 'vpdq-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function hashVideo(name: string, options: { fps: number; size?: number }): Promise<VpdqFrame[]> {
  const frames: VpdqFrame[] = [];
  await readVideoFrames(join(VPDQ_VECTORS, 'sample-videos', `${name}.mp4`), options, (f) => {
    const r = pdqFromPixels(f.pixels, f.width, f.height, 3);
    frames.push({ n: f.n, ts: f.ts, pdq: r.hash, quality: r.quality });
  });
  return frames;
}

function compare(ours: VpdqFrame[], ref: VpdqFrame[]) {
  let exact = 0;
  let sum = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = hamming(ours[i]!.pdq, ref[i]!.pdq);
    if (d === 0) exact++;
    sum += d;
  }
  return { exact, mean: sum / ref.length };
}

/** The C++ vPDQ built against this same Debian ffmpeg: what "as close as the reference gets" means. */
function regtest(): Map<string, { exact: number; mean: number }> {
  const lines = readFileSync(join(VPDQ_VECTORS, 'measured-vpdq-regtest.csv'), 'utf8').trim().split('\n').slice(1);
  return new Map(lines.map((l) => {
    const c = l.split(',');
    return [c[0]!.replace('.txt', ''), { exact: Number(c[3]), mean: Number(c[4]) }];
  }));
}

describe('vPDQ against the reference sample hashes (every frame, native size)', () => {
  const reg = regtest();
  it.each(['pattern-sd-grey-bar', 'test-padded-dimensions'])('%s: frame numbers, timestamps and hashes as close as the C++ tool on this ffmpeg', async (name) => {
    const ours = await hashVideo(name, { fps: 0 });
    const ref = readVpdqHashes(join(VPDQ_VECTORS, 'sample-hashes', `${name}.txt`));
    expect(ours.length).toBe(ref.length);
    expect(ours.map((f) => f.n)).toEqual(ref.map((f) => f.n));
    expect(ours.map((f) => f.ts.toFixed(3))).toEqual(ref.map((f) => f.ts.toFixed(3)));
    const { exact, mean } = compare(ours, ref);
    console.log(`${name}: ${exact}/${ref.length} frames bit-exact, mean distance ${mean.toFixed(2)}`);
    expect(exact).toBeGreaterThanOrEqual(reg.get(name)!.exact);
    expect(mean).toBeLessThanOrEqual(reg.get(name)!.mean + 0.05);
  }, 180_000);
});

describe('vPDQ verdicts on the sample videos (every frame at 128x128)', () => {
  it('variants of one clip match, different clips do not — as with the reference hashes', async () => {
    const ours: Record<string, VpdqFrame[]> = {};
    const ref: Record<string, VpdqFrame[]> = {};
    const report: string[] = [];
    expect(videos128.length).toBeGreaterThanOrEqual(12);
    for (const name of videos128) {
      ours[name] = await hashVideo(name, { fps: 0, size: 128 });
      ref[name] = readVpdqHashes(join(VPDQ_VECTORS, 'sample-hashes', `${name}-128x128.txt`));
      const { exact, mean } = compare(ours[name]!, ref[name]!);
      report.push(`${name}: ${exact}/${ref[name]!.length} bit-exact, mean ${mean.toFixed(2)}`);
    }
    console.log(report.join('\n'));
    const verdicts: string[] = [];
    for (const a of videos128) {
      for (const b of videos128) {
        const mine = matchVpdq(ours[a]!, ours[b]!).match;
        expect(mine, `${a} vs ${b}`).toBe(matchVpdq(ref[a]!, ref[b]!).match);
        if (mine && a < b) verdicts.push(`${a} ~ ${b}`);
      }
    }
    console.log(`matching pairs:\n${verdicts.join('\n')}`);
    const m = (a: string, b: string) => matchVpdq(ours[a]!, ours[b]!).match;
    expect(m('chair-19-sd-bar', 'chair-22-sd-grey-bar')).toBe(true);
    expect(m('chair-22-sd-sepia-bar', 'chair-orig-22-sd-bar')).toBe(true);
    expect(m('pattern-longer-no-bar', 'pattern-hd-no-bar')).toBe(true);
    expect(m('pattern-sd-grey-bar', 'pattern-sd-with-small-logo-bar')).toBe(true);
    expect(m('doorknob-hd-no-bar', 'pattern-hd-no-bar')).toBe(false);
    expect(m('chair-orig-22-sd-bar', 'pattern-sd-grey-bar')).toBe(false);
  }, 300_000);
});

describe('vPDQ matching rule', () => {
  const f = (pdq: string, quality = 100): VpdqFrame => ({ n: 0, ts: 0, pdq, quality });
  const a = '0'.repeat(64);
  const at = (bits: number) => (BigInt(2) ** BigInt(bits) - BigInt(1)).toString(16).padStart(64, '0');

  it('counts a frame within 31 (inclusive) and not one at 32', () => {
    expect(matchVpdq([f(a)], [f(at(31))]).match).toBe(true);
    expect(matchVpdq([f(a)], [f(at(32))]).match).toBe(false);
  });

  it('ignores frames under quality 50 and repeated frames', () => {
    expect(matchVpdq([f(a), f(at(100), 49)], [f(a)]).queryMatchPercent).toBe(100);
    expect(matchVpdq([f(a), f(a), f(a), f(at(100))], [f(a)]).queryMatchPercent).toBe(50);
    expect(matchVpdq([f(a, 10)], [f(a, 10)]).match).toBe(false);
  });

  it('folds consecutive duplicate frames only', () => {
    expect(foldConsecutiveDuplicates([f(a), f(a), f(at(3)), f(a)]).map((x) => x.pdq)).toEqual([a, at(3), a]);
  });
});

describe('ffmpeg failures', () => {
  it('says clearly when ffmpeg is missing', () => {
    const saved = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = '/nonexistent/ffmpeg';
    try {
      expect(() => resolveTool('ffmpeg')).toThrow(FfmpegMissingError);
      expect(() => resolveTool('ffmpeg')).toThrow(/apt-get install ffmpeg/);
    } finally {
      if (saved === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = saved;
    }
  });

  it('stops a decoder that stalls (a pipe that never delivers the rest of the file) at the time limit', async () => {
    const fifo = join(tmp, 'stall.mp4');
    execFileSync('mkfifo', [fifo]);
    // A writer that sends the first bytes of a real video and then holds the pipe open forever.
    const head = readFileSync(join(VPDQ_VECTORS, 'sample-videos', 'test-padded-dimensions.mp4')).subarray(0, 4096);
    const writer = spawn('sh', ['-c', `cat > "${fifo}"; sleep 60`], { stdio: ['pipe', 'ignore', 'ignore'] });
    writer.stdin.write(head);
    const started = Date.now();
    try {
      await expect(readVideoFrames(fifo, { fps: 1, timeoutMs: 1500 }, () => {})).rejects.toMatchObject({ code: 'timeout' });
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      writer.kill('SIGKILL');
    }
  });
});
