/**
 * A small generated device for the victim-identification tests: two scenes with copies (near-duplicates), two
 * different scenes taken with the same camera body (serial SN-777 in the EXIF), and unrelated pictures. Every byte is
 * generated.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { shapesSvg } from '../../../src/media/testing/images.js';
import { transformed } from './corpus.js';

const CAMERA = (serial: string) => ({
  IFD0: { Make: 'Canon', Model: 'EOS 5D', Software: 'Tessera test' },
  IFD2: { DateTimeOriginal: '2021:03:04 05:06:07', BodySerialNumber: serial },
});

async function scenePng(seed: number): Promise<Buffer> {
  return sharp(Buffer.from(shapesSvg(480, 360, seed, 30))).png().toBuffer();
}

/** File name → what it shows. */
export async function writeDevice(dir: string): Promise<Map<string, string>> {
  mkdirSync(dir, { recursive: true });
  const out = new Map<string, string>();
  const put = (name: string, bytes: Buffer, group: string) => {
    writeFileSync(path.join(dir, name), bytes);
    out.set(name, group);
  };
  for (const [scene, seed] of [['blue-room', 301], ['garden', 302]] as const) {
    const png = await scenePng(seed);
    for (const t of ['original', 'resized', 'recompressed'] as const) put(`${scene}-${t}.jpg`, await transformed(png, t), scene);
  }
  put('camera-1.jpg', await sharp(await scenePng(401)).withExif(CAMERA('SN-777') as never).jpeg({ quality: 88 }).toBuffer(), 'camera');
  put('camera-2.jpg', await sharp(await scenePng(402)).withExif(CAMERA('SN-777') as never).jpeg({ quality: 88 }).toBuffer(), 'camera');
  for (let i = 0; i < 3; i++) put(`single-${i}.jpg`, await sharp(await scenePng(500 + i)).jpeg({ quality: 88 }).toBuffer(), `single-${i}`);
  return out;
}
