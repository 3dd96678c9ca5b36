import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/identity/actor.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';
import { writeDevice } from './support/device.js';

interface Side {
  t: TestApp;
  specialist: TestUser;
  caseId: string;
  ids: Map<string, string>;
}

async function side(dialect: 'sqlite' | 'postgres', device: string, reference: string): Promise<Side> {
  const t = await createTestApp(dialect);
  const agency = await t.agency(`Agency of ${reference}`, reference.slice(0, 2));
  const lead = await t.user(agency, ['investigator']);
  const specialist = await t.user(agency, ['victim-id']);
  const caseId = (await lead.request({ method: 'POST', url: '/api/v1/cases', payload: { reference, title: 'device' } })).json().id as string;
  const ctx = { actor: systemActor('test') };
  const { record } = await t.services.ingest.prepare(ctx, { caseId, inputs: [device], source: 'device' });
  await t.services.ingest.run(ctx, record.id, { workers: 0 });
  const rows = await t.store.db.selectFrom('media_occurrences').select(['media_id', 'path']).where('case_id', '=', caseId).execute();
  return { t, specialist, caseId, ids: new Map(rows.map((r) => [path.basename(r.path), r.media_id])) };
}

/**
 * VICS export of a case's media with categories, series and victim-identified flags, from one node; import on another
 * node that holds the same files: the flags survive, as series of the case and as a known hash set.
 */
describe.each(testDialects)('VICS with series and victim-identified flags, node to node (%s)', (dialect) => {
  let dir: string;
  let a: Side;
  let b: Side;
  let exported: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-vics-'));
    await writeDevice(path.join(dir, 'device'));
    a = await side(dialect, path.join(dir, 'device'), 'PT-VICS-1');
    b = await side(dialect, path.join(dir, 'device'), 'ES-VICS-9');
  }, 90_000);
  afterAll(async () => {
    await a?.t.close();
    await b?.t.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const call = (s: Side, method: 'GET' | 'POST', url: string, payload?: object) => s.specialist.request({ method, url: `/api/v1/cases/${s.caseId}${url}`, ...(payload ? { payload } : {}) });

  it('exports categories, series names and victim-identified flags', async () => {
    const blue = ['blue-room-original.jpg', 'blue-room-resized.jpg', 'blue-room-recompressed.jpg'].map((f) => a.ids.get(f)!);
    const garden = ['garden-original.jpg', 'garden-resized.jpg'].map((f) => a.ids.get(f)!);
    const s1 = (await call(a, 'POST', '/series', { name: 'Blue room', mediaIds: blue })).json();
    const s2 = (await call(a, 'POST', '/series', { name: 'Garden', mediaIds: garden })).json();
    await call(a, 'POST', '/series', { name: 'Camera roll', mediaIds: [a.ids.get('camera-1.jpg')!] });
    expect((await call(a, 'POST', `/series/${s1.id}/identify`, { identifiedOn: '2024-02-01' })).statusCode).toBe(200);
    // Garden is not marked identified, but a victim of it is: its items are victim-identified too.
    const v = (await call(a, 'POST', '/victims', { seriesIds: [s2.id] })).json();
    await call(a, 'POST', `/victims/${v.id}/status`, { status: 'identified' });
    await call(a, 'POST', '/media/categorise', { mediaIds: blue, category: 'cam' });
    await call(a, 'POST', '/media/categorise', { mediaIds: [a.ids.get('single-0.jpg')!], category: 'non-pertinent' });

    const res = await call(a, 'GET', '/media/export?format=vics');
    expect(res.statusCode).toBe(200);
    exported = res.body;
    const media = JSON.parse(exported).value[0].Media as { MD5: string; Category?: number; Series?: string; VictimIdentified: boolean }[];
    const md5s = new Map((await a.t.store.db.selectFrom('media').select(['id', 'md5']).execute()).map((r) => [r.id, r.md5.toUpperCase()]));
    const byName = (f: string) => media.find((m) => m.MD5 === md5s.get(a.ids.get(f)!));
    expect(byName('blue-room-resized.jpg')).toMatchObject({ Category: 1, Series: 'Blue room', VictimIdentified: true });
    expect(byName('garden-original.jpg')).toMatchObject({ Series: 'Garden', VictimIdentified: true });
    expect(byName('camera-1.jpg')).toMatchObject({ Series: 'Camera roll', VictimIdentified: false });
    expect(byName('single-0.jpg')).toMatchObject({ Category: 0, VictimIdentified: false });
    expect(byName('single-0.jpg')!.Series).toBeUndefined();
  });

  it('imported into a case on another node, the series, flags and categories are preserved', async () => {
    const res = await call(b, 'POST', '/series/import-vics', { fileName: 'PT-VICS-1-vics.json', content: exported });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ entries: 11, matched: 11, categorised: 4, categoryConflicts: 0, seriesCreated: 3, seriesExtended: 0, seriesIdentified: 2 });
    const series = (await call(b, 'GET', '/series')).json().items as { name: string; mediaCount: number; status: string; identification: { source: string; agency: unknown } | null }[];
    expect(series.map((s) => [s.name, s.mediaCount, s.status, s.identification?.source ?? null]).sort()).toEqual([
      ['Blue room', 3, 'identified', 'import'],
      ['Camera roll', 1, 'unidentified', null],
      ['Garden', 2, 'identified', 'import'],
    ]);
    expect(series.find((s) => s.name === 'Blue room')!.identification!.agency).toBeNull();
    const triage = (await call(b, 'GET', '/triage?category=cam')).json();
    expect(triage.items.map((i: { id: string }) => i.id).sort()).toEqual(['blue-room-original.jpg', 'blue-room-resized.jpg', 'blue-room-recompressed.jpg'].map((f) => b.ids.get(f)).sort());
    expect(triage.items[0].categorySource).toBe('vics:PT-VICS-1-vics.json');
    const history = (await call(b, 'GET', '/identification-history')).json().items;
    expect(history.every((e: { reason: string }) => e.reason === 'imported from PT-VICS-1-vics.json')).toBe(true);

    // Applying the same file again changes nothing; exporting from here carries the same flags on.
    expect((await call(b, 'POST', '/series/import-vics', { fileName: 'PT-VICS-1-vics.json', content: exported })).json()).toMatchObject({ categorised: 0, seriesCreated: 0, seriesExtended: 0 });
    const again = JSON.parse((await call(b, 'GET', '/media/export?format=vics')).body).value[0].Media as { Series?: string; VictimIdentified: boolean }[];
    expect(again.filter((m) => m.Series === 'Blue room' && m.VictimIdentified)).toHaveLength(3);
    expect(again.filter((m) => m.Series === 'Garden' && m.VictimIdentified)).toHaveLength(2);
  });

  it('imported as a known hash set, its series become proposals that keep the victim-identified flag', async () => {
    const admin = await b.t.user((await b.t.store.db.selectFrom('agencies').select('id').executeTakeFirstOrThrow()).id, ['investigator']);
    const second = (await admin.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'ES-VICS-10', title: 'second device' } })).json().id as string;
    const ctx = { actor: systemActor('test') };
    const { record } = await b.t.services.ingest.prepare(ctx, { caseId: second, inputs: [path.join(dir, 'device')], source: 'second' });
    await b.t.services.ingest.run(ctx, record.id, { workers: 0 });
    await b.t.services.hashSets.import(ctx, { name: 'PT series', format: 'vics', content: Buffer.from(exported) });
    const url = (p: string) => `/api/v1/cases/${second}${p}`;
    await b.specialist.request({ method: 'POST', url: url('/series-proposals/refresh') });
    const proposals = (await b.specialist.request({ method: 'GET', url: url('/series-proposals') })).json().items as { id: string; bases: string[]; evidence: { setSeries?: string; victimIdentified?: boolean } }[];
    const fromSet = proposals.filter((p) => p.bases.includes('hash-set')).map((p) => [p.evidence.setSeries, p.evidence.victimIdentified ?? false]);
    expect(fromSet.sort()).toEqual([
      ['Blue room', true],
      ['Garden', true],
    ]);
    const garden = proposals.find((p) => p.evidence.setSeries === 'Garden')!;
    const accepted = (await b.specialist.request({ method: 'POST', url: url(`/series-proposals/${garden.id}/accept`), payload: {} })).json();
    expect(accepted).toMatchObject({ name: 'Garden', status: 'identified', identification: { source: 'import' } });
  });
});
