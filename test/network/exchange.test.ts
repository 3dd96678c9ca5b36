import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startNetwork, userCtx, type TestNetwork } from './support.js';

describe('exchange through a hub between two nodes', () => {
  let net: TestNetwork;
  beforeAll(async () => {
    net = await startNetwork();
  }, 180_000);
  afterAll(async () => net?.close());

  it('lists every member, active, in each node’s verified directory', async () => {
    for (const node of [net.a, net.b]) {
      const dir = await node.services.exchange.membership.directory();
      expect(dir.map((d) => [d.id, d.status]).sort()).toEqual([net.pt, net.es, net.fr].map((id) => [id, 'active']).sort());
    }
    expect((await net.a.services.exchange.membership.membership(net.pt))?.status).toBe('active');
  });

  it('delivers a message to an agency on another node and one on the same node, with receipts back', async () => {
    const sender = userCtx(net.es, ['investigator'], 'es-inv');
    const sent = await net.b.services.exchange.messages.send(sender, {
      to: [net.pt, net.fr],
      subject: 'Forum administrator handle',
      body: 'We hold posts by this handle; do you?',
      caseReference: 'OP-NET-1',
      handling: { tlp: 'TLP:AMBER', restriction: { code: 'H2' } },
      priority: 'high',
    });
    expect(sent.box).toBe('out');
    expect(sent.recipients.map((r) => r.id).sort()).toEqual([net.pt, net.fr].sort());

    const ptInbox = await eventually(async () => {
      const list = await net.a.services.exchange.messages.list(userCtx(net.pt), { box: 'in' });
      return list.items.length === 1 ? list.items : undefined;
    }, 'PT to receive');
    expect(ptInbox[0]).toMatchObject({ subject: 'Forum administrator handle', from: { id: net.es }, caseReference: 'OP-NET-1', handling: { tlp: 'TLP:AMBER', restriction: { code: 'H2' } }, priority: 'high', unread: true });
    const frInbox = await eventually(async () => {
      const list = await net.b.services.exchange.messages.list(userCtx(net.fr), { box: 'in' });
      return list.items.length === 1 ? list.items : undefined;
    }, 'FR (same node as the sender) to receive');
    expect(frInbox[0]!.messageId).toBe(sent.messageId);

    await eventually(async () => {
      const out = await net.b.services.exchange.messages.list(sender, { box: 'out' });
      return out.items[0]!.recipients.every((r) => r.deliveredAt) && out.items[0]!.status === 'sent';
    }, 'delivered receipts from both');

    const opened = await net.a.services.exchange.messages.get(userCtx(net.pt), ptInbox[0]!.id);
    expect(opened.body).toBe('We hold posts by this handle; do you?');
    const status = await eventually(async () => {
      const out = await net.b.services.exchange.messages.list(sender, { box: 'out' });
      const pt = out.items[0]!.recipients.find((r) => r.id === net.pt)!;
      return pt.readAt ? out.items[0]!.recipients : undefined;
    }, 'read receipt from PT');
    expect(status.find((r) => r.id === net.fr)!.readAt).toBeNull();

    await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.es], subject: 'Re: Forum administrator handle', body: 'Yes, three posts.', handling: { tlp: 'TLP:AMBER' }, inReplyTo: ptInbox[0]!.id });
    await eventually(async () => {
      const out = await net.b.services.exchange.messages.list(sender, { box: 'out' });
      return out.items.find((m) => m.messageId === sent.messageId)!.recipients.find((r) => r.id === net.pt)!.answeredAt;
    }, 'answered receipt from PT');
    const reply = await eventually(async () => {
      const list = await net.b.services.exchange.messages.list(sender, { box: 'in' });
      return list.items[0];
    }, 'the reply at ES');
    expect(reply).toMatchObject({ threadId: sent.threadId, caseReference: 'OP-NET-1', inReplyTo: sent.messageId });
  });

  it('records sending as a disclosure with the recipients and opening as a consultation', async () => {
    const sends = await net.b.services.audit.list({ action: 'message.send' });
    expect(sends[0]).toMatchObject({ operation: 'disclosure', actorName: 'es-inv', recipients: [net.pt, net.fr] });
    const reads = await net.a.services.audit.list({ action: 'message.read' });
    expect(reads[0]).toMatchObject({ operation: 'consultation', agencyId: net.pt });
    const received = await net.a.services.audit.list({ action: 'message.receive' });
    expect(received[0]).toMatchObject({ operation: 'collection' });
  });

  it('deletes envelopes at the hub once every recipient acknowledged them', async () => {
    await eventually(async () => {
      const stats = await net.hub.services.exchange.hub.mailbox.stats();
      return stats.envelopes === 0 && stats.pendingDeliveries === 0;
    }, 'the hub mailbox to empty');
  });
});
