import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiUser, eventually, startNetwork, system, userCtx, type ApiUser, type TestNetwork } from './support.js';

describe('the messages API of a node', () => {
  let net: TestNetwork;
  let ptInv: ApiUser;
  let ptAdmin: ApiUser;
  let esInv: ApiUser;
  let frInv: ApiUser;

  beforeAll(async () => {
    net = await startNetwork();
    ptInv = await apiUser(net.a, net.pt, ['investigator'], 'pt-inv');
    ptAdmin = await apiUser(net.a, net.pt, ['admin'], 'pt-admin');
    esInv = await apiUser(net.b, net.es, ['investigator'], 'es-inv');
    frInv = await apiUser(net.b, net.fr, ['analyst'], 'fr-ana');
  }, 180_000);
  afterAll(async () => net?.close());

  it('offers the directory for composing, and refuses message content to admins', async () => {
    const dir = await ptInv.request({ method: 'GET', url: '/api/v1/network/directory' });
    expect(dir.statusCode).toBe(200);
    expect(dir.json().map((d: { id: string }) => d.id).sort()).toEqual([net.pt, net.es, net.fr].sort());
    expect((await ptAdmin.request({ method: 'GET', url: '/api/v1/messages' })).statusCode).toBe(403);
    const status = await ptAdmin.request({ method: 'GET', url: '/api/v1/network/status' });
    expect(status.json()).toMatchObject({ membership: { agencyId: net.pt, status: 'active' }, outboxPending: 0 });
  });

  it('sends with an attachment, threads replies per case, counts unread, searches', async () => {
    const bytes = Buffer.from('timestamps of posts\n2024-03-01T21:14Z\n');
    const up = await ptInv.request({ method: 'POST', url: '/api/v1/messages/attachments?name=posts.txt&type=text/plain', headers: { 'content-type': 'application/octet-stream' }, payload: bytes });
    expect(up.statusCode).toBe(201);
    const send = await ptInv.request({
      method: 'POST',
      url: '/api/v1/messages',
      payload: { to: [net.es, net.fr], subject: 'Posting times of the administrator', body: 'Attached: the posting times we hold.', caseReference: 'OP-API', handling: { tlp: 'TLP:AMBER+STRICT' }, priority: 'urgent', attachments: [up.json().id] },
    });
    expect(send.statusCode).toBe(201);
    expect(send.json()).toMatchObject({ status: 'queued', attachments: [{ name: 'posts.txt', size: bytes.length }], handling: { tlp: 'TLP:AMBER+STRICT' } });

    await eventually(async () => (await esInv.request({ method: 'GET', url: '/api/v1/messages/unread' })).json().unread === 1, 'ES unread count');
    const list = (await esInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=posting%20times' })).json();
    expect(list.total).toBe(1);
    const id = list.items[0].id;
    const attachment = await esInv.request({ method: 'GET', url: `/api/v1/messages/${id}/attachments/0` });
    expect(attachment.statusCode).toBe(200);
    expect(attachment.rawPayload).toEqual(bytes);
    expect(attachment.headers['content-disposition']).toContain('posts.txt');
    expect((await esInv.request({ method: 'GET', url: `/api/v1/messages/${id}` })).json().body).toBe('Attached: the posting times we hold.');
    expect((await esInv.request({ method: 'GET', url: '/api/v1/messages/unread' })).json().unread).toBe(0);

    // Another agency on the same node cannot open ES's copy.
    expect((await frInv.request({ method: 'GET', url: `/api/v1/messages/${id}` })).statusCode).toBe(404);
    expect((await frInv.request({ method: 'GET', url: `/api/v1/messages/${id}/attachments/0` })).statusCode).toBe(404);

    const reply = await esInv.request({ method: 'POST', url: '/api/v1/messages', payload: { to: [net.pt], subject: 'Re: Posting times', body: 'Matches ours.', handling: { tlp: 'TLP:AMBER' }, inReplyTo: id } });
    expect(reply.statusCode).toBe(201);
    const cases = await eventually(async () => {
      const c = (await ptInv.request({ method: 'GET', url: '/api/v1/messages/cases?box=in' })).json();
      return c.length === 1 ? c : undefined;
    }, 'PT to get the reply');
    expect(cases[0]).toMatchObject({ caseReference: 'OP-API', messages: 1, unread: 1 });
    const ptIn = (await ptInv.request({ method: 'GET', url: '/api/v1/messages?box=in&caseReference=OP-API' })).json();
    const thread = (await ptInv.request({ method: 'GET', url: `/api/v1/messages/${ptIn.items[0].id}/thread` })).json();
    expect(thread.map((m: { box: string; subject: string }) => [m.box, m.subject])).toEqual([
      ['out', 'Posting times of the administrator'],
      ['in', 'Re: Posting times'],
    ]);
  });

  it('flags a request for information past its deadline without an answer, for both sides', async () => {
    const deadline = new Date(Date.now() + 60_000).toISOString();
    const sent = await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { to: [net.es, net.fr], subject: 'RFI: subscriber data', body: 'Please send by the deadline.', handling: { tlp: 'TLP:AMBER' }, rfiDeadline: deadline } });
    expect(sent.statusCode).toBe(201);
    const messageId = sent.json().messageId as string;
    const esCopy = await eventually(async () => (await esInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=subscriber' })).json().items[0], 'ES to receive the RFI');
    await eventually(async () => (await frInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=subscriber' })).json().items[0], 'FR to receive the RFI');
    expect(esCopy.rfiOverdue).toBe(false);
    // FR answers in time; then the deadline passes (moved into the past on all three copies).
    await frInv.request({ method: 'POST', url: '/api/v1/messages', payload: { to: [net.pt], subject: 'Re: RFI', body: 'Here it is.', handling: { tlp: 'TLP:AMBER' }, inReplyTo: (await frInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=subscriber' })).json().items[0].id } });
    await eventually(async () => {
      const out = (await ptInv.request({ method: 'GET', url: '/api/v1/messages?box=out&q=subscriber' })).json().items[0];
      return out.recipients.find((r: { id: string }) => r.id === net.fr).answeredAt;
    }, 'the answered receipt from FR');
    const past = new Date(Date.now() - 1000).toISOString();
    for (const node of [net.a, net.b]) await node.services.db.updateTable('exchange_messages').set({ rfi_deadline: past }).where('message_id', '=', messageId).execute();

    const out = (await ptInv.request({ method: 'GET', url: '/api/v1/messages?box=out&q=subscriber' })).json().items[0];
    expect(out.rfiOverdue).toBe(true);
    expect(Object.fromEntries(out.recipients.map((r: { id: string; rfiOverdue: boolean }) => [r.id, r.rfiOverdue]))).toEqual({ [net.es]: true, [net.fr]: false });
    expect((await esInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=subscriber' })).json().items[0].rfiOverdue).toBe(true);
    expect((await esInv.request({ method: 'GET', url: '/api/v1/messages/unread' })).json().overdue).toBe(1);
    expect((await frInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=subscriber' })).json().items[0].rfiOverdue).toBe(false);
  });

  it('offers a change marker that moves with the mailbox, without recording consultations', async () => {
    const before = (await esInv.request({ method: 'GET', url: '/api/v1/messages/unread' })).json().changes as string;
    const audited = (await net.b.services.audit.list({ action: 'message.list', limit: 1000 })).length;
    expect((await esInv.request({ method: 'GET', url: '/api/v1/messages/unread' })).json().changes).toBe(before);
    await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { to: [net.es], subject: 'Marker moves', body: '.', handling: { tlp: 'TLP:GREEN' } } });
    await eventually(async () => (await esInv.request({ method: 'GET', url: '/api/v1/messages/unread' })).json().changes !== before, 'the marker to move');
    expect((await net.b.services.audit.list({ action: 'message.list', limit: 1000 })).length).toBe(audited);
  });

  it('refuses a deadline in the past, an unknown recipient, and unknown fields', async () => {
    const base = { to: [net.es], subject: 'x', body: 'y', handling: { tlp: 'TLP:GREEN' } };
    expect((await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { ...base, rfiDeadline: new Date(Date.now() - 60_000).toISOString() } })).json().code).toBe('deadline-past');
    expect((await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { ...base, to: ['01890000-0000-7000-8000-000000000000'] } })).json().code).toBe('unknown-recipient');
    expect((await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { ...base, extra: 1 } })).statusCode).toBe(400);
    expect((await ptInv.request({ method: 'POST', url: '/api/v1/messages', payload: { ...base, to: [net.pt] } })).json().code).toBe('self-addressed');
  });

  it('keeps working across a key rotation: old keys still open what was sealed to them', async () => {
    // PT's node still has ES's old keys in its directory when ES rotates.
    const rotated = await net.b.services.exchange.membership.rotateKeys(system(net.es), net.es);
    const sealedToOld = await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.es], subject: 'Sealed to the old key', body: 'still readable', handling: { tlp: 'TLP:GREEN' } });
    await eventually(async () => (await net.b.services.exchange.messages.list(userCtx(net.es), { box: 'in', q: 'old key' })).items[0], 'ES to open a message sealed to its retired key');
    const row = await net.a.services.db.selectFrom('exchange_outbox').select('jwe').where('id', '=', sealedToOld.messageId).executeTakeFirstOrThrow();
    expect(JSON.parse(row.jwe).recipients[0].header.kid).not.toBe(rotated.enc);

    await net.a.services.exchange.membership.refreshDirectory(net.pt);
    const sealedToNew = await net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.es], subject: 'Sealed to the new key', body: 'fresh', handling: { tlp: 'TLP:GREEN' } });
    const row2 = await net.a.services.db.selectFrom('exchange_outbox').select('jwe').where('id', '=', sealedToNew.messageId).executeTakeFirstOrThrow();
    expect(JSON.parse(row2.jwe).recipients[0].header.kid).toBe(rotated.enc);
    await eventually(async () => (await net.b.services.exchange.messages.list(userCtx(net.es), { box: 'in', q: 'new key' })).items[0], 'ES to open the message sealed to its new key');
    // ES signs with its new key now; PT verifies it after a directory refresh.
    await net.b.services.exchange.messages.send(userCtx(net.es), { to: [net.pt], subject: 'Signed with the new key', body: 'ok', handling: { tlp: 'TLP:GREEN' } });
    await eventually(async () => (await net.a.services.exchange.messages.list(userCtx(net.pt), { box: 'in', q: 'Signed with the new key' })).items[0], 'PT to verify the new signature');
    expect(await net.a.services.exchange.messages.rejections(net.pt)).toEqual([]);
  });

  it('does not let a pending member send, nor deliver to it', async () => {
    const agency = await net.a.services.agencies.create(system(), { name: 'Pending agency (test)', country: 'BE', hosted: true });
    const { token } = await net.hub.services.exchange.hub.members.enrol(system(), { name: 'Pending agency', country: 'BE' });
    await net.a.services.exchange.membership.join(system(agency.id), { hubUrl: net.hub.url, token, agencyId: agency.id });
    await expect(net.a.services.exchange.messages.send(userCtx(agency.id), { to: [net.es], subject: 's', body: 'b', handling: { tlp: 'TLP:GREEN' } })).rejects.toMatchObject({ code: 'member-not-active' });
    await expect(net.a.services.exchange.messages.send(userCtx(net.pt), { to: [agency.id], subject: 's', body: 'b', handling: { tlp: 'TLP:GREEN' } })).rejects.toMatchObject({ code: 'unknown-recipient' });
  });
});
