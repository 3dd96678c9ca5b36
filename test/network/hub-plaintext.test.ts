import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startNetwork, storedContaining, userCtx, type TestNetwork } from './support.js';

const markerIn = async (node: Parameters<typeof storedContaining>[0], marker: string) => storedContaining(node, [Buffer.from(marker, 'utf8')]);

describe('what the hub holds', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    // With a PostgreSQL test server the hub and B run on it, and their tables are searched as well as their folders.
    net = await startNetwork();
  }, 180_000);
  afterAll(async () => net?.close());

  it('never has a plaintext subject, body or attachment in its database, files or logs', async () => {
    const marker = `MARKER-${randomBytes(9).toString('hex')}`;
    const attachment = Buffer.from(`${marker}\n`.repeat(200_000)); // several chunks, each full of the marker
    const ctx = userCtx(net.pt);
    const upload = await net.a.services.exchange.messages.upload(ctx, { name: `${marker}.txt`, mediaType: 'text/plain', body: Readable.from([attachment]) });

    // Keep the envelope at the hub while we look: the recipient's node is offline.
    await net.b.stop();
    const sent = await net.a.services.exchange.messages.send(ctx, {
      to: [net.es],
      subject: `Subject ${marker}`,
      body: `Body with ${marker} inside`,
      caseReference: 'OP-PLAINTEXT',
      handling: { tlp: 'TLP:RED' },
      attachments: [upload.id],
    });
    await eventually(async () => (await net.hub.services.db.selectFrom('hub_envelopes').select('id').where('id', '=', sent.messageId).executeTakeFirst()) !== undefined, 'the envelope at the hub');
    const parts = await net.hub.services.db.selectFrom('hub_parts').select('part_id').where('envelope_id', '=', sent.messageId).execute();
    expect(parts.length).toBeGreaterThan(1);
    expect(await markerIn(net.hub, marker)).toEqual([]);

    await net.b.restart();
    const received = await eventually(async () => (await net.b.services.exchange.messages.list(userCtx(net.es), { box: 'in' })).items.find((m) => m.messageId === sent.messageId), 'ES to receive');
    expect(received.subject).toBe(`Subject ${marker}`);
    await eventually(async () => (await net.hub.services.exchange.hub.mailbox.stats()).envelopes === 0, 'the hub to delete the envelope');

    expect(await markerIn(net.hub, marker)).toEqual([]);
    expect(net.hub.logs.length).toBeGreaterThan(10);
    expect(net.hub.logs.filter((line) => line.includes(marker))).toEqual([]);
    // The same search does find it where it belongs: on the recipient's node (so the search itself works).
    expect((await markerIn(net.b, marker)).length).toBeGreaterThan(0);
  });
});
