import type { Kysely } from 'kysely';
import { newId, nowIso } from './ids.js';
import type { Dialect } from './database.js';
import type { Database, JobsTable } from './schema.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobInfo<P = unknown, R = unknown> {
  id: string;
  name: string;
  payload: P;
  status: JobStatus;
  attempts: number;
  progress: Record<string, unknown> | null;
  result: R | null;
  error: string | null;
  agencyId: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface JobContext<P> {
  id: string;
  payload: P;
  attempt: number;
  /** Aborted when the queue stops (shutdown) or the job is cancelled: long jobs check it and leave cleanly. */
  signal: AbortSignal;
  /** Records progress for the UI and renews the job's lease. */
  progress(progress: Record<string, unknown>): Promise<void>;
}

export type JobHandler<P = any, R = any> = (job: JobContext<P>) => Promise<R>;

export interface EnqueueOptions {
  /** A deterministic id makes enqueueing idempotent: the same id is never queued twice. */
  id?: string;
  runAfter?: Date;
  maxAttempts?: number;
  agencyId?: string | null;
  createdBy?: string | null;
}

const LEASE_MS = 60_000;

function toInfo(row: JobsTable): JobInfo {
  return {
    id: row.id,
    name: row.name,
    payload: JSON.parse(row.payload),
    status: row.status as JobStatus,
    attempts: row.attempts,
    progress: row.progress ? JSON.parse(row.progress) : null,
    result: row.result ? JSON.parse(row.result) : null,
    error: row.error,
    agencyId: row.agency_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type JobQueue = ReturnType<typeof createJobQueue>;

/**
 * A database-backed job queue: jobs survive restarts, each has a lease renewed by progress, and a job whose worker
 * died (lease expired) is picked up again. PostgreSQL claims with FOR UPDATE SKIP LOCKED so several node processes
 * share the queue; SQLite has one writer, so a plain claim inside a transaction is already exclusive.
 */
export function createJobQueue(deps: {
  db: Kysely<Database>;
  dialect: Dialect;
  onError?: (job: JobInfo, err: unknown) => void;
  onPollError?: (err: unknown) => void;
  pollMs?: number;
}) {
  const { db, dialect } = deps;
  const handlers = new Map<string, JobHandler>();
  const workerId = newId();
  const pollMs = deps.pollMs ?? 500;
  let running = 0;
  let concurrency = 1;
  let stopping: AbortController | null = null;
  let timer: NodeJS.Timeout | null = null;
  const active = new Map<string, Promise<void>>();
  const idleWaiters: (() => void)[] = [];

  async function claim(): Promise<JobsTable | undefined> {
    const now = nowIso();
    const lease = new Date(Date.now() + LEASE_MS).toISOString();
    const names = [...handlers.keys()];
    if (names.length === 0) return undefined;
    return db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('jobs')
        .select('id')
        .where('name', 'in', names)
        .where((eb) => eb.or([eb.and([eb('status', '=', 'queued'), eb('run_after', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)])]))
        .orderBy('run_after')
        .limit(1);
      if (dialect === 'postgres') q = q.forUpdate().skipLocked();
      const next = await q.executeTakeFirst();
      if (!next) return undefined;
      return trx
        .updateTable('jobs')
        .set((eb) => ({ status: 'running', locked_by: workerId, locked_until: lease, attempts: eb('attempts', '+', 1), updated_at: now }))
        .where('id', '=', next.id)
        .returningAll()
        .executeTakeFirst();
    });
  }

  async function finish(id: string, changes: Partial<JobsTable>): Promise<void> {
    await db.updateTable('jobs').set({ ...changes, locked_by: null, locked_until: null, updated_at: nowIso() }).where('id', '=', id).where('locked_by', '=', workerId).execute();
  }

  async function run(row: JobsTable): Promise<void> {
    const handler = handlers.get(row.name)!;
    const controller = new AbortController();
    const onStop = () => controller.abort();
    stopping?.signal.addEventListener('abort', onStop);
    const ctx: JobContext<unknown> = {
      id: row.id,
      payload: JSON.parse(row.payload),
      attempt: row.attempts,
      signal: controller.signal,
      async progress(progress) {
        const updated = await db
          .updateTable('jobs')
          .set({ progress: JSON.stringify(progress), locked_until: new Date(Date.now() + LEASE_MS).toISOString(), updated_at: nowIso() })
          .where('id', '=', row.id)
          .where('locked_by', '=', workerId)
          .returning('status')
          .executeTakeFirst();
        if (updated?.status === 'cancelled') controller.abort();
      },
    };
    try {
      const result = await handler(ctx);
      if (controller.signal.aborted && stopping?.signal.aborted) {
        // Shutdown mid-job: hand it back to the queue to resume later.
        await finish(row.id, { status: 'queued', attempts: Math.max(0, row.attempts - 1) });
      } else {
        await finish(row.id, { status: 'done', result: JSON.stringify(result ?? null), error: null });
      }
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (stopping?.signal.aborted) {
        await finish(row.id, { status: 'queued', attempts: Math.max(0, row.attempts - 1) });
      } else if (row.attempts < row.max_attempts) {
        const backoff = 1000 * 2 ** row.attempts;
        await finish(row.id, { status: 'queued', error: message, run_after: new Date(Date.now() + backoff).toISOString() });
      } else {
        await finish(row.id, { status: 'failed', error: message });
      }
      deps.onError?.(toInfo(row), err);
    } finally {
      stopping?.signal.removeEventListener('abort', onStop);
    }
  }

  async function pump(): Promise<void> {
    while (stopping && !stopping.signal.aborted && running < concurrency) {
      let row: JobsTable | undefined;
      try {
        row = await claim();
      } catch (err) {
        // A database hiccup (or the store closing under a stopping queue) must not become an unhandled rejection;
        // the next tick tries again.
        if (!stopping.signal.aborted) deps.onPollError?.(err);
        break;
      }
      if (!row) break;
      running++;
      const done = run(row)
        .catch((err) => deps.onPollError?.(err))
        .finally(() => {
          running--;
          active.delete(row.id);
          if (running === 0) idleWaiters.splice(0).forEach((w) => w());
          void pump();
        });
      active.set(row.id, done);
    }
  }

  return {
    register<P, R>(name: string, handler: JobHandler<P, R>): void {
      if (handlers.has(name)) throw new Error(`job ${name} already has a handler`);
      handlers.set(name, handler as JobHandler);
    },

    async enqueue<P>(name: string, payload: P, options: EnqueueOptions = {}): Promise<string> {
      if (!handlers.has(name)) throw new Error(`no handler is registered for job ${name}`);
      const id = options.id ?? newId();
      const now = nowIso();
      await db
        .insertInto('jobs')
        .values({
          id,
          name,
          payload: JSON.stringify(payload),
          status: 'queued',
          attempts: 0,
          max_attempts: options.maxAttempts ?? 3,
          run_after: (options.runAfter ?? new Date()).toISOString(),
          locked_by: null,
          locked_until: null,
          progress: null,
          result: null,
          error: null,
          agency_id: options.agencyId ?? null,
          created_by: options.createdBy ?? null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      if (stopping && !stopping.signal.aborted) void pump();
      return id;
    },

    async get(id: string): Promise<JobInfo | undefined> {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toInfo(row) : undefined;
    },

    async cancel(id: string): Promise<boolean> {
      const result = await db.updateTable('jobs').set({ status: 'cancelled', updated_at: nowIso() }).where('id', '=', id).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Starts polling. Jobs left running by a crashed process are taken up again when their lease expires. */
    start(options: { concurrency?: number } = {}): void {
      if (stopping && !stopping.signal.aborted) return;
      concurrency = options.concurrency ?? 1;
      stopping = new AbortController();
      const tick = () => {
        void pump().finally(() => {
          if (stopping && !stopping.signal.aborted) timer = setTimeout(tick, pollMs);
        });
      };
      tick();
    },

    /** Stops taking jobs, asks running ones to stop, and waits for them: they return to the queue to resume later. */
    async stop(): Promise<void> {
      if (!stopping) return;
      stopping.abort();
      if (timer) clearTimeout(timer);
      await Promise.all(active.values());
    },

    /** Resolves when no job is running (tests and the CLI use it to wait for the queue to drain). */
    async drain(): Promise<void> {
      for (;;) {
        const pending = await db
          .selectFrom('jobs')
          .select('id')
          .where('name', 'in', [...handlers.keys()])
          .where('status', 'in', ['queued', 'running'])
          .where('run_after', '<=', nowIso())
          .limit(1)
          .executeTakeFirst();
        if (!pending && running === 0) return;
        if (running > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
        else {
          await pump();
          if (running === 0) await new Promise((r) => setTimeout(r, 20));
        }
      }
    },
  };
}
