/** Worker-thread side of the assessment runner: runs the engine on the evidence the parent sends, one at a time. */
import { parentPort } from 'node:worker_threads';
import { assessLocation, type AssessOptions } from './assess-location.js';
import type { LocationEvidence } from './types.js';

interface Job {
  id: number;
  evidence: LocationEvidence[];
  options: AssessOptions;
}

// One at a time, in order: the engine is CPU-bound, so running two interleaved would only make both late.
let queue: Promise<void> = Promise.resolve();

parentPort?.on('message', (job: Job) => {
  queue = queue.then(() =>
    assessLocation(job.evidence, job.options).then(
      (result) => parentPort!.postMessage({ id: job.id, ok: true, result }),
      (e: unknown) => parentPort!.postMessage({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
    ),
  );
});
