/**
 * `tessera hash FILE...` and `tessera compare A B`: thin faces over src/media. One JSON object per line so the
 * output pipes into jq or an import; a failing file prints {path, error} and the command goes on.
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { compareImages, compareVideos } from '../../media/compare.js';
import type { MediaHashResult } from '../../media/hash-file.js';
import { isHash256Hex } from '../../media/hash256.js';
import { HashPool, type HashOutcome } from '../../media/hash-pool.js';

interface Output {
  write(s: string): unknown;
}

function nonNegativeNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number >= 0`);
    return n;
  };
}

function positiveInt(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be an integer >= 1`);
    return n;
  };
}

/** The public shape of one hashed file (internal fields such as mime and frame rate stay out of the CLI contract). */
export function hashRecord(r: MediaHashResult, dihedral: boolean): Record<string, unknown> {
  const base = { path: r.path, size: r.size, type: r.type, md5: r.md5, sha1: r.sha1, sha256: r.sha256, width: r.width, height: r.height };
  if (r.kind === 'image') {
    return { ...base, pdq: r.pdq, quality: r.quality, ...(dihedral && r.dihedral ? { dihedral: r.dihedral } : {}), exif: r.exif };
  }
  return {
    ...base,
    duration: r.duration,
    codec: r.codec,
    ...(r.creationTime ? { creationTime: r.creationTime } : {}),
    frames: r.frames.map((f) => ({ n: f.n, ts: f.ts, pdq: f.pdq, quality: f.quality })),
  };
}

interface HashCliOptions {
  dihedral?: boolean;
  fps: number;
  jobs?: number;
  timeout: number;
}

export function registerMediaCommands(program: Command, out: Output = process.stdout): void {
  program
    .command('hash')
    .description('digests, PDQ (images) or vPDQ frames (videos) and metadata of files, one JSON object per line')
    .argument('<file...>', 'image or video files (type is detected from content)')
    .option('--dihedral', 'add the 8 dihedral PDQ hashes (original, rot90, rot180, rot270, flipX, flipY, flipPlus1, flipMinus1)')
    .option('--fps <n>', 'video frames hashed per second; 0 = every frame', nonNegativeNumber('--fps'), 1)
    .option('--jobs <n>', 'files hashed in parallel (default: number of cores)', positiveInt('--jobs'))
    .option('--timeout <seconds>', 'time limit per file', positiveInt('--timeout'), 300)
    .action(async (files: string[], opts: HashCliOptions) => {
      const pool = new HashPool({
        size: Math.min(files.length, opts.jobs ?? availableParallelism()),
        timeoutMs: opts.timeout * 1000,
        hash: { dihedral: !!opts.dihedral, fps: opts.fps, videoTimeoutMs: Math.max(1000, opts.timeout * 1000 - 2000) },
      });
      let failed = 0;
      try {
        // Start everything, print in input order as each result becomes available.
        const pending = files.map((f) => pool.hash(f));
        for (const p of pending) {
          const o: HashOutcome = await p;
          if (o.ok) out.write(`${JSON.stringify(hashRecord(o.result, !!opts.dihedral))}\n`);
          else {
            failed++;
            out.write(`${JSON.stringify({ path: o.path, error: o.error })}\n`);
          }
        }
      } finally {
        await pool.close();
      }
      if (failed > 0) process.exitCode = 1;
    });

  program
    .command('compare')
    .description('distance and verdict between two pictures or videos, given as files or as 64-hex PDQ hashes')
    .argument('<a>', 'file or PDQ hash')
    .argument('<b>', 'file or PDQ hash')
    .option('--dihedral', 'for pictures, compare every orientation of A with B and report the nearest')
    .option('--fps <n>', 'video frames hashed per second; 0 = every frame', nonNegativeNumber('--fps'), 1)
    .action(async (a: string, b: string, opts: { dihedral?: boolean; fps: number }) => {
      const files = [a, b].filter((x) => !isHash256Hex(x.toLowerCase()));
      const pool = files.length ? new HashPool({ size: files.length, hash: { dihedral: !!opts.dihedral, fps: opts.fps } }) : undefined;
      try {
        const sides = await Promise.all([a, b].map(async (x) => {
          if (isHash256Hex(x.toLowerCase())) return { ok: true as const, value: { kind: 'hash' as const, pdq: x.toLowerCase() } };
          const o = await pool!.hash(x);
          return o.ok ? { ok: true as const, value: o.result } : { ok: false as const, error: `${x}: ${o.error}` };
        }));
        const errors = sides.filter((s) => !s.ok).map((s) => (s.ok ? '' : s.error));
        if (errors.length) {
          out.write(`${JSON.stringify({ a, b, error: errors.join('; ') })}\n`);
          process.exitCode = 1;
          return;
        }
        const [x, y] = sides.map((s) => (s.ok ? s.value : undefined)) as [MediaHashResult | { kind: 'hash'; pdq: string }, MediaHashResult | { kind: 'hash'; pdq: string }];
        if (x.kind === 'video' && y.kind === 'video') {
          out.write(`${JSON.stringify({ a, b, ...compareVideos(x.frames, y.frames) })}\n`);
          return;
        }
        if (x.kind === 'video' || y.kind === 'video') {
          out.write(`${JSON.stringify({ a, b, error: 'cannot compare a video with a picture or a single hash' })}\n`);
          process.exitCode = 1;
          return;
        }
        const side = (s: typeof x) => (s.kind === 'image' ? { pdq: s.pdq, quality: s.quality, ...(s.dihedral ? { dihedral: s.dihedral } : {}) } : { pdq: s.pdq });
        out.write(`${JSON.stringify({ a, b, ...compareImages(side(x), side(y)) })}\n`);
      } finally {
        await pool?.close();
      }
    });
}
