import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestNode } from './support.js';
import { apiUser, eventually, startNetwork, userCtx, type ApiUser, type TestNetwork } from './support.js';

/**
 * "Send this record" across a real network: a hub and two agency nodes over HTTP, every call through the API as a
 * signed-in user. Node A hosts PT; node B hosts ES and FR.
 */
describe('sending an intelligence record to another agency', () => {
  let net: TestNetwork;
  let ptInv: ApiUser;
  let ptAdmin: ApiUser;
  let esInv: ApiUser;
  let esProsecutor: ApiUser;
  let frAnalyst: ApiUser;
  let ptCase: string;
  let esCase: string;

  const newCase = async (user: ApiUser, reference: string, participants: { agencyId: string; access: 'contribute' | 'read' }[]) => {
    const res = await user.request({ method: 'POST', url: '/api/v1/cases', payload: { reference, title: `Case ${reference}`, participants } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const newRecord = async (user: ApiUser, caseId: string, fields: Record<string, unknown>) => {
    const res = await user.request({ method: 'POST', url: `/api/v1/cases/${caseId}/records`, payload: { kind: 'observation', dataSubject: 'suspect', ...fields } });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  };
  const send = (user: ApiUser, caseId: string, recordId: string, payload: unknown) => user.request({ method: 'POST', url: `/api/v1/cases/${caseId}/records/${recordId}/send`, payload: payload as Record<string, unknown> });
  const sentCount = async (node: TestNode) => Number((await node.services.db.selectFrom('exchange_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('box', '=', 'out').executeTakeFirstOrThrow()).n);
  const outboxCount = async (node: TestNode) => Number((await node.services.db.selectFrom('exchange_outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const recordSends = async (node: TestNode) => node.services.audit.list({ action: 'record.send', limit: 1000 });

  beforeAll(async () => {
    net = await startNetwork();
    ptInv = await apiUser(net.a, net.pt, ['investigator'], 'pt-inv');
    ptAdmin = await apiUser(net.a, net.pt, ['admin'], 'pt-admin');
    esInv = await apiUser(net.b, net.es, ['investigator'], 'es-inv');
    esProsecutor = await apiUser(net.b, net.es, ['prosecutor'], 'es-prosecutor');
    frAnalyst = await apiUser(net.b, net.fr, ['analyst'], 'fr-analyst');
    ptCase = await newCase(ptInv, 'OP-SEND-PT', [{ agencyId: net.es, access: 'contribute' }]);
    esCase = await newCase(esInv, 'OP-SEND-ES', [{ agencyId: net.fr, access: 'contribute' }]);
  }, 180_000);
  afterAll(async () => net?.close());

  it('delivers an AMBER record to a participating agency under the same handling code, with a record.send disclosure', async () => {
    const text = 'Marker-7731: the administrator logs in from a Lisbon exit at 21:00 UTC on weekdays.';
    const recordId = await newRecord(ptInv, ptCase, { text, handlingCode: 'TLP:AMBER', handlingRestrictions: [{ code: 'H1' }], grading: { scheme: 'admiralty-6x6', source: 'B', information: '2' } });
    const res = await send(ptInv, ptCase, recordId, { to: [net.es], note: 'For your forum investigation.', priority: 'high' });
    expect(res.statusCode).toBe(201);
    const sent = res.json();
    expect(sent).toMatchObject({ subject: 'Record (observation) — OP-SEND-PT', caseReference: 'OP-SEND-PT', handling: { tlp: 'TLP:AMBER', restriction: { code: 'H1' } }, to: [{ id: net.es }] });
    // Only the declared fields leave the route.
    expect(Object.keys(sent).sort()).toEqual(['caseReference', 'handling', 'id', 'messageId', 'status', 'subject', 'threadId', 'to']);

    const inbox = await eventually(async () => (await esInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=Marker-7731' })).json().items[0], 'ES to receive the record');
    const opened = (await esInv.request({ method: 'GET', url: `/api/v1/messages/${inbox.id}` })).json();
    expect(opened).toMatchObject({ messageId: sent.messageId, from: { id: net.pt }, caseReference: 'OP-SEND-PT', handling: { tlp: 'TLP:AMBER', restriction: { code: 'H1' } }, priority: 'high' });
    expect(opened.body.startsWith('For your forum investigation.\n')).toBe(true);
    expect(opened.body).toContain(text);
    expect(opened.body).toContain(`Record id: ${recordId}`);
    expect(opened.body).toMatch(/^Grading: B2 \(scheme admiralty-6x6; /m);

    const [event, ...more] = await recordSends(net.a);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ operation: 'disclosure', objectType: 'record', objectId: recordId, caseId: ptCase, recipients: [net.es], agencyId: net.pt, details: { message: sent.id, messageId: sent.messageId, handling: 'TLP:AMBER' } });
    // The message's own disclosure is there too.
    expect((await net.a.services.audit.list({ action: 'message.send', limit: 1000 })).some((e) => e.objectId === sent.id && e.caseId === ptCase)).toBe(true);
    expect((await net.a.services.audit.verify()).ok).toBe(true);
  });

  it('never sends a TLP:RED record: 403 in words, nothing queued, nothing audited as sent', async () => {
    const recordId = await newRecord(ptInv, ptCase, { text: 'Marker-RED: informant details.', handlingCode: 'TLP:RED' });
    const [messagesBefore, outboxBefore, auditBefore] = [await sentCount(net.a), await outboxCount(net.a), (await recordSends(net.a)).length];
    const res = await send(ptInv, ptCase, recordId, { to: [net.es] });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'record-not-sendable', reason: 'TLP:RED is never sent', detail: expect.stringContaining('TLP:RED is never sent') });
    expect([await sentCount(net.a), await outboxCount(net.a), (await recordSends(net.a)).length]).toEqual([messagesBefore, outboxBefore, auditBefore]);
    expect((await esInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=Marker-RED' })).json().total).toBe(0);
  });

  it('lets a participant send an AMBER record of another agency only within the case; H2 and AMBER+STRICT stay with the originator', async () => {
    const amber = await newRecord(esInv, esCase, { text: 'Marker-ES-AMBER: a wallet used by the administrator.', handlingCode: 'TLP:AMBER' });
    const before = await sentCount(net.b);
    const outside = await send(frAnalyst, esCase, amber, { to: [net.pt] });
    expect(outside.statusCode).toBe(403);
    expect(outside.json()).toMatchObject({ code: 'record-not-sendable', reason: 'TLP:AMBER: only to agencies taking part in the case' });
    // One recipient outside the case is enough to refuse the whole send.
    expect((await send(frAnalyst, esCase, amber, { to: [net.es, net.pt] })).json().code).toBe('record-not-sendable');
    expect(await sentCount(net.b)).toBe(before);
    // Within the case it goes (FR to ES, the originator).
    expect((await send(frAnalyst, esCase, amber, { to: [net.es] })).statusCode).toBe(201);
    // The originator decides for its own AMBER record, also outside the case (TLP 2.0: the source chooses).
    expect((await send(esInv, esCase, amber, { to: [net.pt] })).statusCode).toBe(201);

    const h2 = await newRecord(esInv, esCase, { text: 'Marker-ES-H2.', handlingCode: 'TLP:GREEN', handlingRestrictions: [{ code: 'H2' }] });
    expect((await send(frAnalyst, esCase, h2, { to: [net.es] })).json()).toMatchObject({ code: 'record-not-sendable', reason: expect.stringMatching(/^H2/) });
    const strict = await newRecord(esInv, esCase, { text: 'Marker-ES-STRICT.', handlingCode: 'TLP:AMBER+STRICT' });
    // FR does not see it at all, so it is not found rather than refused.
    expect((await send(frAnalyst, esCase, strict, { to: [net.es] })).statusCode).toBe(404);
    const sentByEs = await send(esInv, esCase, strict, { to: [net.pt] });
    expect(sentByEs.statusCode).toBe(201);
    expect(sentByEs.json().handling).toEqual({ tlp: 'TLP:AMBER+STRICT' });
    await eventually(async () => (await ptInv.request({ method: 'GET', url: '/api/v1/messages?box=in&q=Marker-ES-STRICT' })).json().items[0]?.handling.tlp === 'TLP:AMBER+STRICT', 'PT to receive the AMBER+STRICT record');
  });

  it('answers strangers as the rest of the API does: 401 anonymous, 404 another agency, 403 without a messaging role', async () => {
    const recordId = await newRecord(ptInv, ptCase, { text: 'Marker-ACCESS.', handlingCode: 'TLP:GREEN' });
    const url = `/api/v1/cases/${ptCase}/records/${recordId}/send`;
    expect((await net.a.running!.app.inject({ method: 'POST', url, payload: { to: [net.es] } })).statusCode).toBe(401);
    expect((await ptAdmin.request({ method: 'POST', url, payload: { to: [net.es] } })).statusCode).toBe(403);
    // ES's copy of a case on node B is not PT's case; on node B PT's case id is unknown, as is a record of a case FR is not in.
    const esOnly = await newCase(esInv, 'OP-SEND-ES-ONLY', []);
    const esRecord = await newRecord(esInv, esOnly, { text: 'Marker-ES-ONLY.', handlingCode: 'TLP:GREEN' });
    expect((await send(frAnalyst, esOnly, esRecord, { to: [net.pt] })).statusCode).toBe(404);
    expect((await send(frAnalyst, esCase, esRecord, { to: [net.pt] })).statusCode).toBe(404);
    // A prosecutor reads the case but does not exchange messages.
    const greenEs = await newRecord(esInv, esCase, { text: 'Marker-ES-GREEN.', handlingCode: 'TLP:GREEN' });
    const prosecutor = await send(esProsecutor, esCase, greenEs, { to: [net.pt] });
    expect(prosecutor.statusCode).toBe(403);
    expect(prosecutor.json().code).toBe('forbidden');
  });

  it('refuses a bad body with 400 problem+json, before anything is sent', async () => {
    const recordId = await newRecord(ptInv, ptCase, { text: 'Marker-BAD.', handlingCode: 'TLP:GREEN' });
    const before = await sentCount(net.a);
    for (const payload of [{}, { to: [] }, { to: ['not-an-id'] }, { to: [net.es], extra: 1 }, { to: [net.es], note: 'x'.repeat(10_001) }, { to: [net.es], priority: 'whenever' }, { to: [net.es, net.es] }]) {
      const res = await send(ptInv, ptCase, recordId, payload);
      expect({ payload: JSON.stringify(payload).slice(0, 60), status: res.statusCode }).toEqual({ payload: JSON.stringify(payload).slice(0, 60), status: 400 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await send(ptInv, ptCase, recordId, { to: [net.pt] })).json().code).toBe('self-addressed');
    expect((await send(ptInv, ptCase, recordId, { to: [net.es], rfiDeadline: new Date(Date.now() - 60_000).toISOString() })).json().code).toBe('deadline-past');
    expect(await sentCount(net.a)).toBe(before);
    expect((await recordSends(net.a)).some((e) => e.objectId === recordId)).toBe(false);
  });

  it('queues nothing when what is recorded with the send fails: the message and its disclosure are one transaction', async () => {
    const [sentBefore, outboxBefore, sendsBefore] = [await sentCount(net.a), await outboxCount(net.a), (await recordSends(net.a)).length];
    await expect(
      net.a.services.exchange.messages.send(userCtx(net.pt), { to: [net.es], subject: 'Atomic', body: 'never queued', handling: { tlp: 'TLP:AMBER' } }, async () => {
        throw new Error('the audit trail is unavailable');
      }),
    ).rejects.toThrow('the audit trail is unavailable');
    expect(await sentCount(net.a)).toBe(sentBefore);
    expect(await outboxCount(net.a)).toBe(outboxBefore);
    expect((await recordSends(net.a)).length).toBe(sendsBefore);
  });
});
