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

const questions = new Map<number, (known: boolean) => void>();
let nextQuestion = 1;

/** Asks the parent whether the node holds these bytes already (it knows what is committed and in flight). */
function isKnown(sha256: string): Promise<boolean> {
  return new Promise((resolve) => {
    const q = nextQuestion++;
    questions.set(q, resolve);
    parentPort!.postMessage({ ask: q, sha256 });
  });
}

parentPort?.on('message', (job: Job | { answer: number; known: boolean }) => {
  if ('answer' in job) {
    questions.get(job.answer)?.(job.known);
    questions.delete(job.answer);
    return;
  }
  processFile(job.task, { isKnown }).then(
    (result) => parentPort!.postMessage({ id: job.id, ok: true, result }),
    (e: unknown) => parentPort!.postMessage({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});

parentPort?.postMessage({ ready: true });
