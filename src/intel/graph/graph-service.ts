import { sql, type Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { BadRequestError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import type { Database } from '../../store/schema.js';
import { agencyOf } from '../records/record-service.js';
import { recordVisible, selectorVisible } from '../records/visibility.js';
import { GraphBuilder, parseNodeKey, selectorNodeKey, shortestPath } from './graph-builder.js';
import type { Graph, Timeline, TimelineItem, TimelineQuery } from './graph-schemas.js';

export type GraphService = ReturnType<typeof createGraphService>;

/** Another stream's items on a case's timeline (the media stream adds media by capture time). */
export type TimelineSource = (ctx: RequestContext, caseId: string, query: TimelineQuery) => Promise<TimelineItem[]>;

const time = sql<string>`coalesce(r.occurred_at, r.created_at)`;

/**
 * Link analysis over the intelligence of the cases a user's agency takes part in: cases, participating agencies,
 * online identities, selectors (one node per value, which is what links cases) and media. Every query is bounded to
 * the caller's cases and filtered by the handling policy, so expanding a node never reveals a case, record or selector
 * the caller could not open directly.
 */
export function createGraphService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy }) {
  const { db, audit, access } = deps;
  const timelineSources: TimelineSource[] = [];

  async function myCaseIds(agencyId: string | null): Promise<string[]> {
    const rows = agencyId === null
      ? await db.selectFrom('cases').select('id as case_id').execute()
      : await db.selectFrom('case_participants').select('case_id').where('agency_id', '=', agencyId).execute();
    return rows.map((r) => r.case_id);
  }

  function caseNode(b: GraphBuilder, c: { id: string; reference: string; status: string }): string {
    return b.node({ id: `case:${c.id}`, type: 'case', label: c.reference, subtype: c.status });
  }

  /** Identity → selector links from the identity's own handle and from its posts, for the given selector rows. */
  async function identityLinks(b: GraphBuilder, agencyId: string | null, selectorIds: string[], keyOf: Map<string, string>, cases: string[], onlyIdentity?: string): Promise<void> {
    if (selectorIds.length === 0 || cases.length === 0) return;
    for (let i = 0; i < selectorIds.length; i += 500) {
      let q = db
        .selectFrom('selector_sources as ss')
        .innerJoin('records as r', 'r.id', 'ss.source_id')
        .innerJoin('records as ident', (j) => j.on((eb) => eb('ident.id', '=', eb.fn.coalesce('r.identity_id', 'r.id'))))
        .select(['ss.selector_id', 'ident.id as identity_id', 'ident.subject', 'ident.case_id', 'r.kind'])
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min(time).as('first'), eb.fn.max(time).as('last')])
        .where('ss.source_type', '=', 'record')
        .where('ss.selector_id', 'in', selectorIds.slice(i, i + 500))
        .where('r.case_id', 'in', cases)
        .where('ident.kind', '=', 'online-identity')
        .where((eb) => recordVisible(eb, agencyId, 'r'))
        .where((eb) => recordVisible(eb, agencyId, 'ident'));
      if (onlyIdentity) q = q.where('ident.id', '=', onlyIdentity);
      const rows = await q.groupBy(['ss.selector_id', 'ident.id', 'ident.subject', 'ident.case_id', 'r.kind']).execute();
      for (const r of rows) {
        const identity = `identity:${r.identity_id}`;
        if (!b.nodes.has(identity)) b.node({ id: identity, type: 'identity', label: r.subject ?? '?', caseId: r.case_id });
        b.edge(identity, r.kind === 'online-identity' ? 'handle' : 'mentions', keyOf.get(r.selector_id)!, { weight: Number(r.n), first: r.first as string | null, last: r.last as string | null });
      }
    }
  }

  async function mediaLinks(b: GraphBuilder, selectorRows: { id: string; case_id: string }[], keyOf: Map<string, string>): Promise<void> {
    if (selectorRows.length === 0) return;
    const caseOf = new Map(selectorRows.map((s) => [s.id, s.case_id]));
    const ids = selectorRows.map((s) => s.id);
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await db.selectFrom('selector_sources').select(['selector_id', 'source_id', 'created_at']).where('source_type', '=', 'media').where('selector_id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) {
        const caseId = caseOf.get(r.selector_id)!;
        const media = b.node({ id: `media:${r.source_id}`, type: 'media', label: `media ${r.source_id.slice(-8)}`, caseId, first: r.created_at, last: r.created_at });
        b.edge(media, 'camera', keyOf.get(r.selector_id)!, { first: r.created_at, last: r.created_at });
        b.edge(`case:${caseId}`, 'media', media);
      }
    }
  }

  async function caseGraph(agencyId: string | null, caseId: string, limit: number): Promise<Graph> {
    const b = new GraphBuilder();
    const c = await db.selectFrom('cases').select(['id', 'reference', 'status']).where('id', '=', caseId).executeTakeFirst();
    if (!c) throw new NotFoundError('The case');
    const self = caseNode(b, c);
    const participants = await db
      .selectFrom('case_participants')
      .innerJoin('agencies', 'agencies.id', 'case_participants.agency_id')
      .select(['agencies.id', 'agencies.name', 'agencies.country', 'case_participants.access'])
      .where('case_participants.case_id', '=', caseId)
      .execute();
    for (const p of participants) b.edge(self, 'participant', b.node({ id: `agency:${p.id}`, type: 'agency', label: p.name, subtype: p.country }), { label: p.access });

    const identities = await db
      .selectFrom('records as r')
      .select(['r.id', 'r.subject', 'r.created_at'])
      .select((eb) =>
        eb
          .selectFrom('records as p')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('p.identity_id', '=', 'r.id')
          .where('p.kind', '=', 'post')
          .where((e) => recordVisible(e, agencyId, 'p'))
          .as('posts'),
      )
      .select((eb) => [
        eb.selectFrom('records as p').select(sql<string>`min(coalesce(p.occurred_at, p.created_at))`.as('t')).whereRef('p.identity_id', '=', 'r.id').where((e) => recordVisible(e, agencyId, 'p')).as('first'),
        eb.selectFrom('records as p').select(sql<string>`max(coalesce(p.occurred_at, p.created_at))`.as('t')).whereRef('p.identity_id', '=', 'r.id').where((e) => recordVisible(e, agencyId, 'p')).as('last'),
      ])
      .where('r.case_id', '=', caseId)
      .where('r.kind', '=', 'online-identity')
      .where((eb) => recordVisible(eb, agencyId, 'r'))
      .orderBy('posts', 'desc')
      .limit(limit + 1)
      .execute();
    if (identities.length > limit) b.truncated = true;
    for (const i of identities.slice(0, limit)) {
      b.edge(self, 'identity', b.node({ id: `identity:${i.id}`, type: 'identity', label: i.subject ?? '?', caseId, weight: Number(i.posts ?? 0), first: i.first ?? null, last: i.last ?? null }));
    }

    const selectors = await db
      .selectFrom('selectors')
      .select(['selectors.id', 'selectors.case_id', 'selectors.type', 'selectors.normalised', 'selectors.status'])
      .select((eb) =>
        eb
          .selectFrom('selector_sources as ss')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('ss.selector_id', '=', 'selectors.id')
          .as('sources'),
      )
      .where('selectors.case_id', '=', caseId)
      .where('selectors.status', '!=', 'dismissed')
      .where('selectors.valid', '=', 1)
      .where((eb) => selectorVisible(eb, agencyId))
      .orderBy((eb) => eb.case().when('selectors.status', '=', 'confirmed').then(0).else(1).end())
      .orderBy('sources', 'desc')
      .orderBy('selectors.id')
      .limit(limit + 1)
      .execute();
    if (selectors.length > limit) b.truncated = true;
    const kept = selectors.slice(0, limit);
    const keyOf = new Map<string, string>();
    for (const s of kept) {
      const key = b.node({ id: selectorNodeKey(s.type, s.normalised), type: 'selector', label: s.normalised, subtype: s.type, weight: Number(s.sources ?? 0) });
      keyOf.set(s.id, key);
      b.edge(self, 'contains', key, { weight: Number(s.sources ?? 0), label: s.status });
    }
    const identityIds = new Set(identities.slice(0, limit).map((i) => `identity:${i.id}`));
    const scratch = new GraphBuilder();
    await identityLinks(scratch, agencyId, kept.map((s) => s.id), keyOf, [caseId]);
    // Links to identities left out by the limit would drag them back in: keep only those shown.
    for (const e of scratch.edges.values()) if (identityIds.has(e.source)) b.edge(e.source, e.kind, e.target, e);
    await mediaLinks(b, kept, keyOf);
    return b.build();
  }

  async function selectorGraph(agencyId: string | null, type: string, normalised: string, cases: string[], limit: number): Promise<Graph> {
    const b = new GraphBuilder();
    if (cases.length === 0) throw new NotFoundError('The selector');
    const rows = await db
      .selectFrom('selectors')
      .innerJoin('cases', 'cases.id', 'selectors.case_id')
      .select(['selectors.id', 'selectors.case_id', 'selectors.status', 'cases.reference', 'cases.status as case_status'])
      .select((eb) => eb.selectFrom('selector_sources as ss').select((e) => e.fn.countAll<number>().as('n')).whereRef('ss.selector_id', '=', 'selectors.id').as('sources'))
      .where('selectors.type', '=', type)
      .where('selectors.normalised', '=', normalised)
      .where('selectors.status', '!=', 'dismissed')
      .where('selectors.case_id', 'in', cases)
      .where((eb) => selectorVisible(eb, agencyId))
      .limit(limit + 1)
      .execute();
    if (rows.length === 0) throw new NotFoundError('The selector');
    if (rows.length > limit) b.truncated = true;
    const key = b.node({ id: selectorNodeKey(type, normalised), type: 'selector', label: normalised, subtype: type, weight: rows.reduce((n, r) => n + Number(r.sources ?? 0), 0) });
    const keyOf = new Map<string, string>();
    for (const r of rows.slice(0, limit)) {
      keyOf.set(r.id, key);
      b.edge(caseNode(b, { id: r.case_id, reference: r.reference, status: r.case_status }), 'contains', key, { weight: Number(r.sources ?? 0), label: r.status });
    }
    const kept = rows.slice(0, limit);
    await identityLinks(b, agencyId, kept.map((r) => r.id), keyOf, cases);
    await mediaLinks(b, kept, keyOf);
    return b.build();
  }

  async function identityGraph(agencyId: string | null, recordId: string, cases: string[], limit: number): Promise<Graph> {
    const b = new GraphBuilder();
    const row = cases.length === 0 ? undefined : await db
      .selectFrom('records as r')
      .innerJoin('cases', 'cases.id', 'r.case_id')
      .select(['r.id', 'r.subject', 'r.case_id', 'cases.reference', 'cases.status'])
      .where('r.id', '=', recordId)
      .where('r.kind', '=', 'online-identity')
      .where('r.case_id', 'in', cases)
      .where((eb) => recordVisible(eb, agencyId, 'r'))
      .executeTakeFirst();
    if (!row) throw new NotFoundError('The online identity');
    const self = b.node({ id: `identity:${row.id}`, type: 'identity', label: row.subject ?? '?', caseId: row.case_id });
    b.edge(caseNode(b, { id: row.case_id, reference: row.reference, status: row.status }), 'identity', self);
    // The selectors of its posts and its own handle, most used first.
    const sel = await db
      .selectFrom('selector_sources as ss')
      .innerJoin('records as r', 'r.id', 'ss.source_id')
      .innerJoin('selectors as s', 's.id', 'ss.selector_id')
      .select(['s.id', 's.type', 's.normalised', 's.case_id'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('ss.source_type', '=', 'record')
      .where((eb) => eb.or([eb('r.identity_id', '=', row.id), eb('r.id', '=', row.id)]))
      .where('s.status', '!=', 'dismissed')
      .where('s.valid', '=', 1)
      .where((eb) => recordVisible(eb, agencyId, 'r'))
      .groupBy(['s.id', 's.type', 's.normalised', 's.case_id'])
      .orderBy('n', 'desc')
      .limit(limit + 1)
      .execute();
    if (sel.length > limit) b.truncated = true;
    const keyOf = new Map<string, string>();
    for (const s of sel.slice(0, limit)) keyOf.set(s.id, b.node({ id: selectorNodeKey(s.type, s.normalised), type: 'selector', label: s.normalised, subtype: s.type, weight: Number(s.n) }));
    await identityLinks(b, agencyId, [...keyOf.keys()], keyOf, [row.case_id], row.id);
    return b.build();
  }

  async function agencyGraph(otherId: string, cases: string[], limit: number): Promise<Graph> {
    const b = new GraphBuilder();
    const agency = await db.selectFrom('agencies').select(['id', 'name', 'country']).where('id', '=', otherId).executeTakeFirst();
    if (!agency) throw new NotFoundError('The agency');
    const self = b.node({ id: `agency:${agency.id}`, type: 'agency', label: agency.name, subtype: agency.country });
    if (cases.length > 0) {
      const rows = await db
        .selectFrom('case_participants as cp')
        .innerJoin('cases', 'cases.id', 'cp.case_id')
        .select(['cases.id', 'cases.reference', 'cases.status', 'cp.access'])
        .where('cp.agency_id', '=', otherId)
        .where('cp.case_id', 'in', cases)
        .orderBy('cases.updated_at', 'desc')
        .limit(limit + 1)
        .execute();
      if (rows.length > limit) b.truncated = true;
      for (const r of rows.slice(0, limit)) b.edge(caseNode(b, r), 'participant', self, { label: r.access });
    }
    return b.build();
  }

  async function mediaGraph(agencyId: string | null, mediaId: string, cases: string[]): Promise<Graph> {
    const b = new GraphBuilder();
    const rows = cases.length === 0 ? [] : await db
      .selectFrom('selector_sources as ss')
      .innerJoin('selectors as s', 's.id', 'ss.selector_id')
      .innerJoin('cases', 'cases.id', 's.case_id')
      .select(['s.id', 's.type', 's.normalised', 's.case_id', 'cases.reference', 'cases.status', 'ss.created_at'])
      .where('ss.source_type', '=', 'media')
      .where('ss.source_id', '=', mediaId)
      .where('s.case_id', 'in', cases)
      .where((eb) => selectorVisible(eb, agencyId, 's'))
      .execute();
    if (rows.length === 0) throw new NotFoundError('The media item');
    for (const r of rows) {
      const media = b.node({ id: `media:${mediaId}`, type: 'media', label: `media ${mediaId.slice(-8)}`, caseId: r.case_id, first: r.created_at, last: r.created_at });
      const sel = b.node({ id: selectorNodeKey(r.type, r.normalised), type: 'selector', label: r.normalised, subtype: r.type });
      b.edge(media, 'camera', sel);
      b.edge(caseNode(b, { id: r.case_id, reference: r.reference, status: r.status }), 'media', media);
    }
    return b.build();
  }

  /** The neighbourhood of one node, within the given cases (the caller's). */
  async function neighbours(agencyId: string | null, key: string, cases: string[], limit: number): Promise<Graph> {
    const parsed = parseNodeKey(key);
    if (!parsed) throw new BadRequestError(`"${key.slice(0, 80)}" is not a node key.`, 'invalid-node');
    switch (parsed.type) {
      case 'case':
        if (!cases.includes(parsed.id)) throw new NotFoundError('The case');
        return caseGraph(agencyId, parsed.id, limit);
      case 'selector':
        return selectorGraph(agencyId, parsed.selectorType!, parsed.id, cases, limit);
      case 'identity':
        return identityGraph(agencyId, parsed.id, cases, limit);
      case 'agency':
        return agencyGraph(parsed.id, cases, limit);
      case 'media':
        return mediaGraph(agencyId, parsed.id, cases);
    }
  }

  function mayAnalyse(ctx: RequestContext): void {
    if (!access.mayReadCases(ctx.actor)) throw new ForbiddenError('Your role does not give access to case content.');
  }

  async function logCombination(ctx: RequestContext, action: string, graph: Graph, details: Record<string, unknown>, caseId: string | null = null): Promise<void> {
    const caseIds = graph.nodes.filter((n) => n.type === 'case').map((n) => n.id.slice(5));
    await audit.record(db, {
      actor: ctx.actor,
      operation: 'combination',
      action,
      object: { type: 'graph' },
      caseId: caseId ?? (caseIds.length === 1 ? caseIds[0]! : null),
      justification: ctx.justification,
      details: { ...details, cases: caseIds, nodes: graph.nodes.length },
      requestId: ctx.requestId,
      ip: ctx.ip,
    });
  }

  return {
    neighbours,
    myCaseIds,

    async forCase(ctx: RequestContext, caseId: string, limit = 300): Promise<Graph> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const graph = await caseGraph(agencyOf(ctx.actor), caseId, limit);
      await logCombination(ctx, 'graph.case', graph, {}, caseId);
      return graph;
    },

    async expand(ctx: RequestContext, key: string, limit = 200): Promise<Graph> {
      mayAnalyse(ctx);
      const agencyId = agencyOf(ctx.actor);
      const graph = await neighbours(agencyId, key, await myCaseIds(agencyId), limit);
      await logCombination(ctx, 'graph.expand', graph, { node: key });
      return graph;
    },

    async path(ctx: RequestContext, from: string, to: string, maxDepth = 6): Promise<{ found: boolean; path: string[]; graph: Graph; explored: number }> {
      mayAnalyse(ctx);
      const agencyId = agencyOf(ctx.actor);
      const cases = await myCaseIds(agencyId);
      // Both ends must be visible on their own, or the answer would confirm that a hidden entity exists.
      await neighbours(agencyId, from, cases, 1);
      await neighbours(agencyId, to, cases, 1);
      const found = await shortestPath(from, to, (key) => neighbours(agencyId, key, cases, 200), { maxDepth, maxExpansions: 300 });
      const b = new GraphBuilder();
      for (const key of found.path) {
        const n = found.nodes.get(key);
        if (n) b.node(n);
      }
      for (const e of found.edges) b.edge(e.source, e.kind, e.target, e);
      const graph = b.build();
      await logCombination(ctx, 'graph.path', graph, { from, to, found: found.path.length > 0 });
      return { found: found.path.length > 0, path: found.path, graph, explored: found.explored };
    },

    /** Registers another stream's timeline items (media by capture time). */
    addTimelineSource(source: TimelineSource): void {
      timelineSources.push(source);
    },

    async timeline(ctx: RequestContext, caseId: string, query: TimelineQuery): Promise<Timeline> {
      await access.require(ctx.actor, 'case.read', [caseId]);
      const agencyId = agencyOf(ctx.actor);
      let q = db.selectFrom('records as r').where('r.case_id', '=', caseId).where((eb) => recordVisible(eb, agencyId, 'r'));
      if (query.identityId) q = q.where((eb) => eb.or([eb('r.identity_id', '=', query.identityId!), eb('r.id', '=', query.identityId!)]));
      if (query.from) q = q.where(time, '>=', new Date(query.from).toISOString());
      if (query.to) q = q.where(time, '<=', new Date(query.to).toISOString());
      const day = sql<string>`substr(coalesce(r.occurred_at, r.created_at), 1, 10)`;
      const days = await q.select([day.as('day'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(day).orderBy(day).execute();
      const rows = await q
        .leftJoin('records as i', 'i.id', 'r.identity_id')
        .select(['r.id', 'r.kind', 'r.text', 'r.occurred_at', 'r.created_at', 'r.identity_id', 'r.subject', 'r.handling_code', 'i.subject as identity_subject'])
        .select(time.as('t'))
        .orderBy(time)
        .orderBy('r.id')
        .limit(query.limit ?? 2000)
        .execute();
      const items: TimelineItem[] = rows.map((r) => ({
        id: r.id,
        type: 'record',
        kind: r.kind,
        time: r.t,
        timeSource: r.occurred_at ? 'occurred' : 'recorded',
        title: (r.text.split('\n')[0] ?? '').slice(0, 140),
        identityId: r.kind === 'online-identity' ? r.id : r.identity_id,
        subject: r.subject ?? r.identity_subject ?? null,
        handlingCode: r.handling_code,
      }));
      for (const source of timelineSources) items.push(...(await source(ctx, caseId, query)));
      items.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      const total = days.reduce((n, d) => n + Number(d.n), 0);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'record.timeline',
        object: { type: 'record' },
        caseId,
        justification: ctx.justification,
        details: { recordIds: rows.map((r) => r.id) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { items, total, days: days.map((d) => ({ day: d.day, count: Number(d.n) })) };
    },
  };
}
