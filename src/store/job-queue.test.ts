import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, testDialects, type TestStore } from '../../test/support/stores.js';
import { createJobQueue, type JobQueue } from './job-queue.js';

describe.each(testDialects)('job queue on %s', (dialect) => {
  let store: TestStore;
  let queue: JobQueue;

  beforeEach(async () => {
    store = await createTestStore(dialect);
    queue = createJobQueue({ db: store.db, dialect, pollMs: 20 });
  });
  afterEach(async () => {
    await queue.stop();
    await store.dispose();
  });

  it('runs a job, records its progress and result', async () => {
    queue.register<{ n: number }, { doubled: number }>('double', async (job) => {
      await job.progress({ done: 1, total: 1 });
      return { doubled: job.payload.n * 2 };
    });
    const id = await queue.enqueue('double', { n: 21 });
    queue.start();
    await queue.drain();
    expect(await queue.get(id)).toMatchObject({ status: 'done', result: { doubled: 42 }, progress: { done: 1, total: 1 }, attempts: 1 });
  });

  it('queues a deterministic id once', async () => {
    let runs = 0;
    queue.register('once', async () => void runs++);
    await queue.enqueue('once', {}, { id: 'ingest:abc' });
    await queue.enqueue('once', {}, { id: 'ingest:abc' });
    queue.start();
    await queue.drain();
    expect(runs).toBe(1);
  });

  it('retries a failing job, then marks it failed with the error', async () => {
    queue.register('flaky', async () => {
      throw new Error('disk not mounted');
    });
    const id = await queue.enqueue('flaky', {}, { maxAttempts: 1 });
    queue.start();
    await queue.drain();
    expect(await queue.get(id)).toMatchObject({ status: 'failed', error: 'disk not mounted', attempts: 1 });
  });

  it('takes up a job whose worker died once its lease has expired', async () => {
    queue.register('resume', async () => 'resumed');
    const id = await queue.enqueue('resume', {});
    await store.db
      .updateTable('jobs')
      .set({ status: 'running', locked_by: 'dead-worker', locked_until: new Date(Date.now() - 1000).toISOString(), attempts: 1 })
      .where('id', '=', id)
      .execute();
    queue.start();
    await queue.drain();
    expect(await queue.get(id)).toMatchObject({ status: 'done', result: 'resumed', attempts: 2 });
  });

  it('hands a running job back to the queue when stopped', async () => {
    let started!: () => void;
    const isRunning = new Promise<void>((r) => (started = r));
    queue.register('long', async (job) => {
      started();
      await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve()));
      throw new Error('stopped');
    });
    const id = await queue.enqueue('long', {});
    queue.start();
    await isRunning;
    await queue.stop();
    expect(await queue.get(id)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('refuses to enqueue a job nobody handles', async () => {
    await expect(queue.enqueue('nobody', {})).rejects.toThrow(/no handler/);
  });
});
