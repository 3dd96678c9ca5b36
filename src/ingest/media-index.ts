/**
 * The node's in-memory near-duplicate indexes (DESIGN §7, §12): one over the PDQ hashes of the node's media, one over
 * the PDQ hashes of the known hash sets. Both are built from the database on first use and follow it: ids are the rows'
 * dense `seq` numbers, so catching up with rows another process added is one range query. Hashes of quality under 50
 * are kept in the database but not indexed (too featureless to match on).
 */
import { sql, type Kysely } from 'kysely';
import { HammingIndex, type IndexHit } from '../media/hamming-index.js';
import { hexToWords } from '../media/hash256.js';
import { PDQ_MIN_QUALITY } from '../media/pdq.js';
import type { Database } from '../store/schema.js';

const PAGE = 50_000;
/**
 * PostgreSQL hands out sequence numbers before commit, so a row with a lower seq can become visible after one with a
 * higher seq: each catch-up looks back this far (re-adding an unchanged hash is a no-op).
 */
const LOOK_BACK = 1000;

/** Rows of (seq, PDQ hex) as the index takes them in bulk: ids and their hashes as 8 words each. */
function packed(rows: readonly { seq: number; pdq: string | null }[]): { ids: Uint32Array; words: Uint32Array } {
  const ids = new Uint32Array(rows.length);
  const words = new Uint32Array(rows.length * 8);
  rows.forEach((r, i) => {
    ids[i] = r.seq;
    hexToWords(r.pdq!, words.subarray(i * 8, i * 8 + 8));
  });
  return { ids, words };
}
export type MediaIndex = ReturnType<typeof createMediaIndex>;

export function createMediaIndex(deps: { db: Kysely<Database> }) {
  const { db } = deps;
  let index = new HammingIndex();
  let lastSeq = 0;
  let refreshedAt = 0;
  let refreshing: Promise<void> | null = null;

  async function catchUp(): Promise<void> {
    let from = Math.max(0, lastSeq - LOOK_BACK);
    for (;;) {
      const rows = await db
        .selectFrom('media')
        .select(['seq', 'pdq'])
        .where('seq', '>', from)
        .where('pdq', 'is not', null)
        .where('pdq_quality', '>=', PDQ_MIN_QUALITY)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      if (rows.length === 0) break;
      const { ids, words } = packed(rows);
      index.addMany(ids, words, { deferMerge: true });
      from = rows[rows.length - 1]!.seq;
      lastSeq = Math.max(lastSeq, from);
      if (rows.length < PAGE) break;
    }
    index.merge();
    refreshedAt = Date.now();
  }

  return {
    /** Brings the index up to date with the database if it is older than `maxAgeMs` (0: always). */
    async refresh(maxAgeMs = 0): Promise<void> {
      if (refreshing) return refreshing;
      if (refreshedAt && Date.now() - refreshedAt < maxAgeMs) return;
      refreshing = catchUp().finally(() => {
        refreshing = null;
      });
      return refreshing;
    },

    /** Media seqs within `radius` of the hash (exact, as brute force would find). */
    search(pdq: string, radius = 31): IndexHit[] {
      return index.search(pdq, radius);
    },

    /** Adds a media item just written by this process. */
    add(seq: number, pdq: string, quality: number): void {
      if (quality < PDQ_MIN_QUALITY) return;
      index.add(seq, pdq);
      if (seq > lastSeq) lastSeq = seq;
    },

    get size(): number {
      return index.size;
    },

    /** Drops everything (tests). */
    reset(): void {
      index = new HammingIndex();
      lastSeq = 0;
      refreshedAt = 0;
    },
  };
}

export type KnownHashIndex = ReturnType<typeof createKnownHashIndex>;

/**
 * PDQ hashes of the known hash sets. Sets are imported and deleted as a whole, so the index is rebuilt when the sets
 * change (their count or newest import differ from what it was built from), which the cheap `signature` query tells.
 */
export function createKnownHashIndex(deps: { db: Kysely<Database> }) {
  const { db } = deps;
  let index = new HammingIndex();
  let builtFor: string | null = null;

  async function signature(): Promise<string> {
    const row = await db
      .selectFrom('hash_sets')
      .select([sql<number>`count(*)`.as('n'), sql<string | null>`max(imported_at)`.as('last'), sql<number | null>`sum(entry_count)`.as('entries')])
      .executeTakeFirst();
    return `${row?.n ?? 0}|${row?.last ?? ''}|${row?.entries ?? 0}`;
  }

  async function rebuild(): Promise<void> {
    const fresh = new HammingIndex();
    let from = 0;
    for (;;) {
      const rows = await db.selectFrom('hash_set_entries').select(['seq', 'pdq']).where('seq', '>', from).where('pdq', 'is not', null).orderBy('seq').limit(PAGE).execute();
      if (rows.length === 0) break;
      const { ids, words } = packed(rows);
      fresh.addMany(ids, words, { deferMerge: true });
      from = rows[rows.length - 1]!.seq;
      if (rows.length < PAGE) break;
    }
    fresh.merge();
    index = fresh;
  }

  let pending: Promise<void> | null = null;

  return {
    /** Rebuilds when the hash sets changed since the last build. */
    async refresh(): Promise<void> {
      if (pending) return pending;
      pending = (async () => {
        const sig = await signature();
        if (sig !== builtFor) {
          await rebuild();
          builtFor = sig;
        }
      })().finally(() => {
        pending = null;
      });
      return pending;
    },

    /** Entry seqs within `radius` of the hash. */
    search(pdq: string, radius = 31): IndexHit[] {
      return index.search(pdq, radius);
    },

    get size(): number {
      return index.size;
    },
  };
}
