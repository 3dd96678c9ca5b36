/**
 * Worker threads that process files for an ingest (process-file.ts), a few files in flight per worker so reading,
 * libvips and JavaScript overlap. Modelled on media/hash-pool.ts (which hashes paths only): here tasks carry bytes,
 * blob key grants and a staging folder. A file past its time limit gets its worker terminated — the only way to stop a
 * native decoder mid-call — and an error result; the other files that worker held are queued again, once.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { problem } from './problems.js';
import { processFile, type ProcessResult, type ProcessTask } from './process-file.js';

export interface IngestPoolOptions {
  /** Worker threads (default: available cores); 0 runs files on the calling thread (tests, debugging). */
  size?: number;
  /** Files in flight per worker (default 2). */
  perWorker?: number;
  /** Per-file time limit, ms (default 300 000; video decoding has its own shorter limit inside). */
  timeoutMs?: number;
  /** V8 heap limit per worker, MiB. */
  maxHeapMb?: number;
  /** Answers workers that ask whether bytes are already held (they then skip decoding them). */
  isKnown?: (sha256: string) => Promise<boolean>;
}

interface Pending {
  id: number;
  task: ProcessTask;
  resolve: (r: ProcessResult) => void;
  retried: boolean;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  running: Map<number, Pending>;
}

function createWorker(maxOldGenerationSizeMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./ingest-worker.js', import.meta.url), { resourceLimits });
  // From TypeScript sources (tests, tsx): register tsx's loader inside the worker first.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs');
  const tsxApi = pathToFileURL(existsSync(mjs) ? mjs : cjs).href;
  const entry = new URL('./ingest-worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, resourceLimits });
}

/** Large byte sources move to the worker without a copy when they own their memory. */
function transferList(task: ProcessTask): ArrayBuffer[] {
  const s = task.source;
  if (s.kind !== 'bytes') return [];
  const b = s.bytes;
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.byteLength >= 65536 ? [b.buffer as ArrayBuffer] : [];
}

export class IngestPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  private readonly perWorker: number;
  private readonly timeoutMs: number;
  private inlineRunning = 0;

  constructor(private readonly options: IngestPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    this.perWorker = Math.max(1, options.perWorker ?? 2);
    this.timeoutMs = options.timeoutMs ?? 300_000;
    for (let i = 0; i < size; i++) {
      const slot = { ready: false, running: new Map() } as unknown as Slot;
      this.attach(slot);
      this.slots.push(slot);
    }
  }

  /** How many files may usefully be in flight at once. */
  get capacity(): number {
    return Math.max(1, this.slots.length) * this.perWorker;
  }

  /** Gives the slot a fresh worker; events of a worker the slot no longer holds are ignored. */
  private attach(slot: Slot): void {
    const worker = createWorker(this.options.maxHeapMb ?? 1024);
    slot.worker = worker;
    slot.ready = false;
    slot.running = new Map();
    worker.on('message', (m: { ready?: boolean; id?: number; ok?: boolean; result?: ProcessResult; error?: string; ask?: number; sha256?: string }) => {
      if (slot.worker !== worker) return;
      if (m.ask !== undefined) {
        const ask = this.options.isKnown ?? (async () => false);
        ask(m.sha256!).then(
          (known) => worker.postMessage({ answer: m.ask, known }),
          () => worker.postMessage({ answer: m.ask, known: false }),
        );
        return;
      }
      if (m.ready) {
        slot.ready = true;
        this.pump();
        return;
      }
      const p = slot.running.get(m.id!);
      if (!p) return;
      slot.running.delete(p.id);
      if (p.timer) clearTimeout(p.timer);
      p.resolve(m.ok ? m.result! : { status: 'error', problem: problem('unreadable', `processing failed: ${m.error}`) });
      this.pump();
    });
    worker.on('error', (e) => {
      if (slot.worker === worker) this.onDeath(slot, `the worker failed: ${e.message}`);
    });
    worker.on('exit', (code) => {
      if (slot.worker === worker) this.onDeath(slot, `the worker exited (code ${code})`);
    });
  }

  /** Processes one file; never rejects. */
  run(task: ProcessTask): Promise<ProcessResult> {
    if (this.closed) return Promise.resolve({ status: 'error', problem: problem('unreadable', 'the ingest pool is closed') });
    if (this.slots.length === 0) {
      this.inlineRunning++;
      return processFile(task, this.options.isKnown ? { isKnown: this.options.isKnown } : {})
        .catch((e: unknown) => ({ status: 'error', problem: problem('unreadable', `processing failed: ${e instanceof Error ? e.message : String(e)}`) }) as ProcessResult)
        .finally(() => this.inlineRunning--);
    }
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, task, resolve, retried: false });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      while (slot.ready && slot.running.size < this.perWorker && this.queue.length > 0) {
        const p = this.queue.shift()!;
        slot.running.set(p.id, p);
        p.timer = setTimeout(() => this.onTimeout(slot, p), this.timeoutMs);
        slot.worker.postMessage({ id: p.id, task: p.task }, transferList(p.task));
      }
    }
  }

  private replace(slot: Slot): Pending[] {
    const orphans = [...slot.running.values()];
    for (const o of orphans) if (o.timer) clearTimeout(o.timer);
    const old = slot.worker;
    slot.running.clear();
    if (this.closed) slot.ready = false;
    else this.attach(slot);
    void old.terminate();
    return orphans;
  }

  private requeue(orphans: Pending[], except: Pending | undefined, reason: string): void {
    for (const o of orphans) {
      if (o === except) continue;
      if (o.retried) o.resolve({ status: 'error', problem: problem('unreadable', reason) });
      else {
        o.retried = true;
        this.queue.unshift(o);
      }
    }
  }

  private onTimeout(slot: Slot, p: Pending): void {
    if (!slot.running.has(p.id)) return;
    const orphans = this.replace(slot);
    p.resolve({ status: 'error', problem: problem('decode-timeout', `processing exceeded the time limit of ${this.timeoutMs} ms and was stopped`) });
    this.requeue(orphans, p, 'the file was being processed next to one that hung, twice');
    this.pump();
  }

  private onDeath(slot: Slot, reason: string): void {
    if (this.closed) return;
    const orphans = this.replace(slot);
    this.requeue(orphans, undefined, reason);
    this.pump();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.resolve({ status: 'error', problem: problem('unreadable', 'the ingest pool closed') });
    await Promise.all(
      this.slots.map(async (s) => {
        for (const p of s.running.values()) {
          if (p.timer) clearTimeout(p.timer);
          p.resolve({ status: 'error', problem: problem('unreadable', 'the ingest pool closed') });
        }
        s.running.clear();
        await s.worker.terminate();
      }),
    );
  }
}
