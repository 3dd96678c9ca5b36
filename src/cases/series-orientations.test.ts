import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hamming } from '../media/hash256.js';
import { pdqDihedralFromPixels, pdqFromPixels } from '../media/pdq.js';
import { shapesSvg } from '../media/testing/images.js';
import { pdqOrientations } from './series-orientations.js';

async function pixels(bytes: Buffer): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('PDQ orientation estimates from the hash alone', () => {
  it('lie close to the true dihedral hashes computed from the pixels', async () => {
    const distances: number[][] = Array.from({ length: 8 }, () => []);
    for (let seed = 1; seed <= 8; seed++) {
      const p = await pixels(await sharp(Buffer.from(shapesSvg(320, 240, seed))).png().toBuffer());
      const exact = pdqDihedralFromPixels(p.data, p.width, p.height, 3);
      const estimated = pdqOrientations(exact.hash);
      for (let d = 0; d < 8; d++) distances[d]!.push(hamming(estimated[d]!, exact.dihedral[d]!));
    }
    expect(distances[0]).toEqual(Array(8).fill(0));
    expect(distances[6]).toEqual(Array(8).fill(0)); // a pure transposition is exact
    for (const d of distances) {
      expect(Math.max(...d)).toBeLessThanOrEqual(24);
      expect(d.reduce((a, b) => a + b, 0) / d.length).toBeLessThanOrEqual(12);
    }
  });

  it('find a mirrored, recompressed copy within the matching radius, and not an unrelated scene', async () => {
    const png = await sharp(Buffer.from(shapesSvg(400, 300, 77))).png().toBuffer();
    const original = await pixels(png);
    const mirrored = await pixels(await sharp(await sharp(png).flop().jpeg({ quality: 70 }).toBuffer()).png().toBuffer());
    const other = await pixels(await sharp(Buffer.from(shapesSvg(400, 300, 78))).png().toBuffer());
    const h = pdqFromPixels(original.data, original.width, original.height, 3).hash;
    const m = pdqFromPixels(mirrored.data, mirrored.width, mirrored.height, 3).hash;
    const o = pdqFromPixels(other.data, other.width, other.height, 3).hash;
    expect(hamming(h, m)).toBeGreaterThan(31);
    expect(Math.min(...pdqOrientations(h).map((v) => hamming(v, m)))).toBeLessThanOrEqual(31);
    expect(Math.min(...pdqOrientations(h).map((v) => hamming(v, o)))).toBeGreaterThan(31);
  });

  it('refuses what is not a PDQ hash', () => {
    expect(() => pdqOrientations('xyz')).toThrow(/64 lower-case hex/);
  });
});
