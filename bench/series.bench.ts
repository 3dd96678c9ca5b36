/**
 * npm run bench:series — the cost of series proposals (issue 9), each next to its baseline:
 *
 *   - near-duplicate grouping of N PDQ hashes in all eight orientations through the Hamming index, next to comparing
 *     every pair in every orientation (the baseline is timed on a sample of pairs and scaled to N²/2);
 *   - the crop pass over N small greyscale pictures (signature window, then correlation of the nearest few), next to
 *     correlating every pair (timed on a sample, scaled);
 *   - decoding a 256-pixel thumbnail into the small picture the crop pass uses (per item).
 *
 * Hashes are synthetic groups (a random hash and copies with up to 20 bits flipped, some mirrored) among unrelated
 * ones; the pictures are generated scenes and crops of them. Nothing is real imagery.
 *
 *   npm run bench:series [-- --hashes 10000,100000] [-- --pictures 2000]
 */
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { cropLinks, cropScore, tinyFromPixels, type CropCandidate } from '../src/cases/series-crop-links.js';
import { pdqOrientations } from '../src/cases/series-orientations.js';
import { computeProposals, pairwiseScores, type ProposalItem } from '../src/cases/series-proposals.js';
import { decodeImageForPdq } from '../src/media/decode-image.js';
import { hammingWords, hexToWords } from '../src/media/hash256.js';
import { rng, shapesSvg } from '../src/media/testing/images.js';

const { values: args } = parseArgs({ options: { hashes: { type: 'string', default: '10000,100000' }, pictures: { type: 'string', default: '2000' } } });

function randomHash(r: () => number): string {
  let s = '';
  for (let i = 0; i < 64; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

function flipBits(hex: string, r: () => number, n: number): string {
  const digits = hex.split('').map((c) => parseInt(c, 16));
  for (let i = 0; i < n; i++) {
    const bit = Math.floor(r() * 256);
    digits[bit >> 2] = digits[bit >> 2]! ^ (1 << (bit & 3));
  }
  return digits.map((d) => d.toString(16)).join('');
}

function hashCorpus(n: number): { items: ProposalItem[]; truth: Map<string, string> } {
  const r = rng(n);
  const items: ProposalItem[] = [];
  const truth = new Map<string, string>();
  let g = 0;
  while (items.length < n) {
    const base = randomHash(r);
    // Half the pictures belong to groups of 2-6 copies; the rest stand alone.
    const size = r() < 0.5 ? 2 + Math.floor(r() * 5) : 1;
    for (let k = 0; k < size && items.length < n; k++) {
      let h = k === 0 ? base : flipBits(base, r, Math.floor(r() * 21));
      if (k > 0 && r() < 0.2) h = pdqOrientations(h)[4]!; // a mirrored copy (estimated transform, as a stand-in)
      const id = `m${items.length}`;
      items.push({ mediaId: id, pdq: h, cameraSerial: null, tags: [], setSeries: [], seriesId: null });
      truth.set(id, `g${g}`);
    }
    g++;
  }
  return { items, truth };
}

function ms(v: number): string {
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(v < 10 ? 2 : 0)} ms`;
}

function hashes(n: number): void {
  const { items, truth } = hashCorpus(n);
  const t0 = performance.now();
  const proposals = computeProposals(items);
  const ours = performance.now() - t0;
  const score = pairwiseScores(proposals.map((p) => p.members), truth);

  // Baseline: every pair, every orientation of one side, on a sample of pairs.
  const words = items.map((it) => pdqOrientations(it.pdq!).map((h) => hexToWords(h)));
  const r = rng(7);
  const sample = 200_000;
  const t1 = performance.now();
  let near = 0;
  for (let s = 0; s < sample; s++) {
    const a = words[Math.floor(r() * n)]!;
    const b = words[Math.floor(r() * n)]![0]!;
    for (const o of a) if (hammingWords(o, b) <= 31) near++;
  }
  const perPair = (performance.now() - t1) / sample;
  const baseline = perPair * ((n * (n - 1)) / 2);
  console.log(
    `near-duplicate grouping, ${n.toLocaleString('en-GB')} hashes: ${ms(ours)} (index, 8 orientations; ${proposals.length} groups, pairwise precision ${(score.precision * 100).toFixed(1)} %, recall ${(score.recall * 100).toFixed(1)} %)` +
      ` | baseline all pairs x 8: ${ms(baseline)} (scaled from ${sample.toLocaleString('en-GB')} pairs, ${near >= 0 ? '' : ''}${(perPair * 1e6).toFixed(0)} ns a pair)`,
  );
}

async function pictures(n: number): Promise<void> {
  // n/4 scenes, each with a crop; the rest unrelated scenes.
  const scenes = Math.max(1, Math.floor(n / 4));
  const thumbs: Buffer[] = [];
  const truth = new Map<string, string>();
  for (let i = 0; i < n; i++) {
    const seed = i < 2 * scenes ? 10_000 + (i >> 1) : 20_000 + i;
    let img = sharp(Buffer.from(shapesSvg(320, 240, seed, 24)));
    if (i < 2 * scenes && i % 2 === 1) img = sharp(await img.png().toBuffer()).extract({ left: 24, top: 12, width: 270, height: 210 });
    thumbs.push(await img.resize(256, 256, { fit: 'inside' }).jpeg({ quality: 70 }).toBuffer());
    truth.set(`p${i}`, i < 2 * scenes ? `s${i >> 1}` : `u${i}`);
  }
  const t0 = performance.now();
  const items: CropCandidate[] = [];
  for (const [i, bytes] of thumbs.entries()) {
    const d = await decodeImageForPdq(bytes);
    items.push({ id: `p${i}`, group: `p${i}`, tiny: tinyFromPixels(d.pixels, d.width, d.height, d.channels) });
  }
  const decode = (performance.now() - t0) / n;
  const t1 = performance.now();
  const links = cropLinks(items, new Set(items.map((i) => i.id)));
  const ours = performance.now() - t1;
  const score = pairwiseScores(links.map((l) => [l.a, l.b]), truth);
  const r = rng(3);
  const sample = 300;
  const t2 = performance.now();
  for (let s = 0; s < sample; s++) {
    const a = items[Math.floor(r() * n)]!.tiny;
    const b = items[Math.floor(r() * n)]!.tiny;
    Math.max(cropScore(a, b), cropScore(b, a));
  }
  const perPair = (performance.now() - t2) / sample;
  console.log(
    `crop pass, ${n.toLocaleString('en-GB')} pictures: ${ms(ours)} (${links.length} links, pairwise precision ${(score.precision * 100).toFixed(1)} %, recall ${(score.recall * 100).toFixed(1)} %)` +
      ` | baseline all pairs: ${ms((perPair * n * (n - 1)) / 2)} (scaled, ${perPair.toFixed(2)} ms a pair)`,
  );
  console.log(`thumbnail decode to the crop pass's picture: ${decode.toFixed(2)} ms an item | baseline: none (the pass needs pixels; ingest keeps only the hash)`);
}

for (const n of args.hashes.split(',').map(Number)) hashes(n);
for (const n of args.pictures.split(',').map(Number)) await pictures(n);
