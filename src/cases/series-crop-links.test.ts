import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { shapesSvg } from '../media/testing/images.js';
import { cropLinks, cropScore, tinyFromPixels, type Tiny } from './series-crop-links.js';

async function tiny(bytes: Buffer): Promise<Tiny> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return tinyFromPixels(data, info.width, info.height, info.channels);
}
const scene = (seed: number) => sharp(Buffer.from(shapesSvg(480, 360, seed, 30))).png().toBuffer();

describe('crop links', () => {
  it('a crop correlates with the picture it came from, an unrelated scene does not', async () => {
    const whole = await scene(11);
    const part = await sharp(whole).extract({ left: 60, top: 30, width: 380, height: 300 }).jpeg({ quality: 70 }).toBuffer();
    expect(cropScore(await tiny(whole), await tiny(part))).toBeGreaterThanOrEqual(0.95);
    expect(cropScore(await tiny(await scene(12)), await tiny(part))).toBeLessThan(0.85);
  });

  it('a flat part correlates with nothing', async () => {
    const flat = await sharp({ create: { width: 100, height: 80, channels: 3, background: '#808080' } }).png().toBuffer();
    expect(cropScore(await tiny(await scene(13)), await tiny(flat))).toBe(0);
  });

  it('finds the pair among unrelated pictures, from either side, and not inside one group', async () => {
    const whole = await scene(21);
    const part = await sharp(whole).extract({ left: 40, top: 40, width: 400, height: 300 }).resize(300).jpeg().toBuffer();
    const items = [
      { id: 'whole', group: 'g1', tiny: await tiny(whole) },
      { id: 'part', group: 'g2', tiny: await tiny(part) },
      ...(await Promise.all([22, 23, 24, 25, 26].map(async (s) => ({ id: `other-${s}`, group: `o${s}`, tiny: await tiny(await scene(s)) })))),
    ];
    expect(cropLinks(items, new Set(['whole'])).map((l) => [l.a, l.b])).toEqual([['whole', 'part']]);
    expect(cropLinks(items, new Set(['part'])).map((l) => [l.a, l.b])).toEqual([['part', 'whole']]);
    expect(cropLinks(items.map((i) => ({ ...i, group: i.id === 'part' ? 'g1' : i.group })), new Set(['whole']))).toEqual([]);
  });
});
