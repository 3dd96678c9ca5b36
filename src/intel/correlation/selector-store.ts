/**
 * Writing selectors and where they were seen. A selector is one row per case, type and normalised value; each place
 * it was found (a span of a record's text, a media item's metadata) is a source row. Both functions work in batches so
 * the post import can link hundreds of thousands of selectors inside a few transactions.
 */
import type { Kysely, Transaction } from 'kysely';
import type { HandlingCode, SelectorType } from '../vocabulary.js';
import type { ExtractedSelector } from '../selectors/types.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';

export type SelectorStatus = 'suggested' | 'confirmed' | 'dismissed';
export type SelectorOrigin = 'extracted' | 'manual' | 'media' | 'import';
export type SourceType = 'record' | 'media' | 'message';

export interface SelectorValue {
  type: SelectorType;
  normalised: string;
  raw: string;
  valid: boolean;
  reason?: string | undefined;
  note?: string | undefined;
}

export interface SelectorDefaults {
  origin: SelectorOrigin;
  status: SelectorStatus;
  /** The agency on whose behalf the selector was first recorded, and the handling it came with. */
  agencyId: string;
  handlingCode: HandlingCode;
}

export interface SourceRow {
  selectorId: string;
  sourceType: SourceType;
  sourceId: string;
  /** UTF-16 offsets in the source text; -1 when the selector is not a span (a record's subject, media metadata). */
  start: number;
  end: number;
  raw: string;
}

export const selectorKey = (type: string, normalised: string): string => `${type}\u0000${normalised}`;

// Both dialects accept far more bound parameters than this per statement (SQLite 32 766, PostgreSQL 65 535).
const CHUNK = 400;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Returns the id of every given selector in the case, creating the missing ones with `defaults`. `known` is a cache of
 * ids already resolved for this case (the import keeps one across batches); it is read, never written here.
 */
export async function ensureSelectors(
  db: Db,
  caseId: string,
  values: readonly SelectorValue[],
  defaults: SelectorDefaults,
  known?: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const wanted = new Map<string, SelectorValue>();
  for (const v of values) {
    const key = selectorKey(v.type, v.normalised);
    const cached = known?.get(key);
    if (cached) ids.set(key, cached);
    else if (!wanted.has(key)) wanted.set(key, v);
  }
  if (wanted.size === 0) return ids;

  const lookup = async (keys: string[]): Promise<void> => {
    for (const part of chunks([...new Set(keys.map((k) => k.slice(k.indexOf('\u0000') + 1)))])) {
      const rows = await db.selectFrom('selectors').select(['id', 'type', 'normalised']).where('case_id', '=', caseId).where('normalised', 'in', part).execute();
      for (const r of rows) {
        const key = selectorKey(r.type, r.normalised);
        if (wanted.has(key)) ids.set(key, r.id);
      }
    }
  };
  await lookup([...wanted.keys()]);

  const missing = [...wanted.entries()].filter(([key]) => !ids.has(key));
  if (missing.length > 0) {
    const now = nowIso();
    for (const part of chunks(missing)) {
      await db
        .insertInto('selectors')
        .values(
          part.map(([, v]) => ({
            id: newId(),
            case_id: caseId,
            type: v.type,
            normalised: v.normalised,
            raw: v.raw.slice(0, 2048),
            valid: v.valid ? 1 : 0,
            reason: v.reason ?? null,
            note: v.note ?? null,
            status: defaults.status,
            origin: defaults.origin,
            agency_id: defaults.agencyId,
            handling_code: defaults.handlingCode,
            created_at: now,
            decided_at: null,
            decided_by: null,
          })),
        )
        // Another writer may have created the same selector meanwhile: theirs is kept and looked up below.
        .onConflict((oc) => oc.columns(['case_id', 'type', 'normalised']).doNothing())
        .execute();
    }
    await lookup(missing.map(([key]) => key));
  }
  return ids;
}

export async function insertSources(db: Db, rows: readonly SourceRow[]): Promise<void> {
  if (rows.length === 0) return;
  const now = nowIso();
  for (const part of chunks(rows)) {
    await db
      .insertInto('selector_sources')
      .values(
        part.map((r) => ({
          selector_id: r.selectorId,
          source_type: r.sourceType,
          source_id: r.sourceId,
          span_start: r.start,
          span_end: r.end,
          raw: r.raw.slice(0, 2048),
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['selector_id', 'source_type', 'source_id', 'span_start']).doNothing())
      .execute();
  }
}

/**
 * Replaces what one source contributes: its old source rows go, the new ones are linked, and suggestions nobody
 * decided on that no longer come from anywhere are removed (an edit that corrects a typo leaves no stale selector).
 */
export async function replaceSourceSelectors(
  trx: Transaction<Database>,
  args: { caseId: string; sourceType: SourceType; sourceId: string; found: readonly (SelectorValue & { start: number; end: number })[]; defaults: SelectorDefaults },
): Promise<Map<string, string>> {
  const previous = await trx
    .selectFrom('selector_sources')
    .select('selector_id')
    .where('source_type', '=', args.sourceType)
    .where('source_id', '=', args.sourceId)
    .execute();
  if (previous.length > 0) {
    await trx.deleteFrom('selector_sources').where('source_type', '=', args.sourceType).where('source_id', '=', args.sourceId).execute();
  }
  const ids = await ensureSelectors(trx, args.caseId, args.found, args.defaults);
  await insertSources(
    trx,
    args.found.map((f) => ({
      selectorId: ids.get(selectorKey(f.type, f.normalised))!,
      sourceType: args.sourceType,
      sourceId: args.sourceId,
      start: f.start,
      end: f.end,
      raw: f.raw,
    })),
  );
  const stale = [...new Set(previous.map((p) => p.selector_id))].filter((id) => ![...ids.values()].includes(id));
  for (const part of chunks(stale)) {
    await trx
      .deleteFrom('selectors')
      .where('id', 'in', part)
      .where('status', '=', 'suggested')
      .where('origin', '=', 'extracted')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('selector_sources').select('selector_id').whereRef('selector_sources.selector_id', '=', 'selectors.id'))))
      .execute();
  }
  return ids;
}

/** Extraction results as selector values with their spans. */
export function fromExtracted(found: readonly ExtractedSelector[]): (SelectorValue & { start: number; end: number })[] {
  return found.map((f) => ({ type: f.type, normalised: f.normalised, raw: f.raw, valid: f.valid, reason: f.reason, note: f.note, start: f.start, end: f.end }));
}
