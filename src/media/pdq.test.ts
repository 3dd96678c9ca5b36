import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageExact } from './decode-image.js';
import { hamming } from './hash256.js';
import { pdqDihedralFromPixels, pdqFromPixels } from './pdq.js';
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
  });
});

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
