/**
 * The machine's limit for the ingest benchmark, worker side: what any ingest must at least do per file — read it
 * once, md5+sha1+sha256 over it, and decode it (sharp to the PDQ working size for pictures, ffmpeg frames at 1 fps
 * for videos) — and nothing else.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeImageForPdq } from '../src/media/decode-image.js';
import { readVideoFrames } from '../src/media/decode-video.js';
import { DigestAccumulator } from '../src/media/digests.js';
import { sniffType } from '../src/media/sniff.js';

sharp.concurrency(1);

/** Reads as the ingest reads (synchronously, 1 MiB at a time, into one buffer), so the two compare like for like. */
async function limit(file: string): Promise<number> {
  const fd = openSync(file, 'r');
  const size = fstatSync(fd).size;
  const whole = Buffer.allocUnsafe(size);
  const acc = new DigestAccumulator();
  let at = 0;
  while (at < size) {
    const bytesRead = readSync(fd, whole, at, Math.min(1 << 20, size - at), null);
    if (bytesRead === 0) break;
    acc.update(whole.subarray(at, at + bytesRead));
    at += bytesRead;
  }
  closeSync(fd);
  acc.digest();
  const kind = sniffType(whole.subarray(0, 4096)).kind;
  try {
    if (kind === 'image') await decodeImageForPdq(whole);
    else if (kind === 'video') await readVideoFrames(file, { fps: 1 }, () => {});
  } catch {
    // a corrupt file costs what it costs
  }
  return size;
}

parentPort!.on('message', (m: { id: number; file: string }) => {
  limit(m.file).then(
    (size) => parentPort!.postMessage({ id: m.id, size }),
    (e: unknown) => parentPort!.postMessage({ id: m.id, size: 0, error: String(e) }),
  );
});
parentPort!.postMessage({ ready: true });
