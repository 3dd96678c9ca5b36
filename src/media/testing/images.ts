/** Deterministic benign test pictures (shapes, gradients, noise) for media tests and benchmarks. */
import sharp from 'sharp';

/** Small PRNG (mulberry32) so generated media are identical run to run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An SVG scene of coloured shapes; different seeds give unrelated pictures. */
export function shapesSvg(width: number, height: number, seed: number, shapes = 24): string {
  const r = rng(seed);
  const parts: string[] = [];
  const hue = () => `hsl(${Math.floor(r() * 360)},${40 + Math.floor(r() * 60)}%,${20 + Math.floor(r() * 60)}%)`;
  parts.push(`<rect width="${width}" height="${height}" fill="${hue()}"/>`);
  for (let i = 0; i < shapes; i++) {
    const x = Math.floor(r() * width), y = Math.floor(r() * height);
    const s = Math.floor((0.05 + r() * 0.3) * Math.min(width, height));
    if (r() < 0.5) parts.push(`<circle cx="${x}" cy="${y}" r="${s}" fill="${hue()}"/>`);
    else parts.push(`<rect x="${x - s}" y="${y - s}" width="${s * 2}" height="${Math.floor(s * (0.5 + r()))}" fill="${hue()}" transform="rotate(${Math.floor(r() * 90)} ${x} ${y})"/>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

/** Raw RGB of a shapes scene. */
export async function shapesRgb(width: number, height: number, seed: number): Promise<Buffer> {
  return sharp(Buffer.from(shapesSvg(width, height, seed))).removeAlpha().raw().toBuffer();
}

/**
 * A shapes scene with per-pixel noise, encoded as JPEG: the noise (amplitude ±noise) gives the entropy of a real
 * photo, and with it a realistic file size and decoding cost (12 MP at ±8, quality 90: about 3-4 MB, like a phone).
 */
export async function noisyJpeg(width: number, height: number, seed: number, quality = 90, noise = 8): Promise<Buffer> {
  const base = await shapesRgb(width, height, seed);
  const r = rng(seed ^ 0x9e3779b9);
  for (let i = 0; i < base.length; i += 4) {
    const n = Math.floor(r() * 4294967296);
    for (let k = 0; k < 4 && i + k < base.length; k++) {
      const v = base[i + k]! + ((((n >>> (8 * k)) & 255) * (2 * noise + 1)) >> 8) - noise;
      base[i + k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return sharp(base, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
}
