import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/paths.js';

/**
 * The team's shared reference material (reference vectors, evaluation data), which lives beside the checkout as
 * `../shared`. TESSERA_SHARED points elsewhere; a missing folder is a clear error, not a silently skipped test.
 */
function findShared(): string {
  const candidates = [process.env.TESSERA_SHARED, path.join(packageRoot, '..', 'shared'), '/work/shared'].filter((c): c is string => !!c);
  for (const candidate of candidates) if (existsSync(path.join(candidate, 'vectors'))) return path.resolve(candidate);
  throw new Error(`The shared reference vectors were not found (looked in ${candidates.join(', ')}); set TESSERA_SHARED to their folder.`);
}

export const SHARED = findShared();
export const sharedPath = (...parts: string[]) => path.join(SHARED, ...parts);
