import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/identity/actor.js';
import { TLP_STIX_MARKING_IDS } from '../../src/intel/vocabulary.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';
import { createStixValidator, STIX_VECTORS, type StixValidator } from './support/stix-validator.js';

const ONION = 's5xdj3bxtyxemztk4v4dnhugbkfgjfkf6xbkwe5flp3t6bz2jepi3zid.onion';
const BTC = 'bc1qttv0zjh9um0cvv8k6x7q42q0ygq90zskjgtll9';
const ETH = '0x47717F0A91fF25d4FF6B2721fa2827e728e24E14';
const XMR = '44NJSqg7bcuYGhPsiPuTQ8baWiqTbNKe4T5zFyNcMfU86mqfAo1CLpVafvTU33rtkNLeAS3bQjM8vd2awzavZNasT7ypgP5';
const TLP_IDS = new Set(Object.values(TLP_STIX_MARKING_IDS));

type Obj = Record<string, any> & { id: string; type: string };

let validator: StixValidator;
beforeAll(() => {
  validator = createStixValidator();
});

describe('the STIX validator used here', () => {
  it('accepts the official example bundles and rejects a broken object', () => {
    const dir = path.join(STIX_VECTORS, 'examples');
    const files = [...readdirSync(dir), ...readdirSync(path.join(dir, 'threat-reports')).map((f) => `threat-reports/${f}`)].filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(6);
    for (const f of files) {
      const doc = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      const problems = doc.type === 'bundle' ? validator.validateBundle(doc) : validator.validate(doc);
      expect({ f, problems }).toEqual({ f, problems: [] });
    }
    expect(validator.validate({ type: 'note', spec_version: '2.1', id: 'note--0190c2b4-8c3a-7d3e-9f00-000000000000', created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', content: 'x', object_refs: ['x'] })).not.toEqual([]);
    const tlp = JSON.parse(readFileSync(path.join(STIX_VECTORS, 'tlp-2.0', 'tlp-amber+strict.json'), 'utf8')).objects[0];
    expect(validator.validate(tlp)).toEqual([]);
    expect(validator.validate({ ...tlp, extensions: { 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': { extension_type: 'property-extension', tlp_2_0: 'purple' } } })).not.toEqual([]);
  });
});

describe.each(testDialects)('STIX 2.1 export on %s', (dialect) => {
  let t: TestApp;
  let pt: string;
  let es: string;
  let ptAnalyst: TestUser;
  let esAnalyst: TestUser;
  let caseId: string;
  const ids: Record<string, string> = {};

  const add = async (user: TestUser, payload: Record<string, unknown>) => {
    const res = await user.request({ method: 'POST', url: `/api/v1/cases/${caseId}/records`, payload: { kind: 'note', handlingCode: 'TLP:AMBER', dataSubject: 'suspect', ...payload } });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().id as string;
  };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    pt = await t.agency('Polícia Judiciária', 'PT');
    es = await t.agency('Policía Nacional', 'ES');
    ptAnalyst = await t.user(pt, ['investigator', 'analyst']);
    esAnalyst = await t.user(es, ['analyst']);
    caseId = (await ptAnalyst.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-STIX', title: 'Forum admin', participants: [{ agencyId: es, access: 'contribute' }] } })).json().id;

    ids.identity = await add(ptAnalyst, { kind: 'online-identity', text: 'The administrator', subject: 'darkking@forum.example' });
    ids.post = await add(ptAnalyst, { kind: 'post', identityId: ids.identity, text: `mirror http://${ONION}/ pay ${BTC} or ${ETH}, mail admin@example.org, call +351 912 345 678`, occurredAt: '2026-01-02T21:15:00Z', thread: 'rules' });
    ids.report = await add(ptAnalyst, { kind: 'report', text: `Report on the forum\nServer at 203.0.113.9 and 2001:db8::7, donations to ${XMR}`, grading: { scheme: 'admiralty-6x6', source: 'B', information: '2' }, handlingCode: 'TLP:GREEN', handlingRestrictions: [{ code: 'H0' }, { code: 'H3', text: 'Ask before use in court' }] });
    ids.red = await add(ptAnalyst, { text: 'Source: informant, reachable at secret@example.net', handlingCode: 'TLP:RED' });
    ids.strict = await add(ptAnalyst, { text: 'Undercover account uc-agent@example.org', handlingCode: 'TLP:AMBER+STRICT' });
    ids.h2 = await add(ptAnalyst, { text: 'Provider data: 198.51.100.23', handlingCode: 'TLP:AMBER', handlingRestrictions: [{ code: 'H2' }] });
    ids.clear = await add(esAnalyst, { kind: 'observation', text: 'Public mirror list at https://example.com/mirrors', handlingCode: 'TLP:CLEAR', factOrAssessment: 'assessment' });
    for (const [type, value] of [['file-digest', 'sha256:' + 'ab'.repeat(32)], ['pdq', 'f'.repeat(63) + '0']] as const) {
      await ptAnalyst.request({ method: 'POST', url: `/api/v1/cases/${caseId}/selectors`, payload: { type, value, handlingCode: 'TLP:AMBER' } });
    }
    await t.services.selectors.recordFromMedia({ actor: systemActor('test', pt) }, { caseId, mediaId: '01900000-0000-7000-8000-0000000000aa', make: 'Canon', serial: '123456789012', handlingCode: 'TLP:AMBER' });
    const btc = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?type=btc` })).json().items[0];
    await ptAnalyst.request({ method: 'PATCH', url: `/api/v1/cases/${caseId}/selectors/${btc.id}`, payload: { status: 'confirmed' } });
  });
  afterAll(async () => t.close());

  async function exportAs(user: TestUser): Promise<{ objects: Obj[]; bundle: Record<string, unknown> }> {
    const res = await user.request({ method: 'GET', url: `/api/v1/cases/${caseId}/export/stix?recipient=Europol`, headers: { 'x-tessera-justification': 'joint analysis' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/stix\+json/);
    const bundle = res.json();
    return { bundle, objects: bundle.objects };
  }

  it('validates every exported object against the OASIS schemas, with integral references', async () => {
    for (const user of [ptAnalyst, esAnalyst]) {
      const { bundle, objects } = await exportAs(user);
      expect(validator.validateBundle(bundle)).toEqual([]);
      const present = new Set(objects.map((o) => o.id));
      for (const o of objects) {
        const refs = [o.created_by_ref, o.source_ref, o.target_ref, ...(o.object_refs ?? []), ...(o.object_marking_refs ?? [])].filter(Boolean);
        for (const ref of refs) expect({ from: o.id, ref, present: present.has(ref) }).toEqual({ from: o.id, ref, present: true });
      }
      expect(new Set(objects.map((o) => o.id)).size).toBe(objects.length);
    }
  });

  it('maps selectors to observables, confirmed ones to indicators, records to notes and reports, with relationships and locations', async () => {
    const { objects } = await exportAs(ptAnalyst);
    const types = new Set(objects.map((o) => o.type));
    for (const type of ['grouping', 'identity', 'location', 'note', 'report', 'relationship', 'indicator', 'url', 'email-addr', 'ipv4-addr', 'ipv6-addr', 'domain-name', 'user-account', 'file', 'x-tessera-selector', 'extension-definition', 'marking-definition']) {
      expect(types, type).toContain(type);
    }
    const value = (type: string, v: string) => objects.find((o) => o.type === type && (o.value === v || o.user_id === v));
    expect(value('domain-name', ONION)).toBeDefined();
    expect(value('user-account', 'darkking@forum.example')).toMatchObject({ account_login: 'darkking', account_type: 'forum.example' });
    expect(objects.filter((o) => o.type === 'x-tessera-selector').map((o) => o.selector_type).sort()).toEqual(['btc', 'camera-serial', 'eth', 'phone', 'xmr']);
    expect(objects.find((o) => o.type === 'file' && o.hashes.PDQ)).toBeDefined();
    const indicator = objects.find((o) => o.type === 'indicator')!;
    expect(indicator.pattern).toBe(`[x-tessera-selector:selector_type = 'btc' AND x-tessera-selector:value = '${BTC}']`);
    const report = objects.find((o) => o.type === 'report')!;
    expect(report).toMatchObject({ name: 'Report on the forum', labels: expect.arrayContaining(['grading:admiralty-6x6:B2', 'kind:report']) });
    const post = objects.find((o) => o.type === 'note' && String(o.abstract).startsWith('Post by darkking@forum.example at 2026-01-02T21:15:00.000Z'));
    expect(post, JSON.stringify(objects.filter((o) => o.type === 'note').map((o) => o.abstract))).toBeDefined();
    expect(post!.object_refs).toContain(value('user-account', 'darkking@forum.example')!.id);
    const related = objects.filter((o) => o.type === 'relationship' && o.source_ref === value('user-account', 'darkking@forum.example')!.id).map((o) => o.target_ref);
    expect(related).toContain(value('domain-name', ONION)!.id);
    const phone = objects.find((o) => o.type === 'x-tessera-selector' && o.selector_type === 'phone')!;
    const phoneCountry = objects.find((o) => o.type === 'relationship' && o.source_ref === phone.id)!;
    expect(objects.find((o) => o.id === phoneCountry.target_ref)).toMatchObject({ type: 'location', country: 'PT' });
    const grouping = objects.find((o) => o.type === 'grouping')!;
    expect(grouping.name).toBe('PT-STIX: Forum admin');
  });

  it('marks every object with exactly one TLP 2.0 marking and carries SIENA restrictions as statements', async () => {
    const { objects } = await exportAs(ptAnalyst);
    for (const o of objects.filter((x) => x.type !== 'marking-definition')) {
      const tlp = (o.object_marking_refs ?? []).filter((r: string) => TLP_IDS.has(r));
      expect({ id: o.id, tlp: tlp.length }).toEqual({ id: o.id, tlp: 1 });
    }
    const report = objects.find((o) => o.type === 'report')!;
    expect(report.object_marking_refs[0]).toBe(TLP_STIX_MARKING_IDS['TLP:GREEN']);
    const statements = report.object_marking_refs.slice(1).map((id: string) => objects.find((o) => o.id === id)!.definition.statement);
    expect(statements).toEqual(['SIENA H0: Use only to prevent and combat crime', 'SIENA H3 (other restrictions): Ask before use in court']);
  });

  it('never exports TLP:RED; AMBER+STRICT and H2 only for the originator agency; logs the disclosure', async () => {
    const text = (objects: Obj[]) => JSON.stringify(objects);
    const ptExport = await exportAs(ptAnalyst);
    expect(text(ptExport.objects)).not.toContain('secret@example.net');
    expect(text(ptExport.objects)).not.toContain('informant');
    expect(text(ptExport.objects)).toContain('uc-agent@example.org');
    expect(text(ptExport.objects)).toContain('198.51.100.23');
    expect(ptExport.objects.some((o) => (o.object_marking_refs ?? []).includes(TLP_STIX_MARKING_IDS['TLP:RED']))).toBe(false);

    const esExport = await exportAs(esAnalyst);
    expect(text(esExport.objects)).not.toContain('uc-agent@example.org');
    expect(text(esExport.objects)).not.toContain('198.51.100.23');
    expect(text(esExport.objects)).toContain('Public mirror list');

    const [event] = await t.services.audit.list({ caseId, action: 'case.export.stix', limit: 1 });
    expect(event).toMatchObject({ operation: 'disclosure', recipients: ['Europol'], justification: 'joint analysis', agencyId: es });
    expect(event!.details!.records).not.toContain(ids.strict);
    const prosecutor = await t.user(pt, ['prosecutor']);
    expect((await prosecutor.request({ method: 'GET', url: `/api/v1/cases/${caseId}/export/stix` })).statusCode).toBe(403);
  });

  it('keeps the ids of a re-export stable', async () => {
    const a = (await exportAs(ptAnalyst)).objects.map((o) => o.id).sort();
    const b = (await exportAs(ptAnalyst)).objects.map((o) => o.id).sort();
    expect(b).toEqual(a);
  });
});
