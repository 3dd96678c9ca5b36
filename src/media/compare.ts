/** Verdicts between two pictures or two videos, from their hashes. */
import { hamming, isHash256Hex } from './hash256.js';
import { PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY } from './pdq.js';
import { matchVpdq, type VpdqFrame, type VpdqMatchOptions } from './vpdq.js';

export interface ImageComparison {
  kind: 'image';
  distance: number;
  /** match: distance <= 31 with both qualities >= 50; low-quality: too featureless to decide; different otherwise. */
  verdict: 'match' | 'different' | 'low-quality';
  /** The dihedral variant of A that is nearest to B, when dihedral hashes were compared. */
  nearestOrientation?: string;
}

export interface VideoComparison {
  kind: 'video';
  queryMatchPercent: number;
  candidateMatchPercent: number;
  verdict: 'match' | 'different';
}

export const DIHEDRAL_NAMES = ['original', 'rot90', 'rot180', 'rot270', 'flipX', 'flipY', 'flipPlus1', 'flipMinus1'] as const;

export interface PdqSide {
  pdq: string;
  /** Unknown for a bare hash: taken as good enough. */
  quality?: number;
  dihedral?: string[];
}

export function compareImages(a: PdqSide, b: PdqSide): ImageComparison {
  let distance = hamming(a.pdq, b.pdq);
  let nearestOrientation: string | undefined;
  if (a.dihedral?.length === 8) {
    const ds = a.dihedral.map((h) => hamming(h, b.pdq));
    const best = ds.indexOf(Math.min(...ds));
    distance = ds[best]!;
    nearestOrientation = DIHEDRAL_NAMES[best];
  }
  const lowQuality = (a.quality ?? 100) < PDQ_MIN_QUALITY || (b.quality ?? 100) < PDQ_MIN_QUALITY;
  const verdict = lowQuality ? 'low-quality' : distance <= PDQ_MATCH_DISTANCE ? 'match' : 'different';
  return { kind: 'image', distance, verdict, ...(nearestOrientation ? { nearestOrientation } : {}) };
}

export function compareVideos(a: VpdqFrame[], b: VpdqFrame[], options?: VpdqMatchOptions): VideoComparison {
  const r = matchVpdq(a, b, options);
  return {
    kind: 'video',
    queryMatchPercent: Math.round(r.queryMatchPercent * 100) / 100,
    candidateMatchPercent: Math.round(r.candidateMatchPercent * 100) / 100,
    verdict: r.match ? 'match' : 'different',
  };
}

export { isHash256Hex };
