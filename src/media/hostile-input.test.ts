import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HashPool } from './hash-pool.js';
import { writeHostileCorpus, writeSlowVideo } from './testing/hostile.js';
import { PDQ_VECTORS } from './testing/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
let files: Record<string, string>;
let slow: string;
let pool: HashPool;
const good = join(PDQ_VECTORS, 'images/bridge-mods/aaa-orig.jpg');

beforeAll(async () => {
  files = await writeHostileCorpus(dir);
  slow = writeSlowVideo(dir);
  pool = new HashPool({ size: 2, timeoutMs: 60_000 });
}, 120_000);
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile input through the hash pool', () => {
  it('gives a per-file error for every damaged, empty, bomb or non-media file, and keeps working', async () => {
    const names = Object.keys(files).sort();
    const outcomes = await pool.hashAll(names.map((n) => files[n]!));
    const errors: Record<string, string> = {};
    outcomes.forEach((o, i) => {
      expect(o.ok, `${names[i]} should fail`).toBe(false);
      if (!o.ok) errors[names[i]!] = o.error;
    });
    console.log(errors);
    expect(errors['bomb-100000x100000.png']).toMatch(/100000x100000.*over the limit/);
    expect(errors['empty.jpg']).toMatch(/empty/);
    expect(errors['not-media.jpg']).toMatch(/not an image or video/);
    expect(errors['truncated.jpg']).toMatch(/truncated|premature/i);
    const after = await pool.hash(good);
    expect(after.ok).toBe(true);
    expect(process.memoryUsage().rss).toBeLessThan(1024 ** 3);
  }, 120_000);

  it('stops a video whose decoding runs past the time limit', async () => {
    const o = await pool.hash(slow, { fps: 0, videoTimeoutMs: 1500 });
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.error).toMatch(/time limit/);
  }, 120_000);

  it('terminates a worker stuck past the pool time limit and replaces it', async () => {
    // The video's own limit is set far away, so only the pool's limit can stop this file.
    const strict = new HashPool({ size: 1, timeoutMs: 1500, hash: { fps: 0, videoTimeoutMs: 600_000 } });
    try {
      const o = await strict.hash(slow);
      expect(o).toMatchObject({ ok: false });
      if (!o.ok) expect(o.error).toMatch(/time limit of 1500 ms/);
      const next = await strict.hash(join(PDQ_VECTORS, 'images/misc-images/wee.jpg'));
      expect(next.ok).toBe(true);
    } finally {
      await strict.close();
    }
  }, 120_000);

  it('refuses pipes and missing files', async () => {
    expect(await pool.hash(join(dir, 'missing.jpg'))).toMatchObject({ ok: false, error: expect.stringMatching(/ENOENT/) });
    expect(await pool.hash(dir)).toMatchObject({ ok: false, error: expect.stringMatching(/not a regular file/) });
  });
});
