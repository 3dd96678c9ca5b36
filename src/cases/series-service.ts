/**
 * Series: media of a case that show the same victim(s) or scene. The specialist creates, renames, fills, merges and
 * splits them, and marks them identified; every change is written to the history with who, when and why, and can be
 * undone. A series is never deleted: merged or dissolved series stay, so undoing brings them back.
 */
import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { RequestContext } from '../identity/context.js';
import { isCountryCode } from '../identity/country.js';
import { newId, nowIso } from '../store/ids.js';
import type { Database } from '../store/schema.js';
import type { CaseAccessPolicy } from './case-access.js';
import {
  applyOps,
  conflictOf,
  invert,
  listHistory,
  loadEvent,
  recordHistory,
  revertBlocker,
  revertConflict,
  type Change,
  type Op,
  type SeriesFields,
} from './series-history.js';
import type {
  AgencyRef,
  Elsewhere,
  HistoryAction,
  HistoryEvent,
  IdentifyBody,
  MergeBody,
  NewSeries,
  SeriesDetail,
  SeriesListQuery,
  SeriesMedia,
  SeriesPatch,
  SeriesStatus,
  SeriesSummary,
  SplitBody,
} from './series-schemas.js';

export type SeriesService = ReturnType<typeof createSeriesService>;

type SeriesRow = Database['series'];

/** Only victim-ID specialists mark series and victims identified (DESIGN §1). */
export function requireVictimIdRole(ctx: RequestContext, what: string): void {
  if (ctx.actor.kind === 'user' && !ctx.actor.roles.includes('victim-id')) throw new ForbiddenError(`Only victim-ID specialists ${what}.`);
}

export function actorLabel(ctx: RequestContext): string {
  return ctx.actor.kind === 'user' ? ctx.actor.username : `system:${ctx.actor.name}`;
}

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function agencyRefs(db: Kysely<Database>, ids: readonly (string | null)[]): Promise<Map<string, AgencyRef>> {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('agencies').select(['id', 'name', 'country']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, { id: r.id, name: r.name, country: r.country }]));
}

/**
 * What other agencies said about series of theirs that media of this case hit, as the viewer's agency received it:
 * per series of ours (`bySeries`) and for the case as a whole.
 */
export async function elsewhereOf(db: Kysely<Database>, agencyId: string | undefined, caseId: string): Promise<{ bySeries: Map<string, Elsewhere[]>; all: Elsewhere[]; media: Set<string> }> {
  const empty = { bySeries: new Map<string, Elsewhere[]>(), all: [], media: new Set<string>() };
  if (!agencyId) return empty;
  const rows = await db
    .selectFrom('series_remote_hits as rh')
    .innerJoin('series_remote_status as rs', (j) => j.onRef('rs.agency_id', '=', 'rh.agency_id').onRef('rs.from_agency_id', '=', 'rh.from_agency_id').onRef('rs.series_ref', '=', 'rh.series_ref'))
    .innerJoin('match_hits as h', (j) => j.onRef('h.agency_id', '=', 'rh.agency_id').onRef('h.hit_id', '=', 'rh.hit_id'))
    .innerJoin('match_items as i', 'i.ref', 'h.ref')
    .leftJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'i.case_id').onRef('sm.media_id', '=', 'i.item_id'))
    .select(['rs.from_agency_id', 'rs.series_ref', 'rs.status', 'rs.identified_by', 'rs.identified_on', 'rs.changed_at', 'i.item_id', 'sm.series_id'])
    .where('rh.agency_id', '=', agencyId)
    .where('i.item_kind', '=', 'media')
    .where('i.case_id', '=', caseId)
    .whereRef('h.other_agency_id', '=', 'rh.from_agency_id')
    .execute();
  if (rows.length === 0) return empty;
  const agencies = await agencyRefs(db, rows.map((r) => r.identified_by));
  const key = (r: (typeof rows)[number]) => `${r.from_agency_id}:${r.series_ref}`;
  const build = (group: typeof rows): Elsewhere => {
    const r = group[0]!;
    return {
      agency: agencies.get(r.identified_by) ?? { id: r.identified_by, name: 'Unknown agency', country: '' },
      seriesRef: r.series_ref,
      status: r.status as Elsewhere['status'],
      identifiedOn: r.identified_on,
      changedAt: r.changed_at,
      media: new Set(group.map((g) => g.item_id)).size,
    };
  };
  const groupBy = (list: typeof rows) => {
    const m = new Map<string, typeof rows>();
    for (const r of list) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    return [...m.values()].map(build).sort((a, b) => (a.changedAt < b.changedAt ? 1 : -1));
  };
  const bySeries = new Map<string, Elsewhere[]>();
  for (const seriesId of new Set(rows.map((r) => r.series_id).filter((s): s is string => !!s))) bySeries.set(seriesId, groupBy(rows.filter((r) => r.series_id === seriesId)));
  return { bySeries, all: groupBy(rows), media: new Set(rows.filter((r) => r.status === 'identified').map((r) => r.item_id)) };
}

export function createSeriesService(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  access: CaseAccessPolicy;
  /** Called after a series' identification may have changed (to tell the network); never throws into the caller. */
  onIdentificationChange?: (caseId: string) => void;
}) {
  const { db, audit, access } = deps;

  async function requireSeries(caseId: string, seriesId: string, trx: Kysely<Database> = db): Promise<SeriesRow> {
    const row = await trx.selectFrom('series').selectAll().where('id', '=', seriesId).where('case_id', '=', caseId).executeTakeFirst();
    if (!row) throw new NotFoundError('The series');
    return row;
  }

  function requireActive(row: SeriesRow): void {
    if (row.state !== 'active') throw new ConflictError(`Series ${row.code} was ${row.state === 'merged' ? 'merged into another' : 'dissolved'}; undo that first, or work on the series it went into.`, 'series-inactive');
  }

  async function requireMedia(caseId: string, mediaIds: readonly string[], trx: Kysely<Database> = db): Promise<Map<string, string | null>> {
    const ids = [...new Set(mediaIds)];
    const present = new Map<string, string | null>();
    for (const part of chunks(ids)) {
      const rows = await trx
        .selectFrom('case_media as cm')
        .leftJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'cm.case_id').onRef('sm.media_id', '=', 'cm.media_id'))
        .select(['cm.media_id', 'sm.series_id'])
        .where('cm.case_id', '=', caseId)
        .where('cm.media_id', 'in', part)
        .execute();
      for (const r of rows) present.set(r.media_id, r.series_id);
    }
    if (present.size !== ids.length) throw new NotFoundError('A media item of this case');
    return present;
  }

  async function nextCode(trx: Kysely<Database>, caseId: string): Promise<string> {
    const rows = await trx.selectFrom('series').select('code').where('case_id', '=', caseId).execute();
    const n = rows.reduce((max, r) => Math.max(max, Number(/^S-(\d+)$/.exec(r.code)?.[1] ?? 0)), 0);
    return `S-${String(n + 1).padStart(3, '0')}`;
  }

  /** A new series row, dissolved: the change that creates it is the op that makes it active (so undo dissolves it). */
  async function insertSeries(trx: Kysely<Database>, ctx: RequestContext, caseId: string, name: string, description: string): Promise<SeriesRow> {
    const now = nowIso();
    const row: SeriesRow = {
      id: newId(),
      case_id: caseId,
      agency_id: ctx.actor.agencyId ?? '',
      code: await nextCode(trx, caseId),
      name: name.trim(),
      description,
      state: 'dissolved',
      merged_into: null,
      status: 'unidentified',
      identified_by: null,
      identified_on: null,
      identified_country: null,
      identification_source: null,
      version: 0,
      created_by: actorLabel(ctx),
      created_at: now,
      updated_at: now,
    };
    if (!row.agency_id) throw new ForbiddenError('Series belong to an agency; act as a user of one.');
    await trx.insertInto('series').values(row).execute();
    return row;
  }

  /** Runs a change: checks it applies, applies it, writes its history and audit event, in one transaction. */
  async function change(
    ctx: RequestContext,
    caseId: string,
    subjectId: string,
    action: HistoryAction,
    reason: string | null | undefined,
    build: (trx: Kysely<Database>) => Promise<Change & { subjectId?: string }>,
    extra: { reverts?: string; audit?: Record<string, unknown>; alongside?: (trx: Kysely<Database>, subjectId: string) => Promise<void> } = {},
  ): Promise<string> {
    const eventId = await db.transaction().execute(async (trx) => {
      const c = await build(trx);
      const subject = c.subjectId ?? subjectId;
      delete c.subjectId;
      const why = await conflictOf(trx, caseId, c.ops);
      if (why) throw new ConflictError(`The change does not apply: ${why}.`, 'stale');
      await applyOps(trx, caseId, c.ops, actorLabel(ctx));
      const id = await recordHistory(trx, { caseId, subjectType: action.startsWith('victim') ? 'victim' : 'series', subjectId: subject, action, reason: reason ?? null, actor: ctx.actor, change: c, ...(extra.reverts ? { reverts: extra.reverts } : {}) });
      await audit.record(trx, {
        actor: ctx.actor,
        operation: action.endsWith('.create') ? 'collection' : 'alteration',
        action,
        object: { type: action.startsWith('victim') ? 'victim' : 'series', id: subject },
        caseId,
        justification: reason ?? ctx.justification ?? null,
        details: { change: id, summary: c.summary, ...(extra.audit ?? {}) },
        requestId: ctx.requestId ?? null,
        ip: ctx.ip ?? null,
      });
      await extra.alongside?.(trx, subject);
      return id;
    });
    if (action === 'series.identify' || action === 'series.withdraw' || action === 'series.merge' || action === 'series.revert') deps.onIdentificationChange?.(caseId);
    return eventId;
  }

  function moveOps(current: Map<string, string | null>, to: string | null): Op[] {
    const moves = [...current].filter(([, from]) => from !== to).map(([mediaId, from]) => ({ mediaId, from, to }));
    return moves.length ? [{ op: 'move', moves }] : [];
  }

  const identificationFields = (r: SeriesRow): SeriesFields => ({
    status: r.status,
    identified_by: r.identified_by,
    identified_on: r.identified_on,
    identified_country: r.identified_country,
    identification_source: r.identification_source,
  });

  async function summaries(ctx: RequestContext, caseId: string, rows: SeriesRow[]): Promise<SeriesSummary[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const count = async (table: 'series_media' | 'victim_series') => {
      const out = new Map<string, number>();
      for (const part of chunks(ids)) {
        const res = await db.selectFrom(table).select(['series_id', sql<number>`count(*)`.as('n')]).where('series_id', 'in', part).groupBy('series_id').execute();
        for (const r of res) out.set(r.series_id, Number(r.n));
      }
      return out;
    };
    const [media, victims] = await Promise.all([count('series_media'), count('victim_series')]);
    const clueRows = await db
      .selectFrom('clues as c')
      .innerJoin('series_media as sm', (j) => j.onRef('sm.case_id', '=', 'c.case_id').onRef('sm.media_id', '=', 'c.media_id'))
      .select(['sm.series_id', sql<number>`count(*)`.as('n')])
      .where('c.case_id', '=', caseId)
      .where('c.deleted_at', 'is', null)
      .groupBy('sm.series_id')
      .execute();
    const clues = new Map(clueRows.map((r) => [r.series_id, Number(r.n)]));
    const agencies = await agencyRefs(db, rows.map((r) => r.identified_by));
    const { bySeries } = await elsewhereOf(db, ctx.actor.agencyId, caseId);
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      description: r.description,
      state: r.state as SeriesSummary['state'],
      mergedInto: r.merged_into,
      status: r.status as SeriesStatus,
      identification:
        r.status === 'identified'
          ? {
              agency: r.identified_by ? (agencies.get(r.identified_by) ?? { id: r.identified_by, name: 'Unknown agency', country: '' }) : null,
              on: r.identified_on,
              country: r.identified_country,
              source: (r.identification_source ?? 'agency') as 'agency' | 'import',
            }
          : null,
      mediaCount: media.get(r.id) ?? 0,
      victimCount: victims.get(r.id) ?? 0,
      clueCount: clues.get(r.id) ?? 0,
      elsewhere: bySeries.get(r.id) ?? [],
      agencyId: r.agency_id,
      createdBy: r.created_by,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      version: r.version,
    }));
  }

  async function detail(ctx: RequestContext, caseId: string, seriesId: string): Promise<SeriesDetail> {
    const row = await requireSeries(caseId, seriesId);
    const [summary] = await summaries(ctx, caseId, [row]);
    const media = await db
      .selectFrom('series_media as sm')
      .innerJoin('media as m', 'm.id', 'sm.media_id')
      .innerJoin('case_media as cm', (j) => j.onRef('cm.case_id', '=', 'sm.case_id').onRef('cm.media_id', '=', 'sm.media_id'))
      .select([
        'm.id',
        'm.kind',
        'cm.category',
        'm.has_thumbnail',
        'm.width',
        'm.height',
        'm.camera_serial',
        'sm.added_at',
        'sm.added_by',
        sql<number>`(select count(*) from media_hash_matches h where h.media_id = m.id)`.as('known'),
      ])
      .where('sm.series_id', '=', seriesId)
      .orderBy('sm.added_at')
      .orderBy('m.seq')
      .limit(5000)
      .execute();
    const victims = await db
      .selectFrom('victim_series as vs')
      .innerJoin('victims as v', 'v.id', 'vs.victim_id')
      .select(['v.id', 'v.code', 'v.status'])
      .where('vs.series_id', '=', seriesId)
      .orderBy('v.code')
      .execute();
    const sent = await db.selectFrom('series_notifications').selectAll().where('series_id', '=', seriesId).orderBy('sent_at', 'desc').execute();
    const sentTo = await agencyRefs(db, sent.map((s) => s.to_agency_id));
    return {
      ...summary!,
      media: media.map(
        (m): SeriesMedia => ({
          id: m.id,
          kind: m.kind as SeriesMedia['kind'],
          category: m.category as SeriesMedia['category'],
          known: Number(m.known) > 0,
          hasThumbnail: m.has_thumbnail === 1,
          width: m.width,
          height: m.height,
          cameraSerial: m.camera_serial,
          addedAt: m.added_at,
          addedBy: m.added_by,
        }),
      ),
      victims: victims.map((v) => ({ id: v.id, code: v.code, status: v.status as 'unidentified' | 'identified' | 'safeguarded' })),
      notified: sent.map((s) => ({
        agency: sentTo.get(s.to_agency_id) ?? { id: s.to_agency_id, name: 'Unknown agency', country: '' },
        status: s.status as 'identified' | 'withdrawn',
        identifiedOn: s.identified_on,
        hits: (JSON.parse(s.hits) as string[]).length,
        sentAt: s.sent_at,
      })),
    };
  }

  async function consulted(ctx: RequestContext, caseId: string, action: string, objectId: string | null, details: Record<string, unknown> | null = null): Promise<void> {
    await audit.record(db, {
      actor: ctx.actor,
      operation: 'consultation',
      action,
      object: { type: 'series', id: objectId },
      caseId,
      justification: ctx.justification ?? null,
      details,
      requestId: ctx.requestId ?? null,
      ip: ctx.ip ?? null,
    });
  }

  const service = {
    requireSeries,
    requireMedia,
    insertSeries,
    change,
    moveOps,
    summaries,

    async list(ctx: RequestContext, caseId: string, query: SeriesListQuery = {}): Promise<SeriesSummary[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      let q = db.selectFrom('series').selectAll().where('case_id', '=', caseId);
      const state = query.state ?? 'active';
      if (state !== 'all') q = q.where('state', '=', state);
      if (query.status) q = q.where('status', '=', query.status);
      const rows = await q.orderBy('code').execute();
      const items = await summaries(ctx, caseId, rows);
      await consulted(ctx, caseId, 'series.list', null, { returned: items.length });
      return items;
    },

    async get(ctx: RequestContext, caseId: string, seriesId: string): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const d = await detail(ctx, caseId, seriesId);
      await consulted(ctx, caseId, 'series.read', seriesId);
      return d;
    },

    async create(ctx: RequestContext, caseId: string, input: NewSeries): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      let seriesId = '';
      await service.change(ctx, caseId, '', 'series.create', input.reason, async (trx) => {
        const current = input.mediaIds ? await requireMedia(caseId, input.mediaIds, trx) : new Map<string, string | null>();
        const row = await insertSeries(trx, ctx, caseId, input.name, input.description ?? '');
        seriesId = row.id;
        return {
          subjectId: row.id,
          ops: [{ op: 'series', seriesId: row.id, before: { state: 'dissolved' }, after: { state: 'active' } }, ...moveOps(current, row.id)],
          summary: `created ${row.code} "${row.name}" with ${current.size} item${current.size === 1 ? '' : 's'}`,
        };
      });
      return detail(ctx, caseId, seriesId);
    },

    async update(ctx: RequestContext, caseId: string, seriesId: string, patch: SeriesPatch): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      await service.change(ctx, caseId, seriesId, 'series.rename', patch.reason, async (trx) => {
        const row = await requireSeries(caseId, seriesId, trx);
        requireActive(row);
        const before: SeriesFields = {};
        const after: SeriesFields = {};
        if (patch.name !== undefined && patch.name.trim() !== row.name) {
          before.name = row.name;
          after.name = patch.name.trim();
        }
        if (patch.description !== undefined && patch.description !== row.description) {
          before.description = row.description;
          after.description = patch.description;
        }
        if (Object.keys(after).length === 0) throw new BadRequestError('Nothing would change: give a new name or description.', 'no-change');
        return { ops: [{ op: 'series', seriesId, before, after }], summary: after.name ? `renamed ${row.code} from "${row.name}" to "${after.name}"` : `changed the description of ${row.code}` };
      });
      return detail(ctx, caseId, seriesId);
    },

    /** Puts media into the series (moving them out of any other series of the case). */
    async addMedia(ctx: RequestContext, caseId: string, seriesId: string, mediaIds: string[], reason?: string): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      await service.change(ctx, caseId, seriesId, 'series.add', reason, async (trx) => {
        const row = await requireSeries(caseId, seriesId, trx);
        requireActive(row);
        const ops = moveOps(await requireMedia(caseId, mediaIds, trx), seriesId);
        if (ops.length === 0) throw new BadRequestError(`These items are in ${row.code} already.`, 'no-change');
        const n = ops[0]!.op === 'move' ? ops[0]!.moves.length : 0;
        const moved = ops[0]!.op === 'move' ? ops[0]!.moves.filter((m) => m.from !== null).length : 0;
        return { ops, summary: `added ${n} item${n === 1 ? '' : 's'} to ${row.code}${moved ? ` (${moved} moved from another series)` : ''}` };
      });
      return detail(ctx, caseId, seriesId);
    },

    async removeMedia(ctx: RequestContext, caseId: string, seriesId: string, mediaIds: string[], reason?: string): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      await service.change(ctx, caseId, seriesId, 'series.remove', reason, async (trx) => {
        const row = await requireSeries(caseId, seriesId, trx);
        requireActive(row);
        const current = await requireMedia(caseId, mediaIds, trx);
        const notIn = [...current].filter(([, s]) => s !== seriesId);
        if (notIn.length) throw new BadRequestError(`${notIn.length} of these items are not in ${row.code}.`, 'not-in-series');
        return { ops: moveOps(current, null), summary: `removed ${current.size} item${current.size === 1 ? '' : 's'} from ${row.code}` };
      });
      return detail(ctx, caseId, seriesId);
    },

    /** Merges other series into this one: their media, victims and (if this one has none) identification. */
    async merge(ctx: RequestContext, caseId: string, targetId: string, body: MergeBody): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const sources = [...new Set(body.seriesIds)];
      if (sources.includes(targetId)) throw new BadRequestError('A series cannot be merged into itself.', 'merge-self');
      await service.change(ctx, caseId, targetId, 'series.merge', body.reason, async (trx) => {
        const target = await requireSeries(caseId, targetId, trx);
        requireActive(target);
        const ops: Op[] = [];
        const codes: string[] = [];
        let identifiedSource: SeriesRow | undefined;
        for (const id of sources) {
          const s = await requireSeries(caseId, id, trx);
          requireActive(s);
          codes.push(s.code);
          if (s.status === 'identified' && !identifiedSource) identifiedSource = s;
          const media = await trx.selectFrom('series_media').select('media_id').where('case_id', '=', caseId).where('series_id', '=', id).execute();
          if (media.length) ops.push({ op: 'move', moves: media.map((m) => ({ mediaId: m.media_id, from: id, to: targetId })) });
          ops.push({ op: 'series', seriesId: id, before: { state: 'active', merged_into: null }, after: { state: 'merged', merged_into: targetId } });
        }
        const victims = await trx.selectFrom('victim_series').select('victim_id').distinct().where('series_id', 'in', sources).execute();
        for (const v of victims) {
          const before = (await trx.selectFrom('victim_series').select('series_id').where('victim_id', '=', v.victim_id).execute()).map((r) => r.series_id).sort();
          const after = [...new Set(before.map((x) => (sources.includes(x) ? targetId : x)))].sort();
          ops.push({ op: 'victim-series', victimId: v.victim_id, before, after });
        }
        if (target.status !== 'identified' && identifiedSource) {
          ops.push({ op: 'series', seriesId: targetId, before: identificationFields(target), after: identificationFields(identifiedSource) });
        }
        return { ops, summary: `merged ${codes.join(', ')} into ${target.code}` };
      });
      return detail(ctx, caseId, targetId);
    },

    /** Moves some media of the series into a new series. */
    async split(ctx: RequestContext, caseId: string, seriesId: string, body: SplitBody): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      let newSeriesId = '';
      await service.change(ctx, caseId, seriesId, 'series.split', body.reason, async (trx) => {
        const row = await requireSeries(caseId, seriesId, trx);
        requireActive(row);
        const current = await requireMedia(caseId, body.mediaIds, trx);
        const notIn = [...current].filter(([, s]) => s !== seriesId);
        if (notIn.length) throw new BadRequestError(`${notIn.length} of these items are not in ${row.code}.`, 'not-in-series');
        const created = await insertSeries(trx, ctx, caseId, body.name, `Split from ${row.code}.`);
        newSeriesId = created.id;
        return {
          ops: [{ op: 'series', seriesId: created.id, before: { state: 'dissolved' }, after: { state: 'active' } }, ...moveOps(current, created.id)],
          summary: `split ${current.size} item${current.size === 1 ? '' : 's'} from ${row.code} into ${created.code} "${created.name}"`,
        };
      });
      return detail(ctx, caseId, newSeriesId);
    },

    async identify(ctx: RequestContext, caseId: string, seriesId: string, body: IdentifyBody): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      requireVictimIdRole(ctx, 'mark series identified');
      if (body.country && !isCountryCode(body.country)) throw new BadRequestError(`"${body.country}" is not an ISO 3166-1 alpha-2 country code.`, 'bad-country');
      const agencyId = ctx.actor.agencyId;
      if (!agencyId) throw new ForbiddenError('Identification is made by an agency; act as a user of one.');
      const on = body.identifiedOn ?? nowIso().slice(0, 10);
      if (on > nowIso().slice(0, 10)) throw new BadRequestError('The identification date is in the future.', 'future-date');
      await service.change(ctx, caseId, seriesId, 'series.identify', body.reason, async (trx) => {
        const row = await requireSeries(caseId, seriesId, trx);
        requireActive(row);
        const after: SeriesFields = { status: 'identified', identified_by: agencyId, identified_on: on, identified_country: body.country ?? row.identified_country, identification_source: 'agency' };
        return { ops: [{ op: 'series', seriesId, before: identificationFields(row), after }], summary: `marked ${row.code} identified on ${on}` };
      });
      return detail(ctx, caseId, seriesId);
    },

    async withdraw(ctx: RequestContext, caseId: string, seriesId: string, reason: string): Promise<SeriesDetail> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      requireVictimIdRole(ctx, 'withdraw an identification');
      await service.change(ctx, caseId, seriesId, 'series.withdraw', reason, async (trx) => {
        const row = await requireSeries(caseId, seriesId, trx);
        if (row.status !== 'identified') throw new ConflictError(`${row.code} is not marked identified.`, 'not-identified');
        const after: SeriesFields = { status: 'unidentified', identified_by: null, identified_on: null, identified_country: null, identification_source: null };
        return { ops: [{ op: 'series', seriesId, before: identificationFields(row), after }], summary: `withdrew the identification of ${row.code}` };
      });
      return detail(ctx, caseId, seriesId);
    },

    async history(ctx: RequestContext, caseId: string, subjectId?: string): Promise<HistoryEvent[]> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const items = await listHistory(db, caseId, subjectId);
      await consulted(ctx, caseId, 'series.history', subjectId ?? null, { returned: items.length });
      return items;
    },

    /** Undoes one change of a series or a victim (when what it changed has not changed since). */
    async revert(ctx: RequestContext, caseId: string, eventId: string, reason?: string): Promise<HistoryEvent> {
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const original = await loadEvent(db, caseId, eventId);
      if (original.subject_type === 'victim' || original.action.includes('identify') || original.action.includes('withdraw')) requireVictimIdRole(ctx, 'undo identification changes');
      const blocker = await revertBlocker(db, caseId, original);
      if (blocker) throw revertConflict(blocker);
      const action: HistoryAction = original.subject_type === 'victim' ? 'victim.revert' : 'series.revert';
      const id = await service.change(
        ctx,
        caseId,
        original.subject_id,
        action,
        reason,
        async (trx) => {
          const fresh = await loadEvent(trx, caseId, eventId);
          if (fresh.reverted_by) throw revertConflict('it was undone already');
          return { ops: invert(fresh.parsed.ops), summary: `undid: ${fresh.parsed.summary}` };
        },
        { reverts: eventId, audit: { reverted: eventId } },
      );
      return (await listHistory(db, caseId, original.subject_id)).find((e) => e.id === id)!;
    },
  };
  return service;
}
