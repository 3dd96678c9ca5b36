import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffType } from './sniff.js';

describe('content sniffing', () => {
  it('recognises images by their bytes', async () => {
    const img = sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } });
    for (const [fmt, type] of [['jpeg', 'jpeg'], ['png', 'png'], ['gif', 'gif'], ['webp', 'webp'], ['tiff', 'tiff'], ['avif', 'avif']] as const) {
      const buf = await img.clone().toFormat(fmt).toBuffer();
      expect(sniffType(buf), fmt).toMatchObject({ type, kind: 'image' });
    }
  });

  it('recognises ISO-BMFF brands and other containers', () => {
    const ftyp = (brand: string, compat = '') => Buffer.concat([Buffer.from([0, 0, 0, 16 + compat.length]), Buffer.from(`ftyp${brand}\0\0\0\0${compat}`)]);
    expect(sniffType(ftyp('heic'))).toMatchObject({ type: 'heic', kind: 'image' });
    expect(sniffType(ftyp('isom', 'mif1heic'))).toMatchObject({ type: 'heic', kind: 'image' });
    expect(sniffType(ftyp('isom', 'isomavc1'))).toMatchObject({ type: 'mp4', kind: 'video' });
    expect(sniffType(ftyp('qt  '))).toMatchObject({ type: 'mov', kind: 'video' });
    expect(sniffType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0, 0, 0, 0, ...Buffer.from('webm')]))).toMatchObject({ type: 'webm', kind: 'video' });
  });

  it('ignores what a name would suggest and rejects non-media', () => {
    expect(sniffType(Buffer.from('%PDF-1.7 ...'))).toMatchObject({ type: 'pdf', kind: 'other' });
    expect(sniffType(Buffer.from('hello, this is a text file named photo.jpg'))).toMatchObject({ type: 'unknown', kind: 'other' });
    expect(sniffType(new Uint8Array(0))).toMatchObject({ kind: 'other' });
  });
});
