import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';
import { buildZip } from './support/archives.js';
import { CAMERA_EXIF, picture, video } from './support/device.js';
import { multipart } from './support/multipart.js';

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe.each(testDialects)('media library and ingest API (%s)', (dialect) => {
  let t: TestApp;
  let lead: TestUser;
  let victimId: TestUser;
  let prosecutor: TestUser;
  let caseId: string;
  let withGps: Buffer;
  let plain: Buffer;
  let clip: Buffer;
  let ingestId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const pt = await t.agency('PJ', 'PT');
    const es = await t.agency('Policía Nacional', 'ES');
    lead = await t.user(pt, ['investigator']);
    victimId = await t.user(pt, ['victim-id']);
    prosecutor = await t.user(es, ['prosecutor']);
    caseId = (await lead.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-MEDIA-1', title: 'device triage' } })).json().id;
    const added = await lead.request({ method: 'PUT', url: `/api/v1/cases/${caseId}/participants/${es}`, payload: { access: 'read' } });
    expect(added.statusCode).toBe(200);
    withGps = await picture(7, { exif: CAMERA_EXIF });
    plain = await picture(8);
    const dir = (await import('node:fs')).mkdtempSync((await import('node:path')).join((await import('node:os')).tmpdir(), 'tessera-api-'));
    video(`${dir}/clip.mp4`, 1);
    clip = readFileSync(`${dir}/clip.mp4`);
  });
  afterAll(async () => t.close());

  it('uploads files and a zip; a background job ingests them and the ingest shows its summary', async () => {
    const zip = buildZip([{ name: 'DCIM/again.jpg', data: withGps, method: 'store' }, { name: '../escape.jpg', data: plain }, { name: 'movie.mp4', data: clip, method: 'store' }]);
    const body = multipart({ files: [{ filename: 'IMG_1.jpg', content: withGps }, { filename: '../../plain.jpg', content: plain }, { filename: 'phone.zip', content: zip }] });
    const res = await lead.request({ method: 'POST', url: `/api/v1/cases/${caseId}/ingests?source=exhibit%203`, payload: body.payload, headers: body.headers });
    expect(res.statusCode, res.body).toBe(202);
    ingestId = res.json().id;
    expect(res.json()).toMatchObject({ status: 'queued', origin: 'upload', source: 'exhibit 3' });

    t.services.jobs.start();
    await t.services.jobs.drain();
    await t.services.jobs.stop();

    const got = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/ingests/${ingestId}` });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ status: 'done', summary: { filesSeen: 5, newMedia: 3, duplicates: 1, refused: 1, archives: 1, errors: { 'unsafe-path': 1 } } });
    const issues = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/ingests/${ingestId}/issues` });
    expect(issues.json()).toEqual([expect.objectContaining({ path: 'phone.zip!/../escape.jpg', outcome: 'error', problem: 'unsafe-path' })]);
    // The uploaded copies are removed once ingested; the stored bytes live encrypted in the media store.
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${t.config.dataDir}/uploads`) ? (await import('node:fs')).readdirSync(`${t.config.dataDir}/uploads`) : []).toEqual([]);
    expect((await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/ingests` })).json()).toHaveLength(1);
  });

  it('lists the library with filters, facets and sorting', async () => {
    const list = async (q = '') => (await prosecutor.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media${q}` })).json();
    const all = await list();
    expect(all.total).toBe(3);
    const gps = await list('?hasGps=true');
    expect(gps.items).toEqual([expect.objectContaining({ cameraMake: 'Canon', cameraModel: 'EOS 5D', captureTime: '2021-03-04T05:06:07', hasGps: true, occurrences: 2, kind: 'image', category: 'uncategorised', known: false })]);
    expect((await list('?make=Canon&model=EOS%205D')).total).toBe(1);
    expect((await list('?serial=SN12345')).total).toBe(1);
    expect((await list('?kind=video')).items[0]).toMatchObject({ kind: 'video', type: 'mp4' });
    expect((await list('?capturedFrom=2021-03-04&capturedTo=2021-03-04')).total).toBe(1);
    expect((await list('?capturedFrom=2022-01-01')).total).toBe(0);
    expect((await list('?source=exhibit%203')).total).toBe(3);
    expect((await list('?source=other')).total).toBe(0);
    expect((await list('?status=new')).total).toBe(3);
    expect((await list('?status=known')).total).toBe(0);
    expect((await list(`?ingestId=${ingestId}`)).total).toBe(3);
    const bySize = (await list('?sort=size&order=asc')).items.map((i: { size: number }) => i.size);
    expect(bySize).toEqual([...bySize].sort((a, b) => a - b));
    expect((await list('?limit=1&offset=1')).items).toHaveLength(1);
    const bad = await prosecutor.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media?sort=random` });
    expect(bad.statusCode).toBe(400);

    const facets = (await prosecutor.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/facets` })).json();
    expect(facets).toMatchObject({ total: 3, kinds: { image: 2, video: 1 }, withGps: 1, known: 0, sources: [{ source: 'exhibit 3', count: 3 }], cameras: [{ make: 'Canon', model: 'EOS 5D', serial: 'SN12345', count: 1 }] });
    const events = await t.services.audit.list({ caseId, action: 'media.list' });
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ operation: 'consultation', actorName: prosecutor.username });
  });

  it('shows an item with its metadata and occurrences, serves its bytes decrypted with ranges, and records the view', async () => {
    const gps = (await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media?hasGps=true` })).json().items[0];
    const detail = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/${gps.id}` });
    expect(detail.statusCode).toBe(200);
    const d = detail.json();
    expect(d).toMatchObject({ md5: md5(withGps), cameraSerial: 'SN12345', captureOffset: '+01:00', pdqQuality: expect.any(Number), matches: [], nearDuplicates: [] });
    expect(d.gps.lat).toBeCloseTo(38.7, 4);
    expect(d.occurrenceList.map((o: { path: string }) => o.path)).toEqual(['IMG_1.jpg', 'phone.zip!/DCIM/again.jpg']);
    expect(d.metadata).toMatchObject({ make: 'Canon' });

    const content = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/${gps.id}/content` });
    expect(content.statusCode).toBe(200);
    expect(content.rawPayload.equals(withGps)).toBe(true);
    expect(content.headers, JSON.stringify(content.headers)).toMatchObject({ 'content-type': 'image/jpeg', 'cache-control': 'no-store', 'accept-ranges': 'bytes' });
    const part = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/${gps.id}/content`, headers: { range: 'bytes=100-199' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${withGps.length}`);
    expect(part.rawPayload.equals(withGps.subarray(100, 200))).toBe(true);
    const tail = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/${gps.id}/content`, headers: { range: 'bytes=-10' } });
    expect(tail.rawPayload.equals(withGps.subarray(withGps.length - 10))).toBe(true);
    const outside = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/${gps.id}/content`, headers: { range: `bytes=${withGps.length}-` } });
    expect(outside.statusCode).toBe(416);
    const views = await t.services.audit.list({ caseId, action: 'media.view' });
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ operation: 'consultation', objectId: gps.id });

    const thumb = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/${gps.id}/thumbnail` });
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.rawPayload.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);

    const other = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/00000000-0000-7000-8000-000000000000` });
    expect(other.statusCode).toBe(404);
  });

  it('categorises (contributors only) and filters by category', async () => {
    const gps = (await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media?hasGps=true` })).json().items[0];
    const denied = await prosecutor.request({ method: 'POST', url: `/api/v1/cases/${caseId}/media/categorise`, payload: { mediaIds: [gps.id], category: 'cam' } });
    expect(denied.statusCode).toBe(403);
    const ok = await victimId.request({ method: 'POST', url: `/api/v1/cases/${caseId}/media/categorise`, payload: { mediaIds: [gps.id], category: 'cem' } });
    expect(ok.json()).toEqual({ updated: 1 });
    const cem = (await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media?category=cem` })).json();
    expect(cem.items.map((i: { id: string; categorySource: string }) => [i.id, i.categorySource])).toEqual([[gps.id, 'examiner']]);
    const unknown = await victimId.request({ method: 'POST', url: `/api/v1/cases/${caseId}/media/categorise`, payload: { mediaIds: ['00000000-0000-7000-8000-000000000000'], category: 'cem' } });
    expect(unknown.statusCode).toBe(404);
    const ev = await t.services.audit.list({ caseId, action: 'media.categorise' });
    expect(ev[0]).toMatchObject({ operation: 'alteration', actorName: victimId.username });
  });

  it('imports hash sets (victim-ID or admin), lists and deletes them; matches show on the item', async () => {
    const csv = `md5,category\n${md5(plain)},cam\n`;
    const body = multipart({ fields: { name: 'LOCAL', format: 'csv' }, files: [{ filename: 'local.csv', content: Buffer.from(csv), type: 'text/csv' }] });
    const denied = await lead.request({ method: 'POST', url: '/api/v1/hashsets', payload: body.payload, headers: body.headers });
    expect(denied.statusCode).toBe(403);
    const res = await victimId.request({ method: 'POST', url: '/api/v1/hashsets', payload: body.payload, headers: body.headers });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ set: { name: 'LOCAL', entries: 1, matchedMedia: 1 }, matches: { exact: 1, near: 0, media: 1 } });
    const known = (await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media?status=known` })).json();
    expect(known.total).toBe(1);
    expect(known.items[0]).toMatchObject({ known: true, category: 'cam', categorySource: 'hashset:LOCAL' });
    const d = (await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/${known.items[0].id}` })).json();
    expect(d.matches).toEqual([expect.objectContaining({ setName: 'LOCAL', match: 'exact', digest: 'md5', distance: 0, category: 'cam' })]);
    const sets = (await prosecutor.request({ method: 'GET', url: '/api/v1/hashsets' })).json();
    expect(sets).toEqual([expect.objectContaining({ name: 'LOCAL', format: 'csv', sourceFile: 'local.csv' })]);
    const bad = multipart({ fields: { name: 'BAD', format: 'vics' }, files: [{ filename: 'x.json', content: Buffer.from('{"nope":1}') }] });
    expect((await victimId.request({ method: 'POST', url: '/api/v1/hashsets', payload: bad.payload, headers: bad.headers })).statusCode).toBe(400);
    const del = await victimId.request({ method: 'DELETE', url: `/api/v1/hashsets/${sets[0].id}` });
    expect(del.statusCode).toBe(204);
    expect((await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media?status=known` })).json().total).toBe(0);
  });

  it('exports the case media as VICS, recorded as a disclosure', async () => {
    const res = await lead.request({ method: 'GET', url: `/api/v1/cases/${caseId}/media/export?format=vics`, headers: { 'x-tessera-justification': 'sharing with Project VIC' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="PT-MEDIA-1-vics.json"/);
    expect(res.json().value[0].Media).toHaveLength(3);
    const ev = await t.services.audit.list({ caseId, action: 'media.export' });
    expect(ev[0]).toMatchObject({ operation: 'disclosure', justification: 'sharing with Project VIC' });
  });
});
