/** Worker-thread side of the ingest pool: processes the files the parent sends, a few at a time. */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { processFile, type ProcessTask } from './process-file.js';

// The pool runs one worker per core with a couple of files in flight each: libvips threads beyond that only contend.
sharp.concurrency(1);

interface Job {
  id: number;
  task: ProcessTask;
}

parentPort?.on('message', (job: Job) => {
  processFile(job.task).then(
    (result) => parentPort!.postMessage({ id: job.id, ok: true, result }),
    (e: unknown) => parentPort!.postMessage({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});

parentPort?.postMessage({ ready: true });
