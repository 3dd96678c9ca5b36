/**
 * Matching media against the known hash sets: exact on any digest the set gives (md5, sha1, sha256), near on PDQ
 * (distance <= 31, pictures of quality >= 50). Run for new media at ingest, and over all media when a set is imported.
 * A media item whose case category is still unset takes the category of its most severe exact match
 * ("precategorised", as VICS calls it); near matches are shown, never applied.
 */
import type { Kysely, Transaction } from 'kysely';
import { PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY } from '../media/pdq.js';
import { nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { KnownHashIndex, MediaIndex } from './media-index.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface MediaDigests {
  id: string;
  md5: string;
  sha1: string;
  sha256: string;
  pdq: string | null;
  pdq_quality: number | null;
}

interface MatchRow {
  media_id: string;
  entry_seq: number;
  set_id: string;
  match: 'exact' | 'near';
  digest: 'md5' | 'sha1' | 'sha256' | 'pdq';
  distance: number;
}

export interface MatchCounts {
  exact: number;
  near: number;
  media: number;
}

/** Most severe first: what a triage list must not under-state. */
const SEVERITY = ['cam', 'cem', 'cgi', 'comparison', 'non-pertinent', 'uncategorised'];
const DIGEST_STRENGTH = { sha256: 3, sha1: 2, md5: 1, pdq: 0 } as const;
const CHUNK = 300;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function insertMatches(db: Db, rows: MatchRow[]): Promise<number> {
  // One row per (media, entry): the strongest evidence wins (exact over near, sha256 over md5).
  const best = new Map<string, MatchRow>();
  for (const r of rows) {
    const k = `${r.media_id}|${r.entry_seq}`;
    const prev = best.get(k);
    if (!prev || (prev.match === 'near' && r.match === 'exact') || (prev.match === r.match && DIGEST_STRENGTH[r.digest] > DIGEST_STRENGTH[prev.digest])) best.set(k, r);
  }
  const now = nowIso();
  let inserted = 0;
  for (const part of chunks([...best.values()], 200)) {
    const res = await db
      .insertInto('media_hash_matches')
      .values(part.map((r) => ({ ...r, matched_at: now })))
      .onConflict((oc) => oc.columns(['media_id', 'entry_seq']).doNothing())
      .executeTakeFirst();
    inserted += Number(res.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

function count(rows: MatchRow[]): MatchCounts {
  return {
    exact: rows.filter((r) => r.match === 'exact').length,
    near: rows.filter((r) => r.match === 'near').length,
    media: new Set(rows.map((r) => r.media_id)).size,
  };
}

/** Matches the given media against every known set (used for new media at ingest). */
export async function matchMediaAgainstSets(db: Db, known: KnownHashIndex, media: MediaDigests[]): Promise<MatchCounts> {
  if (media.length === 0) return { exact: 0, near: 0, media: 0 };
  const rows: MatchRow[] = [];
  const byDigest = { md5: new Map<string, string[]>(), sha1: new Map<string, string[]>(), sha256: new Map<string, string[]>() };
  for (const m of media) {
    for (const d of ['md5', 'sha1', 'sha256'] as const) {
      const list = byDigest[d].get(m[d]) ?? [];
      list.push(m.id);
      byDigest[d].set(m[d], list);
    }
  }
  for (const d of ['md5', 'sha1', 'sha256'] as const) {
    for (const part of chunks([...byDigest[d].keys()])) {
      const hits = await db.selectFrom('hash_set_entries').select(['seq', 'set_id', d]).where(d, 'in', part).execute();
      for (const h of hits) {
        for (const mediaId of byDigest[d].get(h[d] as string) ?? []) rows.push({ media_id: mediaId, entry_seq: h.seq, set_id: h.set_id, match: 'exact', digest: d, distance: 0 });
      }
    }
  }
  const near: { mediaId: string; seq: number; distance: number }[] = [];
  for (const m of media) {
    if (!m.pdq || (m.pdq_quality ?? 0) < PDQ_MIN_QUALITY) continue;
    for (const hit of known.search(m.pdq, PDQ_MATCH_DISTANCE)) near.push({ mediaId: m.id, seq: hit.id, distance: hit.distance });
  }
  for (const part of chunks(near)) {
    const sets = await db.selectFrom('hash_set_entries').select(['seq', 'set_id']).where('seq', 'in', part.map((n) => n.seq)).execute();
    const setOf = new Map(sets.map((s) => [s.seq, s.set_id]));
    for (const n of part) {
      const setId = setOf.get(n.seq);
      if (setId) rows.push({ media_id: n.mediaId, entry_seq: n.seq, set_id: setId, match: 'near', digest: 'pdq', distance: n.distance });
    }
  }
  await insertMatches(db, rows);
  return count(rows);
}

/** Matches every media item of the node against one newly imported set (retroactive matching). */
export async function matchSetAgainstMedia(db: Db, mediaIndex: MediaIndex, setId: string): Promise<MatchCounts & { mediaIds: string[] }> {
  const rows: MatchRow[] = [];
  for (const d of ['md5', 'sha1', 'sha256'] as const) {
    const hits = await db
      .selectFrom('hash_set_entries as e')
      .innerJoin('media as m', `m.${d}`, `e.${d}`)
      .select(['m.id as media_id', 'e.seq as seq'])
      .where('e.set_id', '=', setId)
      .execute();
    for (const h of hits) rows.push({ media_id: h.media_id, entry_seq: h.seq, set_id: setId, match: 'exact', digest: d, distance: 0 });
  }
  let after = 0;
  for (;;) {
    const entries = await db.selectFrom('hash_set_entries').select(['seq', 'pdq']).where('set_id', '=', setId).where('pdq', 'is not', null).where('seq', '>', after).orderBy('seq').limit(5000).execute();
    if (entries.length === 0) break;
    const found: { seq: number; mediaSeq: number; distance: number }[] = [];
    for (const e of entries) for (const hit of mediaIndex.search(e.pdq!, PDQ_MATCH_DISTANCE)) found.push({ seq: e.seq, mediaSeq: hit.id, distance: hit.distance });
    for (const part of chunks(found)) {
      const media = await db.selectFrom('media').select(['seq', 'id']).where('seq', 'in', [...new Set(part.map((f) => f.mediaSeq))]).execute();
      const idOf = new Map(media.map((m) => [m.seq, m.id]));
      for (const f of part) {
        const mediaId = idOf.get(f.mediaSeq);
        if (mediaId) rows.push({ media_id: mediaId, entry_seq: f.seq, set_id: setId, match: 'near', digest: 'pdq', distance: f.distance });
      }
    }
    after = entries[entries.length - 1]!.seq;
  }
  await insertMatches(db, rows);
  return { ...count(rows), mediaIds: [...new Set(rows.map((r) => r.media_id))] };
}

/**
 * Gives media still uncategorised in a case (or in every case, without `caseId`) the category of their most severe
 * exact match, recording which set it came from. Returns how many case items changed.
 */
export async function precategorise(db: Db, mediaIds: string[], caseId?: string): Promise<number> {
  let changed = 0;
  for (const part of chunks([...new Set(mediaIds)])) {
    const matches = await db
      .selectFrom('media_hash_matches as h')
      .innerJoin('hash_set_entries as e', 'e.seq', 'h.entry_seq')
      .innerJoin('hash_sets as s', 's.id', 'h.set_id')
      .select(['h.media_id', 'e.category', 'e.category_scheme', 'e.category_code', 's.name'])
      .where('h.media_id', 'in', part)
      .where('h.match', '=', 'exact')
      .execute();
    const best = new Map<string, (typeof matches)[number]>();
    for (const m of matches) {
      const prev = best.get(m.media_id);
      if (!prev || SEVERITY.indexOf(m.category) < SEVERITY.indexOf(prev.category) || (m.category === prev.category && m.name < prev.name)) best.set(m.media_id, m);
    }
    for (const [mediaId, m] of best) {
      if (m.category === 'uncategorised') continue;
      let q = db
        .updateTable('case_media')
        .set({ category: m.category, category_scheme: m.category_scheme, category_code: m.category_code, category_source: `hashset:${m.name}`, categorised_at: nowIso(), categorised_by: null })
        .where('media_id', '=', mediaId)
        .where('category_source', '=', 'none');
      if (caseId) q = q.where('case_id', '=', caseId);
      const res = await q.executeTakeFirst();
      changed += Number(res.numUpdatedRows);
    }
  }
  return changed;
}
