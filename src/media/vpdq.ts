/**
 * vPDQ (Meta): a video is the bag of PDQ hashes of frames sampled at a fixed rate; two videos match when enough of
 * each one's good frames have a near twin in the other. Order and timing are not used, so trimmed, re-encoded and
 * re-framed copies still match.
 */
import { hexToWords, hammingWords } from './hash256.js';
import { PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY } from './pdq.js';

export interface VpdqFrame {
  n: number;
  ts: number;
  pdq: string;
  quality: number;
}

export interface VpdqMatchOptions {
  /** Frame distance counted as a match, inclusive (default 31). */
  distance?: number;
  /** Frames of lower quality are ignored (default 50). */
  minQuality?: number;
  /** Share of the query's frames that must match (percent, default 80). */
  queryThreshold?: number;
  /** Share of the candidate's frames that must match (percent, default 0). */
  candidateThreshold?: number;
}

export interface VpdqMatchResult {
  /** Percent of the query's unique good frames with a twin in the candidate. */
  queryMatchPercent: number;
  /** Percent of the candidate's unique good frames with a twin in the query. */
  candidateMatchPercent: number;
  match: boolean;
}

/** Drops consecutive frames whose hash equals the previous kept one (a static scene gives one frame). */
export function foldConsecutiveDuplicates(frames: VpdqFrame[]): VpdqFrame[] {
  const out: VpdqFrame[] = [];
  for (const f of frames) if (out.length === 0 || out[out.length - 1]!.pdq !== f.pdq) out.push(f);
  return out;
}

function uniqueGood(frames: VpdqFrame[], minQuality: number): Uint32Array[] {
  const seen = new Set<string>();
  const out: Uint32Array[] = [];
  for (const f of frames) {
    if (f.quality < minQuality || seen.has(f.pdq)) continue;
    seen.add(f.pdq);
    out.push(hexToWords(f.pdq));
  }
  return out;
}

function matchedShare(from: Uint32Array[], to: Uint32Array[], distance: number): number {
  if (from.length === 0) return 0;
  let matched = 0;
  for (const a of from) {
    for (const b of to) {
      if (hammingWords(a, b) <= distance) {
        matched++;
        break;
      }
    }
  }
  return (100 * matched) / from.length;
}

/**
 * Meta's vPDQ match rule as its README and python-threatexchange state it: unique frames of quality >= 50, a frame
 * matches when some frame of the other video is within distance <= 31 (inclusive). The C++ tool's brute-force
 * matcher uses a strict `<` and does not de-duplicate; we follow the documented rule so that "31" means the same
 * thing here as for single images (PDQ_MATCH_DISTANCE) and repeated frames do not inflate a share.
 */
export function matchVpdq(query: VpdqFrame[], candidate: VpdqFrame[], options: VpdqMatchOptions = {}): VpdqMatchResult {
  const distance = options.distance ?? PDQ_MATCH_DISTANCE;
  const minQuality = options.minQuality ?? PDQ_MIN_QUALITY;
  const q = uniqueGood(query, minQuality);
  const c = uniqueGood(candidate, minQuality);
  const queryMatchPercent = matchedShare(q, c, distance);
  const candidateMatchPercent = matchedShare(c, q, distance);
  const match = q.length > 0 && c.length > 0 && queryMatchPercent >= (options.queryThreshold ?? 80) && candidateMatchPercent >= (options.candidateThreshold ?? 0);
  return { queryMatchPercent, candidateMatchPercent, match };
}
