import type { Kysely } from 'kysely';
import type { ExchangeLog } from '../log.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { systemActor } from '../../identity/actor.js';
import { newId, nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import { sealSecret, type MasterKey } from '../crypto/master-key.js';
import { sha256Digest } from '../digests.js';
import { EnvelopeRejected, openEnvelope, peekRouting, type OpenedEnvelope, type RejectionCode } from '../envelope.js';
import type { KeyStore } from '../key-store.js';
import { partId, type MessageContent, type NoticeContent, type ReceiptContent } from '../protocol.js';
import type { AttachmentStore } from './attachment-store.js';
import { HubRefusedError } from './hub-client.js';
import type { NodeMembership } from './membership.js';
import type { Receipts } from './receipts.js';

export const SIGNED_CONTENT_PURPOSE = 'exchange-signed-content';
const POLL_SECONDS = 20;
const BATCH = 20;

export interface HubEnvelope {
  seq: number;
  id: string;
  routing: string;
  jwe: string;
}

export type Outcome = 'accepted' | 'duplicate' | 'rejected';

/**
 * Takes in a notice of one topic for the agency it was addressed to. It runs before the notice enters the ledger, so
 * it must be idempotent (a crash in between brings the notice again); it throws EnvelopeRejected to refuse it, any
 * other error to have it delivered again later.
 */
export type NoticeHandler = (agencyId: string, notice: NoticeContent) => Promise<void>;

export type Inbox = ReturnType<typeof createInbox>;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

/**
 * Taking envelopes in. Each hosted agency that joined a hub pulls its inbox (long poll: no inbound port needed),
 * processes envelopes strictly in the hub's order, and acknowledges each one only after it is stored (or rejected).
 * A ledger of every envelope id taken in makes redelivery harmless (exactly once) and recognises replays.
 * Nothing that fails verification is stored as a message: it is shown to nobody, and recorded as a rejection.
 */
export function createInbox(deps: {
  db: Kysely<Database>;
  audit: AuditLog;
  keys: KeyStore;
  masterKey: MasterKey;
  membership: NodeMembership;
  attachments: AttachmentStore;
  receipts: Receipts;
  log?: ExchangeLog;
}) {
  const { db, audit, keys, membership, attachments, receipts } = deps;
  const loops = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let stopped = true;
  let rescan: NodeJS.Timeout | null = null;
  // Processing per agency is serial: the long-poll loop and an explicit sync must not interleave.
  const locks = new Map<string, Promise<unknown>>();
  const noticeHandlers = new Map<string, NoticeHandler>();

  function serial<T>(agencyId: string, work: () => Promise<T>): Promise<T> {
    const previous = locks.get(agencyId) ?? Promise.resolve();
    const next = previous.then(work, work);
    locks.set(
      agencyId,
      next.catch(() => undefined),
    );
    return next;
  }

  async function reject(agencyId: string, env: HubEnvelope, code: RejectionCode, reason: string, recordLedger: boolean): Promise<Outcome> {
    const claimed = peekRouting(env.routing);
    const now = nowIso();
    await db.transaction().execute(async (trx) => {
      if (recordLedger) {
        await trx
          .insertInto('exchange_inbound')
          .values({ agency_id: agencyId, envelope_id: env.id, kind: claimed.kind ?? 'unknown', from_agency_id: claimed.from ?? null, hub_seq: env.seq, digest: sha256Digest(env.jwe), outcome: 'rejected', received_at: now })
          .onConflict((oc) => oc.columns(['agency_id', 'envelope_id']).doNothing())
          .execute();
      }
      await trx
        .insertInto('exchange_rejections')
        .values({ id: newId(), agency_id: agencyId, envelope_id: env.id, kind: claimed.kind ?? null, from_agency_id: claimed.from ?? null, hub_seq: env.seq, code, reason: reason.slice(0, 500), at: now })
        .execute();
    });
    deps.log?.warn({ agencyId, envelope: env.id, hubSeq: env.seq, code }, `rejected an envelope: ${reason}`);
    return 'rejected';
  }

  async function open(agencyId: string, env: HubEnvelope): Promise<OpenedEnvelope> {
    const decryption = await keys.decryptionKeys(agencyId);
    const attempt = () => openEnvelope(env, agencyId, { senderKey: (a, kid) => membership.senderKey(a, kid), decryptionKey: (kid) => decryption.get(kid) });
    try {
      return await attempt();
    } catch (err) {
      // The sender may have rotated its keys after our last look at the directory: look again once.
      if (err instanceof EnvelopeRejected && (err.code === 'routing-signature' || err.code === 'inner-signature')) {
        const refreshed = await membership.refreshDirectory(agencyId).then(
          () => true,
          () => false,
        );
        if (refreshed) return attempt();
      }
      throw err;
    }
  }

  async function caseIdFor(agencyId: string, reference: string | undefined): Promise<string | null> {
    if (!reference) return null;
    const rows = await db
      .selectFrom('cases')
      .innerJoin('case_participants', 'case_participants.case_id', 'cases.id')
      .select('cases.id')
      .where('case_participants.agency_id', '=', agencyId)
      .where('cases.reference', '=', reference)
      .execute();
    return rows.length === 1 ? rows[0]!.id : null;
  }

  async function takeMessage(agencyId: string, env: HubEnvelope, opened: OpenedEnvelope, content: MessageContent): Promise<Outcome> {
    const client = await membership.client(agencyId);
    const rowId = newId();
    const stored: { dir: string; keySealed: Buffer }[] = [];
    try {
      for (const manifest of content.attachments) {
        const dir = attachments.receivedDir(rowId, manifest.index);
        await attachments.prepareDir(dir);
        for (let c = 0; c < manifest.chunks; c++) {
          try {
            await client.downloadPart(env.id, partId(manifest.index, c), attachments.chunkPath(dir, c));
          } catch (err) {
            if (err instanceof HubRefusedError && err.status === 404) throw new EnvelopeRejected('altered', `attachment part ${partId(manifest.index, c)} is missing at the hub`);
            throw err;
          }
        }
        try {
          stored.push({ dir, keySealed: await attachments.verifyReceived(dir, manifest) });
        } catch (err) {
          throw new EnvelopeRejected('altered', err instanceof Error ? err.message : String(err));
        }
      }
    } catch (err) {
      await attachments.removeDir(`received/${rowId}`);
      throw err;
    }

    const caseId = await caseIdFor(agencyId, content.caseReference);
    const now = nowIso();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('exchange_inbound')
        .values({ agency_id: agencyId, envelope_id: env.id, kind: 'message', from_agency_id: content.from, hub_seq: env.seq, digest: sha256Digest(env.jwe), outcome: 'accepted', received_at: now })
        .execute();
      await trx
        .insertInto('exchange_messages')
        .values({
          id: rowId,
          agency_id: agencyId,
          message_id: content.id,
          box: 'in',
          thread_id: content.thread,
          in_reply_to: content.inReplyTo ?? null,
          from_agency_id: content.from,
          to_agency_ids: JSON.stringify(content.to),
          case_reference: content.caseReference ?? null,
          case_id: caseId,
          subject: content.subject,
          body: content.body,
          tlp: content.handling.tlp,
          restriction: content.handling.restriction ? JSON.stringify(content.handling.restriction) : null,
          priority: content.priority,
          rfi_deadline: content.rfiDeadline ?? null,
          created_at: content.created,
          received_at: now,
          status: 'received',
          hub_seq: env.seq,
          signed_sealed: sealSecret(deps.masterKey, SIGNED_CONTENT_PURPOSE, Buffer.from(opened.signed, 'utf8'), rowId),
          read_at: null,
          answered_at: null,
          attachment_count: content.attachments.length,
          created_by: null,
        })
        .execute();
      for (const [i, manifest] of content.attachments.entries()) {
        await trx
          .insertInto('exchange_attachments')
          .values({
            message_row_id: rowId,
            idx: manifest.index,
            attachment_id: manifest.id,
            name: manifest.name,
            media_type: manifest.mediaType,
            size: manifest.size,
            sha256: manifest.sha256,
            chunk_size: manifest.chunkSize,
            chunks: manifest.chunks,
            key_sealed: stored[i]!.keySealed,
            dir: stored[i]!.dir,
          })
          .execute();
      }
      await audit.record(trx, {
        actor: systemActor('exchange', agencyId),
        operation: 'collection',
        action: 'message.receive',
        object: { type: 'message', id: rowId },
        caseId,
        details: { messageId: content.id, from: content.from, handling: content.handling.tlp, attachments: content.attachments.length },
      });
    });
    await receipts.send(agencyId, content.from, content.id, 'delivered');
    return 'accepted';
  }

  async function takeReceipt(agencyId: string, env: HubEnvelope, content: ReceiptContent): Promise<Outcome> {
    const message = await db
      .selectFrom('exchange_messages')
      .select('id')
      .where('agency_id', '=', agencyId)
      .where('message_id', '=', content.of)
      .where('box', '=', 'out')
      .executeTakeFirst();
    const recipient = message
      ? await db.selectFrom('exchange_recipients').select('agency_id').where('message_row_id', '=', message.id).where('agency_id', '=', content.from).executeTakeFirst()
      : undefined;
    if (!message || !recipient) throw new EnvelopeRejected('inconsistent', 'a receipt for a message this agency did not send to its signer');
    const column = content.status === 'delivered' ? 'delivered_at' : content.status === 'read' ? 'read_at' : 'answered_at';
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('exchange_inbound')
        .values({ agency_id: agencyId, envelope_id: env.id, kind: 'receipt', from_agency_id: content.from, hub_seq: env.seq, digest: sha256Digest(env.jwe), outcome: 'accepted', received_at: nowIso() })
        .execute();
      await trx.updateTable('exchange_recipients').set({ [column]: content.at }).where('message_row_id', '=', message.id).where('agency_id', '=', content.from).where(column, 'is', null).execute();
      // A read or answered message was delivered, even if that receipt is still on its way.
      if (column !== 'delivered_at') {
        await trx.updateTable('exchange_recipients').set({ delivered_at: content.at }).where('message_row_id', '=', message.id).where('agency_id', '=', content.from).where('delivered_at', 'is', null).execute();
      }
    });
    return 'accepted';
  }

  async function takeNotice(agencyId: string, env: HubEnvelope, content: NoticeContent): Promise<Outcome> {
    const handler = noticeHandlers.get(content.topic);
    if (!handler) throw new EnvelopeRejected('malformed', `no module on this node takes notices of topic "${content.topic}"`);
    await handler(agencyId, content);
    await db
      .insertInto('exchange_inbound')
      .values({ agency_id: agencyId, envelope_id: env.id, kind: 'notice', from_agency_id: content.from, hub_seq: env.seq, digest: sha256Digest(env.jwe), outcome: 'accepted', received_at: nowIso() })
      .execute();
    return 'accepted';
  }

  /** Takes one envelope in; returns what happened. Throws only when it should be retried (hub unreachable). */
  async function processEnvelope(agencyId: string, env: HubEnvelope): Promise<Outcome> {
    const seen = await db.selectFrom('exchange_inbound').select(['hub_seq', 'digest']).where('agency_id', '=', agencyId).where('envelope_id', '=', env.id).executeTakeFirst();
    if (seen) {
      if (Number(seen.hub_seq) === env.seq && seen.digest === sha256Digest(env.jwe)) return 'duplicate';
      return reject(agencyId, env, 'replayed', 'an envelope with this id was already taken in', false);
    }
    let opened: OpenedEnvelope;
    try {
      opened = await open(agencyId, env);
      if (opened.routing.id !== env.id) throw new EnvelopeRejected('inconsistent', 'the hub delivered the envelope under another id');
      const content = opened.content;
      if (content.type === 'message') return await takeMessage(agencyId, env, opened, content);
      return content.type === 'receipt' ? await takeReceipt(agencyId, env, content) : await takeNotice(agencyId, env, content);
    } catch (err) {
      if (err instanceof EnvelopeRejected) return reject(agencyId, env, err.code, err.message, true);
      throw err;
    }
  }

  /** One pull: fetch what waits (long-polling up to `waitSeconds`), take it in order, acknowledge what was handled. */
  async function pollOnce(agencyId: string, waitSeconds: number, signal?: AbortSignal): Promise<{ accepted: number; rejected: number; duplicate: number }> {
    const counts = { accepted: 0, rejected: 0, duplicate: 0 };
    const client = await membership.client(agencyId);
    // Until the directory says the agency is active, learn that first (the long poll would keep it waiting).
    if ((await membership.membership(agencyId))?.status !== 'active') await membership.refreshDirectory(agencyId).catch(() => undefined);
    const res = await client.inbox({ waitSeconds, limit: BATCH, ...(signal ? { signal } : {}) });
    await membership.markContact(agencyId, null);
    const current = await membership.membership(agencyId);
    if (current && res.directoryVersion > current.directoryVersion) await membership.refreshDirectory(agencyId).catch(() => undefined);
    await serial(agencyId, async () => {
      const handled: string[] = [];
      try {
        for (const env of res.envelopes) {
          counts[await processEnvelope(agencyId, env)]++;
          handled.push(env.id);
        }
      } finally {
        if (handled.length > 0) await client.ack(handled);
      }
    });
    return counts;
  }

  async function loop(agencyId: string, signal: AbortSignal): Promise<void> {
    let backoff = 500;
    while (!signal.aborted) {
      try {
        await pollOnce(agencyId, POLL_SECONDS, signal);
        backoff = 500;
      } catch (err) {
        if (signal.aborted) break;
        const pending = err instanceof HubRefusedError && err.code === 'member-pending';
        await membership.markContact(agencyId, err instanceof Error ? err.message : String(err)).catch(() => undefined);
        if (pending) await membership.refreshDirectory(agencyId).catch(() => undefined);
        else deps.log?.warn({ agencyId, err: err instanceof Error ? err.message : String(err) }, 'inbox poll failed; retrying');
        await sleep(Math.max(backoff, err instanceof HubRefusedError ? err.retryAfterMs : 0), signal);
        backoff = Math.min(backoff * 2, pending ? 2_000 : 5_000);
      }
    }
  }

  function ensureLoop(agencyId: string): void {
    if (stopped || loops.has(agencyId)) return;
    const controller = new AbortController();
    const done = loop(agencyId, controller.signal).catch((err) => deps.log?.error({ err, agencyId }, 'inbox loop ended'));
    loops.set(agencyId, { controller, done });
  }

  return {
    processEnvelope,

    /** Registers the module that takes notices of `topic` (one per topic). */
    onNotice(topic: string, handler: NoticeHandler): void {
      if (noticeHandlers.has(topic)) throw new Error(`notices of topic ${topic} already have a handler`);
      noticeHandlers.set(topic, handler);
    },
    pollOnce,
    ensureLoop,

    async start(): Promise<void> {
      stopped = false;
      const scan = async () => {
        for (const m of await membership.memberships()) ensureLoop(m.agencyId);
      };
      await scan();
      // An agency may join from the command line while the server runs: pick its membership up.
      rescan = setInterval(() => void scan().catch(() => undefined), 10_000);
      rescan.unref();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (rescan) clearInterval(rescan);
      rescan = null;
      const all = [...loops.values()];
      loops.clear();
      for (const l of all) l.controller.abort();
      await Promise.all(all.map((l) => l.done));
      await Promise.all([...locks.values()]);
    },
  };
}
