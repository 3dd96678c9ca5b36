/**
 * PDQ perceptual hash (Meta), written from the algorithm notes in shared/vectors/pdq/README.md.
 *
 * Every arithmetic step is float32 in the reference's order, because the reference computes in `float` and
 * bit-exactness on the reference buffers is our acceptance test: a double-precision shortcut moves medians and flips
 * bits. The per-pixel work runs in WebAssembly (pdq-kernels.wat), whose f32 operations are exactly IEEE single
 * precision; the little left here (DCT matrix, median, bits) uses Math.fround: JS evaluates + - * / in double, and
 * rounding that result to float32 equals the float32 operation for these operators.
 */
import { type PdqKernels, pdqKernels } from './pdq-kernels.js';

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

/** 16x64 DCT-II rows 1..16 (the DC row is skipped by design). */
const DCT = (() => {
  const d = new Float32Array(16 * 64);
  const scale = f(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) d[i * 64 + j] = f(scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1)));
  }
  return d;
})();

/*
 * The filter, decimation input, DCT and quality run in WebAssembly (pdq-kernels.wat: the float32 operations of the
 * reference, SIMD across independent outputs only). This module owns the layout of the kernels' memory. Fixed part,
 * in bytes: the DCT matrix and its transpose, the 64x64 plane, the 16x64 intermediate and the 16x16 block; then, sized
 * per picture: line-group records, the interleaving strip, the R x 64 output of the last pass, the luma plane, its
 * scratch twin and the 8-bit pixels. Each plane keeps SLACK bytes after it because the kernels round up to 4 lanes.
 */
const SLACK = 64;
const M_DCT = 0;
const M_DCT_T = M_DCT + 16 * 64 * 4;
const M_A64 = M_DCT_T + 64 * 16 * 4;
const M_T = M_A64 + 64 * 64 * 4 + SLACK;
const M_B = M_T + 16 * 64 * 4;
const M_VAR = M_B + 256 * 4 + SLACK;

interface Layout {
  groups: number;
  strip: number;
  compact: number;
  plane: number;
  tmp: number;
  pix: number;
  end: number;
}

const align = (n: number) => Math.ceil(n / SLACK) * SLACK;

function layout(rows: number, cols: number, channels: number): Layout {
  const groups = M_VAR;
  const strip = align(groups + (Math.ceil(rows / 4) + Math.ceil(cols / 4) + 16) * 20);
  const compact = align(strip + Math.max(rows, cols) * 64);
  const plane = align(compact + rows * 64 * 4 + SLACK);
  const tmp = align(plane + rows * cols * 4 + SLACK);
  const pix = align(tmp + rows * cols * 4 + SLACK);
  return { groups, strip, compact, plane, tmp, pix, end: pix + rows * cols * channels + SLACK };
}

let loaded: PdqKernels | undefined;

/** The thread's kernels, sized for a rows x cols picture of `channels` 8-bit channels. */
function kernelsFor(lay: Layout): PdqKernels {
  if (!loaded) {
    loaded = pdqKernels();
    loaded.reserve(M_VAR);
    const m = loaded.f32;
    m.set(DCT, M_DCT / 4);
    for (let i = 0; i < 16; i++) for (let k = 0; k < 64; k++) m[M_DCT_T / 4 + k * 16 + i] = DCT[i * 64 + k]!;
  }
  loaded.reserve(lay.end);
  return loaded;
}

function checkPixels(pixels: Uint8Array, width: number, height: number, channels: number): void {
  if (!(channels >= 1 && channels <= 4 && Number.isInteger(channels))) throw new Error(`unsupported channel count ${channels}`);
  if (pixels.length < width * height * channels) throw new Error(`pixel buffer too short: ${pixels.length} < ${width}x${height}x${channels}`);
}

/** Copies the pixels in and leaves their luma in the layout's plane. */
function lumaIntoPlane(k: PdqKernels, lay: Layout, pixels: Uint8Array, n: number, channels: number): void {
  k.u8.set(pixels.subarray(0, n * channels), lay.pix);
  k.fn.luma(lay.pix, n, channels, lay.plane);
}

/**
 * Converts an interleaved 8-bit buffer to float32 luma. Channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; alpha is
 * ignored (not composited) as in the reference, so a transparent region hashes as its stored colour.
 */
export function lumaFromPixels(pixels: Uint8Array, width: number, height: number, channels: number, out?: Float32Array): Float32Array {
  checkPixels(pixels, width, height, channels);
  const n = width * height;
  const luma = out && out.length >= n ? out : new Float32Array(n);
  const lay = layout(height, width, channels);
  const k = kernelsFor(lay);
  lumaIntoPlane(k, lay, pixels, n, channels);
  luma.set(k.f32.subarray(lay.plane / 4, lay.plane / 4 + n));
  return luma;
}

function jaroszWindow(oldDim: number): number {
  return ((oldDim + 2 * 64 - 1) / (2 * 64)) | 0;
}

/** Group records for box_t over all `lines` lines (>= 4): the last group overlaps its neighbour instead of padding. */
function writeLineGroups(i32: Int32Array, at: number, lines: number): number {
  const n = Math.ceil(lines / 4);
  for (let g = 0, p = at / 4; g < n; g++, p += 5) {
    const base = Math.min(g * 4, lines - 4);
    i32[p] = base;
    i32[p + 1] = base + 1;
    i32[p + 2] = base + 2;
    i32[p + 3] = base + 3;
    i32[p + 4] = base;
  }
  return n;
}

/**
 * Tent filter (two box passes per axis) of the luma plane and decimation to the 64x64 plane, then the DCT block and
 * quality. Each box_t pass writes its output transposed, so the plane goes rows x cols → cols x rows (tmp) → back.
 */
function blockFromPlane(k: PdqKernels, lay: Layout, rows: number, cols: number): { block: Float32Array; quality: number } {
  const { fn } = k;
  if (rows === 64 && cols === 64) {
    // The reference uses a 64x64 buffer as is (vPDQ relies on it when ffmpeg has already scaled).
    k.u8.copyWithin(M_A64, lay.plane, lay.plane + 64 * 64 * 4);
  } else {
    const wRows = jaroszWindow(cols);
    const wCols = jaroszWindow(rows);
    const i32 = k.i32;
    const gRows = lay.groups;
    const nRows = writeLineGroups(i32, gRows, rows);
    const gCols = gRows + nRows * 20;
    const nCols = writeLineGroups(i32, gCols, cols);
    // Only 64 columns are ever sampled and columns are independent, so the last column pass filters just those.
    const gSampled = gCols + nCols * 20;
    for (let j = 0; j < 64; j++) {
      const p = gSampled / 4 + (j >> 2) * 5;
      i32[p + (j & 3)] = Math.trunc(((j + 0.5) * cols) / 64);
      if ((j & 3) === 0) i32[p + 4] = j;
    }
    fn.box_t(lay.plane, cols, wRows, gRows, nRows, lay.tmp, rows, lay.strip);
    fn.box_t(lay.tmp, rows, wCols, gCols, nCols, lay.plane, cols, lay.strip);
    fn.box_t(lay.plane, cols, wRows, gRows, nRows, lay.tmp, rows, lay.strip);
    fn.box_t(lay.tmp, rows, wCols, gSampled, 16, lay.compact, 64, lay.strip);
    for (let i = 0; i < 64; i++) {
      const from = lay.compact + Math.trunc(((i + 0.5) * rows) / 64) * 256;
      k.u8.copyWithin(M_A64 + i * 256, from, from + 256);
    }
  }
  fn.dct(M_A64, M_DCT, M_DCT_T, M_T, M_B);
  const q = Math.trunc(fn.quality_sum(M_A64) / 90);
  return { block: k.f32.slice(M_B / 4, M_B / 4 + 256), quality: q > 100 ? 100 : q };
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

/** The block of a float32 luma plane, copied into the kernels' memory. */
function blockFromLuma(luma: Float32Array, width: number, height: number): { block: Float32Array; quality: number } {
  const n = width * height;
  if (luma.length < n) throw new Error(`luma plane too short: ${luma.length} < ${width}x${height}`);
  const lay = layout(height, width, 0);
  const k = kernelsFor(lay);
  k.f32.set(luma.subarray(0, n), lay.plane / 4);
  return blockFromPlane(k, lay, height, width);
}

function blockFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): { block: Float32Array; quality: number } {
  checkPixels(pixels, width, height, channels);
  const lay = layout(height, width, channels);
  const k = kernelsFor(lay);
  lumaIntoPlane(k, lay, pixels, width * height, channels);
  return blockFromPlane(k, lay, height, width);
}

function withDihedrals({ block, quality }: { block: Float32Array; quality: number }): PdqDihedralResult {
  const dihedral = DIHEDRALS.map((d) => thresholdToHex(d(block)));
  return { hash: dihedral[0]!, quality, dihedral };
}

const tooSmall = (width: number, height: number) => width < PDQ_MIN_HASHABLE_DIM || height < PDQ_MIN_HASHABLE_DIM;
const zeroDihedral = (): PdqDihedralResult => ({ hash: ZERO_HASH, quality: 0, dihedral: new Array<string>(8).fill(ZERO_HASH) });

/**
 * The 64x64 filtered and decimated luma, the 16x16 DCT block and quality, as shared/vectors/pdq/expected/intermediates
 * lists them: for tests that hold every float of the pipeline to the reference, not only the thresholded bits.
 */
export function pdqIntermediatesFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): { downsampled: Float32Array; block: Float32Array; quality: number } {
  if (tooSmall(width, height)) throw new Error(`PDQ needs at least ${PDQ_MIN_HASHABLE_DIM}x${PDQ_MIN_HASHABLE_DIM} pixels`);
  const { block, quality } = blockFromPixels(pixels, width, height, channels);
  return { downsampled: loaded!.f32.slice(M_A64 / 4, M_A64 / 4 + 4096), block, quality };
}

/** PDQ of a float32 luma plane (row-major, width*height). The plane is only read. */
export function pdqFromLuma(luma: Float32Array, width: number, height: number): PdqResult {
  if (tooSmall(width, height)) return { hash: ZERO_HASH, quality: 0 };
  const { block, quality } = blockFromLuma(luma, width, height);
  return { hash: thresholdToHex(block), quality };
}

/** PDQ and its 8 dihedral variants from one DCT (cheap: no re-filtering). */
export function pdqDihedralFromLuma(luma: Float32Array, width: number, height: number): PdqDihedralResult {
  return tooSmall(width, height) ? zeroDihedral() : withDihedrals(blockFromLuma(luma, width, height));
}

/** PDQ of an interleaved 8-bit pixel buffer (1-4 channels, alpha ignored), hashed at the size given. */
export function pdqFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqResult {
  if (tooSmall(width, height)) return { hash: ZERO_HASH, quality: 0 };
  const { block, quality } = blockFromPixels(pixels, width, height, channels);
  return { hash: thresholdToHex(block), quality };
}

export function pdqDihedralFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqDihedralResult {
  return tooSmall(width, height) ? zeroDihedral() : withDihedrals(blockFromPixels(pixels, width, height, channels));
}
