import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { thumbnailFromPixels } from './thumbnail.js';

/** A 400x200 picture with a recognisable layout: left half red, top-right green, bottom-right blue. */
function layout(): Buffer {
  const w = 400;
  const h = 200;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px[(y * w + x) * 3 + (x < 200 ? 0 : y < 100 ? 1 : 2)] = 255;
  return px;
}

async function corners(jpeg: Buffer): Promise<string> {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return data[i]! > 128 ? 'R' : data[i + 1]! > 128 ? 'G' : data[i + 2]! > 128 ? 'B' : '?';
  };
  return `${info.width}x${info.height} ${at(2, 2)}${at(info.width - 3, 2)}${at(2, info.height - 3)}${at(info.width - 3, info.height - 3)}`;
}

describe('thumbnails from the hashing buffer', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('restores the aspect ratio of a squashed buffer and shows EXIF orientation %i as sharp would', async (orientation) => {
    const px = layout();
    const oriented = await sharp(px, { raw: { width: 400, height: 200, channels: 3 } }).withMetadata({ orientation }).png().toBuffer();
    const expected = await corners(await sharp(oriented).rotate().resize(40, 40, { fit: 'inside' }).png().toBuffer());
    // The PDQ working buffer of a large picture is squashed to a square.
    const square = await sharp(px, { raw: { width: 400, height: 200, channels: 3 } }).resize(100, 100, { fit: 'fill' }).raw().toBuffer();
    const thumb = await thumbnailFromPixels(square, 100, 100, 3, { maxSide: 40, originalWidth: 400, originalHeight: 200, orientation });
    expect(await corners(thumb.bytes)).toBe(expected);
  });

  it('keeps small pictures at their size and encodes JPEG', async () => {
    const px = Buffer.alloc(30 * 20, 128);
    const t = await thumbnailFromPixels(px, 30, 20, 1);
    expect([t.width, t.height]).toEqual([30, 20]);
    expect(t.bytes.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
  });
});
