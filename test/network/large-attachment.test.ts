import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startNetwork, userCtx, type TestNetwork } from './support.js';

const MB = 1024 * 1024;

/** Random content in fresh 1 MiB pieces (never the whole file in one buffer), hashed as it is produced. */
function* source(total: number, hash: ReturnType<typeof createHash>): Generator<Buffer> {
  for (let offset = 0; offset < total; offset += MB) {
    const piece = randomBytes(Math.min(MB, total - offset));
    hash.update(piece);
    yield piece;
  }
}

describe('a 100 MB attachment', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startNetwork();
  }, 180_000);
  afterAll(async () => net?.close());

  it('travels end to end in chunks and arrives intact, without the process holding it whole several times', async () => {
    const size = 100 * MB + 17;
    const expected = createHash('sha256');

    // All three nodes share this process: their peak heap together is what we watch.
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed - baseline)), 20);
    try {
      const ctx = userCtx(net.pt);
      const upload = await net.a.services.exchange.messages.upload(ctx, { name: 'device-image.bin', mediaType: 'application/octet-stream', body: Readable.from(source(size, expected)) });
      const digest = expected.digest('hex');
      expect(upload).toMatchObject({ size, sha256: digest });
      const sent = await net.a.services.exchange.messages.send(ctx, { to: [net.es], subject: 'Large attachment', body: '', handling: { tlp: 'TLP:AMBER' }, attachments: [upload.id] });

      const message = await eventually(async () => (await net.b.services.exchange.messages.list(userCtx(net.es), { box: 'in' })).items.find((m) => m.messageId === sent.messageId), 'ES to receive', 120_000);
      const file = await net.b.services.exchange.messages.download(userCtx(net.es), message.id, 0);
      const got = createHash('sha256');
      let length = 0;
      for await (const chunk of file.stream) {
        got.update(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
      expect(length).toBe(size);
      expect(got.digest('hex')).toBe(upload.sha256);
      await eventually(async () => (await net.hub.services.exchange.hub.mailbox.stats()).parts === 0, 'the hub to drop the parts');
    } finally {
      clearInterval(sampler);
    }
    // Holding the file as a string even twice would exceed this (100 MB of base64 is 133 MB per copy).
    expect(peak).toBeLessThan(200 * MB);
  }, 180_000);
});
