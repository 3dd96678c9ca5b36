import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import type { CaseAccessPolicy } from '../../cases/case-access.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { Exchange } from '../../exchange/exchange.js';
import { actorName } from '../../identity/actor.js';
import type { RequestContext } from '../../identity/context.js';
import { HANDLING_CODES, type HandlingCode } from '../../intel/vocabulary.js';
import { nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import type { MatchState } from '../hub-protocol.js';
import { generateNetworkKey } from '../network-key.js';
import { DEFAULT_MEDIA_HANDLING, sharedByDefault, type DisclosureMode, type ItemKind } from '../vocabulary.js';
import type { HubLink } from './hub-link.js';
import { itemKey, type ItemSource } from './item-source.js';
import type { MatchingSync } from './matching-sync.js';
import type { NetworkKeys } from './network-keys.js';

export interface SharedItem {
  kind: ItemKind;
  itemId: string;
  label: string;
  handling: HandlingCode;
  defaultShared: boolean;
  override: boolean | null;
  shared: boolean;
  published: boolean;
  hits: number;
}

export interface CaseSharing {
  caseId: string;
  mediaHandling: HandlingCode;
  shared: number;
  notShared: number;
  published: number;
  items: SharedItem[];
  total: number;
}

export interface MatchingStatus {
  member: boolean;
  epoch: number;
  founder: string | null;
  nextFounder: string | null;
  /** This agency may create the network key (or rotate it). */
  mayFound: boolean;
  key: { epoch: number; fingerprint: string; origin: string } | null;
  published: { selectors: number; media: number };
  hits: number;
  lastSyncAt: string | null;
  lastError: string | null;
}

export type SharingService = ReturnType<typeof createSharingService>;

/**
 * An agency's choices about matching: its disclosure policy per handling code (admins), the handling code a case's
 * media are matched under and per-item overrides (case contributors), the network key (the founding agency's
 * admin), and the state of it all.
 */
export function createSharingService(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  access: CaseAccessPolicy;
  exchange: Pick<Exchange, 'membership'>;
  keys: NetworkKeys;
  source: ItemSource;
  hub: HubLink;
  sync: MatchingSync;
  /** Runs a sync in the background after a change (publishing or withdrawing what changed). */
  later: (agencyId: string) => void;
}) {
  const { db, audit, access, keys, source, hub, sync } = deps;

  function agencyOf(ctx: RequestContext): string {
    if (!ctx.actor.agencyId) throw new ForbiddenError('Matching settings belong to an agency; this caller has none.');
    return ctx.actor.agencyId;
  }

  async function mediaHandling(caseId: string, agencyId: string): Promise<HandlingCode> {
    const row = await db.selectFrom('match_case_settings').select('media_handling_code').where('case_id', '=', caseId).where('agency_id', '=', agencyId).executeTakeFirst();
    return (row?.media_handling_code as HandlingCode | undefined) ?? DEFAULT_MEDIA_HANDLING;
  }

  return {
    async policy(ctx: RequestContext): Promise<Record<HandlingCode, DisclosureMode>> {
      return sync.policyOf(agencyOf(ctx));
    },

    async setPolicy(ctx: RequestContext, policy: Partial<Record<HandlingCode, DisclosureMode>>): Promise<Record<HandlingCode, DisclosureMode>> {
      const agencyId = agencyOf(ctx);
      const before = await sync.policyOf(agencyId);
      await db.transaction().execute(async (trx) => {
        const now = nowIso();
        for (const code of HANDLING_CODES) {
          const mode = policy[code];
          if (!mode) continue;
          await trx
            .insertInto('match_policies')
            .values({ agency_id: agencyId, handling_code: code, mode, updated_at: now, updated_by: actorName(ctx.actor) })
            .onConflict((oc) => oc.columns(['agency_id', 'handling_code']).doUpdateSet({ mode, updated_at: now, updated_by: actorName(ctx.actor) }))
            .execute();
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'matching.policy',
          object: { type: 'match-policy', id: agencyId },
          details: { before, after: { ...before, ...policy } },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      deps.later(agencyId);
      return sync.policyOf(agencyId);
    },

    /** The case's items the agency could share, with what decides it. */
    async caseSharing(ctx: RequestContext, caseId: string, query: { kind?: ItemKind | undefined; limit?: number | undefined; offset?: number | undefined }): Promise<CaseSharing> {
      const agencyId = agencyOf(ctx);
      await access.require(ctx.actor, 'case.read', [caseId]);
      const all = await source.candidates(agencyId, caseId);
      const published = new Set(
        (await db.selectFrom('match_items').select(['item_kind', 'case_id', 'item_id']).where('agency_id', '=', agencyId).where('case_id', '=', caseId).execute()).map((r) =>
          itemKey(r.item_kind, r.case_id, r.item_id),
        ),
      );
      const hitRows = await db
        .selectFrom('match_hits as h')
        .innerJoin('match_items as i', 'i.ref', 'h.ref')
        .select(['i.item_kind', 'i.item_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('h.agency_id', '=', agencyId)
        .where('i.case_id', '=', caseId)
        .groupBy(['i.item_kind', 'i.item_id'])
        .execute();
      const hits = new Map(hitRows.map((r) => [itemKey(r.item_kind, caseId, r.item_id), Number(r.n)]));
      const filtered = all.filter((c) => !query.kind || c.kind === query.kind);
      const offset = query.offset ?? 0;
      const page = filtered.slice(offset, offset + (query.limit ?? 100));
      const labels = new Map<string, string>();
      for (const kind of ['selector', 'media'] as const) {
        const keys = page.filter((p) => p.kind === kind).map((p) => ({ caseId, itemId: p.itemId }));
        for (const [k, c] of await source.contents(agencyId, kind, keys)) labels.set(k, c.summary.label);
      }
      await audit.record(db, {
        actor: ctx.actor,
        operation: 'consultation',
        action: 'matching.case.read',
        object: { type: 'match-items' },
        caseId,
        justification: ctx.justification,
        details: { returned: page.length },
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return {
        caseId,
        mediaHandling: await mediaHandling(caseId, agencyId),
        shared: all.filter((c) => c.shareable).length,
        notShared: all.filter((c) => !c.shareable).length,
        published: published.size,
        total: filtered.length,
        items: page.map((c) => {
          const k = itemKey(c.kind, c.caseId, c.itemId);
          return {
            kind: c.kind,
            itemId: c.itemId,
            label: labels.get(k) ?? c.itemId,
            handling: c.handling,
            defaultShared: sharedByDefault(c.handling),
            override: c.override,
            shared: c.shareable,
            published: published.has(k),
            hits: hits.get(k) ?? 0,
          };
        }),
      };
    },

    async setMediaHandling(ctx: RequestContext, caseId: string, handling: HandlingCode): Promise<HandlingCode> {
      const agencyId = agencyOf(ctx);
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const before = await mediaHandling(caseId, agencyId);
      await db.transaction().execute(async (trx) => {
        const now = nowIso();
        await trx
          .insertInto('match_case_settings')
          .values({ case_id: caseId, agency_id: agencyId, media_handling_code: handling, updated_at: now, updated_by: actorName(ctx.actor) })
          .onConflict((oc) => oc.columns(['case_id', 'agency_id']).doUpdateSet({ media_handling_code: handling, updated_at: now, updated_by: actorName(ctx.actor) }))
          .execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'matching.case.media-handling',
          object: { type: 'case', id: caseId },
          caseId,
          details: { from: before, to: handling },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      deps.later(agencyId);
      return handling;
    },

    /** Shares one item whatever its handling code (true), never (false), or by the default again (null). */
    async setItemSharing(ctx: RequestContext, caseId: string, kind: ItemKind, itemId: string, shareable: boolean | null): Promise<SharedItem> {
      const agencyId = agencyOf(ctx);
      await access.require(ctx.actor, 'case.contribute', [caseId]);
      const item = (await source.candidates(agencyId, caseId)).find((c) => c.kind === kind && c.itemId === itemId);
      if (!item) throw new NotFoundError(`The ${kind} among your agency's items of this case`);
      await db.transaction().execute(async (trx) => {
        const where = (q: any) => q.where('agency_id', '=', agencyId).where('item_kind', '=', kind).where('case_id', '=', caseId).where('item_id', '=', itemId);
        if (shareable === null) await where(trx.deleteFrom('match_overrides')).execute();
        else {
          const now = nowIso();
          await trx
            .insertInto('match_overrides')
            .values({ agency_id: agencyId, item_kind: kind, case_id: caseId, item_id: itemId, shareable: shareable ? 1 : 0, set_by: actorName(ctx.actor), set_at: now })
            .onConflict((oc) => oc.columns(['agency_id', 'item_kind', 'case_id', 'item_id']).doUpdateSet({ shareable: shareable ? 1 : 0, set_by: actorName(ctx.actor), set_at: now }))
            .execute();
        }
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'matching.item.sharing',
          object: { type: kind, id: itemId },
          caseId,
          details: { handling: item.handling, from: item.override, to: shareable },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      deps.later(agencyId);
      const shared = shareable ?? sharedByDefault(item.handling);
      const published = await db.selectFrom('match_items').select('ref').where('agency_id', '=', agencyId).where('item_kind', '=', kind).where('case_id', '=', caseId).where('item_id', '=', itemId).executeTakeFirst();
      const label = (await source.contents(agencyId, kind, [{ caseId, itemId }])).get(itemKey(kind, caseId, itemId))?.summary.label ?? itemId;
      return { kind, itemId, label, handling: item.handling, defaultShared: sharedByDefault(item.handling), override: shareable, shared, published: Boolean(published), hits: 0 };
    },

    async status(ctx: RequestContext): Promise<MatchingStatus> {
      const agencyId = agencyOf(ctx);
      const membership = await deps.exchange.membership.membership(agencyId);
      let state: MatchState = { epoch: 0, founder: null, nextFounder: null, announcedAt: null };
      if (membership?.status === 'active') state = await hub.state(agencyId).catch(() => state);
      const held = (await keys.list(agencyId)).find((k) => k.status === 'current');
      const counts = await db.selectFrom('match_items').select(['item_kind', (eb) => eb.fn.countAll<number>().as('n')]).where('agency_id', '=', agencyId).groupBy('item_kind').execute();
      const hits = await db.selectFrom('match_hits').select((eb) => eb.fn.countAll<number>().as('n')).where('agency_id', '=', agencyId).executeTakeFirstOrThrow();
      const row = await db.selectFrom('match_sync').selectAll().where('agency_id', '=', agencyId).executeTakeFirst();
      return {
        member: membership?.status === 'active',
        epoch: state.epoch,
        founder: state.founder,
        nextFounder: state.nextFounder,
        mayFound: state.nextFounder === agencyId,
        key: held ? { epoch: held.epoch, fingerprint: held.fingerprint, origin: held.origin } : null,
        published: { selectors: Number(counts.find((c) => c.item_kind === 'selector')?.n ?? 0), media: Number(counts.find((c) => c.item_kind === 'media')?.n ?? 0) },
        hits: Number(hits.n),
        lastSyncAt: row?.last_sync_at ?? null,
        lastError: row?.last_error ?? null,
      };
    },

    /**
     * The founding agency creates the network key (epoch 1) or rotates it (the next epoch): the hub is told the new
     * epoch first, then the key is kept here and sealed to every active member; every agency then re-tokenises.
     */
    async createKey(ctx: RequestContext): Promise<MatchingStatus> {
      const agencyId = agencyOf(ctx);
      const membership = await deps.exchange.membership.membership(agencyId);
      if (membership?.status !== 'active') throw new ConflictError('Your agency is not an active member of a network.', 'not-a-member');
      const state = await hub.state(agencyId);
      if (state.nextFounder !== agencyId) throw new ForbiddenError('Only the network’s founding agency creates or rotates the network match key.', 'not-founder');
      const key = generateNetworkKey(state.epoch + 1);
      await hub.announce(agencyId, key.epoch);
      await db.transaction().execute(async (trx) => {
        await keys.store(trx, agencyId, key, 'created', null);
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'collection',
          action: state.epoch === 0 ? 'matching.key.create' : 'matching.key.rotate',
          object: { type: 'match-key', id: String(key.epoch) },
          details: { epoch: key.epoch, fingerprint: key.fingerprint },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      await sync.sync(agencyId).catch(() => undefined);
      return this.status(ctx);
    },
  };
}
