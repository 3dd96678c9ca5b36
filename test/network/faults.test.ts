import { randomBytes, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startNetwork, userCtx, type TestNetwork } from './support.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('faults', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startNetwork();
  }, 180_000);
  afterAll(async () => net?.close());

  it('a recipient node that was offline receives everything when it returns, in order, exactly once', async () => {
    await net.a.stop();
    const sender = userCtx(net.es);
    const sent: string[] = [];
    for (let i = 1; i <= 5; i++) {
      sent.push((await net.b.services.exchange.messages.send(sender, { to: [net.pt], subject: `Offline ${i}`, body: `number ${i}`, handling: { tlp: 'TLP:AMBER' } })).messageId);
    }
    await eventually(async () => {
      const rows = await net.hub.services.db.selectFrom('hub_deliveries').select('agency_id').where('agency_id', '=', net.pt).where('acked_at', 'is', null).execute();
      return rows.length === 5;
    }, 'five envelopes waiting at the hub');

    await net.a.restart();
    const received = await eventually(async () => {
      const rows = await net.a.services.db.selectFrom('exchange_messages').select(['message_id', 'subject', 'hub_seq']).where('agency_id', '=', net.pt).where('box', '=', 'in').orderBy('hub_seq').execute();
      return rows.length >= 5 ? rows : undefined;
    }, 'PT to take in all five');
    expect(received.map((r) => r.message_id)).toEqual(sent);
    expect(received.map((r) => r.subject)).toEqual(['Offline 1', 'Offline 2', 'Offline 3', 'Offline 4', 'Offline 5']);
    // Nothing arrives twice, even after the loop went round again.
    await net.a.services.exchange.inbox.pollOnce(net.pt, 0);
    const again = await net.a.services.db.selectFrom('exchange_messages').select('message_id').where('agency_id', '=', net.pt).where('box', '=', 'in').execute();
    expect(again).toHaveLength(5);
    expect(await net.a.services.exchange.messages.rejections(net.pt)).toEqual([]);
  });

  it('a hub restarted in the middle of a transfer loses nothing', async () => {
    const bytes = randomBytes(9 * 1024 * 1024 + 123);
    const ctx = userCtx(net.pt);
    const upload = await net.a.services.exchange.messages.upload(ctx, { name: 'seized-listing.bin', mediaType: 'application/octet-stream', body: Readable.from([bytes]) });
    expect(upload.size).toBe(bytes.length);

    // Stop the hub right after it has stored the second of the five parts (the sender is mid-transfer).
    const mailbox = net.hub.services.exchange.hub.mailbox;
    const putPart = mailbox.putPart;
    let stored = 0;
    let stopping: Promise<void> | undefined;
    mailbox.putPart = async (...args) => {
      const result = await putPart(...args);
      if (++stored === 2) stopping = net.hub.stop();
      return result;
    };
    const sent = await net.a.services.exchange.messages.send(ctx, { to: [net.es], subject: 'Listing attached', body: 'see attachment', handling: { tlp: 'TLP:AMBER' }, attachments: [upload.id] });
    await eventually(() => stopping !== undefined, 'the hub to be stopping');
    await stopping;
    expect((await net.a.services.db.selectFrom('exchange_outbox').select('status').where('id', '=', sent.messageId).executeTakeFirstOrThrow()).status).toBe('queued');

    await net.hub.restart();
    const partsKept = await net.hub.services.db.selectFrom('hub_parts').select('part_id').where('envelope_id', '=', sent.messageId).execute();
    expect(partsKept.length).toBeGreaterThanOrEqual(2);

    const message = await eventually(async () => {
      const list = await net.b.services.exchange.messages.list(userCtx(net.es), { box: 'in', q: 'Listing attached' });
      return list.items[0];
    }, 'ES to receive the message after the restart');
    const file = await net.b.services.exchange.messages.download(userCtx(net.es), message.id, 0);
    const received = await readAll(file.stream);
    expect(received.length).toBe(bytes.length);
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('a sender that cannot reach the hub queues the message and sends it when the hub is back', async () => {
    await net.hub.stop();
    const sent = await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.fr], subject: 'Written while the hub was down', body: 'queued', handling: { tlp: 'TLP:GREEN' } });
    expect(sent.status).toBe('queued');
    await eventually(async () => {
      const row = await net.a.services.db.selectFrom('exchange_outbox').select(['attempts', 'last_error', 'status']).where('id', '=', sent.messageId).executeTakeFirstOrThrow();
      return row.attempts >= 2 && row.status === 'queued' && row.last_error?.includes('unreachable');
    }, 'the sender to have tried and kept it queued');
    await net.hub.restart();
    await eventually(async () => (await net.b.services.exchange.messages.list(userCtx(net.fr), { box: 'in', q: 'hub was down' })).items[0], 'FR to receive it');
    const out = await net.a.services.exchange.messages.list(userCtx(net.pt), { box: 'out', q: 'hub was down' });
    expect(out.items[0]!.status).toBe('sent');
  });
});
