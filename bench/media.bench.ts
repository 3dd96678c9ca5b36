/**
 * Media benchmarks: `npm run bench:media` (add `-- --quick` for a short run).
 *
 * 1. Hashing throughput of the full pipeline (digests + decode + PDQ + metadata) on generated 12-megapixel JPEGs,
 *    1 and 2 workers, next to full-resolution sharp decoding of the same files (the baseline).
 * 2. The Hamming index at 1 M and 10 M hashes, random and clustered: queries/s at radius 31 next to brute force in
 *    the same process, with the exactness of the index checked against brute force on the sampled queries; other
 *    radii; save and load of the largest. `--hugepages` repeats the index runs with transparent huge pages.
 * 3. PDQ alone (`--only pdq`): CPU time per picture of the WebAssembly kernels next to the former pure-JavaScript
 *    implementation (bench/baseline/pdq-js.ts), after checking that both give identical results on many sizes.
 * Each configuration runs in its own child process so that its peak RSS is its own. Throughput is given per
 * wall-clock second and per CPU second: the machine is shared, and CPU time is what a core costs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { HammingIndex } from '../src/media/hamming-index.js';
import { HashPool } from '../src/media/hash-pool.js';
import { pdqDihedralFromPixels, pdqFromPixels } from '../src/media/pdq.js';
import { noisyJpeg, rng } from '../src/media/testing/images.js';
import * as pdqJs from './baseline/pdq-js.js';

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

/** The benchmark's data: random hashes, or clusters of ~100 near-duplicates (0-40 bits from n/100 centres). */
function buildIndex(n: number, kind: 'random' | 'clustered', r: () => number): HammingIndex {
  const idx = new HammingIndex();
  const centres = kind === 'clustered' ? Array.from({ length: Math.max(1, Math.floor(n / 100)) }, () => Uint32Array.from({ length: 8 }, () => (r() * 4294967296) >>> 0)) : [];
  const chunk = 1 << 20;
  const h = new Uint32Array(8);
  for (let start = 0; start < n; start += chunk) {
    const m = Math.min(chunk, n - start);
    const words = new Uint32Array(m * 8);
    for (let i = 0; i < m; i++) {
      if (kind === 'random') {
        for (let k = 0; k < 8; k++) words[i * 8 + k] = (r() * 4294967296) >>> 0;
      } else {
        h.set(centres[Math.floor(r() * centres.length)]!);
        flipBits(h, Math.floor(r() * 41), r);
        words.set(h, i * 8);
      }
    }
    idx.addMany(Uint32Array.from({ length: m }, (_, i) => start + i), words, { deferMerge: true });
  }
  return idx;
}

/** Queries: near-duplicates of stored hashes (0-24 bits flipped) and a quarter of unrelated hashes (misses). */
function makeQueries(idx: HammingIndex, n: number, count: number, r: () => number): Uint32Array[] {
  const qs: Uint32Array[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 4 === 3) {
      qs.push(Uint32Array.from({ length: 8 }, () => (r() * 4294967296) >>> 0));
    } else {
      const q = idx.get(Math.floor(r() * n))!;
      flipBits(q, Math.floor(r() * 25), r);
      qs.push(q);
    }
  }
  return qs;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function childIndex(n: number, kind: 'random' | 'clustered', queries: number, bruteQueries: number, radii: number[], saveTo: string | undefined): void {
  const r = rng(kind === 'random' ? 11 : 12);
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const idx = buildIndex(n, kind, r);
  idx.merge();
  const buildS = (performance.now() - t0) / 1000;
  const buildCpuS = cpuSeconds() - c0;
  const rssAfterBuild = process.memoryUsage().rss / 2 ** 20;
  const qs = makeQueries(idx, n, queries, r);
  for (const q of qs.slice(0, 20)) idx.search(q, 31);

  let hits = 0;
  let c = cpuSeconds();
  let t = performance.now();
  for (const q of qs) hits += idx.search(q, 31).length;
  const wall = (performance.now() - t) / 1000;
  const cpu = cpuSeconds() - c;

  c = cpuSeconds();
  const many = idx.searchMany(qs, 31);
  const manyCpu = cpuSeconds() - c;
  const batchSame = qs.every((q, i) => same(many[i], idx.search(q, 31)));

  c = cpuSeconds();
  t = performance.now();
  const brute = qs.slice(0, bruteQueries).map((q) => idx.searchBrute(q, 31));
  const bruteWall = (performance.now() - t) / 1000;
  const bruteCpu = cpuSeconds() - c;
  const exact = brute.every((b, i) => same(idx.search(qs[i]!, 31), b));

  // Other radii: as many queries as fit in about a CPU-second each, next to brute force at the same radius (a scan
  // reads more of each hash at larger radii) on two queries, which also check exactness.
  const byRadius: Figures = {};
  for (const radius of radii) {
    let done = 0;
    c = cpuSeconds();
    while (done < qs.length && (done < 5 || cpuSeconds() - c < 1)) idx.search(qs[done++]!, radius);
    byRadius[`r${radius}`] = done / (cpuSeconds() - c);
    c = cpuSeconds();
    const expected = qs.slice(0, 2).map((q) => idx.searchBrute(q, radius));
    byRadius[`r${radius}brute`] = 2 / (cpuSeconds() - c);
    byRadius[`r${radius}exact`] = expected.every((b, i) => same(idx.search(qs[i]!, radius), b));
  }

  const persisted: Figures = {};
  if (saveTo) {
    t = performance.now();
    idx.save(saveTo);
    persisted.saveS = (performance.now() - t) / 1000;
    persisted.fileMb = statSync(saveTo).size / 2 ** 20;
  }
  report({
    n, kind, queries, buildS, buildCpuS, hitsPerQuery: hits / queries,
    perSecond: queries / wall, perCpuSecond: queries / cpu, batchPerCpuSecond: queries / manyCpu, batchSame,
    brutePerSecond: bruteQueries / bruteWall, brutePerCpuSecond: bruteQueries / bruteCpu, bruteQueries, exact,
    rssAfterBuildMb: rssAfterBuild, maxRssMb: maxRssMb(), ...byRadius, ...persisted,
  });
}

/** Loads a saved index (what a node start costs with a saved index) and checks it against brute force. */
function childIndexLoad(file: string, n: number): void {
  const t = performance.now();
  const c = cpuSeconds();
  const idx = HammingIndex.load(file);
  const loadS = (performance.now() - t) / 1000;
  const loadCpuS = cpuSeconds() - c;
  const qs = makeQueries(idx, n, 5, rng(13));
  const exact = qs.every((q) => same(idx.search(q, 31), idx.searchBrute(q, 31)));
  report({ loadS, loadCpuS, exact, size: idx.size, maxRssMb: maxRssMb() });
}

/** A synthetic picture: smooth shapes plus noise (PDQ's cost does not depend on the content, its bits do). */
function syntheticPixels(w: number, h: number, channels: number, seed: number): Uint8Array {
  const r = rng(seed);
  const px = new Uint8Array(w * h * channels);
  const fx = 3 + r() * 20;
  const fy = 3 + r() * 20;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        px[(y * w + x) * channels + c] = (Math.sin(x / fx + c) * 70 + Math.cos(y / fy - c) * 50 + r() * 40 + 128) & 255;
      }
    }
  }
  return px;
}

function childPdq(count: number): void {
  const sizes = [[5, 5], [7, 300], [300, 7], [33, 41], [63, 65], [64, 64], [65, 65], [127, 129], [160, 100], [224, 399], [333, 517], [512, 512], [1000, 9], [1024, 768], [2000, 1500]];
  let checked = 0;
  let differ = 0;
  for (const [w, h] of sizes) {
    for (let channels = 1; channels <= 4; channels++) {
      const px = syntheticPixels(w!, h!, channels, w! * 7 + h! * 13 + channels);
      if (!same(pdqDihedralFromPixels(px, w!, h!, channels), pdqJs.pdqDihedralFromPixels(px, w!, h!, channels))) differ++;
      checked++;
    }
  }
  const pictures = Array.from({ length: 8 }, (_, i) => syntheticPixels(512, 512, 3, 100 + i));
  const time = (hash: (px: Uint8Array, w: number, h: number, c: number) => unknown): number => {
    for (let i = 0; i < 20; i++) hash(pictures[i % pictures.length]!, 512, 512, 3); // JIT warm-up
    const c0 = cpuSeconds();
    for (let i = 0; i < count; i++) hash(pictures[i % pictures.length]!, 512, 512, 3);
    return ((cpuSeconds() - c0) * 1000) / count;
  };
  // Alternated, so that a neighbour's load on the shared machine hits both about equally.
  const wasmMs: number[] = [];
  const jsMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    wasmMs.push(time(pdqFromPixels));
    jsMs.push(time(pdqJs.pdqFromPixels));
  }
  const dihedralMs = time(pdqDihedralFromPixels);
  const best = (xs: number[]) => Math.min(...xs);
  report({ checked, differ, wasmMs: best(wasmMs), jsMs: best(jsMs), dihedralMs, count, maxRssMb: maxRssMb() });
}

// ---------- parent ----------

function runChild(args: string[], env: NodeJS.ProcessEnv = process.env): Figures {
  const r = spawnSync(process.execPath, [...process.execArgv, SELF, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env });
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

  if (!only || only === 'images') await benchImages(images);
  if (!only || only === 'pdq') benchPdq(quick ? 100 : 400);
  if (!only || only === 'index') benchIndex(indexSizes, queries, quick, process.argv.includes('--hugepages'));
}

function benchPdq(count: number): void {
  const p = runChild(['pdq', String(count)]);
  console.log('\n## PDQ of a 512x512 RGB picture, one core (best of 3 alternated rounds)\n');
  console.log('| implementation | CPU ms per picture | pictures per CPU-second |');
  console.log('|---|---|---|');
  console.log(`| WebAssembly kernels (src/media/pdq.ts) | **${fmt(p.wasmMs, 2)}** | ${fmt(1000 / Number(p.wasmMs), 0)} |`);
  console.log(`| with the 8 dihedral hashes | ${fmt(p.dihedralMs, 2)} | ${fmt(1000 / Number(p.dihedralMs), 0)} |`);
  console.log(`| baseline: former pure JavaScript (bench/baseline/pdq-js.ts) | ${fmt(p.jsMs, 2)} | ${fmt(1000 / Number(p.jsMs), 0)} |`);
  console.log(`\nSpeed-up ${fmt(Number(p.jsMs) / Number(p.wasmMs), 1)}x over ${p.count} pictures per round. Identical hash, quality and dihedral hashes on ${p.checked} size/channel cases (5x5 to 2000x1500, 1-4 channels): ${p.differ === 0 ? 'yes' : `NO, ${p.differ} differ`}.`);
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

/**
 * `--hugepages` adds the same runs with glibc asked to back large allocations by transparent huge pages
 * (GLIBC_TUNABLES=glibc.malloc.hugetlb=1; the kernel's THP mode here is "madvise"): the index's reads are random over
 * hundreds of MB, so with 4 KB pages nearly every candidate also misses the TLB, which a VM makes expensive.
 */
function benchIndex(indexSizes: number[], queries: number, quick: boolean, hugepages: boolean): void {
  const radii = [0, 16, 24, 40, 47, 63];
  const thp = { ...process.env, GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' };
  console.log('\n## Hamming index, radius 31 (exact), one core\n');
  console.log('| hashes | data | pages | search: q/s (wall) | search: q per CPU-s | searchMany: q per CPU-s | brute force: q per CPU-s | index / brute | exact vs brute | hits/query | build CPU-s | RSS after build MB | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  const sweeps: [string, Figures][] = [];
  let persisted: [Figures, Figures] | undefined;
  for (const n of indexSizes) {
    for (const kind of ['random', 'clustered'] as const) {
      for (const huge of hugepages ? [false, true] : [false]) {
        const brute = n >= 10_000_000 ? (quick ? 5 : 20) : quick ? 20 : 50;
        const sweep = kind === 'random' && !huge;
        const saveTo = !quick && sweep && n === Math.max(...indexSizes) ? join(tmpdir(), `tessera-bench-index-${process.pid}.bin`) : undefined;
        const f = runChild(['index', String(n), kind, String(queries), String(brute), sweep ? radii.join(',') : '', saveTo ?? ''], huge ? thp : process.env);
        console.log(`| ${n.toLocaleString('en')} | ${kind} | ${huge ? '2 MB (THP)' : '4 KB'} | ${fmt(f.perSecond, 0)} | **${fmt(f.perCpuSecond, 0)}** | ${fmt(f.batchPerCpuSecond, 0)}${f.batchSame ? '' : ' (DIFFERS)'} | ${fmt(f.brutePerCpuSecond, 1)} | ${fmt(Number(f.perCpuSecond) / Number(f.brutePerCpuSecond), 0)}x | ${f.exact ? `yes (${f.bruteQueries} queries)` : 'NO'} | ${fmt(f.hitsPerQuery, 1)} | ${fmt(f.buildCpuS, 1)} | ${fmt(f.rssAfterBuildMb, 0)} | ${fmt(f.maxRssMb, 0)} |`);
        if (sweep) sweeps.push([n.toLocaleString('en'), f]);
        if (saveTo) {
          try {
            persisted = [f, runChild(['index-load', saveTo, String(n)])];
          } finally {
            rmSync(saveTo, { force: true });
          }
        }
      }
    }
  }
  console.log('\n### Other radii (random data, 4 KB pages): search queries per CPU-second / brute force at the same radius\n');
  console.log(`| hashes | ${radii.map((r) => `r = ${r}`).join(' | ')} |`);
  console.log(`|---|${radii.map(() => '---').join('|')}|`);
  const rate = (x: unknown) => fmt(x, Number(x) < 100 ? 1 : 0);
  for (const [n, f] of sweeps) {
    console.log(`| ${n} | ${radii.map((r) => `${rate(f[`r${r}`])} / ${rate(f[`r${r}brute`])}${f[`r${r}exact`] ? '' : ' (NOT EXACT)'}`).join(' | ')} |`);
  }
  if (persisted) {
    const [saved, loaded] = persisted;
    console.log(`\nPersistence, ${fmt(loaded.size, 0)} random hashes: save ${fmt(saved.saveS, 1)} s (${fmt(saved.fileMb, 0)} MB file), load ${fmt(loaded.loadS, 1)} s wall / ${fmt(loaded.loadCpuS, 1)} CPU-s, peak RSS after load ${fmt(loaded.maxRssMb, 0)} MB, loaded index exact vs brute force: ${loaded.exact ? 'yes' : 'NO'}.`);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [mode, a, b, c, d, e, f] = argv.slice(1);
  if (mode === 'pipeline') await childPipeline(a!, Number(b), Number(c));
  else if (mode === 'decode') await childDecode(a!, Number(b), Number(c));
  else if (mode === 'index') childIndex(Number(a), b as 'random' | 'clustered', Number(c), Number(d), e ? e.split(',').map(Number) : [], f || undefined);
  else if (mode === 'index-load') childIndexLoad(a!, Number(b));
  else if (mode === 'pdq') childPdq(Number(a));
} else {
  await main();
}
