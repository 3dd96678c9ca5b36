import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../errors.js';
import { nowIso } from '../../store/ids.js';
import type { Database } from '../../store/schema.js';
import { jweRecipientKeyIds } from '../crypto/encryption.js';
import { EnvelopeRejected, peekRouting, verifyRouting } from '../envelope.js';
import { digestOf, sha256Digest } from '../digests.js';
import type { PartRef, RoutingDocument } from '../protocol.js';
import type { HubMembers } from './hub-members.js';

/** Largest stored part (a sealed chunk: 2 MiB of plaintext is about 2.8 MB of compact JWE). */
export const MAX_PART_BYTES = 8 * 1024 * 1024;
/** Largest sealed message (text, receipts); attachments travel as parts. */
export const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;
const ORPHAN_PART_DAYS = 7;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PART = /^[0-9]{1,2}\.[0-9]{1,6}$/;

export class PayloadTooLargeError extends AppError {
  constructor(message: string) {
    super(413, 'body-too-large', message);
  }
}

export interface InboxEnvelope {
  seq: number;
  id: string;
  routing: string;
  jwe: string;
}

/** Wakes long-polling recipients when an envelope arrives for them (within this process; others poll). */
function createNotifier() {
  const waiters = new Map<string, Set<() => void>>();
  let closed = false;
  return {
    notify(agencyId: string): void {
      const set = waiters.get(agencyId);
      if (!set) return;
      waiters.delete(agencyId);
      for (const wake of set) wake();
    },
    wait(agencyId: string, ms: number, signal?: AbortSignal): Promise<void> {
      if (closed || ms <= 0) return Promise.resolve();
      return new Promise((resolve) => {
        const set = waiters.get(agencyId) ?? new Set();
        waiters.set(agencyId, set);
        const done = () => {
          clearTimeout(timer);
          set.delete(done);
          signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
    /** Releases every waiter (shutdown: long polls must not hold the server open). */
    closeAll(): void {
      closed = true;
      for (const set of waiters.values()) for (const wake of set) wake();
      waiters.clear();
    },
    reopen(): void {
      closed = false;
    },
    get closed(): boolean {
      return closed;
    },
  };
}

export type HubMailbox = ReturnType<typeof createHubMailbox>;

/**
 * Store and forward. The hub keeps sealed envelopes and sealed attachment parts until every recipient has
 * acknowledged, then deletes them (keeping only the id and digest, so a resubmission is recognised as a replay). It
 * checks what it can without decrypting: the sender's signature on the routing document, the JWE digest, that the
 * JWE is sealed to a key of every recipient, and that every listed part arrived with the signed digest.
 */
export function createHubMailbox(deps: { db: Kysely<Database>; members: HubMembers; dataDir: string }) {
  const { db, members } = deps;
  const root = path.join(deps.dataDir, 'hub');
  const partsDir = path.join(root, 'parts');
  const tmpDir = path.join(root, 'tmp');
  const notifier = createNotifier();

  function partFile(envelopeId: string, partId: string): string {
    if (!UUID.test(envelopeId) || !PART.test(partId)) throw new BadRequestError('The part is named wrongly.');
    return path.join(partsDir, envelopeId, partId);
  }

  async function removeParts(envelopeId: string): Promise<void> {
    if (!UUID.test(envelopeId)) return;
    await rm(path.join(partsDir, envelopeId), { recursive: true, force: true });
  }

  return {
    notifier,

    /**
     * Stores one sealed part, streaming it to disk while hashing. The request signature's digest (`claimedDigest`)
     * must match what arrived; a part already stored with the same digest is accepted again (a retried upload).
     */
    async putPart(agencyId: string, envelopeId: string, partId: string, body: Readable, claimedDigest: string): Promise<{ stored: boolean }> {
      const file = partFile(envelopeId, partId);
      const existing = await db.selectFrom('hub_parts').selectAll().where('envelope_id', '=', envelopeId).where('part_id', '=', partId).executeTakeFirst();
      const envelope = await db.selectFrom('hub_envelopes').select('id').where('id', '=', envelopeId).executeTakeFirst();
      const tomb = await db.selectFrom('hub_tombstones').select('id').where('id', '=', envelopeId).executeTakeFirst();
      if (existing && existing.agency_id !== agencyId) throw new ConflictError('This part belongs to another agency.', 'part-conflict');
      if ((envelope || tomb) && !existing) throw new ConflictError('The envelope was already submitted; its parts cannot change.', 'envelope-sealed');
      if (tomb) throw new ConflictError('The envelope was already delivered.', 'replayed');

      await mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
      const hash = createHash('sha256');
      let size = 0;
      try {
        await pipeline(
          body,
          new Transform({
            transform(chunk: Buffer, _enc, cb) {
              size += chunk.length;
              if (size > MAX_PART_BYTES) return cb(new PayloadTooLargeError(`A part may hold at most ${MAX_PART_BYTES} bytes.`));
              hash.update(chunk);
              cb(null, chunk);
            },
          }),
          createWriteStream(tmp),
        );
        const digest = digestOf(hash);
        if (digest !== claimedDigest) throw new BadRequestError('The part does not match the digest the request was signed for.', 'body-digest');
        if (existing) {
          if (existing.digest !== digest) throw new ConflictError('A different part was already stored under this name.', 'part-conflict');
          return { stored: false };
        }
        // Durable before it is acknowledged: a hub that restarts right after answering still has the part.
        const handle = await open(tmp, 'r');
        await handle.sync();
        await handle.close();
        await mkdir(path.dirname(file), { recursive: true });
        await rename(tmp, file);
        await db
          .insertInto('hub_parts')
          .values({ envelope_id: envelopeId, part_id: partId, agency_id: agencyId, size, digest, file: path.relative(root, file), created_at: nowIso() })
          .onConflict((oc) => oc.columns(['envelope_id', 'part_id']).doNothing())
          .execute();
        return { stored: true };
      } finally {
        await rm(tmp, { force: true });
      }
    },

    /** Accepts a sealed envelope from its sender. Idempotent for the same envelope; a different one under a used id is refused. */
    async submit(agencyId: string, envelope: { routing: string; jwe: string }): Promise<{ seq: number; duplicate: boolean }> {
      if (typeof envelope.routing !== 'string' || typeof envelope.jwe !== 'string') throw new BadRequestError('An envelope has a routing document and a JWE.');
      if (envelope.jwe.length > MAX_ENVELOPE_BYTES) throw new PayloadTooLargeError('The sealed message is too large; send large content as attachments.');
      if (peekRouting(envelope.routing).from !== agencyId) throw new ForbiddenError('An agency submits only envelopes it sends.', 'not-sender');
      let routing: RoutingDocument;
      try {
        routing = await verifyRouting(envelope.routing, envelope.jwe, (from, kid) => members.signingKey(from, kid, false));
      } catch (err) {
        if (err instanceof EnvelopeRejected) throw new BadRequestError(err.message, `envelope-${err.code}`);
        throw err;
      }
      const digest = sha256Digest(envelope.jwe);

      const prior = await db.selectFrom('hub_envelopes').select(['seq', 'digest']).where('id', '=', routing.id).executeTakeFirst();
      if (prior) {
        if (prior.digest === digest) return { seq: prior.seq, duplicate: true };
        throw new ConflictError('Another envelope was already submitted under this id.', 'duplicate-id');
      }
      const tomb = await db.selectFrom('hub_tombstones').select('digest').where('id', '=', routing.id).executeTakeFirst();
      if (tomb) throw new ConflictError('This envelope was already delivered; a second copy is a replay.', 'replayed');

      if (routing.to.includes(agencyId)) throw new BadRequestError('An agency cannot address itself.', 'self-addressed');
      const statuses = await members.statuses(routing.to);
      const inactive = routing.to.filter((a) => statuses.get(a) !== 'active');
      if (inactive.length > 0) throw new BadRequestError(`Not active members of the network: ${inactive.join(', ')}.`, 'unknown-recipient');
      // Sealed to a key of every recipient and to nobody else (the hub can check this much without decrypting).
      const kids = jweRecipientKeyIds(envelope.jwe);
      const keysOf = await members.encryptionKeyIds(routing.to);
      const covered = routing.to.every((a) => kids.some((k) => keysOf.get(a)?.has(k)));
      if (!covered || kids.length !== routing.to.length) throw new BadRequestError('The envelope is not sealed to exactly its recipients.', 'envelope-not-addressed');

      const parts = routing.parts;
      if (parts.length > 0) {
        const stored = await db.selectFrom('hub_parts').select(['part_id', 'digest', 'agency_id', 'size']).where('envelope_id', '=', routing.id).execute();
        const byId = new Map(stored.map((p) => [p.part_id, p]));
        const missing = parts.filter((p: PartRef) => {
          const s = byId.get(p.id);
          return !s || s.digest !== p.digest || s.agency_id !== agencyId || Number(s.size) !== p.size;
        });
        if (missing.length > 0) throw new ConflictError(`${missing.length} attachment part(s) are missing or differ from the signed digests; upload them first.`, 'parts-missing');
      }

      let seq: number;
      try {
        seq = await db.transaction().execute(async (trx) => {
          const inserted = await trx
            .insertInto('hub_envelopes')
            .values({
              id: routing.id,
              kind: routing.kind,
              from_agency_id: agencyId,
              routing: envelope.routing,
              jwe: envelope.jwe,
              digest,
              parts: JSON.stringify(parts.map((p) => p.id)),
              created_at: nowIso(),
            })
            .returning('seq')
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('hub_deliveries')
            .values(routing.to.map((a) => ({ envelope_seq: inserted.seq, agency_id: a, fetched_at: null, acked_at: null })))
            .execute();
          return inserted.seq;
        });
      } catch (err) {
        // Two submissions of one envelope at once (a retry racing the first attempt): the second finds the first.
        const raced = await db.selectFrom('hub_envelopes').select(['seq', 'digest']).where('id', '=', routing.id).executeTakeFirst();
        if (!raced) throw err;
        if (raced.digest === digest) return { seq: raced.seq, duplicate: true };
        throw new ConflictError('Another envelope was already submitted under this id.', 'duplicate-id');
      }
      for (const a of routing.to) notifier.notify(a);
      return { seq, duplicate: false };
    },

    /** Envelopes waiting for `agencyId`, oldest first; waits up to `waitMs` for one to arrive when there are none. */
    async inbox(agencyId: string, options: { limit: number; waitMs: number; signal?: AbortSignal }): Promise<InboxEnvelope[]> {
      const deadline = Date.now() + options.waitMs;
      for (;;) {
        const rows = await db
          .selectFrom('hub_deliveries')
          .innerJoin('hub_envelopes', 'hub_envelopes.seq', 'hub_deliveries.envelope_seq')
          .select(['hub_envelopes.seq', 'hub_envelopes.id', 'hub_envelopes.routing', 'hub_envelopes.jwe'])
          .where('hub_deliveries.agency_id', '=', agencyId)
          .where('hub_deliveries.acked_at', 'is', null)
          .orderBy('hub_envelopes.seq')
          .limit(options.limit)
          .execute();
        if (rows.length > 0) {
          await db
            .updateTable('hub_deliveries')
            .set({ fetched_at: nowIso() })
            .where('agency_id', '=', agencyId)
            .where('envelope_seq', 'in', rows.map((r) => r.seq))
            .where('fetched_at', 'is', null)
            .execute();
          return rows.map((r) => ({ seq: Number(r.seq), id: r.id, routing: r.routing, jwe: r.jwe }));
        }
        const left = deadline - Date.now();
        if (left <= 0 || options.signal?.aborted || notifier.closed) return [];
        // Another hub process may have taken the envelope in: look again at least every few seconds.
        await notifier.wait(agencyId, Math.min(left, 5000), options.signal);
      }
    },

    /** Streams a stored part to a recipient of its envelope (or back to its sender). */
    async getPart(agencyId: string, envelopeId: string, partId: string): Promise<{ stream: Readable; size: number }> {
      const file = partFile(envelopeId, partId);
      const part = await db.selectFrom('hub_parts').select(['agency_id', 'size']).where('envelope_id', '=', envelopeId).where('part_id', '=', partId).executeTakeFirst();
      if (!part) throw new NotFoundError('The part');
      if (part.agency_id !== agencyId) {
        const delivery = await db
          .selectFrom('hub_deliveries')
          .innerJoin('hub_envelopes', 'hub_envelopes.seq', 'hub_deliveries.envelope_seq')
          .select('hub_deliveries.agency_id')
          .where('hub_envelopes.id', '=', envelopeId)
          .where('hub_deliveries.agency_id', '=', agencyId)
          .where('hub_deliveries.acked_at', 'is', null)
          .executeTakeFirst();
        if (!delivery) throw new NotFoundError('The part');
      }
      const { size } = await stat(file);
      return { stream: createReadStream(file), size };
    },

    /**
     * The recipient has what it needs. An envelope acknowledged by every recipient is deleted with its parts; its id
     * and digest remain as a tombstone.
     */
    async ack(agencyId: string, envelopeIds: string[]): Promise<{ acked: number; deleted: number }> {
      if (envelopeIds.length === 0) return { acked: 0, deleted: 0 };
      const deletedIds: string[] = [];
      const acked = await db.transaction().execute(async (trx) => {
        const envs = await trx.selectFrom('hub_envelopes').select(['seq', 'id', 'digest']).where('id', 'in', envelopeIds).execute();
        if (envs.length === 0) return 0;
        const now = nowIso();
        const result = await trx
          .updateTable('hub_deliveries')
          .set({ acked_at: now })
          .where('agency_id', '=', agencyId)
          .where('envelope_seq', 'in', envs.map((e) => e.seq))
          .where('acked_at', 'is', null)
          .executeTakeFirst();
        for (const env of envs) {
          const open = await trx.selectFrom('hub_deliveries').select('agency_id').where('envelope_seq', '=', env.seq).where('acked_at', 'is', null).limit(1).executeTakeFirst();
          if (open) continue;
          await trx.deleteFrom('hub_deliveries').where('envelope_seq', '=', env.seq).execute();
          await trx.deleteFrom('hub_envelopes').where('seq', '=', env.seq).execute();
          await trx.deleteFrom('hub_parts').where('envelope_id', '=', env.id).execute();
          await trx.insertInto('hub_tombstones').values({ id: env.id, digest: env.digest, deleted_at: now }).onConflict((oc) => oc.column('id').doNothing()).execute();
          deletedIds.push(env.id);
        }
        return Number(result.numUpdatedRows);
      });
      for (const id of deletedIds) await removeParts(id);
      return { acked, deleted: deletedIds.length };
    },

    /** Housekeeping: forgets expired nonces, removes parts whose envelope never came. */
    async maintenance(): Promise<void> {
      await db.deleteFrom('hub_nonces').where('expires_at', '<', nowIso()).execute();
      const cutoff = new Date(Date.now() - ORPHAN_PART_DAYS * 86_400_000).toISOString();
      const orphans = await db
        .selectFrom('hub_parts')
        .leftJoin('hub_envelopes', 'hub_envelopes.id', 'hub_parts.envelope_id')
        .select('hub_parts.envelope_id')
        .where('hub_envelopes.id', 'is', null)
        .where('hub_parts.created_at', '<', cutoff)
        .distinct()
        .execute();
      for (const o of orphans) {
        await db.deleteFrom('hub_parts').where('envelope_id', '=', o.envelope_id).execute();
        await removeParts(o.envelope_id);
      }
    },

    /** Counts for the hub admin's overview (no content: there is none here). */
    async stats(): Promise<{ envelopes: number; pendingDeliveries: number; parts: number }> {
      const e = await db.selectFrom('hub_envelopes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      const d = await db.selectFrom('hub_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('acked_at', 'is', null).executeTakeFirstOrThrow();
      const p = await db.selectFrom('hub_parts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { envelopes: Number(e.n), pendingDeliveries: Number(d.n), parts: Number(p.n) };
    },
  };
}
