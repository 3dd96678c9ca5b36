import type { Kysely, Transaction } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import type { RequestContext } from '../../identity/context.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, HubMatchHitsTable } from '../../store/schema.js';
import type { HubChanges, HubHitView, MatchState, PublishRequest, PublishResult } from '../hub-protocol.js';
import { canMoveTo, sideView, type Decision, type DisclosureMode, type HitStatus, type ItemKind } from '../vocabulary.js';
import { HubIndex, PDQ_BYTES, splitTokens, TOKEN_BYTES, type NearIndex } from './hub-index.js';

const LOCK_KEY = 'hub.matching.lock';
const FOUNDER_KEY = 'hub.matching.founder';
const LOAD_PAGE = 20_000;
const ITEM_CHUNK = 400;
const CHANGE_DAYS = 30;
const MAINTENANCE_MS = 3_600_000;

export interface HubMatchingLog {
  info(obj: object, msg: string): void;
}

interface HitRow extends HubMatchHitsTable {
  a_mode: string | null;
  b_mode: string | null;
  a_kind: string | null;
  b_kind: string | null;
}

interface NewItem {
  ref: string;
  kind: ItemKind;
  mode: DisclosureMode;
  tokens: Buffer;
  pdq: Buffer | null;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function decodeItem(item: PublishRequest['items'][number]): NewItem {
  const tokens = item.tokens.map((t) => Buffer.from(t, 'base64url'));
  if (tokens.some((t) => t.length !== TOKEN_BYTES)) throw new BadRequestError('A token is not 32 bytes.', 'invalid-token');
  const unique = [...new Map(tokens.map((t) => [t.toString('hex'), t])).values()];
  const pdq = item.pdq ? Buffer.from(item.pdq, 'hex') : null;
  if (pdq && pdq.length !== PDQ_BYTES) throw new BadRequestError('A PDQ hash is not 32 bytes.', 'invalid-pdq');
  if (unique.length === 0 && !pdq) throw new BadRequestError('An item carries neither tokens nor a PDQ hash.', 'empty-item');
  return { ref: item.ref, kind: item.kind, mode: item.mode, tokens: Buffer.concat(unique), pdq };
}

export function viewOf(hit: HitRow, agencyId: string): HubHitView | null {
  const mineIsA = hit.a_agency_id === agencyId;
  if (!mineIsA && hit.b_agency_id !== agencyId) return null;
  const a = { mode: (hit.a_mode ?? 'owner') as DisclosureMode, decision: hit.a_decision as Decision | null };
  const b = { mode: (hit.b_mode ?? 'owner') as DisclosureMode, decision: hit.b_decision as Decision | null };
  const [mine, other] = mineIsA ? [a, b] : [b, a];
  const view = sideView(mine, other);
  if (!view.visible) return null;
  return {
    hitId: hit.id,
    myRef: mineIsA ? hit.a_ref : hit.b_ref,
    otherAgencyId: view.otherKnown ? (mineIsA ? hit.b_agency_id : hit.a_agency_id) : null,
    otherKind: ((mineIsA ? hit.b_kind : hit.a_kind) ?? 'selector') as ItemKind,
    basis: hit.basis as 'exact' | 'near',
    distance: hit.distance,
    myMode: mine.mode,
    status: hit.status as HitStatus,
    statusAt: hit.status_at,
    statusBy: hit.status_agency_id === null ? null : hit.status_agency_id === agencyId ? 'me' : 'other',
    needsDecision: view.needsDecision,
    myDecision: mine.decision,
    createdAt: hit.created_at,
  };
}

export type HubMatching = ReturnType<typeof createHubMatching>;

/**
 * The hub's network match index (DESIGN §9). Members publish items as tokens and transformed PDQ hashes under an
 * opaque reference; the hub records a hit when a new item's token equals another agency's (or its PDQ hash lies
 * within 31 of one), and tells each side what the other side's disclosure mode allows, through a per-agency change
 * feed the nodes pull. Publishing is serialised (in this process by a queue, across hub processes by a row lock), so
 * two agencies publishing the same value at the same moment still meet.
 */
export function createHubMatching(deps: { db: Kysely<Database>; audit: AuditLog; near?: () => NearIndex; log?: HubMatchingLog }) {
  const { db, audit } = deps;
  let index: HubIndex | null = null;
  let loading: Promise<HubIndex> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let housekeeping: NodeJS.Timeout | null = null;

  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  async function loadIndex(): Promise<HubIndex> {
    const started = Date.now();
    const count = await db.selectFrom('hub_match_items').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    // Sized for one token per item; media items (three) make it grow once or twice while loading.
    const ix = new HubIndex({ expectedTokens: Number(count.n), ...(deps.near ? { near: deps.near() } : {}) });
    let after = 0;
    for (;;) {
      const rows = await db.selectFrom('hub_match_items').select(['seq', 'agency_id', 'epoch', 'tokens', 'pdq']).where('seq', '>', after).orderBy('seq').limit(LOAD_PAGE).execute();
      if (rows.length === 0) break;
      ix.addMany(rows.map((r) => ({ seq: r.seq, agencyId: r.agency_id, epoch: r.epoch, tokens: r.tokens, pdq: r.pdq })));
      after = rows[rows.length - 1]!.seq;
    }
    ix.finishLoad();
    deps.log?.info({ items: ix.items, tokens: ix.exact.size, pdq: ix.near.size, ms: Date.now() - started }, 'hub match index loaded');
    return ix;
  }

  async function ready(): Promise<HubIndex> {
    if (index) return index;
    loading ??= loadIndex().then((ix) => (index = ix));
    return loading;
  }

  /** Items another hub process stored since this one last looked (removals there are caught by confirmation here). */
  async function catchUp(ix: HubIndex): Promise<void> {
    const rows = await db.selectFrom('hub_match_items').select(['seq', 'agency_id', 'epoch', 'tokens', 'pdq']).where('seq', '>', ix.maxSeq).orderBy('seq').execute();
    for (const r of rows) ix.add({ seq: r.seq, agencyId: r.agency_id, epoch: r.epoch, tokens: r.tokens, pdq: r.pdq });
  }

  /** Change-feed entries older than a month are dropped (docs/matching.md, "Limits"). */
  async function maintenance(): Promise<void> {
    await db.deleteFrom('hub_match_changes').where('at', '<', new Date(Date.now() - CHANGE_DAYS * 86_400_000).toISOString()).execute();
  }

  async function takeLock(trx: Transaction<Database>): Promise<void> {
    await trx.updateTable('settings').set({ value: nowIso() }).where('key', '=', LOCK_KEY).execute();
  }

  async function state(trx: Kysely<Database> = db): Promise<MatchState> {
    const current = await trx.selectFrom('hub_match_epochs').selectAll().orderBy('epoch', 'desc').limit(1).executeTakeFirst();
    const designated = await trx.selectFrom('settings').select('value').where('key', '=', FOUNDER_KEY).executeTakeFirst();
    let nextFounder = designated?.value ?? current?.founder_agency_id ?? null;
    if (!nextFounder) {
      const first = await trx.selectFrom('hub_members').select('agency_id').where('status', '=', 'active').where('approved_at', 'is not', null).orderBy('approved_at').limit(1).executeTakeFirst();
      nextFounder = first?.agency_id ?? null;
    }
    return { epoch: current?.epoch ?? 0, founder: current?.founder_agency_id ?? null, nextFounder, announcedAt: current?.announced_at ?? null };
  }

  function hitsWithModes(trx: Kysely<Database>) {
    return trx
      .selectFrom('hub_match_hits as h')
      .leftJoin('hub_match_items as ia', 'ia.ref', 'h.a_ref')
      .leftJoin('hub_match_items as ib', 'ib.ref', 'h.b_ref')
      .selectAll('h')
      .select(['ia.mode as a_mode', 'ib.mode as b_mode', 'ia.kind as a_kind', 'ib.kind as b_kind']);
  }

  /** Tells each side what it may now know of the hit: an upsert to every side that sees it, a removal to a side that saw it and no longer may. */
  async function emit(trx: Transaction<Database>, hit: HitRow): Promise<void> {
    const now = nowIso();
    for (const side of ['a', 'b'] as const) {
      const agencyId = side === 'a' ? hit.a_agency_id : hit.b_agency_id;
      const seen = side === 'a' ? hit.a_seen : hit.b_seen;
      const visible = viewOf(hit, agencyId) !== null;
      if (visible) await trx.insertInto('hub_match_changes').values({ agency_id: agencyId, hit_id: hit.id, op: 'upsert', at: now }).execute();
      else if (seen) await trx.insertInto('hub_match_changes').values({ agency_id: agencyId, hit_id: hit.id, op: 'remove', at: now }).execute();
      if (Boolean(seen) !== visible) {
        await trx.updateTable('hub_match_hits').set(side === 'a' ? { a_seen: visible ? 1 : 0 } : { b_seen: visible ? 1 : 0 }).where('id', '=', hit.id).execute();
      }
    }
  }

  async function removeHits(trx: Transaction<Database>, refs: string[]): Promise<number> {
    let removed = 0;
    for (const part of chunks(refs, ITEM_CHUNK)) {
      const hits = await trx.selectFrom('hub_match_hits').selectAll().where((eb) => eb.or([eb('a_ref', 'in', part), eb('b_ref', 'in', part)])).execute();
      const now = nowIso();
      for (const h of hits) {
        if (h.a_seen) await trx.insertInto('hub_match_changes').values({ agency_id: h.a_agency_id, hit_id: h.id, op: 'remove', at: now }).execute();
        if (h.b_seen) await trx.insertInto('hub_match_changes').values({ agency_id: h.b_agency_id, hit_id: h.id, op: 'remove', at: now }).execute();
      }
      if (hits.length > 0) await trx.deleteFrom('hub_match_hits').where('id', 'in', hits.map((h) => h.id)).execute();
      removed += hits.length;
    }
    return removed;
  }

  return {
    state: () => state(),

    async start(): Promise<void> {
      await db.insertInto('settings').values({ key: LOCK_KEY, value: nowIso() }).onConflict((oc) => oc.column('key').doNothing()).execute();
      await ready();
      housekeeping ??= setInterval(() => void maintenance().catch(() => undefined), MAINTENANCE_MS);
      housekeeping.unref();
    },

    stop(): void {
      if (housekeeping) clearInterval(housekeeping);
      housekeeping = null;
    },

    /** The hub's matching memory, for the benchmark and the admin overview. */
    async index(): Promise<HubIndex> {
      return ready();
    },

    /** The next founder announces a new epoch (first key or rotation); it then distributes the key itself, sealed. */
    async announce(agencyId: string, epoch: number, meta: { requestId?: string; ip?: string } = {}): Promise<MatchState> {
      return db.transaction().execute(async (trx) => {
        await takeLock(trx);
        const s = await state(trx);
        if (s.nextFounder !== agencyId) throw new ForbiddenError('Only the network’s founding agency announces match key epochs.', 'not-founder');
        if (epoch !== s.epoch + 1) throw new ConflictError(`The next epoch is ${s.epoch + 1}.`, 'wrong-epoch');
        const now = nowIso();
        await trx.insertInto('hub_match_epochs').values({ epoch, founder_agency_id: agencyId, announced_at: now }).execute();
        await audit.record(trx, {
          actor: { kind: 'system', name: 'hub', agencyId },
          operation: 'alteration',
          action: 'hub.match.epoch',
          object: { type: 'match-epoch', id: String(epoch) },
          details: { epoch },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return { epoch, founder: agencyId, nextFounder: s.nextFounder, announcedAt: now };
      });
    },

    /** Stores (or replaces, or re-modes) a member's items and records the hits they make with other agencies' items. */
    async publish(agencyId: string, request: PublishRequest, meta: { requestId?: string; ip?: string } = {}): Promise<PublishResult> {
      const decoded = request.items.map(decodeItem);
      if (new Set(decoded.map((d) => d.ref)).size !== decoded.length) throw new BadRequestError('An item reference appears twice.', 'duplicate-ref');
      return exclusive(async () => {
        const ix = await ready();
        await catchUp(ix);
        const added: { seq: number; agencyId: string; epoch: number; tokens: Buffer; pdq: Buffer | null }[] = [];
        const dropped: { seq: number; tokens: Buffer; pdq: Buffer | null }[] = [];
        const result = await db.transaction().execute(async (trx) => {
          await takeLock(trx);
          const s = await state(trx);
          if (s.epoch === 0) throw new ConflictError('The network has no match key yet.', 'no-epoch');
          if (request.epoch !== s.epoch) throw new ConflictError(`Items must be tokenised under the current epoch (${s.epoch}).`, 'stale-epoch');
          const epoch = s.epoch;
          const now = nowIso();
          const existing = new Map<string, { seq: number; agency_id: string; epoch: number; mode: string; tokens: Buffer; pdq: Buffer | null }>();
          for (const part of chunks(decoded.map((d) => d.ref), ITEM_CHUNK)) {
            const rows = await trx.selectFrom('hub_match_items').select(['seq', 'ref', 'agency_id', 'epoch', 'mode', 'tokens', 'pdq']).where('ref', 'in', part).execute();
            for (const r of rows) existing.set(r.ref, r);
          }
          const fresh: NewItem[] = [];
          const remoded: string[] = [];
          let unchanged = 0;
          for (const item of decoded) {
            const old = existing.get(item.ref);
            if (old && old.agency_id !== agencyId) throw new ConflictError('An item reference belongs to another agency.', 'ref-conflict');
            const same = old && old.epoch === epoch && old.tokens.equals(item.tokens) && (old.pdq === null ? item.pdq === null : item.pdq !== null && old.pdq.equals(item.pdq));
            if (old && same) {
              if (old.mode !== item.mode) {
                await trx.updateTable('hub_match_items').set({ mode: item.mode, updated_at: now }).where('seq', '=', old.seq).execute();
                remoded.push(item.ref);
              } else unchanged++;
              continue;
            }
            if (old) dropped.push(old);
            fresh.push(item);
          }
          for (const part of chunks(dropped, ITEM_CHUNK)) await trx.deleteFrom('hub_match_items').where('seq', 'in', part.map((d) => d.seq)).execute();

          // Candidates before inserting: the batch comes from one agency, so it never matches itself. An exact
          // candidate shares a token's first 8 bytes; it is confirmed on the full token below.
          const candidates = fresh.map((item) => {
            const found = new Map<number, { exact: boolean; distance: number | null }>();
            for (const t of splitTokens(item.tokens)) for (const seq of ix.exactCandidates(t, agencyId, epoch)) found.set(seq, { exact: true, distance: null });
            if (item.pdq) {
              for (const h of ix.nearCandidates(item.pdq, agencyId, epoch)) {
                const f = found.get(h.id);
                found.set(h.id, { exact: f?.exact ?? false, distance: h.distance });
              }
            }
            return found;
          });

          for (const part of chunks(fresh, ITEM_CHUNK)) {
            const rows = await trx
              .insertInto('hub_match_items')
              .values(part.map((i) => ({ ref: i.ref, agency_id: agencyId, kind: i.kind, mode: i.mode, epoch, pdq: i.pdq, tokens: i.tokens, created_at: now, updated_at: now })))
              .returning(['seq', 'ref'])
              .execute();
            const seqOf = new Map(rows.map((r) => [r.ref, r.seq]));
            for (const i of part) added.push({ seq: seqOf.get(i.ref)!, agencyId, epoch, tokens: i.tokens, pdq: i.pdq });
          }

          // Confirm candidates against the database (a memory entry may be stale, a prefix may be shared) and record
          // the hits.
          const allSeqs = [...new Set(candidates.flatMap((c) => [...c.keys()]))];
          const others = new Map<number, { ref: string; agency_id: string; epoch: number; tokens: Buffer }>();
          for (const part of chunks(allSeqs, ITEM_CHUNK)) {
            const rows = await trx.selectFrom('hub_match_items').select(['seq', 'ref', 'agency_id', 'epoch', 'tokens']).where('seq', 'in', part).execute();
            for (const r of rows) if (r.agency_id !== agencyId && r.epoch === epoch) others.set(r.seq, r);
          }
          const sharesToken = (a: Buffer, b: Buffer) => splitTokens(a).some((t) => splitTokens(b).some((u) => t.equals(u)));
          let hits = 0;
          const touched: string[] = [];
          for (const [i, item] of fresh.entries()) {
            for (const [seq, found] of candidates[i]!) {
              const other = others.get(seq);
              if (!other) continue;
              const how = { exact: found.exact && sharesToken(item.tokens, other.tokens), distance: found.distance };
              if (!how.exact && how.distance === null) continue;
              const known = await trx
                .selectFrom('hub_match_hits')
                .select('id')
                .where((eb) => eb.or([eb.and([eb('a_ref', '=', other.ref), eb('b_ref', '=', item.ref)]), eb.and([eb('a_ref', '=', item.ref), eb('b_ref', '=', other.ref)])]))
                .executeTakeFirst();
              if (known) {
                touched.push(known.id);
                continue;
              }
              const id = newId();
              await trx
                .insertInto('hub_match_hits')
                .values({
                  id,
                  a_ref: other.ref,
                  a_agency_id: other.agency_id,
                  b_ref: item.ref,
                  b_agency_id: agencyId,
                  basis: how.exact ? 'exact' : 'near',
                  distance: how.distance,
                  status: 'new',
                  status_agency_id: null,
                  status_at: now,
                  a_decision: null,
                  b_decision: null,
                  a_seen: 0,
                  b_seen: 0,
                  created_at: now,
                  updated_at: now,
                })
                .execute();
              touched.push(id);
              hits++;
            }
          }
          // Hits of re-moded items may have become visible to the other side (or of replaced items, again).
          for (const part of chunks(remoded, ITEM_CHUNK)) {
            const rows = await trx.selectFrom('hub_match_hits').select('id').where((eb) => eb.or([eb('a_ref', 'in', part), eb('b_ref', 'in', part)])).execute();
            touched.push(...rows.map((r) => r.id));
          }
          for (const part of chunks([...new Set(touched)], ITEM_CHUNK)) {
            for (const hit of await hitsWithModes(trx).where('h.id', 'in', part).execute()) await emit(trx, hit);
          }
          await audit.record(trx, {
            actor: { kind: 'system', name: 'hub', agencyId },
            operation: 'collection',
            action: 'hub.match.publish',
            object: { type: 'match-items' },
            details: { epoch, stored: fresh.length, replaced: dropped.length, remoded: remoded.length, unchanged, hits },
            requestId: meta.requestId,
            ip: meta.ip,
          });
          return { stored: fresh.length, unchanged: unchanged + remoded.length, hits };
        });
        for (const d of dropped) ix.remove(d);
        for (const a of added) ix.add(a);
        return result;
      });
    },

    /** Removes a member's items, their tokens and every hit resting on them (each side that saw a hit is told). */
    async withdraw(agencyId: string, refs: string[], meta: { requestId?: string; ip?: string } = {}): Promise<{ withdrawn: number; hitsRemoved: number }> {
      return exclusive(async () => {
        const ix = await ready();
        const gone: { seq: number; tokens: Buffer; pdq: Buffer | null }[] = [];
        const result = await db.transaction().execute(async (trx) => {
          await takeLock(trx);
          const rows: { seq: number; ref: string; tokens: Buffer; pdq: Buffer | null }[] = [];
          for (const part of chunks([...new Set(refs)], ITEM_CHUNK)) {
            rows.push(...(await trx.selectFrom('hub_match_items').select(['seq', 'ref', 'tokens', 'pdq']).where('ref', 'in', part).where('agency_id', '=', agencyId).execute()));
          }
          const hitsRemoved = await removeHits(trx, rows.map((r) => r.ref));
          for (const part of chunks(rows, ITEM_CHUNK)) await trx.deleteFrom('hub_match_items').where('seq', 'in', part.map((r) => r.seq)).execute();
          gone.push(...rows);
          await audit.record(trx, {
            actor: { kind: 'system', name: 'hub', agencyId },
            operation: 'erasure',
            action: 'hub.match.withdraw',
            object: { type: 'match-items' },
            details: { withdrawn: rows.length, hitsRemoved },
            requestId: meta.requestId,
            ip: meta.ip,
          });
          return { withdrawn: rows.length, hitsRemoved };
        });
        for (const g of gone) ix.remove(g);
        return result;
      });
    },

    /** What changed for the agency since its cursor, each hit as the agency may now see it. */
    async changes(agencyId: string, after: number, limit: number): Promise<HubChanges> {
      const rows = await db.selectFrom('hub_match_changes').selectAll().where('agency_id', '=', agencyId).where('seq', '>', after).orderBy('seq').limit(limit).execute();
      const ids = [...new Set(rows.filter((r) => r.op === 'upsert').map((r) => r.hit_id))];
      const hits = new Map<string, HitRow>();
      for (const part of chunks(ids, ITEM_CHUNK)) for (const h of await hitsWithModes(db).where('h.id', 'in', part).execute()) hits.set(h.id, h);
      const changes = rows.map((r) => {
        const hit = r.op === 'upsert' ? hits.get(r.hit_id) : undefined;
        const view = hit ? viewOf(hit, agencyId) : null;
        return view ? { seq: r.seq, hitId: r.hit_id, op: 'upsert' as const, hit: view } : { seq: r.seq, hitId: r.hit_id, op: 'remove' as const };
      });
      return { changes, next: rows.length > 0 ? rows[rows.length - 1]!.seq : after };
    },

    async setStatus(agencyId: string, hitId: string, status: HitStatus, meta: { requestId?: string; ip?: string } = {}): Promise<HubHitView> {
      return db.transaction().execute(async (trx) => {
        await takeLock(trx);
        const hit = await hitsWithModes(trx).where('h.id', '=', hitId).executeTakeFirst();
        const view = hit ? viewOf(hit, agencyId) : null;
        if (!hit || !view) throw new NotFoundError('The hit');
        if (!canMoveTo(view.status, status)) throw new ConflictError(`A hit that is ${view.status} cannot become ${status}.`, 'invalid-transition');
        const now = nowIso();
        await trx.updateTable('hub_match_hits').set({ status, status_agency_id: agencyId, status_at: now, updated_at: now }).where('id', '=', hitId).execute();
        const updated = (await hitsWithModes(trx).where('h.id', '=', hitId).executeTakeFirst())!;
        await emit(trx, updated);
        await audit.record(trx, {
          actor: { kind: 'system', name: 'hub', agencyId },
          operation: 'alteration',
          action: 'hub.match.status',
          object: { type: 'match-hit', id: hitId },
          details: { from: view.status, to: status },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return viewOf(updated, agencyId)!;
      });
    },

    /** The owner of an owner-only item accepts (the other side is told) or declines (it never is). */
    async decide(agencyId: string, hitId: string, decision: 'accept' | 'decline', meta: { requestId?: string; ip?: string } = {}): Promise<HubHitView> {
      return db.transaction().execute(async (trx) => {
        await takeLock(trx);
        const hit = await hitsWithModes(trx).where('h.id', '=', hitId).executeTakeFirst();
        const view = hit ? viewOf(hit, agencyId) : null;
        if (!hit || !view) throw new NotFoundError('The hit');
        if (!view.needsDecision) throw new ConflictError('This hit waits for no decision of this agency.', 'no-decision-needed');
        const value: Decision = decision === 'accept' ? 'accepted' : 'declined';
        const now = nowIso();
        const side = hit.a_agency_id === agencyId ? { a_decision: value } : { b_decision: value };
        await trx.updateTable('hub_match_hits').set({ ...side, updated_at: now }).where('id', '=', hitId).execute();
        const updated = (await hitsWithModes(trx).where('h.id', '=', hitId).executeTakeFirst())!;
        await emit(trx, updated);
        const other = hit.a_agency_id === agencyId ? hit.b_agency_id : hit.a_agency_id;
        await audit.record(trx, {
          actor: { kind: 'system', name: 'hub', agencyId },
          operation: value === 'accepted' ? 'disclosure' : 'alteration',
          action: `hub.match.${decision}`,
          object: { type: 'match-hit', id: hitId },
          ...(value === 'accepted' ? { recipients: [other] } : {}),
          details: { decision: value },
          requestId: meta.requestId,
          ip: meta.ip,
        });
        return viewOf(updated, agencyId)!;
      });
    },

    /** The hub administrator names the agency that announces the next epoch. */
    async setFounder(ctx: RequestContext, agencyId: string): Promise<MatchState> {
      const member = await db.selectFrom('hub_members').select(['agency_id', 'status']).where('agency_id', '=', agencyId).executeTakeFirst();
      if (!member) throw new NotFoundError('The member agency');
      if (member.status !== 'active') throw new ConflictError('Only an active member can found the network key.', 'member-not-active');
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('settings').values({ key: FOUNDER_KEY, value: agencyId }).onConflict((oc) => oc.column('key').doUpdateSet({ value: agencyId })).execute();
        await audit.record(trx, {
          actor: ctx.actor,
          operation: 'alteration',
          action: 'hub.match.founder',
          object: { type: 'hub-member', id: agencyId },
          requestId: ctx.requestId,
          ip: ctx.ip,
        });
      });
      return state();
    },

    async overview(): Promise<{ state: MatchState; items: number; tokens: number; pdq: number; hits: number; indexBytes: number }> {
      const ix = await ready();
      const hits = await db.selectFrom('hub_match_hits').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { state: await state(), items: ix.items, tokens: ix.exact.size, pdq: ix.near.size, hits: Number(hits.n), indexBytes: ix.bytes };
    },

    maintenance,

    /** Forgets the in-memory index (tests, and a restart of the matching memory after a bulk load). */
    reset(): void {
      index = null;
      loading = null;
    },
  };
}
