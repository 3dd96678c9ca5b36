/**
 * A small generated "seized device" for ingest tests: pictures with camera metadata (one with GPS), an exact copy, a
 * re-encoded near-duplicate, a short video, a document, a truncated JPEG, and an archive holding more of the same.
 * Every byte is generated (shapes and noise, ffmpeg's test source): no real imagery.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { shapesSvg } from '../../../src/media/testing/images.js';
import { buildTar, buildZip } from './archives.js';

export async function picture(seed: number, options: { width?: number; height?: number; quality?: number; exif?: Record<string, Record<string, string>> } = {}): Promise<Buffer> {
  const width = options.width ?? 480;
  const height = options.height ?? 360;
  let img = sharp(Buffer.from(shapesSvg(width, height, seed)));
  if (options.exif) img = img.withExif(options.exif as never);
  return img.jpeg({ quality: options.quality ?? 88 }).toBuffer();
}

export const CAMERA_EXIF = {
  IFD0: { Make: 'Canon', Model: 'EOS 5D', Software: 'Tessera test' },
  IFD2: { DateTimeOriginal: '2021:03:04 05:06:07', OffsetTimeOriginal: '+01:00', BodySerialNumber: 'SN12345' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '38/1 42/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '9/1 8/1 0/1' },
};

export function video(file: string, seconds = 2, pattern = 'testsrc'): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `${pattern}=size=160x120:rate=10`, '-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
}

export interface Device {
  root: string;
  /** Files an ingest meets (archives themselves not counted). */
  files: number;
}

/**
 * phone/
 *   DCIM/IMG_0001.jpg  (camera EXIF + GPS)      DCIM/IMG_0002.jpg      DCIM/IMG_0003.jpg
 *   Download/copy.jpg  (= IMG_0001)             Download/smaller.jpg   (IMG_0002 re-encoded smaller: near-duplicate)
 *   Movies/clip.mp4    Documents/notes.txt      broken.jpg (truncated)
 *   Backup/backup.zip  → a.jpg (= IMG_0003), more/inner.tar.gz → b.jpg (new), c.txt
 */
export async function makeDevice(dir: string, options: { extraPictures?: number } = {}): Promise<Device> {
  const root = path.join(dir, 'phone');
  if (options.extraPictures) {
    mkdirSync(path.join(root, 'Pictures'), { recursive: true });
    for (let i = 0; i < options.extraPictures; i++) {
      const bytes = await picture(1000 + i, { width: 200, height: 150 });
      writeFileSync(path.join(root, 'Pictures', `pic-${String(i).padStart(3, '0')}.jpg`), bytes);
      // Every fifth one twice: duplicates inside the same run.
      if (i % 5 === 0) writeFileSync(path.join(root, 'Pictures', `pic-${String(i).padStart(3, '0')}-copy.jpg`), bytes);
    }
  }
  for (const d of ['DCIM', 'Download', 'Movies', 'Documents', 'Backup']) mkdirSync(path.join(root, d), { recursive: true });
  const p1 = await picture(101, { exif: CAMERA_EXIF });
  const p2 = await picture(102);
  const p3 = await picture(103);
  writeFileSync(path.join(root, 'DCIM', 'IMG_0001.jpg'), p1);
  writeFileSync(path.join(root, 'DCIM', 'IMG_0002.jpg'), p2);
  writeFileSync(path.join(root, 'DCIM', 'IMG_0003.jpg'), p3);
  writeFileSync(path.join(root, 'Download', 'copy.jpg'), p1);
  writeFileSync(path.join(root, 'Download', 'smaller.jpg'), await picture(102, { width: 320, height: 240, quality: 70 }));
  video(path.join(root, 'Movies', 'clip.mp4'));
  writeFileSync(path.join(root, 'Documents', 'notes.txt'), 'meeting notes\n'.repeat(50));
  writeFileSync(path.join(root, 'broken.jpg'), p2.subarray(0, Math.floor(p2.length / 3)));
  const inner = await buildTar([{ name: 'b.jpg', data: await picture(104) }, { name: 'c.txt', data: Buffer.from('inner text') }], { gzip: true });
  writeFileSync(path.join(root, 'Backup', 'backup.zip'), buildZip([{ name: 'a.jpg', data: p3, method: 'store' }, { name: 'more/inner.tar.gz', data: inner, method: 'store' }]));
  const extra = options.extraPictures ?? 0;
  return { root, files: 11 + extra + Math.ceil(extra / 5) };
}

export function read(file: string): Buffer {
  return readFileSync(file);
}
