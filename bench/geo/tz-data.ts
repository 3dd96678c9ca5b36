import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

/** One author of shared/data/tz-eval.jsonl (see shared/data/README.md). */
export interface TzAuthor {
  author: string;
  offsetMinutes: number;
  times: number[];
  offsets: number[];
}

/** A run of consecutive commits of one author, labelled with the offset most of them recorded. */
export interface TzWindow {
  author: string;
  times: number[];
  truth: number;
}

/** TZ_EVAL_PATH, else the team's shared folder (TESSERA_SHARED, beside the checkout, or /work/shared). */
export function defaultDataPath(): string {
  if (process.env.TZ_EVAL_PATH) return process.env.TZ_EVAL_PATH;
  const candidates = [process.env.TESSERA_SHARED, new URL('../../../shared', import.meta.url).pathname, '/work/shared'].filter((c): c is string => !!c);
  const found = candidates.map((c) => join(c, 'data', 'tz-eval.jsonl')).find((f) => existsSync(f));
  if (!found) throw new Error(`tz-eval.jsonl not found (looked in ${candidates.join(', ')}); set TZ_EVAL_PATH or TESSERA_SHARED`);
  return found;
}

export function loadAuthors(path = defaultDataPath()): TzAuthor[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as { author: string; offset_minutes: number; utc_times: number[]; utc_offsets: number[] };
      return { author: row.author, offsetMinutes: row.offset_minutes, times: row.utc_times, offsets: row.utc_offsets };
    });
}

/**
 * Deterministic half split. The author id is already a hash of an e-mail address, but we hash it again with a
 * fixed salt so the split does not depend on how the data set happened to be keyed.
 */
export function isTrainingAuthor(author: string): boolean {
  const digest = createHash('sha256').update(`tessera-geo-split-v1:${author}`).digest();
  return (digest[0]! & 1) === 0;
}

function dominant(values: readonly number[]): number {
  const counts = new Map<number, number>();
  let best = values[0] ?? 0;
  let bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/**
 * Cuts an author's history into non-overlapping runs of `size` consecutive commits (a trailing shorter run is
 * dropped); size 'all' gives one window of the whole history labelled with the author's dominant offset.
 */
export function windowsOf(author: TzAuthor, size: number | 'all'): TzWindow[] {
  if (size === 'all') return [{ author: author.author, times: author.times, truth: author.offsetMinutes }];
  const out: TzWindow[] = [];
  for (let start = 0; start + size <= author.times.length; start += size) {
    out.push({
      author: author.author,
      times: author.times.slice(start, start + size),
      truth: dominant(author.offsets.slice(start, start + size)),
    });
  }
  return out;
}
