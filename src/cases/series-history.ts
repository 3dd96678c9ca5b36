/**
 * The history of series and victims, and undo. Every change is written as a list of small operations, each saying
 * what was before and what is after: undoing a change applies the inverted list, after checking that nothing
 * changed since (a media item moved again, a series renamed again). An undo is itself a change with its history, so
 * it can be undone too.
 */
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../errors.js';
import { actorAgency, actorName, type Actor } from '../identity/actor.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { HistoryAction, HistoryEvent } from './series-schemas.js';

/** The columns of a series that a change can touch besides membership. */
export interface SeriesFields {
  name?: string;
  description?: string;
  state?: string;
  merged_into?: string | null;
  status?: string;
  identified_by?: string | null;
  identified_on?: string | null;
  identified_country?: string | null;
  identification_source?: string | null;
}

export interface VictimFields {
  status?: string;
  identified_by?: string | null;
  identified_on?: string | null;
  safeguarded_on?: string | null;
  country?: string | null;
  notes?: string;
}

export type Op =
  /** Media items change series (null: none). */
  | { op: 'move'; moves: { mediaId: string; from: string | null; to: string | null }[] }
  | { op: 'series'; seriesId: string; before: SeriesFields; after: SeriesFields }
  | { op: 'victim'; victimId: string; before: VictimFields; after: VictimFields }
  | { op: 'victim-series'; victimId: string; before: string[]; after: string[] };

export interface Change {
  ops: Op[];
  /** Words for the history list ("added 3 items", "merged S-004 into S-002"). */
  summary: string;
  /** Set on a change that is not undoable (victim creation). */
  final?: boolean;
}

export function invert(ops: readonly Op[]): Op[] {
  return [...ops].reverse().map((o): Op => {
    switch (o.op) {
      case 'move':
        return { op: 'move', moves: o.moves.map((m) => ({ mediaId: m.mediaId, from: m.to, to: m.from })) };
      case 'series':
        return { op: 'series', seriesId: o.seriesId, before: o.after, after: o.before };
      case 'victim':
        return { op: 'victim', victimId: o.victimId, before: o.after, after: o.before };
      case 'victim-series':
        return { op: 'victim-series', victimId: o.victimId, before: o.after, after: o.before };
    }
  });
}

function sameFields(current: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([k, v]) => (current[k] ?? null) === (v ?? null));
}

/**
 * Why `ops` cannot be applied to the current state (each op's `before` must hold), or null when they can. Checked
 * op by op against the state the earlier ops would leave.
 */
export async function conflictOf(db: Kysely<Database>, caseId: string, ops: readonly Op[]): Promise<string | null> {
  const membership = new Map<string, string | null>();
  const seriesState = new Map<string, Record<string, unknown>>();
  const victimState = new Map<string, Record<string, unknown>>();
  const victimSeries = new Map<string, string[]>();
  for (const o of ops) {
    if (o.op === 'move') {
      const unknown = o.moves.map((m) => m.mediaId).filter((id) => !membership.has(id));
      if (unknown.length) {
        for (let i = 0; i < unknown.length; i += 500) {
          const rows = await db.selectFrom('series_media').select(['media_id', 'series_id']).where('case_id', '=', caseId).where('media_id', 'in', unknown.slice(i, i + 500)).execute();
          for (const id of unknown.slice(i, i + 500)) membership.set(id, rows.find((r) => r.media_id === id)?.series_id ?? null);
        }
      }
      for (const m of o.moves) {
        if ((membership.get(m.mediaId) ?? null) !== m.from) return 'a media item has changed series since';
        membership.set(m.mediaId, m.to);
      }
    } else if (o.op === 'series') {
      let cur = seriesState.get(o.seriesId);
      if (!cur) {
        const row = await db.selectFrom('series').selectAll().where('id', '=', o.seriesId).where('case_id', '=', caseId).executeTakeFirst();
        if (!row) return 'a series it concerns no longer exists';
        cur = { ...row };
      }
      if (!sameFields(cur, o.before as Record<string, unknown>)) return 'the series has changed since';
      seriesState.set(o.seriesId, { ...cur, ...o.after });
    } else if (o.op === 'victim') {
      let cur = victimState.get(o.victimId);
      if (!cur) {
        const row = await db.selectFrom('victims').selectAll().where('id', '=', o.victimId).where('case_id', '=', caseId).executeTakeFirst();
        if (!row) return 'the victim record no longer exists';
        cur = { ...row };
      }
      if (!sameFields(cur, o.before as Record<string, unknown>)) return 'the victim record has changed since';
      victimState.set(o.victimId, { ...cur, ...o.after });
    } else {
      let cur = victimSeries.get(o.victimId);
      if (!cur) cur = (await db.selectFrom('victim_series').select('series_id').where('victim_id', '=', o.victimId).execute()).map((r) => r.series_id);
      if (JSON.stringify([...cur].sort()) !== JSON.stringify([...o.before].sort())) return "the victim's series have changed since";
      victimSeries.set(o.victimId, o.after);
    }
  }
  // A series that ends merged or dissolved must end empty: undoing a creation after items were added is refused.
  for (const [seriesId, state] of seriesState) {
    if (state.state === 'active') continue;
    const members = await db.selectFrom('series_media').select('media_id').where('case_id', '=', caseId).where('series_id', '=', seriesId).execute();
    const left = members.filter((m) => (membership.has(m.media_id) ? membership.get(m.media_id) === seriesId : true)).length;
    const arrived = [...membership].filter(([mediaId, s]) => s === seriesId && !members.some((m) => m.media_id === mediaId)).length;
    if (left + arrived > 0) return 'the series holds items added since';
  }
  return null;
}

/** Applies checked ops inside the caller's transaction. */
export async function applyOps(trx: Kysely<Database>, caseId: string, ops: readonly Op[], by: string): Promise<void> {
  const now = nowIso();
  const touched = new Set<string>();
  for (const o of ops) {
    if (o.op === 'move') {
      const leaving = o.moves.filter((m) => m.from !== null).map((m) => m.mediaId);
      for (let i = 0; i < leaving.length; i += 500) await trx.deleteFrom('series_media').where('case_id', '=', caseId).where('media_id', 'in', leaving.slice(i, i + 500)).execute();
      const arriving = o.moves.filter((m) => m.to !== null);
      for (let i = 0; i < arriving.length; i += 500) {
        await trx
          .insertInto('series_media')
          .values(arriving.slice(i, i + 500).map((m) => ({ case_id: caseId, media_id: m.mediaId, series_id: m.to!, added_by: by, added_at: now })))
          .execute();
      }
      for (const m of o.moves) {
        if (m.from) touched.add(m.from);
        if (m.to) touched.add(m.to);
      }
    } else if (o.op === 'series') {
      await trx.updateTable('series').set({ ...o.after }).where('id', '=', o.seriesId).where('case_id', '=', caseId).execute();
      touched.add(o.seriesId);
    } else if (o.op === 'victim') {
      await trx
        .updateTable('victims')
        .set((eb) => ({ ...o.after, version: eb('version', '+', 1), updated_at: now }))
        .where('id', '=', o.victimId)
        .where('case_id', '=', caseId)
        .execute();
    } else {
      await trx.deleteFrom('victim_series').where('victim_id', '=', o.victimId).execute();
      if (o.after.length) await trx.insertInto('victim_series').values(o.after.map((s) => ({ victim_id: o.victimId, series_id: s }))).execute();
      await trx.updateTable('victims').set((eb) => ({ version: eb('version', '+', 1), updated_at: now })).where('id', '=', o.victimId).execute();
    }
  }
  if (touched.size) {
    await trx
      .updateTable('series')
      .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
      .where('case_id', '=', caseId)
      .where('id', 'in', [...touched])
      .execute();
  }
}

/** Every series or victim an op list concerns (for each subject's own history). */
export function subjectsOf(ops: readonly Op[]): string[] {
  const out = new Set<string>();
  for (const o of ops) {
    if (o.op === 'move') for (const m of o.moves) for (const s of [m.from, m.to]) if (s) out.add(s);
    if (o.op === 'series') out.add(o.seriesId);
    if (o.op === 'victim' || o.op === 'victim-series') out.add(o.victimId);
  }
  return [...out];
}

export interface HistoryEntry {
  caseId: string;
  subjectType: 'series' | 'victim';
  subjectId: string;
  action: HistoryAction;
  reason?: string | null | undefined;
  actor: Actor;
  change: Change;
  reverts?: string;
}

export async function recordHistory(trx: Kysely<Database>, entry: HistoryEntry): Promise<string> {
  const id = newId();
  await trx
    .insertInto('identification_history')
    .values({
      id,
      case_id: entry.caseId,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      action: entry.action,
      reason: entry.reason ?? null,
      actor_id: entry.actor.kind === 'user' ? entry.actor.userId : null,
      actor_name: actorName(entry.actor),
      agency_id: actorAgency(entry.actor),
      at: nowIso(),
      change: JSON.stringify(entry.change),
      reverts: entry.reverts ?? null,
      reverted_by: null,
    })
    .execute();
  const subjects = new Set([entry.subjectId, ...subjectsOf(entry.change.ops)]);
  await trx.insertInto('identification_history_subjects').values([...subjects].map((s) => ({ event_id: id, subject_id: s }))).execute();
  if (entry.reverts) await trx.updateTable('identification_history').set({ reverted_by: id }).where('id', '=', entry.reverts).execute();
  return id;
}

type HistoryRow = Database['identification_history'];

export async function loadEvent(db: Kysely<Database>, caseId: string, eventId: string): Promise<HistoryRow & { parsed: Change }> {
  const row = await db.selectFrom('identification_history').selectAll().where('id', '=', eventId).where('case_id', '=', caseId).executeTakeFirst();
  if (!row) throw new NotFoundError('The change');
  return { ...row, parsed: JSON.parse(row.change) as Change };
}

/** Whether an event can be undone now, and why not. */
export async function revertBlocker(db: Kysely<Database>, caseId: string, row: HistoryRow & { parsed: Change }): Promise<string | null> {
  if (row.reverted_by) return 'it was undone already';
  if (row.parsed.final) return 'this kind of change cannot be undone';
  return conflictOf(db, caseId, invert(row.parsed.ops));
}

export async function listHistory(db: Kysely<Database>, caseId: string, subjectId?: string, limit = 200): Promise<HistoryEvent[]> {
  let q = db.selectFrom('identification_history as h').selectAll('h').where('h.case_id', '=', caseId);
  if (subjectId) q = q.where((eb) => eb.exists(eb.selectFrom('identification_history_subjects as s').select('s.event_id').whereRef('s.event_id', '=', 'h.id').where('s.subject_id', '=', subjectId)));
  const rows = await q.orderBy('h.at', 'desc').orderBy('h.id', 'desc').limit(limit).execute();
  const out: HistoryEvent[] = [];
  for (const r of rows) {
    const parsed = JSON.parse(r.change) as Change;
    out.push({
      id: r.id,
      subjectType: r.subject_type as HistoryEvent['subjectType'],
      subjectId: r.subject_id,
      action: r.action as HistoryAction,
      summary: parsed.summary,
      reason: r.reason,
      actorName: r.actor_name,
      agencyId: r.agency_id,
      at: r.at,
      reverts: r.reverts,
      revertedBy: r.reverted_by,
      revertible: (await revertBlocker(db, caseId, { ...r, parsed })) === null,
    });
  }
  return out;
}

export function revertConflict(why: string): ConflictError {
  return new ConflictError(`This change cannot be undone: ${why}.`, 'not-revertible');
}
