// The pure-JavaScript PDQ as it was before the kernels moved to WebAssembly (src/media/pdq.ts at d92a3a8), kept only as
// `npm run bench:media -- --only pdq`'s baseline and cross-check. Not used by the product.

/**
 * PDQ perceptual hash (Meta), written from the algorithm notes in shared/vectors/pdq/README.md.
 *
 * Every arithmetic step is rounded to float32 (Math.fround) in the reference's order, because the reference computes
 * in `float` and bit-exactness on the reference buffers is our acceptance test: a double-precision shortcut moves
 * medians and flips bits. JS evaluates + - * / in double; rounding that result to float32 equals the float32
 * operation for these operators, so `fround(a op b)` on float32 inputs is the float32 op.
 */

const f = Math.fround;

export const PDQ_MIN_HASHABLE_DIM = 5;
/** Hamming distance at or under which two PDQ hashes are taken as the same picture (Meta's recommendation). */
export const PDQ_MATCH_DISTANCE = 31;
/** Hashes of lower quality are kept but not used for near-duplicate matching. */
export const PDQ_MIN_QUALITY = 50;

export interface PdqResult {
  /** 64 hex characters, reference order. */
  hash: string;
  /** 0..100; under 50 the hash is too featureless to match on. */
  quality: number;
}

export interface PdqDihedralResult extends PdqResult {
  /** original, rot90, rot180, rot270, flipX, flipY, flipPlus1, flipMinus1 — the reference's order. */
  dihedral: string[];
}

const LUMA_R = f(0.299);
const LUMA_G = f(0.587);
const LUMA_B = f(0.114);
/** The float32 products c*v for every 8-bit v: the same values the reference multiplies, looked up instead. */
const lumaTable = (c: number) => Float32Array.from({ length: 256 }, (_, v) => f(c * v));
const LUMA_R_T = lumaTable(LUMA_R);
const LUMA_G_T = lumaTable(LUMA_G);
const LUMA_B_T = lumaTable(LUMA_B);

/** 16x64 DCT-II rows 1..16 (the DC row is skipped by design). */
const DCT = (() => {
  const d = new Float32Array(16 * 64);
  const scale = f(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) d[i * 64 + j] = f(scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1)));
  }
  return d;
})();

/**
 * Converts an interleaved 8-bit buffer to float32 luma. Channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; alpha is
 * ignored (not composited) as in the reference, so a transparent region hashes as its stored colour.
 */
export function lumaFromPixels(pixels: Uint8Array, width: number, height: number, channels: number, out?: Float32Array): Float32Array {
  const n = width * height;
  if (pixels.length < n * channels) throw new Error(`pixel buffer too short: ${pixels.length} < ${width}x${height}x${channels}`);
  const luma = out && out.length >= n ? out : new Float32Array(n);
  if (channels === 1 || channels === 2) {
    for (let i = 0, p = 0; i < n; i++, p += channels) luma[i] = pixels[p]!;
  } else if (channels === 3 || channels === 4) {
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      luma[i] = f(LUMA_R_T[pixels[p]!]! + LUMA_G_T[pixels[p + 1]!]!) + LUMA_B_T[pixels[p + 2]!]!;
    }
  } else {
    throw new Error(`unsupported channel count ${channels}`);
  }
  return luma;
}

/** Reference box1DFloat: running float32 sum, add-then-subtract, divided by the number of samples in the window. */
function box1D(inp: Float32Array, out: Float32Array, start: number, n: number, stride: number, w: number): void {
  const half = ((w + 2) / 2) | 0;
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = n - w;
  const p4 = half - 1;
  let li = start;
  let ri = start;
  let oi = start;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < p1; i++) {
    sum = f(sum + inp[ri]!);
    count++;
    ri += stride;
  }
  for (let i = 0; i < p2; i++) {
    sum = f(sum + inp[ri]!);
    count++;
    out[oi] = sum / count;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < p3; i++) {
    sum = f(sum + inp[ri]!);
    sum = f(sum - inp[li]!);
    out[oi] = sum / count;
    li += stride;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < p4; i++) {
    sum = f(sum - inp[li]!);
    count--;
    out[oi] = sum / count;
    li += stride;
    oi += stride;
  }
}

function jaroszWindow(oldDim: number): number {
  return ((oldDim + 2 * 64 - 1) / (2 * 64)) | 0;
}

/**
 * box1D down every column listed in `colIdx` at once, walking rows in memory order: each column sees exactly the
 * float32 operations box1D would do (so results are bit-identical), but the memory access is sequential instead of
 * striding a row per sample, which is several times faster on large buffers.
 */
function boxColumns(inp: Float32Array, out: Float32Array, rows: number, cols: number, w: number, colIdx: Int32Array, sums: Float32Array): void {
  const nc = colIdx.length;
  const half = ((w + 2) / 2) | 0;
  const p1 = half - 1;
  const p2 = w - half + 1;
  const p3 = rows - w;
  const p4 = half - 1;
  sums.fill(0, 0, nc);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let i = 0; i < p1; i++, ri++) {
    const r = ri * cols;
    for (let c = 0; c < nc; c++) sums[c] = f(sums[c]! + inp[r + colIdx[c]!]!);
    count++;
  }
  for (let i = 0; i < p2; i++, ri++, oi++) {
    const r = ri * cols;
    const o = oi * cols;
    count++;
    for (let c = 0; c < nc; c++) {
      const j = colIdx[c]!;
      const s = f(sums[c]! + inp[r + j]!);
      sums[c] = s;
      out[o + j] = s / count;
    }
  }
  for (let i = 0; i < p3; i++, ri++, li++, oi++) {
    const r = ri * cols;
    const l = li * cols;
    const o = oi * cols;
    for (let c = 0; c < nc; c++) {
      const j = colIdx[c]!;
      const s = f(f(sums[c]! + inp[r + j]!) - inp[l + j]!);
      sums[c] = s;
      out[o + j] = s / count;
    }
  }
  for (let i = 0; i < p4; i++, li++, oi++) {
    const l = li * cols;
    const o = oi * cols;
    count--;
    for (let c = 0; c < nc; c++) {
      const j = colIdx[c]!;
      const s = f(sums[c]! - inp[l + j]!);
      sums[c] = s;
      out[o + j] = s / count;
    }
  }
}

/** Tent-filters `buf` (two box passes per axis, `tmp` as scratch) and decimates it to 64x64. */
function downsampleTo64(buf: Float32Array, tmp: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(64 * 64);
  if (rows === 64 && cols === 64) {
    out.set(buf.subarray(0, 4096));
    return out;
  }
  const wRows = jaroszWindow(cols);
  const wCols = jaroszWindow(rows);
  const allCols = Int32Array.from({ length: cols }, (_, j) => j);
  // Only 64 columns are ever sampled, and columns are independent in the column pass: the last one needs just those.
  const sampledCols = Int32Array.from({ length: 64 }, (_, j) => Math.trunc(((j + 0.5) * cols) / 64));
  const sums = new Float32Array(Math.max(cols, 64));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < rows; i++) box1D(buf, tmp, i * cols, cols, 1, wRows);
    boxColumns(tmp, buf, rows, cols, wCols, pass === 1 ? sampledCols : allCols, sums);
  }
  for (let i = 0; i < 64; i++) {
    const ini = Math.trunc(((i + 0.5) * rows) / 64);
    for (let j = 0; j < 64; j++) out[i * 64 + j] = buf[ini * cols + sampledCols[j]!]!;
  }
  return out;
}

function qualityOf(a: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(f(f(f(a[i * 64 + j]! - a[(i + 1) * 64 + j]!) * 100) / 255));
      sum += d < 0 ? -d : d;
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(f(f(f(a[i * 64 + j]! - a[i * 64 + j + 1]!) * 100) / 255));
      sum += d < 0 ? -d : d;
    }
  }
  const q = Math.trunc(sum / 90);
  return q > 100 ? 100 : q;
}

function dct16(a: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(DCT[i * 64 + k]! * a[k * 64 + j]!));
      t[i * 64 + j] = s;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(t[i * 64 + k]! * DCT[j * 64 + k]!));
      b[i * 16 + j] = s;
    }
  }
  return b;
}

const HEX = '0123456789abcdef';

/** Bit k = i*16+j set iff block[k] > lower median; hex is word 15 first. */
function thresholdToHex(block: Float32Array): string {
  const sorted = Float32Array.from(block).sort();
  const median = sorted[127]!;
  let s = '';
  for (let r = 15; r >= 0; r--) {
    let w = 0;
    for (let c = 0; c < 16; c++) if (block[r * 16 + c]! > median) w |= 1 << c;
    s += HEX[(w >>> 12) & 15]! + HEX[(w >>> 8) & 15]! + HEX[(w >>> 4) & 15]! + HEX[w & 15]!;
  }
  return s;
}

type Dihedral = (a: Float32Array) => Float32Array;

function transform(map: (a: Float32Array, b: Float32Array, i: number, j: number) => void): Dihedral {
  return (a) => {
    const b = new Float32Array(256);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 16; j++) map(a, b, i, j);
    return b;
  };
}

/** Sign flips / transpositions of the DCT block, per the reference (index parity = frequency parity - 1). */
const DIHEDRALS: Dihedral[] = [
  (a) => a,
  transform((a, b, i, j) => void (b[j * 16 + i] = j & 1 ? a[i * 16 + j]! : -a[i * 16 + j]!)),
  transform((a, b, i, j) => void (b[i * 16 + j] = (i + j) & 1 ? -a[i * 16 + j]! : a[i * 16 + j]!)),
  transform((a, b, i, j) => void (b[j * 16 + i] = i & 1 ? a[i * 16 + j]! : -a[i * 16 + j]!)),
  transform((a, b, i, j) => void (b[i * 16 + j] = i & 1 ? a[i * 16 + j]! : -a[i * 16 + j]!)),
  transform((a, b, i, j) => void (b[i * 16 + j] = j & 1 ? a[i * 16 + j]! : -a[i * 16 + j]!)),
  transform((a, b, i, j) => void (b[j * 16 + i] = a[i * 16 + j]!)),
  transform((a, b, i, j) => void (b[j * 16 + i] = (i + j) & 1 ? -a[i * 16 + j]! : a[i * 16 + j]!)),
];

const ZERO_HASH = '0'.repeat(64);

/**
 * Scratch planes kept between calls (a thread hashes one picture at a time, synchronously): two fresh 1 MiB planes per
 * 512x512 picture were most of an ingest's garbage, and zero-filling them cost as much as a filter pass. Every element
 * a hash reads is written by that hash first, so what a previous picture left there never matters.
 */
let scratchLuma: Float32Array = new Float32Array(0);
let scratchTmp: Float32Array = new Float32Array(0);
const scratch = (current: Float32Array, n: number): Float32Array => (current.length >= n ? current : new Float32Array(Math.max(n, 512 * 512)));

/** The 16x16 DCT block and quality of a float32 luma plane (consumed: it is filtered in place). */
function blockFromLuma(luma: Float32Array, width: number, height: number): { block: Float32Array; quality: number } {
  scratchTmp = scratch(scratchTmp, width * height);
  const tmp = scratchTmp;
  const a64 = downsampleTo64(luma, tmp, height, width);
  return { block: dct16(a64), quality: qualityOf(a64) };
}

/** PDQ of a float32 luma plane (row-major, width*height). The plane is used as scratch and overwritten. */
export function pdqFromLuma(luma: Float32Array, width: number, height: number): PdqResult {
  if (width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM) return { hash: ZERO_HASH, quality: 0 };
  const { block, quality } = blockFromLuma(luma, width, height);
  return { hash: thresholdToHex(block), quality };
}

/** PDQ and its 8 dihedral variants from one DCT (cheap: no re-filtering). */
export function pdqDihedralFromLuma(luma: Float32Array, width: number, height: number): PdqDihedralResult {
  if (width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM) {
    return { hash: ZERO_HASH, quality: 0, dihedral: new Array<string>(8).fill(ZERO_HASH) };
  }
  const { block, quality } = blockFromLuma(luma, width, height);
  const dihedral = DIHEDRALS.map((d) => thresholdToHex(d(block)));
  return { hash: dihedral[0]!, quality, dihedral };
}

/** PDQ of an interleaved 8-bit pixel buffer (1-4 channels, alpha ignored), hashed at the size given. */
export function pdqFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqResult {
  if (width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM) return { hash: ZERO_HASH, quality: 0 };
  scratchLuma = scratch(scratchLuma, width * height);
  return pdqFromLuma(lumaFromPixels(pixels, width, height, channels, scratchLuma), width, height);
}

export function pdqDihedralFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqDihedralResult {
  if (width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM) return pdqDihedralFromLuma(new Float32Array(0), width, height);
  scratchLuma = scratch(scratchLuma, width * height);
  return pdqDihedralFromLuma(lumaFromPixels(pixels, width, height, channels, scratchLuma), width, height);
}
