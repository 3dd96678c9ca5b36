import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normaliseSelector } from '../../src/intel/selectors/normalise.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { sharedPath } from '../support/shared-dir.js';
import { testDialects } from '../support/stores.js';

const MISP = sharedPath('vectors', 'misp', 'misp-core');
const read = (file: string) => JSON.parse(readFileSync(path.join(MISP, file), 'utf8'));
const ONION = 's5xdj3bxtyxemztk4v4dnhugbkfgjfkf6xbkwe5flp3t6bz2jepi3zid.onion';
const BTC = 'bc1qttv0zjh9um0cvv8k6x7q42q0ygq90zskjgtll9';

describe.each(testDialects)('MISP interchange on %s', (dialect) => {
  let t: TestApp;
  let pt: string;
  let es: string;
  let ptAnalyst: TestUser;
  let esAnalyst: TestUser;

  const newCase = async (reference: string) =>
    (await ptAnalyst.request({ method: 'POST', url: '/api/v1/cases', payload: { reference, title: reference, participants: [{ agencyId: es, access: 'contribute' }] } })).json().id as string;
  const importInto = (user: TestUser, caseId: string, body: unknown, query = '') => user.request({ method: 'POST', url: `/api/v1/cases/${caseId}/import/misp${query}`, payload: body as object });
  const selectorsOf = async (user: TestUser, caseId: string) =>
    (await user.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?limit=500` })).json().items as { type: string; normalised: string; valid: boolean; status: string }[];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    pt = await t.agency('Polícia Judiciária', 'PT');
    es = await t.agency('Policía Nacional', 'ES');
    ptAnalyst = await t.user(pt, ['investigator', 'analyst']);
    esAnalyst = await t.user(es, ['analyst']);
  });
  afterAll(async () => t.close());

  it("imports MISP's test event keeping every attribute Tessera models, and lists what it drops", async () => {
    const event = read('MISP-MISP_tests_event.json');
    const caseId = await newCase('MISP-1');
    const res = await importInto(ptAnalyst, caseId, event);
    expect(res.statusCode).toBe(201);
    const result = res.json();
    const attrs = event.Event.Attribute as { type: string; value: string }[];
    const md5 = new Set(attrs.filter((a) => a.type === 'md5').map((a) => `md5:${a.value}`));
    const links = attrs.filter((a) => a.type === 'link').map((a) => a.value);
    expect(result).toMatchObject({ event: { uuid: event.Event.uuid, info: event.Event.info }, attributes: attrs.length });
    expect(result.dropped).toEqual(
      expect.arrayContaining([
        { what: 'attribute filename', count: attrs.filter((a) => a.type === 'filename').length, reason: 'not modelled by Tessera' },
        { what: 'attribute regkey', count: attrs.filter((a) => a.type === 'regkey').length, reason: 'not modelled by Tessera' },
      ]),
    );
    expect(result.dropped.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(attrs.filter((a) => a.type === 'filename' || a.type === 'regkey').length);
    expect(result.ignored).toEqual(expect.arrayContaining([`${event.Event.RelatedEvent.length} RelatedEvent (correlations with events on the MISP instance)`, 'event tags Type:OSINT']));

    const selectors = await selectorsOf(ptAnalyst, caseId);
    const values = new Set(selectors.map((s) => `${s.type}:${s.normalised}`));
    for (const digest of md5) expect(values).toContain(`file-digest:${digest}`);
    for (const link of links) expect(values).toContain(`url:${normaliseSelector('url', link).normalised}`);
    const report = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/records?kind=report` })).json().items[0];
    expect(report).toMatchObject({ handlingCode: 'TLP:AMBER', source: `misp:${event.Event.uuid}`, occurredAt: '2014-12-10T00:00:00.000Z' });
    expect(report.text).toContain('OSINT - F-Secure W32/Regin, Stage #1');
    expect(report.text).toContain('Regin');

    expect((await importInto(ptAnalyst, caseId, event)).statusCode).toBe(409);
  });

  it("imports PyMISP's object sample: objects' attributes count one by one", async () => {
    const caseId = await newCase('MISP-2');
    const result = (await importInto(ptAnalyst, caseId, read('PyMISP_tests_event_obj_attr_tag.json'), '?handlingCode=TLP:GREEN')).json();
    expect(result.dropped).toEqual([{ what: 'object file: attribute filename', count: 1, reason: 'not modelled by Tessera' }]);
    const selectors = await selectorsOf(ptAnalyst, caseId);
    expect(selectors.map((s) => `${s.type}:${s.normalised}`)).toEqual(['url:https://www.circl.lu/']);
  });

  it('reads TLP tags (TLP:WHITE as CLEAR), keeps attribute-level markings apart, and keeps invalid values as such', async () => {
    const caseId = await newCase('MISP-3');
    const event = {
      response: [
        {
          Event: {
            uuid: '5b3a1c2e-0000-4000-8000-000000000001',
            info: 'Forum mirrors',
            Tag: [{ name: 'tlp:white' }, { name: 'admiralty-scale:source-reliability="b"' }, { name: 'admiralty-scale:information-credibility="3"' }],
            Attribute: [
              { type: 'onion-address', category: 'Network activity', value: ONION, to_ids: '1' },
              { type: 'btc', category: 'Financial fraud', value: BTC, Tag: [{ name: 'tlp:red' }] },
              { type: 'btc', category: 'Financial fraud', value: '1BoatSLRHtKNngkdXEeobR76b53LETtpyX' },
              { type: 'ip-dst|port', value: '203.0.113.5|8080' },
              { type: 'domain', value: 'example.com' },
              { type: 'text', value: 'Contact via darkking@telegram', comment: 'from the forum profile' },
            ],
            Object: [
              { name: 'person', Attribute: [{ object_relation: 'first-name', type: 'first-name', value: 'X' }] },
              { name: 'user-account', uuid: 'ua-1', Attribute: [{ object_relation: 'username', type: 'text', value: 'darkking' }, { object_relation: 'link', type: 'link', value: 'https://forum.example/u/darkking' }] },
              { name: 'annotation', uuid: 'an-1', Attribute: [{ object_relation: 'text', type: 'text', value: 'Admin announces a new mirror at ' + ONION }, { object_relation: 'creation-date', type: 'datetime', value: '2026-01-02T10:00:00Z' }], ObjectReference: [{ referenced_uuid: 'ua-1', relationship_type: 'authored-by' }] },
            ],
          },
        },
      ],
    };
    const result = (await importInto(ptAnalyst, caseId, event)).json();
    expect(result.invalid).toBe(1);
    expect(result.dropped).toEqual(
      expect.arrayContaining([
        { what: 'object person', count: 1, reason: expect.stringMatching(/persons are not imported/) },
        { what: 'attribute domain', count: 1, reason: 'domain names other than .onion are not a Tessera selector type' },
      ]),
    );
    const pt = await selectorsOf(ptAnalyst, caseId);
    const values = pt.map((s) => `${s.type}:${s.normalised}${s.valid ? '' : ' (invalid)'}`);
    expect(values).toEqual(expect.arrayContaining([`onion:${ONION}`, `btc:${BTC}`, 'btc:1BoatSLRHtKNngkdXEeobR76b53LETtpyX (invalid)', 'ip:203.0.113.5', 'handle:darkking@telegram', 'handle:darkking@forum.example']));
    const es = (await selectorsOf(esAnalyst, caseId)).map((s) => s.normalised);
    expect(es).not.toContain(BTC);
    expect(es).toContain(ONION);
    const records = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/records?limit=50` })).json().items;
    const byKind = Object.fromEntries(records.map((r: { kind: string; handlingCode: string }) => [`${r.kind}/${r.handlingCode}`, r]));
    expect(Object.keys(byKind).sort()).toEqual(['online-identity/TLP:CLEAR', 'post/TLP:CLEAR', 'report/TLP:CLEAR', 'report/TLP:RED']);
    expect(byKind['report/TLP:CLEAR'].grading).toEqual({ scheme: 'admiralty-6x6', source: 'B', information: '3' });
    expect(byKind['post/TLP:CLEAR']).toMatchObject({ identityId: byKind['online-identity/TLP:CLEAR'].id, occurredAt: '2026-01-02T10:00:00.000Z' });
  });

  it('exports a case as a MISP event under the handling policy and reads its own export back without loss', async () => {
    const caseId = await newCase('MISP-4');
    const add = (payload: Record<string, unknown>) =>
      ptAnalyst.request({ method: 'POST', url: `/api/v1/cases/${caseId}/records`, payload: { kind: 'note', handlingCode: 'TLP:AMBER', dataSubject: 'suspect', ...payload } }).then((r) => r.json().id as string);
    const identity = await add({ kind: 'online-identity', text: 'Admin', subject: 'darkking@forum.example' });
    await add({ kind: 'post', identityId: identity, text: `mirror http://${ONION}/ pay ${BTC} or 0x47717F0A91fF25d4FF6B2721fa2827e728e24E14 call +351 912 345 678`, occurredAt: '2026-01-02T21:15:00Z' });
    await add({ kind: 'report', text: 'Report: server 203.0.113.9', grading: { scheme: 'admiralty-6x6', source: 'A', information: '2' }, handlingCode: 'TLP:GREEN' });
    await add({ text: 'Informant at secret@example.net', handlingCode: 'TLP:RED' });
    await ptAnalyst.request({ method: 'POST', url: `/api/v1/cases/${caseId}/selectors`, payload: { type: 'pdq', value: 'f'.repeat(63) + '0', handlingCode: 'TLP:AMBER' } });

    const res = await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/export/misp?recipient=partner` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="MISP-4.misp.json"');
    const event = res.json();
    expect(JSON.stringify(event)).not.toContain('secret@example.net');
    expect(event.Event).toMatchObject({ info: 'MISP-4: MISP-4', Tag: [{ name: 'tlp:amber' }], distribution: '0' });
    for (const a of event.Event.Attribute) expect(a.Tag.filter((tag: { name: string }) => tag.name.startsWith('tlp:'))).toHaveLength(1);
    const types = event.Event.Attribute.map((a: { type: string }) => a.type).sort();
    expect(types).toEqual(expect.arrayContaining(['btc', 'ip-dst', 'onion-address', 'phone-number', 'url', 'text']));
    const post = event.Event.Object.find((o: { name: string; Attribute: { object_relation: string; value: string }[] }) => o.name === 'annotation' && o.Attribute.some((a) => a.value === 'post'));
    expect(post.ObjectReference.map((r: { relationship_type: string }) => r.relationship_type)).toEqual(expect.arrayContaining(['mentions', 'authored-by']));
    expect((await t.services.audit.list({ caseId, action: 'case.export.misp' }))[0]).toMatchObject({ operation: 'disclosure', recipients: ['partner'] });

    const copy = await newCase('MISP-5');
    const back = (await importInto(ptAnalyst, copy, event)).json();
    expect(back.dropped).toEqual([]);
    const before = (await selectorsOf(ptAnalyst, caseId)).filter((s) => s.normalised !== 'secret@example.net').map((s) => `${s.type}:${s.normalised}`).sort();
    const after = (await selectorsOf(ptAnalyst, copy)).map((s) => `${s.type}:${s.normalised}`).sort();
    expect(after).toEqual(before);
    const kinds = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${copy}/records?limit=50` })).json().items.map((r: { kind: string; handlingCode: string }) => `${r.kind}/${r.handlingCode}`).sort();
    expect(kinds).toEqual(['online-identity/TLP:AMBER', 'post/TLP:AMBER', 'report/TLP:AMBER', 'report/TLP:GREEN', 'report/TLP:GREEN'].sort());
  });

  it('refuses bodies without an event, and strangers', async () => {
    const caseId = await newCase('MISP-6');
    expect((await importInto(ptAnalyst, caseId, { hello: 'world' })).json()).toMatchObject({ status: 400, code: 'no-misp-event' });
    const stranger = await t.user(await t.agency('Other', 'FR'), ['investigator']);
    expect((await importInto(stranger, caseId, read('PyMISP_tests_event_obj_attr_tag.json'))).statusCode).toBe(404);
    expect((await stranger.request({ method: 'GET', url: `/api/v1/cases/${caseId}/export/misp` })).statusCode).toBe(404);
  });
});
