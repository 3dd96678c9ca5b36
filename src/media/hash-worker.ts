/** Worker-thread side of the hash pool: hashes files one at a time as the parent asks. */
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { hashFile, type HashFileOptions } from './hash-file.js';

// One libvips thread per worker: the pool already runs one worker per core.
sharp.concurrency(1);

interface Job {
  id: number;
  path: string;
  options: HashFileOptions;
}

parentPort?.postMessage({ ready: true });

parentPort?.on('message', (job: Job) => {
  hashFile(job.path, job.options).then(
    (result) => parentPort!.postMessage({ id: job.id, ok: true, result }),
    (e: unknown) => parentPort!.postMessage({ id: job.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
