import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PDQ_VECTORS, VPDQ_VECTORS, readReferenceCsv } from '../../media/testing/vectors.js';
import { registerMediaCommands } from './media.js';

const dir = mkdtempSync(join(tmpdir(), 'media-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function run(args: string[]): Promise<{ lines: Record<string, unknown>[]; exitCode: number }> {
  let text = '';
  const program = new Command('tessera').exitOverride();
  registerMediaCommands(program, { write: (s: string) => (text += s) });
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(['node', 'tessera', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) return { lines: [], exitCode: 2 };
    throw e;
  }
  const exitCode = typeof process.exitCode === 'number' ? process.exitCode : 0;
  return { lines: text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)), exitCode };
}

const img = (p: string) => join(PDQ_VECTORS, 'images', p);
const ref = new Map(readReferenceCsv().map((r) => [r.path, r]));

describe('tessera hash', () => {
  it('prints one JSON line per file, in order, goes on past a failure and exits 1', async () => {
    const bad = join(dir, 'bad.jpg');
    writeFileSync(bad, 'not a picture');
    const { lines, exitCode } = await run(['hash', img('bridge-mods/aaa-orig.jpg'), bad, img('reg-test-input/exif-rotn/exif-rotn-6.jpg')]);
    expect(exitCode).toBe(1);
    expect(lines).toHaveLength(3);
    expect(Object.keys(lines[0]!)).toEqual(['path', 'size', 'type', 'md5', 'sha1', 'sha256', 'width', 'height', 'pdq', 'quality', 'exif']);
    expect(lines[0]).toMatchObject({ type: 'jpeg', width: 1600, height: 1004, quality: 100 });
    expect(lines[1]).toEqual({ path: bad, error: expect.stringMatching(/not an image or video/) });
    expect(lines[2]).toMatchObject({ exif: { make: 'samsung', orientation: 6 } });
  });

  it('--dihedral adds the 8 hashes in the reference order', async () => {
    const { lines, exitCode } = await run(['hash', '--dihedral', img('bridge-mods/square-512x512.jpg')]);
    expect(exitCode).toBe(0);
    // A 512x512 file is hashed at native size, so our decoding meets the reference's buffer exactly.
    expect(lines[0]!.dihedral).toEqual(ref.get('bridge-mods/square-512x512.jpg')!.dihedral);
  });

  it('hashes a video into frames at the chosen rate', async () => {
    const { lines } = await run(['hash', '--fps', '2', join(VPDQ_VECTORS, 'sample-videos', 'doorknob-hd-no-bar.mp4')]);
    const v = lines[0] as { type: string; codec: string; duration: number; frames: { n: number; ts: number }[] };
    expect(v).toMatchObject({ type: 'mp4', codec: 'h264', width: 1280, height: 720 });
    expect(v.duration).toBeCloseTo(4, 0);
    expect(v.frames[1]!.n).toBe(15);
    expect(v.frames[1]!.ts).toBe(0.5);
  });

  it('rejects a bad option as a usage error (exit 2)', async () => {
    expect((await run(['hash', '--fps', 'fast', 'x.jpg'])).exitCode).toBe(2);
    expect((await run(['hash'])).exitCode).toBe(2);
  });
});

describe('tessera compare', () => {
  it('compares two files: an edit matches, a different picture does not', async () => {
    const same = await run(['compare', img('bridge-mods/aaa-orig.jpg'), img('bridge-mods/sharpen-a-lot.jpg')]);
    expect(same.lines[0]).toMatchObject({ kind: 'image', verdict: 'match' });
    const diff = await run(['compare', img('bridge-mods/aaa-orig.jpg'), img('reg-test-input/pen-and-coaster.png')]);
    expect(diff.lines[0]).toMatchObject({ kind: 'image', verdict: 'different' });
    expect(diff.lines[0]!.distance as number).toBeGreaterThan(31);
  });

  it('compares two hashes, and a rotated picture through --dihedral', async () => {
    const h = ref.get('bridge-mods/aaa-orig.jpg')!.hash;
    const { lines } = await run(['compare', h, h.toUpperCase()]);
    expect(lines[0]).toEqual({ a: h, b: h.toUpperCase(), kind: 'image', distance: 0, verdict: 'match' });
    const rot = await run(['compare', '--dihedral', img('reg-test-input/dih/bridge-1-original.jpg'), img('reg-test-input/dih/bridge-2-rotate-90.jpg')]);
    expect(rot.lines[0]).toMatchObject({ verdict: 'match', nearestOrientation: 'rot90' });
  });

  it('compares two videos', async () => {
    const v = (n: string) => join(VPDQ_VECTORS, 'sample-videos', `${n}.mp4`);
    const { lines } = await run(['compare', v('pattern-hd-no-bar'), v('doorknob-hd-no-bar')]);
    expect(lines[0]).toMatchObject({ kind: 'video', verdict: 'different' });
  });

  it('reports an unreadable side with exit 1', async () => {
    const { lines, exitCode } = await run(['compare', join(dir, 'missing.jpg'), 'f'.repeat(64)]);
    expect(exitCode).toBe(1);
    expect(lines[0]!.error).toMatch(/ENOENT/);
  });
});
