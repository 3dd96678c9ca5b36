import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import type { Role } from '../../identity/roles.js';
import type { HandlingCode } from '../../intel/vocabulary.js';
import type { Database } from '../../store/schema.js';
import { canMoveTo, type Decision, type DisclosureMode, type HitBasis, type HitStatus, type ItemKind } from '../vocabulary.js';
import type { HubLink } from './hub-link.js';
import { itemKey, type ItemSource } from './item-source.js';
import type { MatchingSync } from './matching-sync.js';
import type { ItemSummary } from './notices.js';

/** Who works with hits: the roles that investigate and identify. Prosecutors follow one case; admins see no content. */
export const HIT_ROLES: Role[] = ['investigator', 'victim-id', 'analyst'];

export interface AgencyRef {
  id: string;
  name: string;
  country: string;
}

export interface Hit {
  id: string;
  status: HitStatus;
  statusAt: string;
  statusBy: 'me' | 'other' | null;
  basis: HitBasis;
  distance: number | null;
  createdAt: string;
  receivedAt: string;
  mine: { kind: ItemKind; caseId: string; caseReference: string; itemId: string; label: string; handling: HandlingCode; mode: DisclosureMode };
  other: { kind: ItemKind; agency: AgencyRef | null; caseReference: string | null; summary: ItemSummary | null };
  decision: { needed: boolean; mine: Decision | null };
}

export interface HitQuery {
  status?: HitStatus | undefined;
  caseId?: string | undefined;
  needsDecision?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface MessageDraft {
  to: string[];
  subject: string;
  body: string;
  caseId: string;
  handling: { tlp: HandlingCode };
}

export type HitService = ReturnType<typeof createHitService>;

/**
 * Hits as the agency's users see them (the Hits page, the badge on an item): each joins the hub's view of the hit
 * with the agency's own item and what the other side chose to tell. Changing a hit's status or deciding on an
 * owner-only hit goes to the hub first (it is shared by both sides), then is mirrored here.
 */
export function createHitService(deps: { db: Kysely<Database>; audit: AuditLog; access: CaseAccessPolicy; source: ItemSource; hub: HubLink; sync: MatchingSync }) {
  const { db, audit, access, source, hub, sync } = deps;

  function agencyOf(ctx: RequestContext): string {
    const agencyId = ctx.actor.agencyId;
    if (!agencyId) throw new ForbiddenError('Hits belong to an agency; this caller has none.');
    if (ctx.actor.kind === 'user' && !ctx.actor.roles.some((r) => HIT_ROLES.includes(r))) throw new ForbiddenError(`Hits need one of the roles: ${HIT_ROLES.join(', ')}.`);
    return agencyId;
  }

  function base(agencyId: string) {
    return db
      .selectFrom('match_hits as h')
      .innerJoin('match_items as i', 'i.ref', 'h.ref')
      .innerJoin('cases as c', 'c.id', 'i.case_id')
      .innerJoin('case_participants as cp', (j) => j.onRef('cp.case_id', '=', 'i.case_id').on('cp.agency_id', '=', agencyId))
      .leftJoin('agencies as oa', 'oa.id', 'h.other_agency_id')
      .leftJoin('match_hit_details as d', (j) => j.onRef('d.hit_id', '=', 'h.hit_id').on('d.agency_id', '=', agencyId).onRef('d.from_agency_id', '=', 'h.other_agency_id'))
      .where('h.agency_id', '=', agencyId);
  }

  async function toHits(agencyId: string, rows: Awaited<ReturnType<typeof load>>): Promise<Hit[]> {
    const labels = new Map<string, string>();
    for (const kind of ['selector', 'media'] as const) {
      const keys = rows.filter((r) => r.item_kind === kind).map((r) => ({ caseId: r.case_id, itemId: r.item_id }));
      for (const [k, c] of await source.contents(agencyId, kind, keys)) labels.set(k, c.summary.label);
    }
    return rows.map((r) => ({
      id: r.hit_id,
      status: r.status as HitStatus,
      statusAt: r.status_at,
      statusBy: r.status_by as Hit['statusBy'],
      basis: r.basis as HitBasis,
      distance: r.distance,
      createdAt: r.hub_created_at,
      receivedAt: r.received_at,
      mine: {
        kind: r.item_kind as ItemKind,
        caseId: r.case_id,
        caseReference: r.case_reference,
        itemId: r.item_id,
        label: labels.get(itemKey(r.item_kind, r.case_id, r.item_id)) ?? 'an item no longer shared',
        handling: r.handling_code as HandlingCode,
        mode: r.my_mode as DisclosureMode,
      },
      other: {
        kind: r.other_kind as ItemKind,
        agency: r.other_agency_id ? { id: r.other_agency_id, name: r.other_name ?? 'Unknown agency', country: r.other_country ?? '' } : null,
        caseReference: r.other_agency_id ? r.other_case_reference : null,
        summary: r.other_agency_id && r.other_summary ? (JSON.parse(r.other_summary) as ItemSummary) : null,
      },
      decision: { needed: r.needs_decision === 1, mine: r.decision as Decision | null },
    }));
  }

  function load(agencyId: string, query: HitQuery & { hitId?: string; itemKind?: ItemKind; itemId?: string }) {
    let q = base(agencyId);
    if (query.hitId) q = q.where('h.hit_id', '=', query.hitId);
    if (query.status) q = q.where('h.status', '=', query.status);
    if (query.caseId) q = q.where('i.case_id', '=', query.caseId);
    if (query.needsDecision !== undefined) q = q.where('h.needs_decision', '=', query.needsDecision ? 1 : 0);
    if (query.itemKind) q = q.where('i.item_kind', '=', query.itemKind);
    if (query.itemId) q = q.where('i.item_id', '=', query.itemId);
    return q
      .select([
        'h.hit_id',
        'h.status',
        'h.status_at',
        'h.status_by',
        'h.basis',
        'h.distance',
        'h.hub_created_at',
        'h.received_at',
        'h.my_mode',
        'h.other_agency_id',
        'h.other_kind',
        'h.needs_decision',
        'h.decision',
        'i.item_kind',
        'i.case_id',
        'i.item_id',
        'i.handling_code',
        'c.reference as case_reference',
        'oa.name as other_name',
        'oa.country as other_country',
        'd.case_reference as other_case_reference',
        'd.summary as other_summary',
      ])
      .orderBy('h.needs_decision', 'desc')
      .orderBy('h.hub_created_at', 'desc')
      .orderBy('h.hit_id')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute();
  }

  async function one(agencyId: string, hitId: string): Promise<Hit> {
    const rows = await load(agencyId, { hitId, limit: 1 });
    if (!rows[0]) throw new NotFoundError('The hit');
    return (await toHits(agencyId, rows))[0]!;
  }

  return {
    agencyOf,

    async list(ctx: RequestContext, query: HitQuery): Promise<{ items: Hit[]; total: number }> {
      const agencyId = agencyOf(ctx);
      if (query.caseId) await access.require(ctx.actor, 'case.read', [query.caseId]);
      let count = base(agencyId);
      if (query.status) count = count.where('h.status', '=', query.status);
      if (query.caseId) count = count.where('i.case_id', '=', query.caseId);
      if (query.needsDecision !== undefined) count = count.where('h.needs_decision', '=', query.needsDecision ? 1 : 0);
      const total = await count.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const items = await toHits(agencyId, await load(agencyId, query));
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'hit.list',
        object: { type: 'hit' },
        caseId: query.caseId ?? null,
        justification: ctx.justification,
        details: { status: query.status ?? null, returned: items.map((i) => i.id) },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return { items, total: Number(total.n) };
    },

    /** Hits on one item of a case (the badge and panel on the item's page). */
    async forItem(ctx: RequestContext, caseId: string, kind: ItemKind, itemId: string): Promise<Hit[]> {
      const agencyId = agencyOf(ctx);
      await access.require(ctx.actor, 'case.read', [caseId]);
      const items = await toHits(agencyId, await load(agencyId, { caseId, itemKind: kind, itemId, limit: 200 }));
      if (items.length > 0) {
        await audit.record(db, {
          actor: ctx.actor,
          operation: 'consultation',
          action: 'hit.list',
          object: { type: 'hit' },
          caseId,
          justification: ctx.justification,
          details: { itemKind: kind, itemId, returned: items.map((i) => i.id) },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      }
      return items;
    },

    /** Hits waiting for attention (numbers only: no audit event). */
    async counts(ctx: RequestContext): Promise<{ new: number; needsDecision: number }> {
      const agencyId = agencyOf(ctx);
      const fresh = await base(agencyId).where('h.status', '=', 'new').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const waiting = await base(agencyId).where('h.needs_decision', '=', 1).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { new: Number(fresh.n), needsDecision: Number(waiting.n) };
    },

    async get(ctx: RequestContext, hitId: string): Promise<Hit> {
      const agencyId = agencyOf(ctx);
      const hit = await one(agencyId, hitId);
      await access.require(ctx.actor, 'case.read', [hit.mine.caseId]);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'hit.read',
        object: { type: 'hit', id: hitId },
        caseId: hit.mine.caseId,
        justification: ctx.justification,
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return hit;
    },

    /** Deconfliction: both sides see the status; it only moves forward. */
    async setStatus(ctx: RequestContext, hitId: string, status: HitStatus): Promise<Hit> {
      const agencyId = agencyOf(ctx);
      const hit = await one(agencyId, hitId);
      await access.require(ctx.actor, 'case.contribute', [hit.mine.caseId]);
      if (!canMoveTo(hit.status, status)) throw new ConflictError(`A hit that is ${hit.status} cannot become ${status}.`, 'invalid-transition');
      const view = await hub.setStatus(agencyId, hitId, status);
      await sync.applyHubView(agencyId, view);
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'alteration',
        action: 'hit.status',
        object: { type: 'hit', id: hitId },
        caseId: hit.mine.caseId,
        details: { from: hit.status, to: status },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return one(agencyId, hitId);
    },

    /** On an owner-only item's hit: accept (the other agency learns of the hit and whom to contact) or decline. */
    async decide(ctx: RequestContext, hitId: string, decision: 'accept' | 'decline'): Promise<Hit> {
      const agencyId = agencyOf(ctx);
      const hit = await one(agencyId, hitId);
      await access.require(ctx.actor, 'case.contribute', [hit.mine.caseId]);
      if (!hit.decision.needed) throw new ConflictError('This hit waits for no decision of your agency.', 'no-decision-needed');
      const view = await hub.decide(agencyId, hitId, decision);
      await sync.applyHubView(agencyId, view);
      await audit.record(db, {
        actor: ctx.actor,
        operation: decision === 'accept' ? 'disclosure' : 'alteration',
        action: `hit.${decision}`,
        object: { type: 'hit', id: hitId },
        caseId: hit.mine.caseId,
        ...(decision === 'accept' && hit.other.agency ? { recipients: [hit.other.agency.id] } : {}),
        justification: ctx.justification,
        details: { disclosed: decision === 'accept' ? ['that the hit exists', 'agency to contact'] : [] },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return one(agencyId, hitId);
    },

    /** A message to the other agency that names both items, for the compose form. */
    async draft(ctx: RequestContext, hitId: string): Promise<MessageDraft> {
      const agencyId = agencyOf(ctx);
      const hit = await one(agencyId, hitId);
      await access.require(ctx.actor, 'case.read', [hit.mine.caseId]);
      if (!hit.other.agency) throw new ConflictError('The other agency of this hit is not known to yours yet.', 'other-unknown');
      const how = hit.basis === 'exact' ? 'an exact match' : `a near-duplicate image (distance ${hit.distance ?? '?'})`;
      const theirs = hit.other.summary
        ? `${hit.other.summary.label}${hit.other.caseReference ? ` in your case ${hit.other.caseReference}` : ''}`
        : 'your item in this hit';
      return {
        to: [hit.other.agency.id],
        subject: `Network hit: ${hit.mine.label}`.slice(0, 300),
        body: [
          `The network reports ${how} between our holdings (hit ${hit.id}).`,
          '',
          `Our item: ${hit.mine.label} in our case ${hit.mine.caseReference}.`,
          `Your item: ${theirs}.`,
          '',
          'Can we deconflict?',
        ].join('\n'),
        caseId: hit.mine.caseId,
        handling: { tlp: hit.mine.handling },
      };
    },
  };
}
