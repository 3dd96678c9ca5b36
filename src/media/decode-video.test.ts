import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeVideo, readVideoFrames } from './decode-video.js';

const dir = mkdtempSync(join(tmpdir(), 'video-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function makeVideo(name: string, args: string[]): string {
  const p = join(dir, name);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=3', ...args, p]);
  return p;
}

describe('video probing', () => {
  it('reads duration, codec, dimensions, frame rate and the stored creation time', async () => {
    const p = makeVideo('meta.mp4', ['-c:v', 'libx264', '-preset', 'ultrafast', '-metadata', 'creation_time=2021-03-04T05:06:07Z']);
    const info = await probeVideo(p);
    expect(info).toMatchObject({ codec: 'h264', width: 320, height: 240, frameRate: 25 });
    expect(info.duration).toBeCloseTo(3, 1);
    expect(info.creationTime).toMatch(/^2021-03-04T05:06:07(\.0+)?Z$/);
  });

  it('samples frames at the requested rate with reference frame numbers and timestamps', async () => {
    const p = makeVideo('rate.mkv', ['-c:v', 'ffv1']);
    const seen: { n: number; ts: number; w: number; bytes: number }[] = [];
    await readVideoFrames(p, { fps: 2 }, (f) => seen.push({ n: f.n, ts: f.ts, w: f.width, bytes: f.pixels.length }));
    expect(seen.map((f) => f.n)).toEqual([0, 12, 24, 36, 48, 60, 72]);
    expect(seen[1]!.ts).toBeCloseTo(0.48, 6);
    expect(seen[0]).toMatchObject({ w: 320, bytes: 320 * 240 * 3 });
    const every: number[] = [];
    await readVideoFrames(p, { fps: 0, maxFrames: 10 }, (f) => every.push(f.n));
    expect(every).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a file with no video stream and garbage', async () => {
    const audio = join(dir, 'a.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', audio]);
    await expect(probeVideo(audio)).rejects.toMatchObject({ code: 'no-video' });
    const junk = join(dir, 'junk.mp4');
    writeFileSync(junk, Buffer.alloc(5000, 0x42));
    await expect(probeVideo(junk)).rejects.toMatchObject({ code: 'corrupt' });
  });
});
