/**
 * A generated corpus with known series for the proposal tests: scenes of shapes (sharp renders SVG), each present as
 * several transformed copies — resized, cropped, recompressed, mirrored, colour-shifted, captioned — plus unrelated
 * single pictures. Every byte is generated; nothing is real imagery.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { rng, shapesSvg } from '../../../src/media/testing/images.js';

export const TRANSFORMS = ['original', 'resized', 'cropped', 'recompressed', 'mirrored', 'colour-shifted', 'captioned', 'cropped-resized', 'mirrored-resized'] as const;
export type Transform = (typeof TRANSFORMS)[number];

/** A scene: shapes with a little noise, like a photograph's grain (PDQ needs texture to be confident). */
async function scene(seed: number, width = 640, height = 480): Promise<Buffer> {
  const base = await sharp(Buffer.from(shapesSvg(width, height, seed, 30))).removeAlpha().raw().toBuffer();
  const r = rng(seed * 7919);
  for (let i = 0; i < base.length; i++) {
    const v = base[i]! + Math.floor(r() * 13) - 6;
    base[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return sharp(base, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

export async function transformed(png: Buffer, t: Transform): Promise<Buffer> {
  const img = sharp(png);
  switch (t) {
    case 'original':
      return img.jpeg({ quality: 90 }).toBuffer();
    case 'resized':
      return img.resize(320, 240).jpeg({ quality: 80 }).toBuffer();
    case 'cropped':
      return img.extract({ left: 24, top: 18, width: 580, height: 436 }).jpeg({ quality: 85 }).toBuffer();
    case 'recompressed':
      return img.jpeg({ quality: 30 }).toBuffer();
    case 'mirrored':
      return img.flop().jpeg({ quality: 85 }).toBuffer();
    case 'colour-shifted':
      return img.modulate({ brightness: 1.12, saturation: 0.6, hue: 25 }).jpeg({ quality: 85 }).toBuffer();
    case 'cropped-resized':
      return img.extract({ left: 60, top: 20, width: 540, height: 420 }).resize(360).jpeg({ quality: 75 }).toBuffer();
    case 'mirrored-resized':
      return img.flop().resize(480).jpeg({ quality: 70 }).toBuffer();
    case 'captioned': {
      const caption = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><text x="20" y="460" font-family="sans-serif" font-size="28" fill="white" stroke="black" stroke-width="1">shared on board 7 / 2019</text></svg>`);
      return img.composite([{ input: caption }]).jpeg({ quality: 85 }).toBuffer();
    }
  }
}

export interface Corpus {
  /** file name → the scene it shows ("single-…" for unrelated pictures) */
  truth: Map<string, string>;
  files: number;
}

/** Writes `scenes` scenes (each with 3 to 8 of the transforms) and `singles` unrelated pictures into `dir`. */
export async function writeCorpus(dir: string, options: { scenes: number; singles: number; seed?: number }): Promise<Corpus> {
  mkdirSync(dir, { recursive: true });
  const r = rng(options.seed ?? 2024);
  const truth = new Map<string, string>();
  for (let s = 0; s < options.scenes; s++) {
    const png = await scene(5000 + s);
    const count = 3 + Math.floor(r() * 6);
    const picks = [...TRANSFORMS].sort(() => r() - 0.5).slice(0, count);
    for (const t of picks) {
      const name = `scene-${String(s).padStart(3, '0')}-${t}.jpg`;
      writeFileSync(path.join(dir, name), await transformed(png, t));
      truth.set(name, `scene-${s}`);
    }
  }
  for (let i = 0; i < options.singles; i++) {
    const name = `single-${String(i).padStart(3, '0')}.jpg`;
    writeFileSync(path.join(dir, name), await sharp(await scene(9000 + i)).jpeg({ quality: 88 }).toBuffer());
    truth.set(name, `single-${i}`);
  }
  return { truth, files: truth.size };
}
