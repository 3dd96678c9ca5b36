/**
 * Runs the location engine off the main thread. An assessment of an identity with tens of thousands of posts takes
 * seconds of CPU (docs/benchmarks.md, bench:location); on the event loop that would stall every other request of
 * the node. One worker thread is started on first use and kept (it holds the language detector and the outlines,
 * loaded once); it never keeps the process alive while idle.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { assessLocation, type AssessOptions } from './assess-location.js';
import type { LocationAssessment, LocationEvidence } from './types.js';

export type AssessFn = (evidence: LocationEvidence[], options: AssessOptions) => Promise<LocationAssessment>;

function startWorker(): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./assessment-worker.js', import.meta.url));
  // From TypeScript sources (tests, tsx): register tsx's loader inside the worker first.
  const cjs = createRequire(import.meta.url).resolve('tsx/esm/api');
  const mjs = cjs.replace(/\.cjs$/, '.mjs');
  const tsxApi = pathToFileURL(existsSync(mjs) ? mjs : cjs).href;
  const entry = new URL('./assessment-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

/** An engine in a worker thread; a crashed worker is replaced on the next call, failing only the calls it held. */
export function workerAssess(): AssessFn {
  let worker: Worker | null = null;
  let next = 1;
  const pending = new Map<number, { resolve: (r: LocationAssessment) => void; reject: (e: Error) => void }>();

  function settleAll(error: Error) {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  }

  function get(): Worker {
    if (worker) return worker;
    const w = startWorker();
    w.on('message', (m: { id: number; ok: true; result: LocationAssessment } | { id: number; ok: false; error: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(m.error));
      if (pending.size === 0) w.unref();
    });
    w.on('error', (e) => {
      if (worker === w) worker = null;
      settleAll(e instanceof Error ? e : new Error(String(e)));
    });
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      settleAll(new Error(`the location engine stopped (exit code ${code})`));
    });
    w.unref();
    worker = w;
    return w;
  }

  return (evidence, options) =>
    new Promise<LocationAssessment>((resolve, reject) => {
      const w = get();
      const id = next++;
      pending.set(id, { resolve, reject });
      // Held while it works, so a caller awaiting the result keeps the process alive.
      w.ref();
      w.postMessage({ id, evidence, options });
    });
}

let shared: AssessFn | null = null;

/** The process's one engine worker, shared by every service built in it (tests build many). */
export function sharedWorkerAssess(): AssessFn {
  shared ??= workerAssess();
  return shared;
}

/** The engine on the calling thread (tests, tools): simpler, and what the worker runs anyway. */
export const inlineAssess: AssessFn = (evidence, options) => assessLocation(evidence, options);
