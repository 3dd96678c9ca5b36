import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/identity/actor.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';

const ONION = 's5xdj3bxtyxemztk4v4dnhugbkfgjfkf6xbkwe5flp3t6bz2jepi3zid.onion';
const BTC = 'bc1qttv0zjh9um0cvv8k6x7q42q0ygq90zskjgtll9';

const record = (over: Record<string, unknown> = {}) => ({
  kind: 'observation',
  text: `Admin "darkking" runs http://${ONION}/ and takes payments to ${BTC}; contact darkking@telegram`,
  handlingCode: 'TLP:AMBER',
  dataSubject: 'suspect',
  ...over,
});

describe.each(testDialects)('intelligence records API on %s', (dialect) => {
  let t: TestApp;
  let pt: string;
  let es: string;
  let ptInvestigator: TestUser;
  let ptAnalyst: TestUser;
  let esAnalyst: TestUser;
  let esReader: TestUser;
  let frInvestigator: TestUser;
  let caseId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    pt = await t.agency('Polícia Judiciária', 'PT');
    es = await t.agency('Policía Nacional', 'ES');
    const fr = await t.agency('OFMIN', 'FR');
    ptInvestigator = await t.user(pt, ['investigator']);
    ptAnalyst = await t.user(pt, ['analyst'], { via: 'token' });
    esAnalyst = await t.user(es, ['analyst']);
    esReader = await t.user(es, ['prosecutor']);
    frInvestigator = await t.user(fr, ['investigator']);
    caseId = (
      await ptInvestigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-INT-1', title: 'Forum admin', participants: [{ agencyId: es, access: 'contribute' }] } })
    ).json().id;
  });
  afterAll(async () => t.close());

  const url = (path = '') => `/api/v1/cases/${caseId}/records${path}`;

  it('records intelligence with its grading, handling and data-subject category, and suggests its selectors', async () => {
    const res = await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ grading: { scheme: 'europol-4x4', source: 'B', information: '2' } }) });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      kind: 'observation',
      originatorAgencyId: pt,
      authorName: ptInvestigator.username,
      grading: { scheme: 'europol-4x4', source: 'B', information: '2' },
      gradingText: 'B2',
      handlingCode: 'TLP:AMBER',
      dataSubject: 'suspect',
      factOrAssessment: 'fact',
      version: 1,
      can: { edit: true, delete: true },
    });
    const selectors = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors` })).json();
    const values = selectors.items.map((s: { type: string; normalised: string; status: string }) => `${s.type}:${s.normalised}:${s.status}`);
    expect(values).toEqual(expect.arrayContaining([`onion:${ONION}:suggested`, `btc:${BTC}:suggested`, 'handle:darkking@telegram:suggested']));
    const events = await t.services.audit.list({ caseId, action: 'record.create' });
    expect(events[0]).toMatchObject({ operation: 'collection', objectId: body.id });
  });

  it('stores Admiralty and UK gradings with their scheme, never converted', async () => {
    const admiralty = await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'note', text: 'graded', grading: { scheme: 'admiralty-6x6', source: 'E', information: '5' } }) });
    expect(admiralty.json()).toMatchObject({ grading: { scheme: 'admiralty-6x6', source: 'E', information: '5' }, gradingText: 'E5' });
    const uk = await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'note', text: 'graded', grading: { scheme: 'uk-3x5x2', source: 'A', information: '1', handling: 'P' } }) });
    expect(uk.json()).toMatchObject({ grading: { scheme: 'uk-3x5x2' }, gradingText: 'A1P' });
    const wrong = await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ grading: { scheme: 'europol-4x4', source: 'E', information: '5' } }) });
    expect(wrong.statusCode).toBe(400);
  });

  it('enforces handling codes on view: RED and AMBER+STRICT stay with the originator agency', async () => {
    const red = (await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'note', text: 'red note about admin@example.org', handlingCode: 'TLP:RED' }) })).json();
    const strict = (await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'note', text: 'strict note', handlingCode: 'TLP:AMBER+STRICT' }) })).json();
    const green = (await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'note', text: 'green note', handlingCode: 'TLP:GREEN' }) })).json();

    const seenByEs = (await esAnalyst.request({ method: 'GET', url: url('?limit=500') })).json().items.map((r: { id: string }) => r.id);
    expect(seenByEs).toContain(green.id);
    expect(seenByEs).not.toContain(red.id);
    expect(seenByEs).not.toContain(strict.id);
    expect((await esAnalyst.request({ method: 'GET', url: url(`/${red.id}`) })).statusCode).toBe(404);
    expect((await esAnalyst.request({ method: 'GET', url: url(`/${strict.id}`) })).statusCode).toBe(404);
    expect((await ptAnalyst.request({ method: 'GET', url: url(`/${red.id}`) })).statusCode).toBe(200);

    // The RED record's e-mail is not even a selector the other agency can see.
    const esSelectors = (await esAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?type=email` })).json();
    expect(esSelectors.items).toEqual([]);
    const ptSelectors = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?type=email` })).json();
    expect(ptSelectors.items.map((s: { normalised: string }) => s.normalised)).toEqual(['admin@example.org']);
  });

  it('logs every view of a record as a consultation with the justification', async () => {
    const created = (await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'note', text: 'viewed' }) })).json();
    const before = (await t.services.audit.list({ caseId, action: 'record.read' })).length;
    await esAnalyst.request({ method: 'GET', url: url(`/${created.id}`), headers: { 'x-tessera-justification': 'deconfliction' } });
    await esAnalyst.request({ method: 'GET', url: url(`/${created.id}`) });
    const reads = await t.services.audit.list({ caseId, action: 'record.read' });
    expect(reads.length).toBe(before + 2);
    expect(reads[1]).toMatchObject({ operation: 'consultation', objectId: created.id, agencyId: es, justification: 'deconfliction' });
    await esAnalyst.request({ method: 'GET', url: url('?q=viewed') });
    const [list] = await t.services.audit.list({ caseId, action: 'record.list' });
    expect(list!.details).toMatchObject({ recordIds: [created.id] });
  });

  it('keeps every version on edit, with who and when, and refuses stale edits', async () => {
    const created = (await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'report', text: 'first text 203.0.113.7' }) })).json();
    const edited = await ptAnalyst.request({ method: 'PATCH', url: url(`/${created.id}`), payload: { text: 'second text 198.51.100.9', expectedVersion: 1, factOrAssessment: 'assessment' } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, text: 'second text 198.51.100.9', factOrAssessment: 'assessment', updatedBy: ptAnalyst.username });
    const stale = await ptInvestigator.request({ method: 'PATCH', url: url(`/${created.id}`), payload: { text: 'third', expectedVersion: 1 } });
    expect(stale.statusCode).toBe(409);

    const versions = (await ptInvestigator.request({ method: 'GET', url: url(`/${created.id}/versions`) })).json();
    expect(versions.map((v: { version: number; text: string; savedBy: string }) => [v.version, v.text, v.savedBy])).toEqual([
      [1, 'first text 203.0.113.7', ptInvestigator.username],
      [2, 'second text 198.51.100.9', ptAnalyst.username],
    ]);
    // The edit re-extracts: the old address is no longer suggested, the new one is.
    const ips = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?type=ip` })).json().items.map((s: { normalised: string }) => s.normalised);
    expect(ips).toContain('198.51.100.9');
    expect(ips).not.toContain('203.0.113.7');
    expect((await t.services.audit.list({ caseId, action: 'record.update' }))[0]).toMatchObject({ operation: 'alteration', details: { fields: ['text', 'fact_or_assessment'], version: 2 } });
  });

  it('lets only the originator agency edit or erase, and erases softly with a logged reason', async () => {
    const created = (await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'note', text: 'to erase' }) })).json();
    const asEs = (await esAnalyst.request({ method: 'GET', url: url(`/${created.id}`) })).json();
    expect(asEs.can).toEqual({ edit: false, delete: false });
    expect((await esAnalyst.request({ method: 'PATCH', url: url(`/${created.id}`), payload: { text: 'mine now' } })).statusCode).toBe(403);
    expect((await esAnalyst.request({ method: 'DELETE', url: url(`/${created.id}`), payload: { reason: 'not ours' } })).statusCode).toBe(403);
    expect((await esReader.request({ method: 'POST', url: url(), payload: record() })).statusCode).toBe(403);

    const erased = await ptInvestigator.request({ method: 'DELETE', url: url(`/${created.id}`), payload: { reason: 'recorded in the wrong case' } });
    expect(erased.statusCode).toBe(204);
    expect((await ptInvestigator.request({ method: 'GET', url: url(`/${created.id}`) })).statusCode).toBe(404);
    const row = await t.store.db.selectFrom('records').select(['deleted_at', 'deletion_reason']).where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.deletion_reason).toBe('recorded in the wrong case');
    expect((await t.services.audit.list({ caseId, action: 'record.delete' }))[0]).toMatchObject({ operation: 'erasure', objectId: created.id, details: { reason: 'recorded in the wrong case' } });
  });

  it('keeps one online identity per handle, and files posts under it', async () => {
    const identity = await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'online-identity', text: 'Forum admin', subject: 'https://t.me/NightOwl_77' }) });
    expect(identity.statusCode).toBe(201);
    expect(identity.json().subject).toBe('nightowl_77@telegram');
    const again = await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'online-identity', text: 'dup', subject: 'nightowl_77@telegram' }) });
    expect(again.statusCode).toBe(409);
    const bad = await ptInvestigator.request({ method: 'POST', url: url(), payload: record({ kind: 'online-identity', text: 'x', subject: 'not a handle' }) });
    expect(bad.statusCode).toBe(400);
    const post = await ptInvestigator.request({
      method: 'POST',
      url: url(),
      payload: record({ kind: 'post', text: 'ping @helper_bot for the link', identityId: identity.json().id, occurredAt: '2026-03-01T21:15:00+01:00' }),
    });
    expect(post.json()).toMatchObject({ identityId: identity.json().id, occurredAt: '2026-03-01T20:15:00.000Z' });
    // A bare mention in a post counts as a handle on the identity's platform.
    const handles = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?type=handle` })).json().items.map((s: { normalised: string }) => s.normalised);
    expect(handles).toEqual(expect.arrayContaining(['nightowl_77@telegram', 'helper_bot@telegram']));
  });

  it('answers strangers with 404, read-only participants and admins with 403, bad input with 400', async () => {
    expect((await frInvestigator.request({ method: 'GET', url: url() })).statusCode).toBe(404);
    expect((await frInvestigator.request({ method: 'POST', url: url(), payload: record() })).statusCode).toBe(404);
    const admin = await t.user(pt, ['admin']);
    expect((await admin.request({ method: 'GET', url: url() })).statusCode).toBe(403);
    for (const payload of [
      { ...record(), extra: 1 },
      { ...record(), kind: 'rumour' },
      { ...record(), handlingCode: 'TLP:WHITE' },
      { ...record(), dataSubject: 'bystander' },
      { ...record(), handlingRestrictions: [{ code: 'H3' }] },
      { ...record(), occurredAt: 'yesterday' },
      { ...record(), text: 'x'.repeat(100_001) },
    ]) {
      const res = await ptInvestigator.request({ method: 'POST', url: url(), payload });
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
    }
    expect((await ptInvestigator.request({ method: 'PATCH', url: url('/00000000-0000-7000-8000-000000000000'), payload: { text: 'x' } })).statusCode).toBe(404);
  });

  it('lets the analyst confirm, dismiss and enter selectors', async () => {
    const list = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?status=suggested&type=btc` })).json();
    const btc = list.items[0];
    const confirmed = await ptAnalyst.request({ method: 'PATCH', url: `/api/v1/cases/${caseId}/selectors/${btc.id}`, payload: { status: 'confirmed' } });
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', decidedBy: ptAnalyst.username });
    const dismissed = await esAnalyst.request({ method: 'PATCH', url: `/api/v1/cases/${caseId}/selectors/${btc.id}`, payload: { status: 'dismissed' } });
    expect(dismissed.json().status).toBe('dismissed');
    expect((await esReader.request({ method: 'PATCH', url: `/api/v1/cases/${caseId}/selectors/${btc.id}`, payload: { status: 'confirmed' } })).statusCode).toBe(403);

    const manual = await ptAnalyst.request({ method: 'POST', url: `/api/v1/cases/${caseId}/selectors`, payload: { type: 'phone', value: '912 345 678', handlingCode: 'TLP:AMBER' } });
    expect(manual.statusCode).toBe(201);
    expect(manual.json()).toMatchObject({ type: 'phone', normalised: '+351912345678', status: 'confirmed', origin: 'manual' });
    const invalid = await ptAnalyst.request({ method: 'POST', url: `/api/v1/cases/${caseId}/selectors`, payload: { type: 'eth', value: '0x47717F0A91fF25d4FF6B2721fa2827e728e24E15', handlingCode: 'TLP:AMBER' } });
    expect(invalid.statusCode).toBe(400);

    const sources = (await esAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors/${btc.id}/sources` })).json();
    expect(sources.length).toBeGreaterThan(0);
    expect(sources[0].excerpt).toContain(BTC);

    const preview = await esAnalyst.request({ method: 'POST', url: '/api/v1/selectors/extract', payload: { text: `pay ${BTC} or call 912 345 678`, region: 'PT' } });
    expect(preview.json().items.map((s: { type: string }) => s.type)).toEqual(['btc', 'phone']);
  });

  it('links cases through shared selectors, only among cases the agency takes part in and only where visible', async () => {
    // Case 2: led by ES, PT takes part. Shares the onion (visible) and an e-mail from a RED ES record (hidden from PT).
    const esInvestigator = await t.user(es, ['investigator']);
    const case2 = (await esInvestigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'ES-1', title: 'Mirror', participants: [{ agencyId: pt, access: 'read' }] } })).json().id;
    await esInvestigator.request({ method: 'POST', url: `/api/v1/cases/${case2}/records`, payload: record({ kind: 'note', text: `mirror of ${ONION}` }) });
    await esInvestigator.request({ method: 'POST', url: `/api/v1/cases/${case2}/records`, payload: record({ kind: 'note', text: 'secret admin@example.org', handlingCode: 'TLP:RED' }) });
    // Case 3: led by FR alone, shares the onion too: PT must not learn of it.
    const case3 = (await frInvestigator.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'FR-1', title: 'Other' } })).json().id;
    await frInvestigator.request({ method: 'POST', url: `/api/v1/cases/${case3}/records`, payload: record({ kind: 'note', text: `seen ${ONION}` }) });

    const also = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/also-seen-in` })).json();
    expect(also).toEqual([{ caseId: case2, reference: 'ES-1', title: 'Mirror', leadAgencyName: 'Policía Nacional', selectors: [{ type: 'onion', normalised: ONION }] }]);
    const onion = (await ptAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?type=onion` })).json().items[0];
    expect(onion.alsoSeenIn).toBe(1);
    expect((await t.services.audit.list({ caseId, action: 'selector.correlate' }))[0]).toMatchObject({ operation: 'combination', details: { linkedCases: [case2] } });
  });

  it('records camera serial numbers read from media metadata', async () => {
    const ctx = { actor: systemActor('test') };
    const stored = await t.services.selectors.recordFromMedia(ctx, { caseId, mediaId: '01900000-0000-7000-8000-000000000001', make: 'NIKON CORPORATION', serial: ' 0012345 ', handlingCode: 'TLP:AMBER' });
    expect(stored).toMatchObject({ valid: true, normalised: 'nikon:12345' });
    const placeholder = await t.services.selectors.recordFromMedia(ctx, { caseId, mediaId: '01900000-0000-7000-8000-000000000002', make: 'Canon', serial: '0000000000', handlingCode: 'TLP:AMBER' });
    expect(placeholder).toMatchObject({ valid: false, selectorId: null });
    const serials = (await esAnalyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/selectors?type=camera-serial` })).json().items;
    expect(serials).toMatchObject([{ normalised: 'nikon:12345', origin: 'media', status: 'suggested', sources: 1 }]);
  });
});
