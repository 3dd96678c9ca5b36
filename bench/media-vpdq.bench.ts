/**
 * vPDQ against Meta's sample hashes, every frame at native size: `npx tsx bench/media-vpdq.bench.ts`.
 * Prints, per sample video, the share of frames whose hash is bit-exact and the mean/max distance, next to what
 * Meta's C++ vPDQ achieves when built against the same Debian ffmpeg (shared/vectors/vpdq/measured-vpdq-regtest.csv):
 * decoder versions move frame hashes by a few bits, so that is the figure to compare with.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readVideoFrames } from '../src/media/decode-video.js';
import { hamming } from '../src/media/hash256.js';
import { pdqFromPixels } from '../src/media/pdq.js';
import { VPDQ_VECTORS, readVpdqHashes } from '../src/media/testing/vectors.js';

const regtest = new Map(
  readFileSync(join(VPDQ_VECTORS, 'measured-vpdq-regtest.csv'), 'utf8').trim().split('\n').slice(1).map((l) => {
    const c = l.split(',');
    return [c[0]!.replace('.txt', ''), { exact: Number(c[3]), frames: Number(c[2]), mean: Number(c[4]), max: Number(c[5]) }];
  }),
);
const videos = readdirSync(join(VPDQ_VECTORS, 'sample-videos')).filter((f) => f.endsWith('.mp4')).map((f) => f.slice(0, -4)).sort();

console.log('| video | frames | bit-exact (ours) | mean / max distance (ours) | bit-exact (C++ on same ffmpeg) | mean / max (C++) | frames > 31 (ours) |');
console.log('|---|---|---|---|---|---|---|');
let totalFrames = 0;
let totalExact = 0;
for (const name of videos) {
  const ref = readVpdqHashes(join(VPDQ_VECTORS, 'sample-hashes', `${name}.txt`));
  const ours: string[] = [];
  await readVideoFrames(join(VPDQ_VECTORS, 'sample-videos', `${name}.mp4`), { fps: 0 }, (f) => {
    ours.push(pdqFromPixels(f.pixels, f.width, f.height, 3).hash);
  });
  let exact = 0;
  let sum = 0;
  let max = 0;
  let over = 0;
  ref.forEach((r, i) => {
    const d = ours[i] ? hamming(ours[i]!, r.pdq) : 256;
    if (d === 0) exact++;
    if (d > 31) over++;
    sum += d;
    max = Math.max(max, d);
  });
  totalFrames += ref.length;
  totalExact += exact;
  const c = regtest.get(name);
  const pct = (x: number, n: number) => `${x}/${n} (${((100 * x) / n).toFixed(0)} %)`;
  console.log(`| ${name} | ${ours.length}/${ref.length} | ${pct(exact, ref.length)} | ${(sum / ref.length).toFixed(2)} / ${max} | ${c ? pct(c.exact, c.frames) : '-'} | ${c ? `${c.mean.toFixed(2)} / ${c.max}` : '-'} | ${over} |`);
}
console.log(`\nall videos: ${totalExact}/${totalFrames} frames bit-exact (${((100 * totalExact) / totalFrames).toFixed(1)} %)`);
