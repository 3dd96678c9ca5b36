/**
 * Media benchmarks: `npm run bench:media` (add `-- --quick` for a short run).
 *
 * 1. Hashing throughput of the full pipeline (digests + decode + PDQ + metadata) on generated 12-megapixel JPEGs,
 *    1 and 2 workers, next to full-resolution sharp decoding of the same files (the baseline).
 * 2. The Hamming index at 1 M and 10 M hashes, random and clustered: queries/s at radius 31 next to brute force in
 *    the same process, with the exactness of the index checked against brute force on the sampled queries.
 * Each configuration runs in its own child process so that its peak RSS is its own. Throughput is given per
 * wall-clock second and per CPU second: the machine is shared, and CPU time is what a core costs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { HammingIndex } from '../src/media/hamming-index.js';
import { HashPool } from '../src/media/hash-pool.js';
import { noisyJpeg, rng } from '../src/media/testing/images.js';

const SELF = fileURLToPath(import.meta.url);
const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
/** Peak RSS of this process (VmHWM: getrusage's maxRSS would carry the parent's peak across exec on Linux). */
const maxRssMb = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
};

interface Figures {
  [k: string]: number | string | boolean;
}

function report(f: Figures): void {
  process.stdout.write(`RESULT ${JSON.stringify(f)}\n`);
}

// ---------- children ----------

async function childPipeline(dir: string, workers: number, count: number): Promise<void> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, count).map((f) => join(dir, f));
  const pool = new HashPool({ size: workers });
  await pool.hashAll(files.slice(0, workers * 2)); // warm-up: worker start-up and JIT
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const outcomes = await pool.hashAll(files);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  await pool.close();
  const failed = outcomes.filter((o) => !o.ok).length;
  report({ images: files.length, failed, wall, cpu, perSecond: files.length / wall, perCpuSecond: files.length / cpu, maxRssMb: maxRssMb() });
}

async function childDecode(dir: string, parallel: number, count: number): Promise<void> {
  sharp.concurrency(1);
  sharp.cache(false);
  const files = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, count).map((f) => join(dir, f));
  const decode = (f: string) => sharp(f).raw().toBuffer();
  await decode(files[0]!);
  const c0 = cpuSeconds();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < files.length) await decode(files[next++]!);
  }));
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;
  report({ images: files.length, wall, cpu, perSecond: files.length / wall, perCpuSecond: files.length / cpu, maxRssMb: maxRssMb() });
}

function flipBits(h: Uint32Array, bits: number, r: () => number): void {
  for (let i = 0; i < bits; i++) {
    const b = Math.floor(r() * 256);
    h[b >>> 5]! ^= 1 << (b & 31);
  }
}

function childIndex(n: number, kind: 'random' | 'clustered', queries: number, bruteQueries: number): void {
  const r = rng(kind === 'random' ? 11 : 12);
  const idx = new HammingIndex();
  const centres = kind === 'clustered' ? Array.from({ length: Math.max(1, Math.floor(n / 100)) }, () => Uint32Array.from({ length: 8 }, () => (r() * 4294967296) >>> 0)) : [];
  const chunk = 1 << 20;
  const t0 = performance.now();
  const h = new Uint32Array(8);
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const words = new Uint32Array(m * 8);
    for (let i = 0; i < m; i++) {
      if (kind === 'random') {
        for (let k = 0; k < 8; k++) words[i * 8 + k] = (r() * 4294967296) >>> 0;
      } else {
        // Clusters of ~100 near-duplicates (0-40 bits from their centre), like series of edited copies.
        h.set(centres[Math.floor(r() * centres.length)]!);
        flipBits(h, Math.floor(r() * 41), r);
        words.set(h, i * 8);
      }
    }
    idx.addMany(Uint32Array.from({ length: m }, (_, i) => start + i), words, { deferMerge: true });
  }
  idx.merge();
  const buildS = (performance.now() - t0) / 1000;
  const rssAfterBuild = process.memoryUsage().rss / 2 ** 20;
  // Queries: near-duplicates of stored hashes (0-24 bits flipped) and a quarter of unrelated hashes (misses).
  const qs: Uint32Array[] = [];
  for (let i = 0; i < queries; i++) {
    if (i % 4 === 3) {
      qs.push(Uint32Array.from({ length: 8 }, () => (r() * 4294967296) >>> 0));
    } else {
      const q = idx.get(Math.floor(r() * n))!;
      flipBits(q, Math.floor(r() * 25), r);
      qs.push(q);
    }
  }
  idx.search(qs[0]!, 31);
  let hits = 0;
  const c0 = cpuSeconds();
  const t1 = performance.now();
  for (const q of qs) hits += idx.search(q, 31).length;
  const wall = (performance.now() - t1) / 1000;
  const cpu = cpuSeconds() - c0;
  const c2 = cpuSeconds();
  const t3 = performance.now();
  const many = idx.searchMany(qs, 31);
  const manyWall = (performance.now() - t3) / 1000;
  const manyCpu = cpuSeconds() - c2;
  let batchSame = true;
  qs.forEach((q, i) => {
    if (JSON.stringify(many[i]) !== JSON.stringify(idx.search(q, 31))) batchSame = false;
  });
  let exact = true;
  const c1 = cpuSeconds();
  const t2 = performance.now();
  const brute = qs.slice(0, bruteQueries).map((q) => idx.searchBrute(q, 31));
  const bruteWall = (performance.now() - t2) / 1000;
  const bruteCpu = cpuSeconds() - c1;
  for (let i = 0; i < brute.length; i++) {
    const a = idx.search(qs[i]!, 31);
    if (JSON.stringify(a) !== JSON.stringify(brute[i])) exact = false;
  }
  report({
    n, kind, queries, buildS, hitsPerQuery: hits / queries,
    perSecond: queries / wall, perCpuSecond: queries / cpu,
    batchPerSecond: queries / manyWall, batchPerCpuSecond: queries / manyCpu, batchSame,
    brutePerSecond: bruteQueries / bruteWall, brutePerCpuSecond: bruteQueries / bruteCpu, bruteQueries, exact,
    rssAfterBuildMb: rssAfterBuild, maxRssMb: maxRssMb(),
  });
}

// ---------- parent ----------

function runChild(args: string[]): Figures {
  const r = spawnSync(process.execPath, [...process.execArgv, SELF, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) throw new Error(`benchmark child ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(line.slice(7)) as Figures;
}

async function ensureImages(count: number): Promise<string> {
  const dir = join(tmpdir(), 'tessera-bench-media', 'jpeg-4000x3000-noise10-q90');
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const file = join(dir, `img-${String(i).padStart(4, '0')}.jpg`);
    if (existsSync(file)) continue;
    if (i % 20 === 0) process.stderr.write(`generating 12 MP JPEGs ${i}/${count} (cached in ${dir})\n`);
    writeFileSync(file, await noisyJpeg(4000, 3000, 1000 + i, 90, 10));
  }
  return dir;
}

const fmt = (x: unknown, d = 1) => (typeof x === 'number' ? x.toFixed(d) : String(x));

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const flag = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const only = flag('--only');
  const images = quick ? 30 : 200;
  const indexSizes = flag('--sizes')?.split(',').map(Number) ?? (quick ? [1_000_000] : [1_000_000, 10_000_000]);
  const queries = quick ? 300 : 2000;
  console.log(`# Media benchmarks (${quick ? 'quick' : 'full'} run, ${availableParallelism()} cores, Node ${process.version})\n`);

  if (only !== 'index') await benchImages(images);
  if (only !== 'images') benchIndex(indexSizes, queries, quick);
}

async function benchImages(images: number): Promise<void> {
  const dir = await ensureImages(images);
  const bytes = readdirSync(dir).slice(0, images).length;
  console.log(`## Hashing ${bytes} generated 12-megapixel JPEGs (4000x3000, shapes + noise, quality 90)\n`);
  console.log('| what | workers | images/s (wall) | images per CPU-second | peak RSS MB |');
  console.log('|---|---|---|---|---|');
  for (const w of [1, 2]) {
    const p = runChild(['pipeline', dir, String(w), String(images)]);
    console.log(`| full pipeline: digests + decode + PDQ + EXIF | ${w} | ${fmt(p.perSecond)} | ${fmt(p.perCpuSecond)} | ${fmt(p.maxRssMb, 0)} |`);
    const b = runChild(['decode', dir, String(w), String(images)]);
    console.log(`| baseline: full-resolution sharp decode only | ${w} | ${fmt(b.perSecond)} | ${fmt(b.perCpuSecond)} | ${fmt(b.maxRssMb, 0)} |`);
  }
}

function benchIndex(indexSizes: number[], queries: number, quick: boolean): void {
  console.log('\n## Hamming index, radius 31 (exact), one core\n');
  console.log('| hashes | data | search: q/s (wall) | search: q per CPU-s | searchMany: q/s (wall) | searchMany: q per CPU-s | brute force q/s (wall) | brute per CPU-s | exact vs brute | hits/query | build s | RSS after build MB | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const n of indexSizes) {
    for (const kind of ['random', 'clustered'] as const) {
      const brute = n >= 10_000_000 ? (quick ? 5 : 20) : quick ? 20 : 50;
      const f = runChild(['index', String(n), kind, String(queries), String(brute)]);
      console.log(`| ${n.toLocaleString('en')} | ${kind} | ${fmt(f.perSecond, 0)} | ${fmt(f.perCpuSecond, 0)} | ${fmt(f.batchPerSecond, 0)} | ${fmt(f.batchPerCpuSecond, 0)}${f.batchSame ? '' : ' (DIFFERS)'} | ${fmt(f.brutePerSecond, 1)} | ${fmt(f.brutePerCpuSecond, 1)} | ${f.exact ? `yes (${f.bruteQueries} queries)` : 'NO'} | ${fmt(f.hitsPerQuery, 1)} | ${fmt(f.buildS, 1)} | ${fmt(f.rssAfterBuildMb, 0)} | ${fmt(f.maxRssMb, 0)} |`);
    }
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [mode, a, b, c, d] = argv.slice(1);
  if (mode === 'pipeline') await childPipeline(a!, Number(b), Number(c));
  else if (mode === 'decode') await childDecode(a!, Number(b), Number(c));
  else if (mode === 'index') childIndex(Number(a), b as 'random' | 'clustered', Number(c), Number(d));
} else {
  await main();
}
