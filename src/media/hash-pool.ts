/**
 * A pool of worker threads hashing files on all cores. A file that fails, hangs or blows a worker's memory limit
 * gives an error outcome for that file only: a worker past the time limit is terminated (that is the only way to
 * stop a native decoder mid-call) and replaced, so the batch goes on.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { HashFileOptions, MediaHashResult } from './hash-file.js';

export type HashOutcome = { ok: true; path: string; result: MediaHashResult } | { ok: false; path: string; error: string };

export interface HashPoolOptions {
  /** Workers (default: os.availableParallelism()). */
  size?: number;
  /** Per-file time limit in ms (default 180 000; video decoding has its own, shorter limit inside). */
  timeoutMs?: number;
  /** Defaults for every file. */
  hash?: HashFileOptions;
  /** V8 heap limit per worker, MiB (native decoder memory is bounded by the pixel limits instead). */
  maxHeapMb?: number;
}

interface WorkerMessage {
  ready?: boolean;
  id?: number;
  ok?: boolean;
  result?: MediaHashResult;
  error?: string;
}

interface Task {
  id: number;
  path: string;
  options: HashFileOptions;
  resolve: (o: HashOutcome) => void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded its modules; time limits start only then, so start-up never counts against a file. */
  ready: boolean;
  task?: Task;
  timer?: NodeJS.Timeout;
}

function createWorker(resourceLimits: { maxOldGenerationSizeMb: number }): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./hash-worker.js', import.meta.url), { resourceLimits });
  // Running from TypeScript sources (tests, tsx): register tsx's loader inside the worker, then load the .ts entry.
  // require.resolve gives the CommonJS build of tsx's API; its ES module twin sits beside it.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs');
  const tsxApi = pathToFileURL(existsSync(mjs) ? mjs : cjs).href;
  const entry = new URL('./hash-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, resourceLimits });
}

export class HashPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly timeoutMs: number;

  constructor(private readonly options: HashPoolOptions = {}) {
    const size = Math.max(1, options.size ?? availableParallelism());
    this.timeoutMs = options.timeoutMs ?? 180_000;
    for (let i = 0; i < size; i++) this.slots.push({ worker: this.spawn(), ready: false });
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Worker {
    const worker = createWorker({ maxOldGenerationSizeMb: this.options.maxHeapMb ?? 512 });
    worker.unref();
    worker.on('message', (m: WorkerMessage) => this.onMessage(worker, m));
    worker.on('error', (e) => this.onWorkerDeath(worker, `worker failed: ${e.message}`));
    worker.on('exit', (code) => this.onWorkerDeath(worker, `worker exited (code ${code})`));
    return worker;
  }

  /** Hashes one file; never rejects. */
  hash(path: string, options?: HashFileOptions): Promise<HashOutcome> {
    if (this.closed) return Promise.resolve({ ok: false, path, error: 'hash pool is closed' });
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, path, options: { ...this.options.hash, ...options }, resolve });
      this.pump();
    });
  }

  /** Hashes many files, at most `size` at a time, outcomes in input order. */
  hashAll(paths: string[], options?: HashFileOptions): Promise<HashOutcome[]> {
    return Promise.all(paths.map((p) => this.hash(p, options)));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.task || this.queue.length === 0) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.timer = setTimeout(() => this.onTimeout(slot), this.timeoutMs);
      slot.worker.postMessage({ id: task.id, path: task.path, options: task.options });
    }
  }

  private finish(slot: Slot, outcome: HashOutcome): void {
    const task = slot.task;
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = undefined;
    slot.timer = undefined;
    slot.worker.unref();
    task?.resolve(outcome);
  }

  private onMessage(worker: Worker, m: WorkerMessage): void {
    const slot = this.slots.find((s) => s.worker === worker);
    if (!slot) return;
    if (m.ready) {
      slot.ready = true;
      this.pump();
      return;
    }
    if (!slot.task || slot.task.id !== m.id) return;
    const path = slot.task.path;
    this.finish(slot, m.ok ? { ok: true, path, result: m.result! } : { ok: false, path, error: m.error ?? 'unknown error' });
    this.pump();
  }

  private replace(slot: Slot): void {
    const old = slot.worker;
    old.removeAllListeners();
    old.on('error', () => {});
    void old.terminate();
    slot.ready = false;
    if (!this.closed) slot.worker = this.spawn();
  }

  private onTimeout(slot: Slot): void {
    if (!slot.task) return;
    const path = slot.task.path;
    this.replace(slot);
    this.finish(slot, { ok: false, path, error: `time limit of ${this.timeoutMs} ms exceeded; decoding was stopped` });
    this.pump();
  }

  private onWorkerDeath(worker: Worker, reason: string): void {
    const slot = this.slots.find((s) => s.worker === worker);
    if (!slot) return;
    const path = slot.task?.path;
    this.replace(slot);
    if (path !== undefined) this.finish(slot, { ok: false, path, error: reason });
    this.pump();
  }

  /** Stops the workers; queued files resolve with an error. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.resolve({ ok: false, path: t.path, error: 'hash pool closed' });
    await Promise.all(this.slots.map(async (s) => {
      if (s.timer) clearTimeout(s.timer);
      s.worker.removeAllListeners();
      s.task?.resolve({ ok: false, path: s.task.path, error: 'hash pool closed' });
      await s.worker.terminate();
    }));
  }
}
