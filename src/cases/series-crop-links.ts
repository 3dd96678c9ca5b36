/**
 * Cropped copies, for series proposals. PDQ does not survive cropping: on generated scenes a crop of 2 % moves the
 * hash ~50 bits, past any usable radius. A crop keeps the pixels it keeps, though, so a cropped copy is found by
 * sliding it, at the scales a crop can leave (the part fills 70–100 % of the whole's longer side), over the picture
 * it came from and measuring the normalised cross-correlation of small greyscale versions of both (32 pixels on the
 * longer side, from the thumbnails). Which pairs to slide comes from a cheap signature (intensity and gradient
 * direction histograms, which a crop barely changes): each picture is compared with its nearest few only.
 *
 * Measured on the generated corpus (test/victims): a crop of ~10 % correlates at >= 0.98 with its original, unrelated
 * scenes at <= 0.68 at their best alignment; links are made at 0.9.
 */

export const TINY_SIDE = 32;
export const CROP_MIN_SCORE = 0.9;
/**
 * The same correlation at half the size first (16 pixels, ~16 times cheaper): crops score >= 0.90 there, unrelated
 * scenes <= 0.77 on the corpus, so pairs under 0.8 are not looked at in full.
 */
const COARSE_MIN_SCORE = 0.8;
const SCALES = [1, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7];
/** Flat pictures correlate with anything: a part must have this much contrast (standard deviation, grey levels). */
const MIN_STD = 6;
/** How far (grey levels) a crop may move a picture's mean intensity (about 4 for a 10 % crop of a generated scene). */
const MEAN_SHIFT = 16;

export interface Tiny {
  w: number;
  h: number;
  d: Float32Array;
}

/** Greyscale, area-averaged down to `side` pixels on the longer side (the aspect ratio is kept). */
export function tinyFromPixels(pixels: Uint8Array, width: number, height: number, channels: number, side = TINY_SIDE): Tiny {
  const scale = Math.min(1, side / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const sum = new Float64Array(w * h);
  const count = new Float64Array(w * h);
  for (let y = 0; y < height; y++) {
    const ty = Math.min(h - 1, Math.floor((y * h) / height));
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const grey = channels >= 3 ? 0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]! : pixels[i]!;
      const t = ty * w + Math.min(w - 1, Math.floor((x * w) / width));
      sum[t]! += grey;
      count[t]! += 1;
    }
  }
  const d = new Float32Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = count[i]! ? sum[i]! / count[i]! : 0;
  return { w, h, d };
}

function resample(t: Tiny, w: number, h: number): Tiny {
  const d = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.max(0, Math.min(t.h - 1, ((y + 0.5) * t.h) / h - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(t.h - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < w; x++) {
      const sx = Math.max(0, Math.min(t.w - 1, ((x + 0.5) * t.w) / w - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(t.w - 1, x0 + 1);
      const fx = sx - x0;
      const top = t.d[y0 * t.w + x0]! * (1 - fx) + t.d[y0 * t.w + x1]! * fx;
      const bottom = t.d[y1 * t.w + x0]! * (1 - fx) + t.d[y1 * t.w + x1]! * fx;
      d[y * w + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { w, h, d };
}

/** Half the size, averaging 2x2 blocks. */
export function halve(t: Tiny): Tiny {
  const w = Math.max(1, t.w >> 1);
  const h = Math.max(1, t.h >> 1);
  const d = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = Math.min(2 * y + 1, t.h - 1) * t.w;
      const b = 2 * y * t.w;
      const x1 = Math.min(2 * x + 1, t.w - 1);
      d[y * w + x] = (t.d[b + 2 * x]! + t.d[b + x1]! + t.d[a + 2 * x]! + t.d[a + x1]!) / 4;
    }
  }
  return { w, h, d };
}

/** 16 intensity bins and 8 gradient-direction bins (weighted by strength), each summing to 1. */
export function tinySignature(t: Tiny): Float32Array {
  const s = new Float32Array(24);
  const n = t.w * t.h;
  for (let i = 0; i < n; i++) s[Math.min(15, Math.floor(t.d[i]! / 16))]! += 1 / n;
  let total = 0;
  for (let y = 1; y < t.h - 1; y++) {
    for (let x = 1; x < t.w - 1; x++) {
      const gx = t.d[y * t.w + x + 1]! - t.d[y * t.w + x - 1]!;
      const gy = t.d[(y + 1) * t.w + x]! - t.d[(y - 1) * t.w + x]!;
      const m = Math.hypot(gx, gy);
      if (m < 8) continue;
      let a = Math.atan2(gy, gx);
      if (a < 0) a += Math.PI;
      s[16 + Math.min(7, Math.floor((a / Math.PI) * 8))]! += m;
      total += m;
    }
  }
  if (total > 0) for (let k = 16; k < 24; k++) s[k]! /= total;
  return s;
}

/** L1 distance, given up (Infinity) once past `bound`: most candidates are far, and stop after a few bins. */
function l1(a: Float32Array, b: Float32Array, bound = Infinity): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    d += Math.abs(a[i]! - b[i]!);
    if (d > bound) return Infinity;
  }
  return d;
}

function std(t: Tiny): number {
  let s = 0;
  let ss = 0;
  for (const v of t.d) {
    s += v;
    ss += v * v;
  }
  const n = t.d.length;
  return Math.sqrt(Math.max(0, ss / n - (s / n) ** 2));
}

interface Alignment {
  score: number;
  scale: number;
  ox: number;
  oy: number;
}

/**
 * Best normalised cross-correlation of `part`, at the given scales, placed inside `whole` (anywhere, or within
 * `radius` pixels of a hinted offset).
 */
function align(whole: Tiny, part: Tiny, scales: readonly number[], near?: { ox: number; oy: number; radius: number }): Alignment {
  const best: Alignment = { score: -1, scale: 1, ox: 0, oy: 0 };
  if (std(part) < MIN_STD) return { ...best, score: 0 };
  for (const f of scales) {
    const w = Math.round(part.w * f);
    const h = Math.round(part.h * f);
    if (w > whole.w || h > whole.h || w < 8 || h < 8) continue;
    const p = resample(part, w, h);
    const n = w * h;
    let sp = 0;
    let spp = 0;
    for (const v of p.d) {
      sp += v;
      spp += v * v;
    }
    const vp = spp - (sp * sp) / n;
    if (vp <= 0) continue;
    const x0 = near ? Math.max(0, near.ox - near.radius) : 0;
    const y0 = near ? Math.max(0, near.oy - near.radius) : 0;
    const x1 = near ? Math.min(whole.w - w, near.ox + near.radius) : whole.w - w;
    const y1 = near ? Math.min(whole.h - h, near.oy + near.radius) : whole.h - h;
    for (let oy = y0; oy <= y1; oy++) {
      for (let ox = x0; ox <= x1; ox++) {
        let sw = 0;
        let sww = 0;
        let swp = 0;
        for (let y = 0; y < h; y++) {
          const row = (y + oy) * whole.w + ox;
          const prow = y * w;
          for (let x = 0; x < w; x++) {
            const a = whole.d[row + x]!;
            sw += a;
            sww += a * a;
            swp += a * p.d[prow + x]!;
          }
        }
        const vw = sww - (sw * sw) / n;
        if (vw <= 0) continue;
        const score = (swp - (sw * sp) / n) / Math.sqrt(vw * vp);
        if (score > best.score) Object.assign(best, { score, scale: f, ox, oy });
      }
    }
  }
  return best;
}

/** Best normalised cross-correlation of `part`, at the scales a crop leaves, anywhere inside `whole`. */
export function cropScore(whole: Tiny, part: Tiny): number {
  return align(whole, part, SCALES).score;
}

/**
 * The same, coarse to fine: the full search at half size, then at full size only around the alignment found there
 * (its scale and the neighbouring ones, offsets within 2 pixels) — a crop found coarsely is confirmed at a fraction
 * of a full search's cost. Returns 0 when the coarse score is under `coarseMin`.
 */
function pairScore(whole: Tiny, part: Tiny, coarseWhole: Tiny, coarsePart: Tiny, coarseMin: number): number {
  const coarse = align(coarseWhole, coarsePart, SCALES);
  if (coarse.score < coarseMin) return 0;
  const i = SCALES.indexOf(coarse.scale);
  const scales = SCALES.slice(Math.max(0, i - 1), i + 2);
  return align(whole, part, scales, { ox: coarse.ox * 2, oy: coarse.oy * 2, radius: 2 }).score;
}

export interface CropCandidate {
  id: string;
  /** Items of one near-duplicate group share a group (they are linked already). */
  group: string;
  tiny: Tiny;
}

/**
 * Links between pictures where one is a crop of the other. `probes` are the ids looked for (one per near-duplicate
 * group, and every picture in none); each is compared with its `candidates` nearest others by signature, in both
 * directions.
 */
export function cropLinks(items: readonly CropCandidate[], probes: ReadonlySet<string>, options: CropLinkOptions = {}): CropLink[] {
  const steps = cropLinkSteps(items, probes, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export interface CropLinkOptions {
  candidates?: number;
  minScore?: number;
  window?: number;
}

export interface CropLink {
  a: string;
  b: string;
  score: number;
}

/**
 * The crop links, computed in steps: the generator yields every few probes so that a caller on a busy node can let
 * other work run in between (see `series-proposal-service.ts`).
 */
export function* cropLinkSteps(items: readonly CropCandidate[], probes: ReadonlySet<string>, options: CropLinkOptions = {}): Generator<void, CropLink[]> {
  const k = options.candidates ?? 6;
  const minScore = options.minScore ?? CROP_MIN_SCORE;
  const window = options.window ?? 2000;
  const sigs = items.map((it) => tinySignature(it.tiny));
  const coarse = items.map((it) => halve(it.tiny));
  const means = items.map((it) => it.tiny.d.reduce((a, b) => a + b, 0) / it.tiny.d.length);
  // Sorted by mean intensity: a crop changes it by a few grey levels, so candidates sit near each other in this order
  // and a probe looks at a bounded window instead of the whole case.
  const order = items.map((_, i) => i).sort((a, b) => means[a]! - means[b]!);
  const rank = new Int32Array(items.length);
  order.forEach((i, r) => (rank[i] = r));
  const out: CropLink[] = [];
  const done = new Set<string>();
  let probed = 0;
  for (const [i, probe] of items.entries()) {
    if (!probes.has(probe.id)) continue;
    if (++probed % 16 === 0) yield;
    const nearest: { j: number; d: number }[] = [];
    const consider = (j: number) => {
      if (j === i || items[j]!.group === probe.group) return;
      const d = l1(sigs[i]!, sigs[j]!, nearest.length < k ? Infinity : nearest[k - 1]!.d);
      if (nearest.length < k) nearest.push({ j, d });
      else if (d < nearest[k - 1]!.d) nearest[k - 1] = { j, d };
      else return;
      nearest.sort((x, y) => x.d - y.d);
    };
    for (let r = rank[i]! - 1, n = 0; r >= 0 && n < window && means[i]! - means[order[r]!]! <= MEAN_SHIFT; r--, n++) consider(order[r]!);
    for (let r = rank[i]! + 1, n = 0; r < order.length && n < window && means[order[r]!]! - means[i]! <= MEAN_SHIFT; r++, n++) consider(order[r]!);
    for (const { j } of nearest) {
      const other = items[j]!;
      const pair = probe.id < other.id ? `${probe.id}:${other.id}` : `${other.id}:${probe.id}`;
      if (done.has(pair)) continue;
      done.add(pair);
      const score = Math.max(pairScore(other.tiny, probe.tiny, coarse[j]!, coarse[i]!, COARSE_MIN_SCORE), pairScore(probe.tiny, other.tiny, coarse[i]!, coarse[j]!, COARSE_MIN_SCORE));
      if (score >= minScore) out.push({ a: probe.id, b: other.id, score });
    }
  }
  return out;
}
