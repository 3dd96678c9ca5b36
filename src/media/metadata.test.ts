import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { dmsToDecimal, exifDateToIso, readImageMetadata } from './metadata.js';

// Run in a zone far from UTC (and from the camera's recorded +09:30) so any leak of the machine's zone would show.
beforeAll(() => {
  process.env.TZ = 'America/Los_Angeles';
});

async function jpegWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'Canon', Model: 'Canon EOS 5D Mark IV', Software: 'Tessera test 1.0' },
      IFD2: {
        DateTimeOriginal: '2019:05:01 23:34:56',
        OffsetTimeOriginal: '+09:30',
        SubSecTimeOriginal: '25',
        BodySerialNumber: '012345678901',
        LensModel: 'EF24-105mm f/4L IS USM',
      },
      IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '33/1 51/1 5400/100', GPSLongitudeRef: 'W', GPSLongitude: '70/1 39/1 3000/100' },
    })
    .toBuffer();
}

describe('image metadata', () => {
  it('runs under a non-UTC time zone', () => {
    expect(new Date(2019, 4, 1).getTimezoneOffset()).not.toBe(0);
  });

  it('reads make, model, serial, lens, software and GPS in decimal degrees', async () => {
    const m = await readImageMetadata(await jpegWithExif());
    expect(m).toMatchObject({
      make: 'Canon',
      model: 'Canon EOS 5D Mark IV',
      serial: '012345678901',
      lens: 'EF24-105mm f/4L IS USM',
      software: 'Tessera test 1.0',
    });
    expect(m.gps!.lat).toBeCloseTo(-(33 + 51 / 60 + 54 / 3600), 6);
    expect(m.gps!.lon).toBeCloseTo(-(70 + 39 / 60 + 30 / 3600), 6);
  });

  it('keeps the capture time as recorded and the offset field raw, whatever the machine zone', async () => {
    const m = await readImageMetadata(await jpegWithExif());
    expect(m.captureTime).toBe('2019-05-01T23:34:56.25');
    expect(m.captureOffset).toBe('+09:30');
    expect(m.captureTimeWithOffset).toBe('2019-05-01T23:34:56.25+09:30');
    expect(new Date(m.captureTimeWithOffset!).toISOString()).toBe('2019-05-01T14:04:56.250Z');
  });

  it('reads a real phone photo (EXIF orientation 6, GPS)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { PDQ_VECTORS } = await import('./testing/vectors.js');
    const m = await readImageMetadata(readFileSync(join(PDQ_VECTORS, 'images/reg-test-input/exif-rotn/exif-rotn-6.jpg')));
    expect(m).toMatchObject({ make: 'samsung', model: 'SM-G930V', captureTime: '2017-11-07T22:14:06', orientation: 6 });
    expect(m.captureOffset).toBeUndefined();
    expect(m.gps!.lat).toBeCloseTo(38.977935, 5);
    expect(m.gps!.lon).toBeCloseTo(-77.0232027, 5);
  });

  it('gives {} for images without metadata and for garbage', async () => {
    expect(await readImageMetadata(await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer())).toEqual({});
    expect(await readImageMetadata(Buffer.from('not an image at all'))).toEqual({});
  });

  it('parses EXIF dates and DMS strictly', () => {
    expect(exifDateToIso('2020:02:29 00:00:01')).toBe('2020-02-29T00:00:01');
    expect(exifDateToIso('0000:00:00 00:00:00')).toBeUndefined();
    expect(exifDateToIso('    ')).toBeUndefined();
    expect(dmsToDecimal([91, 0, 0], 'N', 90)).toBeUndefined();
    expect(dmsToDecimal([10, 30, 0], 'W', 180)).toBe(-10.5);
  });
});
