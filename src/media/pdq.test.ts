import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeImageExact } from './decode-image.js';
import { hamming } from './hash256.js';
import { lumaFromPixels, pdqDihedralFromLuma, pdqDihedralFromPixels, pdqFromLuma, pdqFromPixels, pdqIntermediatesFromPixels } from './pdq.js';
import { PDQ_VECTORS, readReferenceCsv } from './testing/vectors.js';

const rows = readReferenceCsv();

describe('PDQ on the reference pixel buffers', () => {
  it('has the 50 reference rows', () => {
    expect(rows.length).toBe(50);
  });

  it.each(rows.map((r) => [r.path, r] as const))('%s: hash, quality and all dihedral hashes are bit-exact', async (_p, row) => {
    const file = join(PDQ_VECTORS, 'buffers', `${row.path.replaceAll('/', '_')}.png`);
    const img = await decodeImageExact(readFileSync(file));
    expect(`${img.width}x${img.height}x${img.channels}`).toBe(row.hashedDims);
    const res = pdqDihedralFromPixels(img.pixels, img.width, img.height, img.channels);
    expect(res.hash).toBe(row.hash);
    expect(res.quality).toBe(row.quality);
    expect(res.dihedral).toEqual(row.dihedral);
    // Every float before the threshold too: a last-bit error in the filter or the DCT rarely flips a hash bit.
    const want = readIntermediates(row.path);
    const got = pdqIntermediatesFromPixels(img.pixels, img.width, img.height, img.channels);
    expect(firstDifference(got.downsampled, want.downsampled), '64x64 downsampled luma').toBe(-1);
    expect(firstDifference(got.block, want.block), '16x16 DCT block').toBe(-1);
  });
});

/** The reference's intermediates, printed with %.9g: enough digits that parsing and rounding to float32 is exact. */
function readIntermediates(path: string): { downsampled: Float32Array; block: Float32Array } {
  const text = readFileSync(join(PDQ_VECTORS, 'expected', 'intermediates', `${path.replaceAll('/', '_')}.txt`), 'utf8');
  const sections = text.split(/^# .*$/m).map((s) => s.trim().split(/\s+/).filter(Boolean).map(Number));
  const [downsampled, block] = sections.filter((s) => s.length === 4096 || s.length === 256);
  if (downsampled?.length !== 4096 || block?.length !== 256) throw new Error(`unexpected intermediates layout for ${path}`);
  return { downsampled: Float32Array.from(downsampled), block: Float32Array.from(block) };
}

/** Index of the first element that is not the same float32 (Object.is: -0 and 0 differ), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  return a.findIndex((x, i) => !Object.is(x, b[i]));
}

describe('PDQ edge cases', () => {
  it('gives zeros and quality 0 under 5 px in either dimension', () => {
    const px = new Uint8Array(4 * 100 * 3).map((_, i) => (i * 37) & 255);
    expect(pdqFromPixels(px, 4, 100, 3)).toEqual({ hash: '0'.repeat(64), quality: 0 });
    expect(pdqFromPixels(px, 100, 4, 3)).toEqual({ hash: '0'.repeat(64), quality: 0 });
  });

  it('hashes a 5x5 image and a flat image (quality 0)', () => {
    const noisy = new Uint8Array(25).map((_, i) => (i * 97) & 255);
    const r = pdqFromPixels(noisy, 5, 5, 1);
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    const flat = pdqFromPixels(new Uint8Array(64 * 64).fill(128), 64, 64, 1);
    expect(flat.quality).toBe(0);
  });

  it('ignores alpha: RGBA and RGB of the same colours hash the same', () => {
    const w = 40, h = 30;
    const rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 131 + (i >> 5)) & 255);
    const rgba = new Uint8Array(w * h * 4);
    for (let p = 0; p < w * h; p++) {
      rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = p & 1 ? 0 : 255;
    }
    expect(pdqFromPixels(rgba, w, h, 4)).toEqual(pdqFromPixels(rgb, w, h, 3));
  });

  it('dihedral hash of a transposed image is close to the flipPlus1 variant', () => {
    const w = 64, h = 64;
    const px = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[y * w + x] = (Math.sin(x / 5) * 60 + Math.cos(y / 9) * 60 + x * 0.7 + 128) & 255;
    const t = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) t[x * w + y] = px[y * w + x]!;
    const a = pdqDihedralFromPixels(px, w, h, 1);
    const b = pdqFromPixels(t, w, h, 1);
    // 64x64 input skips the filter, so the transposition is exact and so is the dihedral identity.
    expect(hamming(a.dihedral[6]!, b.hash)).toBe(0);
    expect(hamming(a.hash, b.hash)).toBeGreaterThan(31);
  });
});

/** A smooth scene sampled at any size (so two sizes show the same picture), plus per-pixel detail from `seed`. */
function scene(w: number, h: number, channels: number, seed = 0): Uint8Array {
  const px = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const u = x / w;
      const v = y / h;
      for (let c = 0; c < channels; c++) {
        const base = Math.sin(u * 9 + c) * 60 + Math.cos(v * 7 - u * 3) * 50 + (u > 0.3 && u < 0.6 && v > 0.2 && v < 0.7 ? 40 : 0);
        px[(y * w + x) * channels + c] = (base + 128 + (((x * 131 + y * 71 + c * 17 + seed) % 29) - 14) * (seed ? 1 : 0)) & 255;
      }
    }
  }
  return px;
}

describe('PDQ kernels (WebAssembly)', () => {
  it('the committed pdq-kernels.wasm is the assembly of pdq-kernels.wat', () => {
    const script = fileURLToPath(new URL('../../scripts/build-pdq-wasm.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('luma is the reference float32 formula, (0.299f*R + 0.587f*G) + 0.114f*B, for every byte value and channel layout', () => {
    const f = Math.fround;
    const n = 259; // not a multiple of 4, and every byte value in every channel
    for (const channels of [1, 2, 3, 4]) {
      const px = new Uint8Array(n * channels).map((_, i) => (i * 7 + (i >> 3)) & 255);
      const luma = lumaFromPixels(px, n, 1, channels);
      expect(luma.length).toBe(n);
      for (let i = 0; i < n; i++) {
        const p = i * channels;
        const want = channels < 3 ? px[p]! : f(f(f(f(0.299) * px[p]!) + f(f(0.587) * px[p + 1]!)) + f(f(0.114) * px[p + 2]!));
        expect(luma[i], `pixel ${i}, ${channels} channels`).toBe(want);
      }
    }
  });

  it('lumaFromPixels writes into a large enough `out` and rejects short buffers and unknown layouts', () => {
    const px = scene(9, 7, 3);
    const out = new Float32Array(100).fill(-1);
    expect(lumaFromPixels(px, 9, 7, 3, out)).toBe(out);
    expect(out[62]).not.toBe(-1);
    expect(out[63]).toBe(-1);
    expect(() => lumaFromPixels(px, 9, 8, 3)).toThrow(/too short/);
    expect(() => lumaFromPixels(new Uint8Array(9 * 7 * 5), 9, 7, 5)).toThrow(/channel count/);
  });

  it('grey+alpha hashes as grey', () => {
    const grey = scene(45, 38, 1, 3);
    const ga = new Uint8Array(45 * 38 * 2);
    grey.forEach((v, i) => {
      ga[i * 2] = v;
      ga[i * 2 + 1] = i & 1 ? 0 : 255;
    });
    expect(pdqFromPixels(ga, 45, 38, 2)).toEqual(pdqFromPixels(grey, 45, 38, 1));
  });

  it.each([
    [5, 5], [7, 300], [300, 7], [5, 63], [63, 5], [64, 64], [65, 65], [129, 127], [1000, 5], [5, 1000], [513, 6],
  ])('%ix%i: hashes without error, for every channel count, the same from pixels and from luma', (w, h) => {
    for (const channels of [1, 2, 3, 4]) {
      const px = scene(w, h, channels, 11);
      const r = pdqDihedralFromPixels(px, w, h, channels);
      expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(r.hash).not.toBe('0'.repeat(64));
      expect(Number.isInteger(r.quality) && r.quality >= 0 && r.quality <= 100).toBe(true);
      expect(r.dihedral).toHaveLength(8);
      expect(pdqFromPixels(px, w, h, channels)).toEqual({ hash: r.hash, quality: r.quality });
      const luma = lumaFromPixels(px, w, h, channels);
      const copy = Float32Array.from(luma);
      expect(pdqDihedralFromLuma(luma, w, h)).toEqual(r);
      expect(pdqFromLuma(luma, w, h)).toEqual({ hash: r.hash, quality: r.quality });
      expect(luma).toEqual(copy); // the plane is only read
    }
  });

  it('gives zeros for 1000x3 and 3x1000', () => {
    expect(pdqFromPixels(scene(1000, 3, 3), 1000, 3, 3)).toEqual({ hash: '0'.repeat(64), quality: 0 });
    expect(pdqDihedralFromPixels(scene(3, 1000, 3), 3, 1000, 3).dihedral).toEqual(new Array(8).fill('0'.repeat(64)));
  });

  it('hashes a 2000x1500 picture (the memory grows) like the same scene at 500x375, and smaller pictures after it as before', () => {
    const small = scene(200, 150, 3, 5);
    const before = pdqDihedralFromPixels(small, 200, 150, 3);
    const big = pdqFromPixels(scene(2000, 1500, 3), 2000, 1500, 3);
    const medium = pdqFromPixels(scene(500, 375, 3), 500, 375, 3);
    expect(big.quality).toBeGreaterThanOrEqual(50);
    expect(hamming(big.hash, medium.hash)).toBeLessThanOrEqual(31);
    expect(pdqDihedralFromPixels(small, 200, 150, 3)).toEqual(before);
    expect(pdqFromPixels(scene(2000, 1500, 3), 2000, 1500, 3)).toEqual(big);
  });
});
