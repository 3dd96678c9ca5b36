import type { Kysely } from 'kysely';
import type { AuditLog } from '../../audit/audit-log.js';
import { EnvelopeRejected } from '../../exchange/envelope.js';
import type { Exchange } from '../../exchange/exchange.js';
import type { NoticeContent } from '../../exchange/protocol.js';
import { systemActor } from '../../identity/actor.js';
import { HANDLING_CODES, type HandlingCode } from '../../intel/vocabulary.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database, MatchItemsTable } from '../../store/schema.js';
import { MAX_ITEMS_PER_REQUEST, type HubHitView, type MatchState, type PublishRequest } from '../hub-protocol.js';
import { exactToken, exportNetworkKey, importNetworkKey, pdqTransform, type NetworkKey } from '../network-key.js';
import { wordsToHex } from '../../media/index.js';
import { DEFAULT_POLICY, type DisclosureMode, type ItemKind } from '../vocabulary.js';
import type { HubLink } from './hub-link.js';
import { itemKey, type Candidate, type ItemSource } from './item-source.js';
import type { NetworkKeys } from './network-keys.js';
import {
  checkHitDetails,
  checkKeyNotice,
  checkKeyRequest,
  sendNotice,
  TOPIC_HIT_DETAILS,
  TOPIC_KEY,
  TOPIC_KEY_REQUEST,
  type HitDetailsBody,
  type KeyNoticeBody,
} from './notices.js';

const PUBLISH_BATCH = 500;
const KEY_REQUEST_EVERY_MS = 5 * 60_000;
const KEY_RESEND_MIN_MS = 60_000;

export interface MatchingLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface SyncResult {
  skipped?: 'not-a-member' | 'no-key' | 'key-pending';
  epoch: number;
  published: number;
  withdrawn: number;
  hitsReceived: number;
  hitsRemoved: number;
  keysSent: number;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}

export type MatchingSync = ReturnType<typeof createMatchingSync>;

/**
 * A hosted agency's side of network matching, run in the background and on demand:
 * - key duties: the founding agency seals the current network key to every active member that has not had it; a
 *   member without it asks the founding agency;
 * - publishing: what the agency shares (selectors and media, by handling code and per-item choice) is compared with
 *   what it has published; new items are tokenised and sent, changed ones re-sent (a new epoch re-tokenises
 *   everything), items no longer shared or no longer held are withdrawn (the hub drops their hits);
 * - hits: the hub's change feed is pulled and mirrored; under a "full" policy the item's case reference and summary
 *   go to the other agency in a sealed notice.
 */
export function createMatchingSync(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  exchange: Pick<Exchange, 'keys' | 'membership' | 'outbox' | 'inbox'>;
  keys: NetworkKeys;
  source: ItemSource;
  hub: HubLink;
  log?: MatchingLog;
  /** Called when a new key arrives (the owner runs a sync: everything is re-tokenised under it). */
  afterNewKey?: (agencyId: string) => void;
}) {
  const { db, audit, exchange, keys, source, hub } = deps;
  const running = new Map<string, Promise<SyncResult>>();

  const system = (agencyId: string) => systemActor('matching', agencyId);

  async function policyOf(agencyId: string): Promise<Record<HandlingCode, DisclosureMode>> {
    const rows = await db.selectFrom('match_policies').select(['handling_code', 'mode']).where('agency_id', '=', agencyId).execute();
    const policy = { ...DEFAULT_POLICY };
    for (const r of rows) if ((HANDLING_CODES as readonly string[]).includes(r.handling_code)) policy[r.handling_code as HandlingCode] = r.mode as DisclosureMode;
    return policy;
  }

  async function syncRow(agencyId: string) {
    await db.insertInto('match_sync').values({ agency_id: agencyId, hit_cursor: 0, last_sync_at: null, last_error: null, key_requested_epoch: null, key_requested_at: null }).onConflict((oc) => oc.column('agency_id').doNothing()).execute();
    return db.selectFrom('match_sync').selectAll().where('agency_id', '=', agencyId).executeTakeFirstOrThrow();
  }

  async function sendKey(agencyId: string, key: NetworkKey, to: string): Promise<void> {
    const body: KeyNoticeBody = { epoch: key.epoch, key: exportNetworkKey(key), fingerprint: key.fingerprint };
    await sendNotice({ db, exchange }, agencyId, [to], TOPIC_KEY, body, async (trx) => {
      await trx
        .insertInto('match_key_grants')
        .values({ agency_id: agencyId, epoch: key.epoch, to_agency_id: to, sent_at: nowIso() })
        .onConflict((oc) => oc.columns(['agency_id', 'epoch', 'to_agency_id']).doUpdateSet({ sent_at: nowIso() }))
        .execute();
      await audit.record(trx, {
        actor: system(agencyId),
        operation: 'disclosure',
        action: 'matching.key.send',
        object: { type: 'match-key', id: String(key.epoch) },
        recipients: [to],
        details: { epoch: key.epoch, fingerprint: key.fingerprint },
      });
    });
  }

  /** The founding agency gives the key to active members it has not given it to; a member without it asks. */
  async function keyDuties(agencyId: string, state: MatchState, key: NetworkKey | null): Promise<number> {
    let sent = 0;
    if (key && state.founder === agencyId && key.epoch === state.epoch) {
      const members = await db
        .selectFrom('exchange_directory')
        .leftJoin('match_key_grants as g', (j) => j.onRef('g.to_agency_id', '=', 'exchange_directory.agency_id').on('g.agency_id', '=', agencyId).on('g.epoch', '=', key.epoch))
        .select('exchange_directory.agency_id')
        .where('exchange_directory.status', '=', 'active')
        .where('exchange_directory.agency_id', '!=', agencyId)
        .where('g.to_agency_id', 'is', null)
        .execute();
      for (const m of members) {
        try {
          await sendKey(agencyId, key, m.agency_id);
          sent++;
        } catch (err) {
          deps.log?.warn({ agencyId, to: m.agency_id, err: err instanceof Error ? err.message : String(err) }, 'could not send the network match key');
        }
      }
    }
    if (state.epoch > (key?.epoch ?? 0) && state.founder && state.founder !== agencyId) {
      const row = await syncRow(agencyId);
      const recent = row.key_requested_epoch === state.epoch && row.key_requested_at && Date.now() - Date.parse(row.key_requested_at) < KEY_REQUEST_EVERY_MS;
      if (!recent) {
        await sendNotice({ db, exchange }, agencyId, [state.founder], TOPIC_KEY_REQUEST, { epoch: state.epoch }, async (trx) => {
          await trx.updateTable('match_sync').set({ key_requested_epoch: state.epoch, key_requested_at: nowIso() }).where('agency_id', '=', agencyId).execute();
        });
      }
    }
    return sent;
  }

  async function recordPerCase(trx: Kysely<Database>, agencyId: string, rows: { case_id: string; item_kind: string }[], entry: { operation: 'disclosure' | 'erasure'; action: string; recipients?: string[]; details: Record<string, unknown> }) {
    for (const [caseId, items] of groupBy(rows, (r) => r.case_id)) {
      await audit.record(trx, {
        actor: system(agencyId),
        operation: entry.operation,
        action: entry.action,
        object: { type: 'match-items' },
        caseId,
        ...(entry.recipients ? { recipients: entry.recipients } : {}),
        details: { ...entry.details, selectors: items.filter((i) => i.item_kind === 'selector').length, media: items.filter((i) => i.item_kind === 'media').length },
      });
    }
  }

  async function withdraw(agencyId: string, rows: MatchItemsTable[], hubId: string): Promise<number> {
    for (const part of chunks(rows, MAX_ITEMS_PER_REQUEST)) {
      await hub.withdraw(agencyId, part.map((r) => r.ref));
      await db.transaction().execute(async (trx) => {
        const refs = part.map((r) => r.ref);
        const hits = await trx.selectFrom('match_hits').select('hit_id').where('agency_id', '=', agencyId).where('ref', 'in', refs).execute();
        if (hits.length > 0) {
          await trx.deleteFrom('match_hit_details').where('agency_id', '=', agencyId).where('hit_id', 'in', hits.map((h) => h.hit_id)).execute();
          await trx.deleteFrom('match_hits').where('agency_id', '=', agencyId).where('ref', 'in', refs).execute();
        }
        await trx.deleteFrom('match_items').where('ref', 'in', refs).execute();
        await recordPerCase(trx, agencyId, part, { operation: 'erasure', action: 'matching.withdraw', recipients: [hubId], details: { hitsRemoved: hits.length } });
      });
    }
    return rows.length;
  }

  async function publish(agencyId: string, key: NetworkKey, hubId: string): Promise<{ published: number; withdrawn: number }> {
    const policy = await policyOf(agencyId);
    const candidates = await source.candidates(agencyId);
    const published = await db.selectFrom('match_items').selectAll().where('agency_id', '=', agencyId).execute();
    const byKey = new Map(published.map((r) => [itemKey(r.item_kind, r.case_id, r.item_id), r]));
    const wanted = new Map<string, Candidate>();
    for (const c of candidates) if (c.shareable) wanted.set(itemKey(c.kind, c.caseId, c.itemId), c);

    const stale = published.filter((r) => !wanted.has(itemKey(r.item_kind, r.case_id, r.item_id)));
    const withdrawn = stale.length > 0 ? await withdraw(agencyId, stale, hubId) : 0;

    const due = [...wanted.entries()]
      .map(([k, c]) => ({ c, row: byKey.get(k), mode: policy[c.handling] }))
      .filter(({ c, row, mode }) => !row || row.epoch !== key.epoch || row.mode !== mode || row.handling_code !== c.handling);
    const transform = pdqTransform(key);
    let count = 0;
    for (const [kind, group] of groupBy(due, (d) => d.c.kind)) {
      for (const part of chunks(group, PUBLISH_BATCH)) {
        const contents = await source.contents(agencyId, kind as ItemKind, part.map((d) => ({ caseId: d.c.caseId, itemId: d.c.itemId })));
        const items: PublishRequest['items'] = [];
        const rows: MatchItemsTable[] = [];
        const now = nowIso();
        for (const d of part) {
          const content = contents.get(itemKey(d.c.kind, d.c.caseId, d.c.itemId));
          if (!content) continue;
          let tokens: string[];
          try {
            tokens = content.exact.map((e) => exactToken(key, e.type, e.normalised).toString('base64url'));
          } catch (err) {
            // A value stored as valid that today's normalisation no longer accepts could never match: skip it.
            deps.log?.warn({ agencyId, item: d.c.itemId, err: err instanceof Error ? err.message : String(err) }, 'item not tokenised');
            continue;
          }
          const pdq = content.pdq ? wordsToHex(transform.apply(content.pdq)) : undefined;
          if (tokens.length === 0 && !pdq) continue;
          // Time-ordered (UUIDv7): the hub's reference index grows at its end. Its time is the first publication,
          // which the hub sees anyway; the rest is random and says nothing about the item.
          const ref = d.row?.ref ?? newId();
          items.push({ ref, kind: d.c.kind, mode: d.mode, tokens, ...(pdq ? { pdq } : {}) });
          rows.push({
            ref,
            agency_id: agencyId,
            item_kind: d.c.kind,
            case_id: d.c.caseId,
            item_id: d.c.itemId,
            handling_code: d.c.handling,
            mode: d.mode,
            epoch: key.epoch,
            token_count: tokens.length,
            has_pdq: pdq ? 1 : 0,
            published_at: d.row?.published_at ?? now,
            updated_at: now,
          });
        }
        if (items.length === 0) continue;
        const result = await hub.publish(agencyId, { epoch: key.epoch, items });
        await db.transaction().execute(async (trx) => {
          for (const r of rows) {
            await trx
              .insertInto('match_items')
              .values(r)
              .onConflict((oc) => oc.column('ref').doUpdateSet({ handling_code: r.handling_code, mode: r.mode, epoch: r.epoch, token_count: r.token_count, has_pdq: r.has_pdq, updated_at: r.updated_at }))
              .execute();
          }
          await recordPerCase(trx, agencyId, rows, { operation: 'disclosure', action: 'matching.publish', recipients: [hubId], details: { epoch: key.epoch, hits: result.hits } });
        });
        count += rows.length;
      }
    }
    return { published: count, withdrawn };
  }

  async function applyView(trx: Kysely<Database>, agencyId: string, view: HubHitView): Promise<boolean> {
    const item = await trx.selectFrom('match_items').select(['case_id', 'item_kind', 'item_id']).where('ref', '=', view.myRef).where('agency_id', '=', agencyId).executeTakeFirst();
    if (!item) return false;
    const existing = await trx.selectFrom('match_hits').select('hit_id').where('agency_id', '=', agencyId).where('hit_id', '=', view.hitId).executeTakeFirst();
    const now = nowIso();
    const values = {
      ref: view.myRef,
      other_agency_id: view.otherAgencyId,
      other_kind: view.otherKind,
      basis: view.basis,
      distance: view.distance,
      my_mode: view.myMode,
      status: view.status,
      status_at: view.statusAt,
      status_by: view.statusBy,
      needs_decision: view.needsDecision ? 1 : 0,
      decision: view.myDecision,
      hub_created_at: view.createdAt,
      updated_at: now,
    };
    if (existing) {
      await trx.updateTable('match_hits').set(values).where('agency_id', '=', agencyId).where('hit_id', '=', view.hitId).execute();
      return false;
    }
    await trx.insertInto('match_hits').values({ agency_id: agencyId, hit_id: view.hitId, details_sent_at: null, received_at: now, ...values }).execute();
    await audit.record(trx, {
      actor: system(agencyId),
      operation: 'collection',
      action: 'hit.receive',
      object: { type: 'hit', id: view.hitId },
      caseId: item.case_id,
      details: { itemKind: item.item_kind, itemId: item.item_id, basis: view.basis, distance: view.distance, otherAgency: view.otherAgencyId },
    });
    return true;
  }

  async function sendDetails(agencyId: string): Promise<void> {
    const due = await db
      .selectFrom('match_hits as h')
      .innerJoin('match_items as i', 'i.ref', 'h.ref')
      .select(['h.hit_id', 'h.other_agency_id', 'i.case_id', 'i.item_kind', 'i.item_id'])
      .where('h.agency_id', '=', agencyId)
      .where('h.my_mode', '=', 'full')
      .where('h.other_agency_id', 'is not', null)
      .where('h.details_sent_at', 'is', null)
      .execute();
    for (const d of due) {
      const content = (await source.contents(agencyId, d.item_kind as ItemKind, [{ caseId: d.case_id, itemId: d.item_id }])).get(itemKey(d.item_kind, d.case_id, d.item_id));
      if (!content) continue;
      const body: HitDetailsBody = { hitId: d.hit_id, caseReference: content.caseReference, summary: content.summary };
      try {
        await sendNotice({ db, exchange }, agencyId, [d.other_agency_id!], TOPIC_HIT_DETAILS, body, async (trx) => {
          await trx.updateTable('match_hits').set({ details_sent_at: nowIso() }).where('agency_id', '=', agencyId).where('hit_id', '=', d.hit_id).execute();
          await audit.record(trx, {
            actor: system(agencyId),
            operation: 'disclosure',
            action: 'hit.details.send',
            object: { type: 'hit', id: d.hit_id },
            caseId: d.case_id,
            recipients: [d.other_agency_id!],
            details: { caseReference: content.caseReference, summary: content.summary.label },
          });
        });
      } catch (err) {
        deps.log?.warn({ agencyId, hit: d.hit_id, err: err instanceof Error ? err.message : String(err) }, 'could not send hit details');
      }
    }
  }

  /** Mirrors the hub's change feed for the agency; returns how many hits arrived and left. */
  async function pullHits(agencyId: string): Promise<{ received: number; removed: number }> {
    let { hit_cursor: cursor } = await syncRow(agencyId);
    let received = 0;
    let removed = 0;
    for (;;) {
      const page = await hub.changes(agencyId, cursor);
      if (page.changes.length === 0) break;
      await db.transaction().execute(async (trx) => {
        for (const change of page.changes) {
          if (change.op === 'upsert' && change.hit) {
            if (await applyView(trx, agencyId, change.hit)) received++;
            continue;
          }
          const row = await trx
            .selectFrom('match_hits as h')
            .leftJoin('match_items as i', 'i.ref', 'h.ref')
            .select(['h.hit_id', 'i.case_id'])
            .where('h.agency_id', '=', agencyId)
            .where('h.hit_id', '=', change.hitId)
            .executeTakeFirst();
          if (!row) continue;
          await trx.deleteFrom('match_hit_details').where('agency_id', '=', agencyId).where('hit_id', '=', change.hitId).execute();
          await trx.deleteFrom('match_hits').where('agency_id', '=', agencyId).where('hit_id', '=', change.hitId).execute();
          await audit.record(trx, { actor: system(agencyId), operation: 'erasure', action: 'hit.remove', object: { type: 'hit', id: change.hitId }, caseId: row.case_id ?? null });
          removed++;
        }
        await trx.updateTable('match_sync').set({ hit_cursor: page.next }).where('agency_id', '=', agencyId).execute();
      });
      cursor = page.next;
    }
    await sendDetails(agencyId);
    return { received, removed };
  }

  async function runSync(agencyId: string, options: { publish: boolean }): Promise<SyncResult> {
    const result: SyncResult = { epoch: 0, published: 0, withdrawn: 0, hitsReceived: 0, hitsRemoved: 0, keysSent: 0 };
    const membership = await exchange.membership.membership(agencyId);
    if (!membership || membership.status !== 'active') return { ...result, skipped: 'not-a-member' };
    await syncRow(agencyId);
    try {
      const state = await hub.state(agencyId);
      const key = await keys.current(agencyId);
      result.epoch = state.epoch;
      result.keysSent = await keyDuties(agencyId, state, key);
      if (!key) result.skipped = state.epoch === 0 ? 'no-key' : 'key-pending';
      else if (key.epoch !== state.epoch) result.skipped = 'key-pending';
      else if (options.publish) Object.assign(result, await publish(agencyId, key, membership.hubId));
      const hits = await pullHits(agencyId);
      result.hitsReceived = hits.received;
      result.hitsRemoved = hits.removed;
      await db.updateTable('match_sync').set({ last_sync_at: nowIso(), last_error: null }).where('agency_id', '=', agencyId).execute();
      return result;
    } catch (err) {
      await db.updateTable('match_sync').set({ last_error: (err instanceof Error ? err.message : String(err)).slice(0, 500) }).where('agency_id', '=', agencyId).execute();
      throw err;
    }
  }

  /** One run per agency at a time; a request while one runs waits for it and then runs again. */
  function sync(agencyId: string, options: { publish?: boolean } = {}): Promise<SyncResult> {
    const previous = running.get(agencyId) ?? Promise.resolve(undefined);
    const run = () => runSync(agencyId, { publish: options.publish ?? true });
    const next = previous.then(run, run);
    running.set(agencyId, next);
    return next.finally(() => {
      if (running.get(agencyId) === next) running.delete(agencyId);
    });
  }

  // ---- notices from other agencies --------------------------------------------------------------------------------

  async function onKey(agencyId: string, notice: NoticeContent): Promise<void> {
    if (!checkKeyNotice.Check(notice.body)) throw new EnvelopeRejected('malformed', 'a network key notice that does not follow the protocol');
    const body = notice.body as KeyNoticeBody;
    const state = await hub.state(agencyId);
    if (notice.from !== state.founder || body.epoch > state.epoch) {
      throw new EnvelopeRejected('inconsistent', 'a network key from an agency that is not the network’s founding agency, or for an epoch the hub does not know');
    }
    const key = importNetworkKey(body.key, body.epoch);
    if (key.fingerprint !== body.fingerprint) throw new EnvelopeRejected('inconsistent', 'the network key does not match its fingerprint');
    const held = await keys.fingerprintOf(agencyId, body.epoch);
    if (held && held !== key.fingerprint) throw new EnvelopeRejected('inconsistent', `a second, different network key for epoch ${body.epoch}`);
    await db.transaction().execute(async (trx) => {
      if (!(await keys.store(trx, agencyId, key, 'received', notice.from))) return;
      await audit.record(trx, {
        actor: system(agencyId),
        operation: 'collection',
        action: 'matching.key.receive',
        object: { type: 'match-key', id: String(body.epoch) },
        details: { epoch: body.epoch, fingerprint: key.fingerprint, from: notice.from },
      });
    });
    // Re-tokenise and publish under the new key, after the inbox has finished with this notice.
    deps.afterNewKey?.(agencyId);
  }

  async function onKeyRequest(agencyId: string, notice: NoticeContent): Promise<void> {
    if (!checkKeyRequest.Check(notice.body)) throw new EnvelopeRejected('malformed', 'a key request that does not follow the protocol');
    const key = await keys.current(agencyId);
    const state = await hub.state(agencyId);
    if (!key || state.founder !== agencyId || key.epoch !== state.epoch) return;
    const member = await db.selectFrom('exchange_directory').select('status').where('agency_id', '=', notice.from).executeTakeFirst();
    if (member?.status !== 'active') return;
    const grant = await db.selectFrom('match_key_grants').select('sent_at').where('agency_id', '=', agencyId).where('epoch', '=', key.epoch).where('to_agency_id', '=', notice.from).executeTakeFirst();
    if (grant && Date.now() - Date.parse(grant.sent_at) < KEY_RESEND_MIN_MS) return;
    await sendKey(agencyId, key, notice.from);
  }

  async function onHitDetails(agencyId: string, notice: NoticeContent): Promise<void> {
    if (!checkHitDetails.Check(notice.body)) throw new EnvelopeRejected('malformed', 'hit details that do not follow the protocol');
    const body = notice.body as HitDetailsBody;
    const hit = await db
      .selectFrom('match_hits as h')
      .leftJoin('match_items as i', 'i.ref', 'h.ref')
      .select(['h.other_agency_id', 'i.case_id'])
      .where('h.agency_id', '=', agencyId)
      .where('h.hit_id', '=', body.hitId)
      .executeTakeFirst();
    // Details may arrive before the hit itself; they are kept under their sender and shown only if the hub names
    // the sender as the other side of the hit.
    if (hit && hit.other_agency_id !== null && hit.other_agency_id !== notice.from) throw new EnvelopeRejected('inconsistent', 'hit details from an agency that is not the other side of the hit');
    await db.transaction().execute(async (trx) => {
      const values = { case_reference: body.caseReference, summary: JSON.stringify(body.summary), received_at: nowIso() };
      await trx
        .insertInto('match_hit_details')
        .values({ agency_id: agencyId, hit_id: body.hitId, from_agency_id: notice.from, ...values })
        .onConflict((oc) => oc.columns(['agency_id', 'hit_id', 'from_agency_id']).doUpdateSet(values))
        .execute();
      await audit.record(trx, {
        actor: system(agencyId),
        operation: 'collection',
        action: 'hit.details.receive',
        object: { type: 'hit', id: body.hitId },
        caseId: hit?.case_id ?? null,
        details: { from: notice.from, caseReference: body.caseReference },
      });
    });
  }

  exchange.inbox.onNotice(TOPIC_KEY, onKey);
  exchange.inbox.onNotice(TOPIC_KEY_REQUEST, onKeyRequest);
  exchange.inbox.onNotice(TOPIC_HIT_DETAILS, onHitDetails);

  return {
    sync,
    pullHits,
    policyOf,

    /** Mirrors one hit as the hub returned it after a change made here (status, decision). */
    async applyHubView(agencyId: string, view: HubHitView): Promise<void> {
      await db.transaction().execute((trx) => applyView(trx, agencyId, view));
    },
  };
}
