/** Paths and parsers for the shared reference vectors (tests and benchmarks only). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findShared(): string {
  if (process.env.TESSERA_SHARED) return process.env.TESSERA_SHARED;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'shared');
    if (existsSync(join(candidate, 'vectors'))) return candidate;
    const sibling = join(dir, '..', 'shared');
    if (existsSync(join(sibling, 'vectors'))) return resolve(sibling);
    dir = dirname(dir);
  }
  return '/work/shared';
}

export const SHARED = findShared();
export const PDQ_VECTORS = join(SHARED, 'vectors', 'pdq');
export const VPDQ_VECTORS = join(SHARED, 'vectors', 'vpdq');

export interface ReferenceRow {
  hash: string;
  quality: number;
  path: string;
  origDims: string;
  hashedDims: string;
  /** original, rot90, rot180, rot270, flipX, flipY, flipPlus1, flipMinus1 */
  dihedral: string[];
}

export function readReferenceCsv(): ReferenceRow[] {
  const text = readFileSync(join(PDQ_VECTORS, 'expected', 'measured-cpp-reference.csv'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const c = l.split(',');
      return {
        hash: c[0]!,
        quality: Number(c[1]),
        path: c[2]!,
        origDims: c[3]!.replace('orig=', ''),
        hashedDims: c[4]!.replace('hashed=', ''),
        dihedral: [c[0]!, ...c.slice(5, 12)],
      };
    });
}

export interface VpdqFrame {
  n: number;
  quality: number;
  pdq: string;
  ts: number;
}

export function readVpdqHashes(file: string): VpdqFrame[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [n, q, h, ts] = l.split(',');
      return { n: Number(n), quality: Number(q), pdq: h!, ts: Number(ts) };
    });
}
