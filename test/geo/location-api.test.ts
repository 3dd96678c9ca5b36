import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACTIVITY_PARAMS } from '../../src/geo/activity-offsets.js';
import { syntheticTimes } from '../../src/geo/synthetic-activity.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';
import { cameraPicture, identityId, importPosts, ingestPictures, localIso } from './support.js';

const office = DEFAULT_ACTIVITY_PARAMS.profiles.reduce((a, b) => (b.label.startsWith('office') ? b : a)).hourOfWeek;
const PT_TEXTS = [
  'Estou a carregar o ficheiro para o servidor, espera um bocado.',
  'A minha equipa viu isso ontem, de facto.',
  'Apanhei o autocarro e fiquei sem rede no telemóvel.',
  'O utilizador novo não consegue aceder ao ecrã de registo.',
  'Vou estar a trabalhar nisso durante a tarde.',
];
const LISBON = { lat: 38.7223, lon: -9.1393 };
const MADRID = { lat: 40.4168, lon: -3.7038 };

type Item = { id: string; kind: string; origin: string; enabled: boolean; label: string; detail: Record<string, unknown>; sourceCount: number; contribution: { summary: string; usable: boolean; topProbabilityWithoutThisItem: number } };
type View = {
  id: string;
  version: number;
  audience: string;
  current: { version: number; reason: string; createdBy: string };
  can: { edit: boolean };
  evidence: Item[];
  result: { countries: { code: string; probability: number; numeric: string | null }[]; credibleSet: string[]; explanation: string; assumptions: string[]; activity: { charts: { hourOfDayLocal: number[]; hourOfWeekLocal: number[]; fittedHourOfWeekLocal: number[] } }[] };
};

const p = (v: View, code: string) => v.result.countries.find((c) => c.code === code)!.probability;
const item = (v: View, id: string) => v.evidence.find((e) => e.id === id);

describe.each(testDialects)('location assessments API (%s)', (dialect) => {
  let t: TestApp;
  let ptAgency: string;
  let ptInvestigator: TestUser;
  let ptAnalyst: TestUser;
  let ptAdmin: TestUser;
  let esInvestigator: TestUser;
  let esAnalyst: TestUser;
  let esProsecutor: TestUser;
  let frInvestigator: TestUser;
  let caseId: string;
  let adminId: string;
  let redIdentityId: string;
  let shared: View;
  let own: View;
  const url = (rest = '') => `/api/v1/cases/${caseId}/location-assessments${rest}`;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    ptAgency = await t.agency('PJ', 'PT');
    const es = await t.agency('Policía Nacional', 'ES');
    const fr = await t.agency('OFMIN', 'FR');
    ptInvestigator = await t.user(ptAgency, ['investigator']);
    ptAnalyst = await t.user(ptAgency, ['analyst']);
    ptAdmin = await t.user(ptAgency, ['admin']);
    esInvestigator = await t.user(es, ['investigator']);
    esAnalyst = await t.user(es, ['analyst']);
    esProsecutor = await t.user(es, ['prosecutor']);
    frInvestigator = await t.user(fr, ['investigator', 'analyst']);
    const newCase = async (reference: string, esAccess?: string) => {
      const id = (await ptInvestigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference, title: reference } })).json().id as string;
      if (esAccess) expect((await ptInvestigator.request({ method: 'PUT', url: `/api/v1/cases/${id}/participants/${es}`, payload: { access: esAccess } })).statusCode).toBe(200);
      return id;
    };
    caseId = await newCase('LOC-1', 'contribute');
    const onlyPt = await newCase('LOC-2');
    const withEs = await newCase('LOC-3', 'contribute');

    // 150-odd posts of one forum administrator living in Lisbon, in European Portuguese, and a few of someone else.
    const times = syntheticTimes({ zone: 'Europe/Lisbon', from: Date.UTC(2024, 1, 1) / 1000, days: 100, perDay: 1.5, hourOfWeek: office, seed: 21 });
    const posts = times.map((s, i) => ({ author: 'admin', time: localIso('Europe/Lisbon', s), text: PT_TEXTS[i % PT_TEXTS.length]! }));
    posts.push({ author: 'visitor', time: '2024-03-01T12:00:00Z', text: 'Estou carregando o arquivo pelo celular.' });
    await importPosts(t, ptAgency, caseId, posts);
    adminId = await identityId(ptAnalyst, caseId, 'admin@forum.example');
    // One post only the Portuguese agency may see.
    const red = await ptAnalyst.request({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/records`,
      payload: { kind: 'post', text: 'Mensagem reservada.', handlingCode: 'TLP:RED', dataSubject: 'suspect', identityId: adminId, occurredAt: '2024-04-02T21:10:00+01:00' },
    });
    expect(red.statusCode, red.body).toBe(201);
    const redIdentity = await ptAnalyst.request({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/records`,
      payload: { kind: 'online-identity', text: 'A handle from a restricted source.', subject: 'hidden@forum.example', handlingCode: 'TLP:RED', dataSubject: 'suspect' },
    });
    redIdentityId = redIdentity.json().id;

    // The case's seized pictures: two taken in Lisbon, winter and summer offsets; two camera serials.
    await ingestPictures(t, ptInvestigator, caseId, [
      { name: 'a.jpg', content: await cameraPicture(301, { serial: 'SN-LINK-1', takenAt: '2024:01:10 10:00:00', offset: '+00:00', gps: LISBON }) },
      { name: 'b.jpg', content: await cameraPicture(302, { serial: 'SN-LINK-2', takenAt: '2024:07:10 18:00:00', offset: '+01:00', gps: LISBON }) },
      { name: 'c.jpg', content: await cameraPicture(303, { takenAt: '2024:07:11 18:00:00', offset: '+01:00' }) },
    ]);
    // The same cameras in other cases: LOC-2 (Portugal alone) places SN-LINK-1 in Madrid; LOC-3 (Spain takes part)
    // holds SN-LINK-2 on a device the Spanish agency ingested.
    await ingestPictures(t, ptInvestigator, onlyPt, [{ name: 'm.jpg', content: await cameraPicture(304, { serial: 'SN-LINK-1', gps: MADRID }) }]);
    await ingestPictures(t, esInvestigator, withEs, [{ name: 's.jpg', content: await cameraPicture(305, { serial: 'SN-LINK-2' }) }]);
  });
  afterAll(async () => t.close());

  it('creates an assessment of an identity from the case posts and media, for every participating agency', async () => {
    const res = await ptAnalyst.request({ method: 'POST', url: url(), payload: { subject: { type: 'identity', identityId: adminId } } });
    expect(res.statusCode, res.body).toBe(201);
    shared = res.json();
    expect(shared).toMatchObject({ version: 1, audience: 'case', subject: { type: 'identity', identityId: adminId, label: 'admin@forum.example' }, current: { reason: 'created' }, can: { edit: true } });
    const ids = shared.evidence.map((e) => e.id);
    // Only TLP:AMBER posts: the TLP:RED one is not for every participant.
    const activity = item(shared, 'activity-posts')!;
    expect(activity.detail.events).toBeGreaterThan(100);
    const amberPosts = activity.detail.events as number;
    expect(item(shared, 'language-posts')!.detail.texts).toBe(amberPosts);
    expect(item(shared, 'gps-PT')).toMatchObject({ kind: 'gps', origin: 'media', detail: { country: 'PT', mediaCount: 2 }, sourceCount: 2 });
    expect(ids).toEqual(expect.arrayContaining(['offset-p0-oct-mar', 'offset-p60-apr-sep']));
    expect(item(shared, 'offset-p60-apr-sep')!.detail.mediaCount).toBe(2);
    // LOC-3 is shared with Spain, so its serial is cited (seized by the Spanish agency); LOC-2 is not.
    const serials = shared.evidence.filter((e) => e.kind === 'camera-serial');
    expect(serials).toHaveLength(1);
    expect(serials[0]).toMatchObject({ origin: 'other-cases', detail: { serial: 'SN-LINK-2', countries: ['ES'], cases: ['LOC-3'], confidence: 0.5 } });
    expect(shared.result.countries[0]!.code).toBe('PT');
    expect(shared.result.credibleSet).toContain('PT');
    expect(p(shared, 'PT')).toBeGreaterThan(0.9);
    expect(shared.result.countries.find((c) => c.code === 'PT')!.numeric).toBe('620');
    expect(shared.result.explanation).toMatch(/European Portuguese/);
    expect(shared.result.assumptions.length).toBeGreaterThan(3);
    const charts = shared.result.activity[0]!.charts;
    expect(charts.hourOfDayLocal).toHaveLength(24);
    expect(charts.fittedHourOfWeekLocal).toHaveLength(168);
    expect(charts.hourOfWeekLocal.reduce((a, b) => a + b, 0)).toBe(amberPosts);
    for (const e of shared.evidence) expect(e.contribution.summary.length).toBeGreaterThan(0);
  });

  it("an agency's own assessment also uses its restricted records and the cases only it takes part in; others never see it", async () => {
    const res = await ptAnalyst.request({ method: 'POST', url: url(), payload: { subject: { type: 'identity', identityId: adminId }, audience: 'agency', title: 'PJ only' } });
    expect(res.statusCode, res.body).toBe(201);
    own = res.json();
    expect(item(own, 'activity-posts')!.detail.events).toBe((item(shared, 'activity-posts')!.detail.events as number) + 1);
    const serials = own.evidence.filter((e) => e.kind === 'camera-serial').map((e) => e.detail);
    expect(serials).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ serial: 'SN-LINK-1', countries: ['ES'], cases: ['LOC-2'], confidence: 0.8 }),
        expect.objectContaining({ serial: 'SN-LINK-2', countries: ['ES'], cases: ['LOC-3'] }),
      ]),
    );
    expect((await esAnalyst.request({ method: 'GET', url: url(`/${own.id}`) })).statusCode).toBe(404);
    expect((await esAnalyst.request({ method: 'PATCH', url: url(`/${own.id}`), payload: { title: 'mine now' } })).statusCode).toBe(404);
    const esList = (await esAnalyst.request({ method: 'GET', url: url() })).json() as { id: string }[];
    expect(esList.map((a) => a.id)).toEqual([shared.id]);
    const ptList = (await ptAnalyst.request({ method: 'GET', url: url() })).json() as { id: string; top: { code: string } }[];
    expect(ptList.map((a) => a.id).sort()).toEqual([shared.id, own.id].sort());
    expect(ptList[0]!.top.code).toBe('PT');
  });

  it('a restricted identity cannot be the subject of an assessment for the whole case', async () => {
    const res = await ptAnalyst.request({ method: 'POST', url: url(), payload: { subject: { type: 'identity', identityId: redIdentityId } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('identity-restricted');
    // Spain cannot even name it.
    const es = await esAnalyst.request({ method: 'POST', url: url(), payload: { subject: { type: 'identity', identityId: redIdentityId }, audience: 'agency' } });
    expect(es.json().code).toBe('unknown-identity');
    const ok = await ptAnalyst.request({ method: 'POST', url: url(), payload: { subject: { type: 'identity', identityId: redIdentityId }, audience: 'agency' } });
    expect(ok.statusCode).toBe(201);
  });

  it('switching an item off makes a new version, re-ranks, and shows what the item would add', async () => {
    const before = p(shared, 'PT');
    const res = await esAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}/items/gps-PT`), payload: { enabled: false } });
    expect(res.statusCode, res.body).toBe(200);
    const off: View = res.json();
    expect(off.version).toBe(2);
    expect(off.current).toMatchObject({ version: 2, reason: 'edited' });
    expect(item(off, 'gps-PT')!.enabled).toBe(false);
    expect(p(off, 'PT')).toBeLessThan(before);
    // The contribution of a disabled item is the top probability with it added back.
    expect(item(off, 'gps-PT')!.contribution.topProbabilityWithoutThisItem).toBeGreaterThan(p(off, off.result.countries[0]!.code));
    const on: View = (await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}`), payload: { enabled: { 'gps-PT': true, 'language-posts': false } } })).json();
    expect(on.version).toBe(3);
    expect(item(on, 'gps-PT')!.enabled).toBe(true);
    expect(item(on, 'language-posts')!.enabled).toBe(false);
    shared = (await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}`), payload: { enabled: { 'language-posts': true }, expectedVersion: 3 } })).json();
    expect(shared.version).toBe(4);
    const stale = await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}`), payload: { enabled: { 'gps-PT': false }, expectedVersion: 3 } });
    expect(stale.statusCode).toBe(409);
  });

  it('analyst items are added, changed and removed, each a version', async () => {
    const add = await ptAnalyst.request({
      method: 'POST',
      url: url(`/${shared.id}/items`),
      payload: { kind: 'clue', text: 'Type F socket behind the desk', countries: ['PT', 'ES', 'FR', 'DE'], confidence: 0.6 },
    });
    expect(add.statusCode, add.body).toBe(201);
    const added: View = add.json();
    const clue = added.evidence.find((e) => e.origin === 'analyst')!;
    expect(clue).toMatchObject({ kind: 'clue', label: 'Type F socket behind the desk', enabled: true, detail: { countries: ['PT', 'ES', 'FR', 'DE'], confidence: 0.6 } });
    expect(added.version).toBe(5);
    const changed: View = (
      await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}/items/${clue.id}`), payload: { item: { kind: 'clue', text: 'Type F socket', countries: ['PT'], confidence: 0.7 } } })
    ).json();
    expect(item(changed, clue.id)).toMatchObject({ label: 'Type F socket', detail: { countries: ['PT'] } });
    expect((await ptAnalyst.request({ method: 'DELETE', url: url(`/${shared.id}/items/gps-PT`) })).json().code).toBe('not-analyst-item');
    expect((await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}/items/gps-PT`), payload: { item: { kind: 'gps', lat: 1, lon: 1 } } })).json().code).toBe('not-analyst-item');
    const removed: View = (await ptAnalyst.request({ method: 'DELETE', url: url(`/${shared.id}/items/${clue.id}`) })).json();
    expect(item(removed, clue.id)).toBeUndefined();
    expect(removed.version).toBe(7);
    shared = removed;
  });

  it('new evidence in the case is picked up when the assessment is next read, once', async () => {
    const events = item(shared, 'activity-posts')!.detail.events as number;
    const post = await ptAnalyst.request({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/records`,
      payload: { kind: 'post', text: 'Já enviei o ficheiro.', handlingCode: 'TLP:GREEN', dataSubject: 'suspect', identityId: adminId, occurredAt: '2024-06-01T20:30:00+01:00' },
    });
    expect(post.statusCode).toBe(201);
    const read: View = (await esProsecutor.request({ method: 'GET', url: url(`/${shared.id}`) })).json();
    expect(read.version).toBe(shared.version + 1);
    expect(read.current.reason).toBe('evidence-changed');
    expect(read.current.createdBy).toBe('system:location:evidence-changed');
    expect(read.can.edit).toBe(false);
    expect(item(read, 'activity-posts')!.detail.events).toBe(events + 1);
    const again: View = (await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}`) })).json();
    expect(again.version).toBe(read.version);
    // Erasing the post is a change too.
    expect((await ptAnalyst.request({ method: 'DELETE', url: `/api/v1/cases/${caseId}/records/${post.json().id}`, payload: { reason: 'entered twice' } })).statusCode).toBe(204);
    const after: View = (await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}`) })).json();
    expect(after.version).toBe(read.version + 1);
    expect(item(after, 'activity-posts')!.detail.events).toBe(events);
    shared = after;
  });

  it('recomputes on demand, and changes the prior', async () => {
    const res = await ptAnalyst.request({ method: 'POST', url: url(`/${shared.id}/recompute`) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().current).toMatchObject({ version: shared.version + 1, reason: 'recomputed', createdBy: ptAnalyst.username });
    const uniform: View = (await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}`), payload: { countryPrior: 'uniform' } })).json();
    expect(uniform).toMatchObject({ countryPrior: 'uniform', version: shared.version + 2 });
    const renamed: View = (await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}`), payload: { title: 'Forum admin' } })).json();
    expect(renamed).toMatchObject({ title: 'Forum admin', version: uniform.version });
    shared = renamed;
  });

  it('lists versions, reads an old one back and compares two', async () => {
    const versions = (await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}/versions`) })).json() as { version: number; reason: string; items: number; enabledItems: number; top: { code: string } }[];
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: shared.version }, (_, i) => shared.version - i));
    expect(versions.at(-1)).toMatchObject({ version: 1, reason: 'created', top: { code: 'PT' } });
    expect(versions.find((v) => v.version === 2)!.enabledItems).toBe(versions.find((v) => v.version === 2)!.items - 1);
    const first = (await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}/versions/1`) })).json() as View;
    expect(item(first, 'gps-PT')!.enabled).toBe(true);
    const compared = (await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}/compare?from=1&to=2`) })).json();
    expect(compared.from.version).toBe(1);
    expect(compared.to.version).toBe(2);
    expect(compared.evidence).toEqual([expect.objectContaining({ id: 'gps-PT', change: 'switched-off' })]);
    const pt = compared.countries.find((c: { code: string }) => c.code === 'PT');
    expect(pt.change).toBeLessThan(0);
    const added = (await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}/compare?from=4&to=5`) })).json();
    expect(added.evidence.map((e: { change: string }) => e.change)).toEqual(['added']);
    expect((await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}/versions/999`) })).statusCode).toBe(404);
    expect((await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}/compare?from=1&to=999`) })).statusCode).toBe(404);
  });

  it('assesses the case as a whole from every post in it', async () => {
    const res = await esAnalyst.request({ method: 'POST', url: url(), payload: { subject: { type: 'case' }, countryPrior: 'uniform', items: [{ kind: 'gps', lat: 38.72, lon: -9.14 }] } });
    expect(res.statusCode, res.body).toBe(201);
    const whole: View = res.json();
    expect(whole).toMatchObject({ subject: { type: 'case', identityId: null, label: 'LOC-1' }, ownerAgencyName: 'Policía Nacional' });
    expect(item(whole, 'activity-posts')!.detail.events).toBe((item(shared, 'activity-posts')!.detail.events as number) + 1);
    expect(whole.evidence.filter((e) => e.origin === 'analyst')).toHaveLength(1);
  });

  it('keeps others out: 404 outside the case, 403 without a case role or write access', async () => {
    expect((await frInvestigator.request({ method: 'GET', url: url() })).statusCode).toBe(404);
    expect((await frInvestigator.request({ method: 'GET', url: url(`/${shared.id}`) })).statusCode).toBe(404);
    expect((await ptAdmin.request({ method: 'GET', url: url(`/${shared.id}`) })).statusCode).toBe(403);
    expect((await esProsecutor.request({ method: 'PATCH', url: url(`/${shared.id}`), payload: { title: 'x' } })).statusCode).toBe(403);
    expect((await esProsecutor.request({ method: 'POST', url: url(), payload: { subject: { type: 'case' } } })).statusCode).toBe(403);
    // An assessment of another case is not found through this one.
    const other = (await ptInvestigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'LOC-9', title: 'x' } })).json().id;
    expect((await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${other}/location-assessments/${shared.id}` })).statusCode).toBe(404);
  });

  it('refuses bad input with a reason', async () => {
    const post = (payload: unknown) => ptAnalyst.request({ method: 'POST', url: url(), payload: payload as object });
    const anyPost = ((await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/records?kind=post&limit=1` })).json().items as { id: string }[])[0]!.id;
    expect((await post({ subject: { type: 'identity', identityId: anyPost } })).json().code).toBe('unknown-identity');
    expect((await post({ subject: { type: 'identity', identityId: '00000000-0000-7000-8000-000000000000' } })).json().code).toBe('unknown-identity');
    expect((await post({ subject: { type: 'case' }, extra: 1 })).statusCode).toBe(400);
    expect((await post({ subject: { type: 'case' }, audience: 'everyone' })).statusCode).toBe(400);
    expect((await post({ subject: { type: 'planet' } })).statusCode).toBe(400);
    const items = (payload: unknown) => ptAnalyst.request({ method: 'POST', url: url(`/${shared.id}/items`), payload: payload as object });
    expect((await items({ kind: 'clue', text: 'x', countries: ['XX'], confidence: 0.5 })).json().code).toBe('unknown-country');
    expect((await items({ kind: 'clue', text: 'x', countries: ['PT'], confidence: 2 })).statusCode).toBe(400);
    expect((await items({ kind: 'gps', lat: 91, lon: 0 })).statusCode).toBe(400);
    expect((await items({ kind: 'activity', times: ['yesterday'] })).statusCode).toBe(400);
    expect((await items({ kind: 'camera-serial', serial: 'S', countries: [] })).statusCode).toBe(400);
    expect((await items({ kind: 'weather' })).statusCode).toBe(400);
    const patch = (payload: unknown) => ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}`), payload: payload as object });
    expect((await patch({})).statusCode).toBe(400);
    expect((await patch({ expectedVersion: shared.version })).json().code).toBe('empty-patch');
    expect((await patch({ enabled: { nothing: false } })).json().code).toBe('unknown-item');
    expect((await patch({ enabled: { 'bad id!': false } })).statusCode).toBe(400);
    expect((await ptAnalyst.request({ method: 'PATCH', url: url(`/${shared.id}/items/nothing`), payload: { enabled: false } })).statusCode).toBe(404);
    expect((await ptAnalyst.request({ method: 'GET', url: url(`/${shared.id}/compare?from=0&to=1`) })).statusCode).toBe(400);
    expect((await ptAnalyst.request({ method: 'DELETE', url: url(`/${shared.id}`), payload: {} })).statusCode).toBe(400);
  });

  it('records reads, combinations and alterations in the audit trail; erasure hides the assessment', async () => {
    const events = await t.store.db.selectFrom('audit_events').select(['operation', 'action']).where('object_type', '=', 'location-assessment').execute();
    const seen = new Set(events.map((e) => `${e.operation} ${e.action}`));
    for (const expected of [
      'combination location.create',
      'combination location.recompute',
      'consultation location.read',
      'consultation location.list',
      'consultation location.versions',
      'consultation location.compare',
      'alteration location.update',
      'alteration location.item.add',
      'alteration location.item.remove',
    ]) {
      expect(seen).toContain(expected);
    }
    const gone = await ptAnalyst.request({ method: 'DELETE', url: url(`/${own.id}`), payload: { reason: 'superseded by the shared one' } });
    expect(gone.statusCode).toBe(204);
    expect((await ptAnalyst.request({ method: 'GET', url: url(`/${own.id}`) })).statusCode).toBe(404);
    expect(((await ptAnalyst.request({ method: 'GET', url: url() })).json() as { id: string }[]).map((a) => a.id)).not.toContain(own.id);
    const erasure = await t.store.db.selectFrom('audit_events').select(['operation', 'justification']).where('action', '=', 'location.delete').executeTakeFirstOrThrow();
    expect(erasure).toEqual({ operation: 'erasure', justification: 'superseded by the shared one' });
  });
});
