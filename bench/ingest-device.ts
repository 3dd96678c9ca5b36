/**
 * The benchmark's generated seized device: deterministic, cached under $TMPDIR/tessera-bench-ingest/device-<n>.
 * Everything is generated (coloured shapes with photo-like noise, ffmpeg's "life" source): no real imagery.
 *
 * Mix for n files: 5 % 12-megapixel JPEGs (camera roll), 55 % small pictures (JPEG and PNG, 160-1280 px: messaging,
 * screenshots, caches), 1 % short videos (2-3 s), 20 % documents, 0.25 % truncated JPEGs, the rest exact copies of
 * other files (backups, forwarded media).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { rng, shapesSvg } from '../src/media/testing/images.js';

export interface DeviceManifest {
  files: number;
  bytes: number;
  kinds: Record<string, number>;
}

const VERSION = 1;

async function pool<T>(items: T[], parallel: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  }));
}

/** A 12 MP photo-like JPEG: shapes plus ±10 per-pixel noise, quality 90 (about 2-3 MB). */
async function bigJpeg(seed: number): Promise<Buffer> {
  const w = 4000;
  const h = 3000;
  const base = await sharp(Buffer.from(shapesSvg(w, h, seed, 40))).removeAlpha().raw().toBuffer();
  const r = rng(seed ^ 0x5bd1e995);
  for (let i = 0; i < base.length; i += 4) {
    const n = Math.floor(r() * 4294967296);
    for (let k = 0; k < 4 && i + k < base.length; k++) {
      const v = base[i + k]! + (((n >>> (8 * k)) % 21) - 10);
      base[i + k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return sharp(base, { raw: { width: w, height: h, channels: 3 } }).withExif({ IFD0: { Make: 'Canon', Model: 'EOS 90D' }, IFD2: { DateTimeOriginal: `2023:0${1 + (seed % 9)}:1${seed % 10} 1${seed % 10}:00:00` } } as never).jpeg({ quality: 90 }).toBuffer();
}

export async function ensureDevice(n: number, log: (s: string) => void = () => {}): Promise<{ root: string; manifest: DeviceManifest }> {
  const base = path.join(tmpdir(), 'tessera-bench-ingest', `device-${n}-v${VERSION}`);
  const root = path.join(base, 'phone');
  const marker = path.join(base, 'manifest.json');
  if (existsSync(marker)) return { root, manifest: JSON.parse((await import('node:fs')).readFileSync(marker, 'utf8')) };
  rmSync(base, { recursive: true, force: true });
  const counts = {
    big: Math.max(2, Math.round(n * 0.05)),
    small: Math.max(4, Math.round(n * 0.55)),
    video: Math.max(2, Math.round(n * 0.01)),
    doc: Math.max(2, Math.round(n * 0.2)),
    corrupt: Math.max(1, Math.round(n * 0.0025)),
  };
  const dup = Math.max(0, n - counts.big - counts.small - counts.video - counts.doc - counts.corrupt);
  const dirs = ['DCIM/100CANON', 'WhatsApp/Media/Images', 'Pictures/Screenshots', 'cache/thumbnails', 'Movies', 'Documents', 'Download', 'Backup/old-phone', 'broken'];
  for (const d of dirs) mkdirSync(path.join(root, d), { recursive: true });
  const made: string[] = [];
  const t0 = Date.now();
  sharp.concurrency(1);

  const bigFiles = Array.from({ length: counts.big }, (_, i) => path.join(root, 'DCIM/100CANON', `IMG_${String(i + 1).padStart(5, '0')}.JPG`));
  await pool(bigFiles, 2, async (f, i) => {
    writeFileSync(f, await bigJpeg(10_000 + i));
    if (i % 100 === 99) log(`  12 MP JPEGs: ${i + 1}/${counts.big} (${Math.round((Date.now() - t0) / 1000)} s)`);
  });
  made.push(...bigFiles);

  const r = rng(4242);
  const smallFiles: string[] = [];
  await pool(Array.from({ length: counts.small }, (_, i) => i), 4, async (i) => {
    const w = 160 + Math.floor(r() * 1120);
    const h = 160 + Math.floor(r() * 1120);
    const png = i % 5 === 0;
    const dir = png ? 'Pictures/Screenshots' : i % 3 === 0 ? 'cache/thumbnails' : 'WhatsApp/Media/Images';
    const file = path.join(root, dir, `${png ? 'Screenshot' : 'IMG'}-${String(i).padStart(6, '0')}.${png ? 'png' : 'jpg'}`);
    const img = sharp(Buffer.from(shapesSvg(w, h, 50_000 + i, 16)));
    writeFileSync(file, png ? await img.png({ compressionLevel: 6 }).toBuffer() : await img.jpeg({ quality: 80 }).toBuffer());
    smallFiles[i] = file;
    if (i % 2000 === 1999) log(`  small pictures: ${i + 1}/${counts.small} (${Math.round((Date.now() - t0) / 1000)} s)`);
  });
  made.push(...smallFiles);

  for (let i = 0; i < counts.video; i++) {
    const file = path.join(root, 'Movies', `VID_${String(i).padStart(4, '0')}.mp4`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `life=s=320x240:rate=15:seed=${i + 1}:mold=10:ratio=0.1`, '-t', String(2 + (i % 2)), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', file]);
    made.push(file);
  }
  log(`  videos: ${counts.video}`);

  for (let i = 0; i < counts.doc; i++) {
    const size = 5_000 + Math.floor(r() * 195_000);
    const file = path.join(root, 'Documents', `doc-${String(i).padStart(5, '0')}.${i % 2 ? 'pdf' : 'txt'}`);
    const body = Buffer.alloc(size);
    for (let k = 0; k < size; k++) body[k] = 32 + Math.floor(r() * 95);
    if (i % 2) Buffer.from('%PDF-1.4\n').copy(body);
    writeFileSync(file, body);
    made.push(file);
  }
  log(`  documents: ${counts.doc}`);

  for (let i = 0; i < counts.corrupt; i++) {
    const src = smallFiles[i * 7 % smallFiles.length]!;
    const bytes = (await import('node:fs')).readFileSync(src);
    const file = path.join(root, 'broken', `damaged-${i}.jpg`);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 3)));
    made.push(file);
  }

  for (let i = 0; i < dup; i++) {
    const src = made[Math.floor(r() * made.length)]!;
    const dir = i % 2 ? 'Download' : 'Backup/old-phone';
    copyFileSync(src, path.join(root, dir, `copy-${String(i).padStart(5, '0')}-${path.basename(src)}`));
  }
  log(`  copies: ${dup}`);

  let bytes = 0;
  let files = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        files++;
        bytes += statSync(p).size;
      }
    }
  };
  walk(root);
  const manifest: DeviceManifest = { files, bytes, kinds: { ...counts, copies: dup } };
  writeFileSync(marker, JSON.stringify(manifest, null, 2));
  return { root, manifest };
}
