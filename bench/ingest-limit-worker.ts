/**
 * The machine's limit for the ingest benchmark, worker side: what any ingest must at least do per file — read it
 * once, md5+sha1+sha256 over it, and decode it (sharp to the PDQ working size for pictures, ffmpeg frames at 1 fps
 * for videos) — and nothing else.
 */
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeImageForPdq } from '../src/media/decode-image.js';
import { readVideoFrames } from '../src/media/decode-video.js';
import { DigestAccumulator } from '../src/media/digests.js';
import { sniffType } from '../src/media/sniff.js';

sharp.concurrency(1);

async function limit(file: string): Promise<number> {
  const fh = await open(file, 'r');
  const size = (await fh.stat()).size;
  const whole = Buffer.allocUnsafe(size);
  const acc = new DigestAccumulator();
  let at = 0;
  for (;;) {
    const { bytesRead } = await fh.read(whole, at, Math.min(1 << 20, size - at), null);
    if (bytesRead === 0 || at >= size) break;
    acc.update(whole.subarray(at, at + bytesRead));
    at += bytesRead;
    if (at >= size) break;
  }
  await fh.close();
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
