import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, nowIso } from '../../src/store/ids.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';

describe.each(testDialects)('matching API on %s (one node, not yet in a network)', (dialect) => {
  let t: TestApp;
  let agency: string;
  let stranger: string;
  let analyst: TestUser;
  let admin: TestUser;
  let outsider: TestUser;
  let caseId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(dialect);
    agency = await t.agency('Polícia Judiciária', 'PT');
    stranger = await t.agency('Other agency', 'ES');
    analyst = await t.user(agency, ['investigator', 'analyst']);
    admin = await t.user(agency, ['admin']);
    outsider = await t.user(stranger, ['investigator']);
    const created = await analyst.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-API-1', title: 'Forum' } });
    caseId = created.json().id;
    const add = async (type: string, value: string, handlingCode: string) =>
      (await analyst.request({ method: 'POST', url: `/api/v1/cases/${caseId}/selectors`, payload: { type, value, handlingCode } })).json().id as string;
    ids.green = await add('email', 'someone@example.org', 'TLP:GREEN');
    ids.red = await add('phone', '+351 912 345 678', 'TLP:RED');
    ids.strict = await add('onion', 'pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion', 'TLP:AMBER+STRICT');
    ids.media = newId();
    await t.services.db
      .insertInto('media')
      .values({
        id: ids.media, sha256: 'ab'.repeat(32), md5: 'cd'.repeat(16), sha1: 'ef'.repeat(20), size: 10, type: 'jpeg', mime: 'image/jpeg', kind: 'image', width: 10, height: 10, duration: null,
        pdq: '12'.repeat(32), pdq_quality: 90, vpdq: null, camera_make: null, camera_model: null, camera_serial: null, capture_time: null, capture_offset: null, gps_lat: null, gps_lon: null,
        metadata: '{}', has_thumbnail: 0, problem: null, problem_detail: null, near_group: null, first_ingest_id: null, created_at: nowIso(),
      })
      .execute();
    await t.services.db
      .insertInto('case_media')
      .values({ case_id: caseId, media_id: ids.media, category: 'cam', category_scheme: 'tessera', category_code: 'cam', category_source: 'examiner', categorised_by: null, categorised_at: null, first_ingest_id: null, added_at: nowIso() })
      .execute();
  });
  afterAll(async () => t?.close());

  it('shares items handled TLP:AMBER or lower by default; media follow the case’s setting', async () => {
    const res = await analyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/matching` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const byId = Object.fromEntries(body.items.map((i: { itemId: string }) => [i.itemId, i]));
    expect(body).toMatchObject({ mediaHandling: 'TLP:AMBER', shared: 2, notShared: 2, published: 0, total: 4 });
    expect(byId[ids.green!]).toMatchObject({ shared: true, defaultShared: true, override: null, label: 'e-mail address' });
    expect(byId[ids.red!]).toMatchObject({ shared: false, handling: 'TLP:RED' });
    expect(byId[ids.strict!]).toMatchObject({ shared: false });
    expect(byId[ids.media!]).toMatchObject({ kind: 'media', shared: true, label: 'image (image/jpeg, 10×10), CAM' });
  });

  it('takes a per-item override and a case media handling code, and refuses items of other cases', async () => {
    const share = await analyst.request({ method: 'PUT', url: `/api/v1/cases/${caseId}/matching/items/selector/${ids.red}`, payload: { shared: true } });
    expect(share.json()).toMatchObject({ shared: true, override: true, defaultShared: false });
    const media = await analyst.request({ method: 'PUT', url: `/api/v1/cases/${caseId}/matching`, payload: { mediaHandling: 'TLP:RED' } });
    expect(media.json()).toEqual({ mediaHandling: 'TLP:RED' });
    const after = (await analyst.request({ method: 'GET', url: `/api/v1/cases/${caseId}/matching?kind=media` })).json();
    expect(after.items[0]).toMatchObject({ handling: 'TLP:RED', shared: false });
    const reset = await analyst.request({ method: 'PUT', url: `/api/v1/cases/${caseId}/matching/items/selector/${ids.red}`, payload: { shared: null } });
    expect(reset.json()).toMatchObject({ shared: false, override: null });
    const missing = await analyst.request({ method: 'PUT', url: `/api/v1/cases/${caseId}/matching/items/media/${newId()}`, payload: { shared: true } });
    expect(missing.statusCode).toBe(404);
    const audit = await t.services.audit.list({ action: 'matching.item.sharing', caseId });
    expect(audit).toHaveLength(2);
  });

  it('keeps other agencies out of a case’s sharing and hits', async () => {
    for (const url of [`/api/v1/cases/${caseId}/matching`, `/api/v1/cases/${caseId}/hits`]) {
      expect((await outsider.request({ method: 'GET', url })).statusCode).toBe(404);
    }
    expect((await outsider.request({ method: 'PUT', url: `/api/v1/cases/${caseId}/matching`, payload: { mediaHandling: 'TLP:CLEAR' } })).statusCode).toBe(404);
  });

  it('lets admins set the disclosure policy, and only them', async () => {
    expect((await analyst.request({ method: 'GET', url: '/api/v1/matching/policy' })).json()).toEqual({
      'TLP:RED': 'owner',
      'TLP:AMBER+STRICT': 'contact',
      'TLP:AMBER': 'full',
      'TLP:GREEN': 'full',
      'TLP:CLEAR': 'full',
    });
    expect((await analyst.request({ method: 'PUT', url: '/api/v1/matching/policy', payload: { 'TLP:AMBER': 'contact' } })).statusCode).toBe(403);
    const changed = await admin.request({ method: 'PUT', url: '/api/v1/matching/policy', payload: { 'TLP:AMBER': 'contact' } });
    expect(changed.json()).toMatchObject({ 'TLP:AMBER': 'contact', 'TLP:RED': 'owner' });
    expect((await admin.request({ method: 'PUT', url: '/api/v1/matching/policy', payload: { 'TLP:AMBER': 'everything' } })).statusCode).toBe(400);
  });

  it('reports status outside a network and refuses to found a key there', async () => {
    const status = await admin.request({ method: 'GET', url: '/api/v1/matching/status' });
    expect(status.json()).toMatchObject({ member: false, epoch: 0, key: null, published: { selectors: 0, media: 0 }, hits: 0 });
    expect((await admin.request({ method: 'POST', url: '/api/v1/matching/key' })).statusCode).toBe(409);
    expect((await admin.request({ method: 'POST', url: '/api/v1/matching/sync' })).json()).toMatchObject({ skipped: 'not-a-member' });
    expect((await analyst.request({ method: 'POST', url: '/api/v1/matching/key' })).statusCode).toBe(403);
  });

  it('lists no hits yet, and keeps admins (no case content) away from them', async () => {
    expect((await analyst.request({ method: 'GET', url: '/api/v1/hits' })).json()).toEqual({ items: [], total: 0 });
    expect((await analyst.request({ method: 'GET', url: '/api/v1/hits/counts' })).json()).toEqual({ new: 0, needsDecision: 0 });
    expect((await analyst.request({ method: 'GET', url: `/api/v1/hits/${newId()}` })).statusCode).toBe(404);
    expect((await admin.request({ method: 'GET', url: '/api/v1/hits' })).statusCode).toBe(403);
  });
});
