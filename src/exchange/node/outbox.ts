import type { Kysely } from 'kysely';
import type { ExchangeLog } from '../log.js';
import { newId, nowIso } from '../../store/ids.js';
import type { JobQueue } from '../../store/job-queue.js';
import type { Database } from '../../store/schema.js';
import type { SealedEnvelope } from '../envelope.js';
import type { PartRef } from '../protocol.js';
import type { AttachmentStore } from './attachment-store.js';
import { HubRefusedError, HubUnavailableError } from './hub-client.js';
import type { NodeMembership } from './membership.js';

export const FLUSH_JOB = 'exchange.flush';
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5_000;

interface OutboxPart extends PartRef {
  file: string;
  done?: boolean;
}

export type Outbox = ReturnType<typeof createOutbox>;

/**
 * Sealed envelopes wait here, in order, until the hub has them. Sending is a job (`exchange.flush`, per agency): it
 * uploads each envelope's parts, then the envelope, oldest first, and stops at the first one the hub cannot take yet,
 * so order is kept. An unreachable hub schedules another attempt (0.5 s doubling to 5 s); a refusal that will not go
 * away (a malformed envelope, a recipient no longer in the network) marks that envelope failed and moves on.
 */
export function createOutbox(deps: { db: Kysely<Database>; jobs: JobQueue; membership: NodeMembership; attachments: AttachmentStore; log?: ExchangeLog }) {
  const { db, jobs, membership, attachments } = deps;
  // One flush per agency at a time in this process: parallel ones would upload the same parts twice.
  const running = new Map<string, Promise<FlushResult>>();
  const rerun = new Set<string>();

  interface FlushResult {
    sent: number;
    failed: number;
    waiting: number;
  }

  async function scheduleRetry(agencyId: string, key: string, attempts: number, atLeastMs = 0): Promise<void> {
    // A hub that says when (over this agency's allowance) is taken at its word: sooner would only be refused again.
    const delay = Math.max(atLeastMs, Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.max(0, attempts - 1)));
    await jobs.enqueue(FLUSH_JOB, { agencyId }, { id: `${FLUSH_JOB}:${agencyId}:retry:${key}:${attempts}`, runAfter: new Date(Date.now() + delay), agencyId, maxAttempts: 1 });
  }

  async function flushAgency(agencyId: string): Promise<FlushResult> {
    const result: FlushResult = { sent: 0, failed: 0, waiting: 0 };
    const client = await membership.client(agencyId);
    for (;;) {
      const row = await db.selectFrom('exchange_outbox').selectAll().where('agency_id', '=', agencyId).where('status', '=', 'queued').orderBy('seq').limit(1).executeTakeFirst();
      if (!row) return result;
      const parts = JSON.parse(row.parts) as OutboxPart[];
      try {
        for (const part of parts) {
          if (part.done) continue;
          await client.putPart(row.id, part.id, await attachments.readPart(part.file));
          part.done = true;
          await db.updateTable('exchange_outbox').set({ parts: JSON.stringify(parts) }).where('seq', '=', row.seq).execute();
        }
        await client.submit({ routing: row.routing, jwe: row.jwe });
        await markSent(row.seq, row.id, agencyId);
        result.sent++;
      } catch (err) {
        const permanent = err instanceof HubRefusedError && !err.transient;
        if (permanent && err.code === 'replayed') {
          // The hub delivered it and forgot it already: a previous attempt got through before we heard back.
          await markSent(row.seq, row.id, agencyId);
          result.sent++;
          continue;
        }
        const message = err instanceof Error ? err.message : String(err);
        if (permanent) {
          await db.updateTable('exchange_outbox').set({ status: 'failed', last_error: message, attempts: row.attempts + 1 }).where('seq', '=', row.seq).execute();
          await db.updateTable('exchange_messages').set({ status: 'failed' }).where('agency_id', '=', agencyId).where('message_id', '=', row.id).execute();
          deps.log?.warn({ envelope: row.id, code: err.code }, 'the hub refused an envelope; marked failed');
          result.failed++;
          continue;
        }
        if (!(err instanceof HubUnavailableError) && !(err instanceof HubRefusedError)) throw err;
        await db.updateTable('exchange_outbox').set({ last_error: message, attempts: row.attempts + 1 }).where('seq', '=', row.seq).execute();
        await membership.markContact(agencyId, message);
        await scheduleRetry(agencyId, row.id, row.attempts + 1, err instanceof HubRefusedError ? err.retryAfterMs : 0);
        result.waiting = Number(
          (await db.selectFrom('exchange_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('agency_id', '=', agencyId).where('status', '=', 'queued').executeTakeFirstOrThrow()).n,
        );
        return result;
      }
    }
  }

  async function markSent(seq: number, envelopeId: string, agencyId: string): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('exchange_outbox').set({ status: 'sent', sent_at: nowIso(), last_error: null }).where('seq', '=', seq).execute();
      await trx.updateTable('exchange_messages').set({ status: 'sent' }).where('agency_id', '=', agencyId).where('message_id', '=', envelopeId).where('box', '=', 'out').execute();
    });
  }

  function flush(agencyId: string): Promise<FlushResult> {
    const previous = running.get(agencyId) ?? Promise.resolve(undefined);
    const next = previous.then(
      () => flushAgency(agencyId),
      () => flushAgency(agencyId),
    );
    running.set(agencyId, next);
    return next.finally(() => {
      if (running.get(agencyId) !== next) return;
      running.delete(agencyId);
      // Envelopes queued while this flush was between its last look and its end.
      if (rerun.delete(agencyId)) void flush(agencyId).catch(() => undefined);
    });
  }

  jobs.register<{ agencyId: string }, FlushResult>(FLUSH_JOB, async (job) => flush(job.payload.agencyId));

  return {
    flush,

    /** Queues a sealed envelope inside the caller's transaction (the message row and audit event commit with it). */
    async add(trx: Kysely<Database>, agencyId: string, sealed: SealedEnvelope, parts: (PartRef & { file: string })[] = []): Promise<void> {
      await trx
        .insertInto('exchange_outbox')
        .values({
          id: sealed.id,
          agency_id: agencyId,
          kind: sealed.kind,
          routing: sealed.routing,
          jwe: sealed.jwe,
          parts: JSON.stringify(parts),
          status: 'queued',
          attempts: 0,
          last_error: null,
          created_at: nowIso(),
          sent_at: null,
        })
        .execute();
    },

    /**
     * Sends now, in this process, after the transaction that queued the envelope has committed: a flush already
     * running for the agency picks the new envelope up, otherwise one starts. Retries after a failure, and sending
     * after a restart, go through the job queue (the outbox rows are the durable part).
     */
    async kick(agencyId: string): Promise<void> {
      if (running.has(agencyId)) {
        rerun.add(agencyId);
        return;
      }
      void flush(agencyId).catch(async (err) => {
        deps.log?.warn({ agencyId, err: err instanceof Error ? err.message : String(err) }, 'sending failed; queued for another attempt');
        await jobs.enqueue(FLUSH_JOB, { agencyId }, { id: `${FLUSH_JOB}:${agencyId}:${newId()}`, agencyId, maxAttempts: 3, runAfter: new Date(Date.now() + RETRY_MAX_MS) }).catch(() => undefined);
      });
    },

    async pending(agencyId: string): Promise<number> {
      const row = await db.selectFrom('exchange_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('agency_id', '=', agencyId).where('status', '=', 'queued').executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** Agencies with envelopes still waiting (kicked again at start). */
    async agenciesWithPending(): Promise<string[]> {
      const rows = await db.selectFrom('exchange_outbox').select('agency_id').where('status', '=', 'queued').distinct().execute();
      return rows.map((r) => r.agency_id);
    },
  };
}
