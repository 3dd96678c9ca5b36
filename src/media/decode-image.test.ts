import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImageForPdq, readImageHeader } from './decode-image.js';
import { hamming } from './hash256.js';
import { pdqFromPixels } from './pdq.js';
import { shapesSvg } from './testing/images.js';
import { PDQ_VECTORS, readReferenceCsv } from './testing/vectors.js';

async function pdqOf(input: Buffer | string) {
  const d = await decodeImageForPdq(input);
  return { ...pdqFromPixels(d.pixels, d.width, d.height, d.channels), decoded: d };
}

describe('PDQ from the reference image files with our own decoding', () => {
  const rows = readReferenceCsv();

  it('every image of quality >= 80 is within distance 10 of the C++ reference', async () => {
    const distances: Record<string, number> = {};
    for (const row of rows) {
      const r = await pdqOf(join(PDQ_VECTORS, 'images', row.path));
      distances[row.path] = hamming(r.hash, row.hash);
      // Quality is computed on our own 64x64 buffer; it should agree with the reference's judgement.
      if (row.quality >= 80) expect(r.quality, row.path).toBeGreaterThanOrEqual(80);
    }
    const eligible = rows.filter((r) => r.quality >= 80).map((r) => distances[r.path]!);
    const histogram: Record<number, number> = {};
    for (const d of eligible) histogram[d] = (histogram[d] ?? 0) + 1;
    console.log(`PDQ distance to the C++ reference over ${eligible.length} images (quality >= 80):`, histogram,
      `mean ${(eligible.reduce((a, b) => a + b, 0) / eligible.length).toFixed(2)}`);
    for (const row of rows) if (row.quality >= 80) expect(distances[row.path], row.path).toBeLessThanOrEqual(10);
  });
});

describe('decoding the awkward image kinds', () => {
  const svg = Buffer.from(shapesSvg(900, 700, 7));
  let base: { hash: string; quality: number };
  const close = async (buf: Buffer, max: number) => {
    const r = await pdqOf(buf);
    expect(r.quality).toBeGreaterThanOrEqual(50);
    expect(hamming(r.hash, base.hash)).toBeLessThanOrEqual(max);
    return r;
  };

  it('hashes a generated photo-like PNG', async () => {
    base = await pdqOf(await sharp(svg).removeAlpha().png().toBuffer());
    expect(base.quality).toBeGreaterThanOrEqual(50);
  });

  it('alpha is dropped without compositing', async () => {
    const rgba = await sharp(svg).removeAlpha().ensureAlpha(0.3).png().toBuffer();
    const r = await close(rgba, 0);
    expect(r.decoded.channels).toBe(3);
  });

  it('palette PNG, greyscale JPEG, CMYK JPEG and 16-bit PNG land near the RGB hash', async () => {
    // Conversions that change pixel values must still match (<= 31); lossless ones must land within a few bits.
    await close(await sharp(svg).removeAlpha().png({ palette: true, colours: 64 }).toBuffer(), 31);
    const grey = await close(await sharp(svg).removeAlpha().toColourspace('b-w').jpeg({ quality: 95 }).toBuffer(), 31);
    expect(grey.decoded.channels).toBe(1);
    const cmyk = await sharp(svg).removeAlpha().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    expect((await readImageHeader(cmyk)).space).toBe('cmyk');
    await close(cmyk, 31);
    const sixteen = await sharp(svg).removeAlpha().toColourspace('rgb16').png().toBuffer();
    expect((await readImageHeader(sixteen)).bitsPerSample).toBe('ushort');
    await close(sixteen, 2);
  });

  it('animated GIF and WebP hash their first frame', async () => {
    const other = await sharp(Buffer.from(shapesSvg(900, 700, 99))).removeAlpha().png().toBuffer();
    const first = await sharp(svg).removeAlpha().png().toBuffer();
    for (const fmt of ['gif', 'webp'] as const) {
      const anim = await sharp([first, other], { join: { animated: true } })[fmt]().toBuffer();
      const h = await readImageHeader(anim);
      expect(h.pages).toBe(2);
      const r = await pdqOf(anim);
      expect(hamming(r.hash, base.hash), fmt).toBeLessThanOrEqual(16);
      const second = await pdqOf(await sharp(anim, { page: 1 }).png().toBuffer());
      expect(hamming(r.hash, second.hash), fmt).toBeGreaterThan(31);
    }
  });

  it('EXIF orientation is reported but not applied (the reference hashes stored pixels)', async () => {
    const jpeg = await sharp(svg).removeAlpha().jpeg({ quality: 95 }).toBuffer();
    const rotated = await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toBuffer();
    expect((await readImageHeader(rotated)).orientation).toBe(6);
    const a = await pdqOf(jpeg);
    const b = await pdqOf(rotated);
    expect(hamming(a.hash, b.hash)).toBeLessThanOrEqual(4);
    expect(b.decoded.header.width).toBe(900);
  });

  it('refuses an image over the pixel limit from its header', async () => {
    const png = await sharp(svg).removeAlpha().png().toBuffer();
    await expect(decodeImageForPdq(png, { maxPixels: 1000 })).rejects.toMatchObject({ code: 'too-many-pixels' });
  });
});
