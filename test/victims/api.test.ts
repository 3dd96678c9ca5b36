import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeriesProposalService } from '../../src/cases/series-proposal-service.js';
import { systemActor } from '../../src/identity/actor.js';
import { createJobQueue } from '../../src/store/job-queue.js';
import { createTestApp, type TestApp, type TestUser } from '../support/app.js';
import { testDialects } from '../support/stores.js';
import { writeDevice } from './support/device.js';

describe.each(testDialects)('victim identification API on %s', (dialect) => {
  let t: TestApp;
  let dir: string;
  let caseId: string;
  let otherCase: string;
  let lead: TestUser;
  let specialist: TestUser;
  let analyst: TestUser;
  let esSpecialist: TestUser;
  let esProsecutor: TestUser;
  const ids = new Map<string, string>(); // file name → media id
  const id = (name: string) => ids.get(name)!;
  let blueRoom = '';

  const api = (u: TestUser, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    u.request({ method, url: `/api/v1/cases/${caseId}${url}`, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const pt = await t.agency('Polícia Judiciária', 'PT');
    const es = await t.agency('Policía Nacional', 'ES');
    lead = await t.user(pt, ['investigator']);
    specialist = await t.user(pt, ['victim-id']);
    analyst = await t.user(pt, ['analyst'], { via: 'token' });
    esSpecialist = await t.user(es, ['victim-id']);
    esProsecutor = await t.user(es, ['prosecutor']);
    caseId = (await lead.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-VID-1', title: 'Seized laptop', participants: [{ agencyId: es, access: 'contribute' }] } })).json().id;
    otherCase = (await lead.request({ method: 'POST', url: '/api/v1/cases', payload: { reference: 'PT-VID-2', title: 'Another' } })).json().id;
    dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-vid-api-'));
    await writeDevice(path.join(dir, 'laptop'));
    const ctx = { actor: systemActor('test') };
    const { record } = await t.services.ingest.prepare(ctx, { caseId, inputs: [path.join(dir, 'laptop')], source: 'laptop' });
    await t.services.ingest.run(ctx, record.id, { workers: 0 });
    const rows = await t.store.db.selectFrom('media_occurrences').select(['media_id', 'path']).where('case_id', '=', caseId).execute();
    for (const r of rows) ids.set(path.basename(r.path), r.media_id);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('proposes series from near-duplicates and camera serials; accepting one creates the series', async () => {
    expect(ids.size).toBe(11);
    const refreshed = await api(specialist, 'POST', '/series-proposals/refresh');
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json()).toMatchObject({ open: 3, added: 3, media: 11 });
    const { items } = (await api(esProsecutor, 'GET', '/series-proposals')).json();
    const sets = items.map((p: { mediaIds: string[]; bases: string[] }) => ({ files: p.mediaIds.map((m) => [...ids].find(([, v]) => v === m)![0]).sort(), bases: p.bases }));
    expect(sets).toEqual(
      expect.arrayContaining([
        { files: ['blue-room-original.jpg', 'blue-room-recompressed.jpg', 'blue-room-resized.jpg'], bases: ['near-duplicate'] },
        { files: ['garden-original.jpg', 'garden-recompressed.jpg', 'garden-resized.jpg'], bases: ['near-duplicate'] },
        { files: ['camera-1.jpg', 'camera-2.jpg'], bases: ['camera-serial'] },
      ]),
    );
    const blue = items.find((p: { mediaIds: string[] }) => p.mediaIds.includes(id('blue-room-original.jpg')));
    expect(blue.evidence.maxDistance).toBeLessThanOrEqual(31);

    expect((await api(esProsecutor, 'POST', `/series-proposals/${blue.id}/accept`, {})).statusCode).toBe(403);
    const accepted = await api(specialist, 'POST', `/series-proposals/${blue.id}/accept`, { name: 'Blue room' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ code: 'S-001', name: 'Blue room', state: 'active', status: 'unidentified', mediaCount: 3 });
    blueRoom = accepted.json().id;
    expect((await api(specialist, 'POST', `/series-proposals/${blue.id}/accept`, {})).statusCode).toBe(409);

    // Computed again, the accepted group is not proposed; a dismissed one stays dismissed until reopened.
    const camera = items.find((p: { bases: string[] }) => p.bases.includes('camera-serial'));
    expect((await api(specialist, 'POST', `/series-proposals/${camera.id}/dismiss`, { reason: 'same camera, different children' })).json()).toMatchObject({ status: 'dismissed' });
    expect((await api(specialist, 'POST', '/series-proposals/refresh')).json()).toMatchObject({ open: 1, added: 0 });
    expect((await api(specialist, 'GET', '/series-proposals')).json().items).toHaveLength(1);
    expect((await api(specialist, 'GET', '/series-proposals?status=dismissed')).json().items[0]).toMatchObject({ id: camera.id, reason: 'same camera, different children' });
    expect((await api(specialist, 'POST', `/series-proposals/${camera.id}/reopen`)).json()).toMatchObject({ status: 'open' });
  });

  it('a large case is computed by a background job; the list says while it runs', async () => {
    const jobs = createJobQueue({ db: t.store.db, dialect });
    const big = createSeriesProposalService({ db: t.store.db, audit: t.services.audit, access: t.services.caseAccess, series: t.services.series, blobs: t.services.blobs, jobs, inlineLimit: 5 });
    const ctx = { actor: systemActor('test') };
    const queued = await big.refresh(ctx, caseId);
    expect(queued).toMatchObject({ queued: true, media: 11 });
    expect((await big.list(ctx, caseId)).refreshing).toBe(true);
    // Asked again while it waits: still one job.
    await big.refresh(ctx, caseId);
    expect(await t.store.db.selectFrom('jobs').select('id').where('name', '=', 'series.propose').execute()).toHaveLength(1);
    jobs.start();
    await jobs.drain();
    await jobs.stop();
    const after = await big.list(ctx, caseId);
    expect(after).toMatchObject({ refreshing: false, total: 2 });
  });

  it('analyst tags are a ground for proposals, and a group touching a series proposes to extend it', async () => {
    const tagged = await api(analyst, 'POST', '/media-tags', { mediaIds: [id('single-0.jpg'), id('single-1.jpg'), id('blue-room-original.jpg')], tags: ['red curtains'] });
    expect(tagged.json()).toEqual({ updated: 3 });
    await api(specialist, 'POST', '/series-proposals/refresh');
    const { items } = (await api(specialist, 'GET', '/series-proposals')).json();
    const byTag = items.find((p: { bases: string[] }) => p.bases.includes('tag'));
    expect(byTag).toMatchObject({ kind: 'extend', evidence: { tag: 'red curtains' }, series: [{ id: blueRoom, code: 'S-001' }] });
    expect(byTag.mediaIds.sort()).toEqual([id('single-0.jpg'), id('single-1.jpg')].sort());
    expect((await api(analyst, 'POST', '/media-tags', { mediaIds: [id('single-1.jpg')], tags: ['red curtains'], remove: true })).json()).toEqual({ updated: 1 });
    const triage = (await api(analyst, 'GET', '/triage?tag=red%20curtains')).json();
    expect(triage.items.map((i: { id: string }) => i.id).sort()).toEqual([id('single-0.jpg'), id('blue-room-original.jpg')].sort());
  });

  it('every series change is in the history with who and why, and can be undone (and the undo undone)', async () => {
    const created = await api(analyst, 'POST', '/series', { name: 'Garden', mediaIds: [id('garden-original.jpg'), id('garden-resized.jpg')], reason: 'same garden' });
    expect(created.statusCode, created.body).toBe(201);
    const garden = created.json().id as string;
    expect(created.json()).toMatchObject({ code: 'S-002', mediaCount: 2 });
    expect((await api(analyst, 'PATCH', `/series/${garden}`, { name: 'Garden with swing', reason: 'more precise' })).json()).toMatchObject({ name: 'Garden with swing' });
    const added = await api(analyst, 'POST', `/series/${garden}/media`, { mediaIds: [id('garden-recompressed.jpg'), id('single-2.jpg')] });
    expect(added.json().mediaCount).toBe(4);
    const removed = await api(analyst, 'POST', `/series/${garden}/media/remove`, { mediaIds: [id('single-2.jpg')], reason: 'different scene' });
    expect(removed.json().mediaCount).toBe(3);

    const history = (await api(esProsecutor, 'GET', `/series/${garden}/history`)).json().items;
    expect(history.map((e: { action: string }) => e.action)).toEqual(['series.remove', 'series.add', 'series.rename', 'series.create']);
    expect(history[0]).toMatchObject({ reason: 'different scene', actorName: analyst.username, revertible: true });
    expect(history[2].summary).toBe('renamed S-002 from "Garden" to "Garden with swing"');
    // The add cannot be undone while one of its items has moved since (single-2 was taken out again).
    expect(history[1].revertible).toBe(false);
    expect((await api(analyst, 'POST', `/identification-history/${history[1].id}/revert`, {})).statusCode).toBe(409);

    const undo = await api(analyst, 'POST', `/identification-history/${history[2].id}/revert`, { reason: 'keep the short name' });
    expect(undo.statusCode, undo.body).toBe(200);
    expect(undo.json()).toMatchObject({ action: 'series.revert', reverts: history[2].id, summary: 'undid: renamed S-002 from "Garden" to "Garden with swing"' });
    expect((await api(analyst, 'GET', `/series/${garden}`)).json().name).toBe('Garden');
    expect((await api(analyst, 'POST', `/identification-history/${history[2].id}/revert`, {})).statusCode).toBe(409);
    await api(analyst, 'POST', `/identification-history/${undo.json().id}/revert`, {});
    expect((await api(analyst, 'GET', `/series/${garden}`)).json().name).toBe('Garden with swing');

    // Undoing the creation dissolves the series; undoing that brings it back with its items.
    const creation = history[3].id as string;
    expect((await api(analyst, 'POST', `/identification-history/${creation}/revert`, {})).statusCode).toBe(409); // items added since
  });

  it('merges, splits and undoes a merge', async () => {
    const list = (await api(specialist, 'GET', '/series')).json().items;
    const garden = list.find((s: { code: string }) => s.code === 'S-002');
    const merged = await api(specialist, 'POST', `/series/${blueRoom}/merge`, { seriesIds: [garden.id], reason: 'same child' });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json().mediaCount).toBe(6);
    expect((await api(specialist, 'GET', `/series/${garden.id}`)).json()).toMatchObject({ state: 'merged', mergedInto: blueRoom, mediaCount: 0 });
    expect((await api(specialist, 'POST', `/series/${garden.id}/media`, { mediaIds: [id('single-2.jpg')] })).statusCode).toBe(409);
    expect((await api(specialist, 'GET', '/series')).json().items.map((s: { code: string }) => s.code)).toEqual(['S-001']);

    const mergeEvent = (await api(specialist, 'GET', `/series/${blueRoom}/history`)).json().items[0];
    expect(mergeEvent).toMatchObject({ action: 'series.merge', summary: 'merged S-002 into S-001' });
    await api(specialist, 'POST', `/identification-history/${mergeEvent.id}/revert`, { reason: 'not the same child after all' });
    expect((await api(specialist, 'GET', `/series/${garden.id}`)).json()).toMatchObject({ state: 'active', mergedInto: null, mediaCount: 3 });
    expect((await api(specialist, 'GET', `/series/${blueRoom}`)).json().mediaCount).toBe(3);

    const split = await api(specialist, 'POST', `/series/${garden.id}/split`, { mediaIds: [id('garden-recompressed.jpg')], name: 'Garden, later' });
    expect(split.statusCode, split.body).toBe(201);
    expect(split.json()).toMatchObject({ code: 'S-003', name: 'Garden, later', mediaCount: 1, description: 'Split from S-002.' });
    expect((await api(specialist, 'POST', `/series/${garden.id}/split`, { mediaIds: [id('camera-1.jpg')], name: 'x' })).statusCode).toBe(400);
  });

  it('only victim-ID specialists mark a series identified; withdrawing needs a reason', async () => {
    expect((await api(analyst, 'POST', `/series/${blueRoom}/identify`, {})).statusCode).toBe(403);
    const identified = await api(specialist, 'POST', `/series/${blueRoom}/identify`, { identifiedOn: '2024-05-02', country: 'PT', reason: 'school uniform recognised' });
    expect(identified.statusCode, identified.body).toBe(200);
    expect(identified.json()).toMatchObject({ status: 'identified', identification: { agency: { name: 'Polícia Judiciária' }, on: '2024-05-02', country: 'PT', source: 'agency' } });
    expect((await api(specialist, 'POST', `/series/${blueRoom}/withdraw`, {})).statusCode).toBe(400);
    const withdrawn = await api(specialist, 'POST', `/series/${blueRoom}/withdraw`, { reason: 'wrong child' });
    expect(withdrawn.json()).toMatchObject({ status: 'unidentified', identification: null });
    const again = await api(specialist, 'POST', `/series/${blueRoom}/identify`, { identifiedOn: '2024-05-03' });
    expect(again.json().identification.on).toBe('2024-05-03');
  });

  it('victims: pseudonyms for all, a local name only for the recording agency, sealed at rest', async () => {
    expect((await api(lead, 'POST', '/victims', { seriesIds: [blueRoom] })).statusCode).toBe(403);
    expect((await api(esProsecutor, 'POST', '/victims', {})).statusCode).toBe(403);
    const created = await api(specialist, 'POST', '/victims', { seriesIds: [blueRoom], country: 'PT', localName: 'Maria Exemplo', notes: 'about 8 years old' });
    expect(created.statusCode, created.body).toBe(201);
    const victim = created.json();
    expect(victim).toMatchObject({ code: 'V-001', status: 'unidentified', localName: 'Maria Exemplo', mine: true, series: [{ id: blueRoom, code: 'S-001' }] });
    expect((await api(esSpecialist, 'GET', `/victims/${victim.id}`)).json()).toMatchObject({ code: 'V-001', localName: null, mine: false });
    expect((await api(esSpecialist, 'PATCH', `/victims/${victim.id}`, { localName: 'Other' })).statusCode).toBe(403);
    const raw = await t.store.db.selectFrom('victims').select('local_name_sealed').where('id', '=', victim.id).executeTakeFirstOrThrow();
    expect(Buffer.from(raw.local_name_sealed!).includes(Buffer.from('Maria'))).toBe(false);

    const identified = await api(specialist, 'POST', `/victims/${victim.id}/status`, { status: 'identified', on: '2024-05-03' });
    expect(identified.json()).toMatchObject({ status: 'identified', identification: { on: '2024-05-03', agency: { name: 'Polícia Judiciária' } } });
    expect((await api(specialist, 'POST', `/victims/${victim.id}/status`, { status: 'safeguarded', on: '2024-05-04' })).json()).toMatchObject({ status: 'safeguarded', safeguardedOn: '2024-05-04' });
    expect((await api(specialist, 'POST', `/victims/${victim.id}/status`, { status: 'unidentified' })).statusCode).toBe(400);
    expect((await api(specialist, 'POST', `/victims/${victim.id}/status`, { status: 'safeguarded' })).statusCode).toBe(409);
    expect((await api(specialist, 'POST', `/victims/${victim.id}/status`, { status: 'identified', on: '2999-01-01' })).statusCode).toBe(400);

    const history = (await api(specialist, 'GET', `/victims/${victim.id}/history`)).json().items;
    expect(history.map((e: { action: string }) => e.action)).toEqual(['victim.status', 'victim.status', 'victim.create']);
    expect(JSON.stringify(history)).not.toContain('Maria');
    expect(history[2].revertible).toBe(false);
    await api(specialist, 'POST', `/identification-history/${history[0].id}/revert`, { reason: 'recorded too early' });
    expect((await api(specialist, 'GET', `/victims/${victim.id}`)).json()).toMatchObject({ status: 'identified', safeguardedOn: null });
    // A second victim in the same series, still unidentified.
    expect((await api(esSpecialist, 'POST', '/victims', { seriesIds: [blueRoom] })).json()).toMatchObject({ code: 'V-002', mine: true, localName: null });
    expect((await api(specialist, 'GET', `/victims?seriesId=${blueRoom}`)).json().items.map((v: { code: string }) => v.code)).toEqual(['V-001', 'V-002']);
  });

  it('clues: a region of a picture, cropped and stored encrypted; only the crop is served', async () => {
    const media = id('blue-room-original.jpg');
    const made = await api(analyst, 'POST', `/media/${media}/clues`, { kind: 'logo', label: 'School crest', note: 'on the jumper', region: { x: 0.25, y: 0.2, w: 0.5, h: 0.4 } });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ kind: 'logo', label: 'School crest', shareable: false, crop: { width: 240, height: 144 }, series: { id: blueRoom } });
    const crop = await api(esProsecutor, 'GET', `/clues/${made.json().id}/crop`);
    expect(crop.statusCode).toBe(200);
    expect(crop.headers['content-type']).toBe('image/jpeg');
    expect(await sharp(crop.rawPayload).metadata()).toMatchObject({ width: 240, height: 144 });
    const stored = await t.services.blobs.list('clue');
    expect(stored).toHaveLength(1);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(t.services.blobs.pathOf('clue', stored[0]!)).subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);

    expect((await api(analyst, 'POST', `/media/${media}/clues`, { kind: 'text', label: 'x', region: { x: 0.8, y: 0, w: 0.5, h: 0.5 } })).statusCode).toBe(400);
    expect((await api(analyst, 'POST', `/media/${media}/clues`, { kind: 'plug', label: 'x', region: { x: 0, y: 0, w: 0.5, h: 0.5 } })).statusCode).toBe(400);
    expect((await api(analyst, 'POST', `/media/${id('camera-1.jpg')}/clues`, { kind: 'text', label: 'x', region: { x: 0, y: 0, w: 0, h: 0.5 } })).statusCode).toBe(400);
    expect((await api(esProsecutor, 'POST', `/media/${media}/clues`, { kind: 'text', label: 'x', region: { x: 0, y: 0, w: 0.5, h: 0.5 } })).statusCode).toBe(403);

    const second = (await api(analyst, 'POST', `/media/${id('camera-2.jpg')}/clues`, { kind: 'landscape', label: 'Mountain ridge', region: { x: 0, y: 0, w: 1, h: 0.5 }, shareable: true })).json();
    expect((await api(analyst, 'PATCH', `/clues/${made.json().id}`, { shareable: true, note: 'crest with a lion' })).json()).toMatchObject({ shareable: true, note: 'crest with a lion' });
    expect((await api(analyst, 'GET', `/clues?seriesId=${blueRoom}`)).json().items.map((c: { label: string }) => c.label)).toEqual(['School crest']);
    expect((await api(analyst, 'DELETE', `/clues/${second.id}`)).statusCode).toBe(204);
    expect((await api(analyst, 'GET', '/clues')).json().items).toHaveLength(1);
    expect((await api(analyst, 'GET', `/clues/${second.id}/crop`)).statusCode).toBe(404);
    expect((await api(analyst, 'POST', '/clues/share', { clueIds: [made.json().id], to: [] })).statusCode).toBe(400);
  });

  it('triage: the queue with series and categories; categorising and assigning a selection, all audited', async () => {
    const unassigned = (await api(specialist, 'GET', '/triage?series=none')).json();
    expect(unassigned.total).toBe(5);
    expect(unassigned.items.every((i: { series: unknown }) => i.series === null)).toBe(true);
    const pick = unassigned.items.slice(0, 2).map((i: { id: string }) => i.id);
    expect((await api(specialist, 'POST', '/media/categorise', { mediaIds: pick, category: 'cam' })).json()).toEqual({ updated: 2 });
    expect((await api(specialist, 'POST', `/series/${blueRoom}/media`, { mediaIds: pick })).json().mediaCount).toBe(5);
    const inSeries = (await api(specialist, 'GET', `/triage?series=${blueRoom}&category=cam`)).json();
    expect(inSeries.items.map((i: { id: string }) => i.id).sort()).toEqual([...pick].sort());
    expect(inSeries.items[0]).toMatchObject({ category: 'cam', series: { id: blueRoom, code: 'S-001' } });
    const withClue = (await api(specialist, 'GET', '/triage?series=any')).json().items.find((i: { id: string }) => i.id === id('blue-room-original.jpg'));
    expect(withClue).toMatchObject({ clues: 1, tags: ['red curtains'] });

    const actions = (await t.services.audit.list({ caseId, limit: 500 })).map((e) => e.action);
    for (const a of ['series.create', 'series.add', 'series.merge', 'series.revert', 'series.identify', 'series.withdraw', 'victim.create', 'victim.status', 'victim.read', 'clue.create', 'clue.crop.view', 'media.tag', 'media.categorise', 'media.triage.list', 'series.propose', 'series.proposal.dismiss']) {
      expect(actions, a).toContain(a);
    }
  });

  it('dashboard: media, series, victims by status, identifications', async () => {
    const d = (await api(esProsecutor, 'GET', '/dashboard')).json();
    expect(d).toMatchObject({
      reference: 'PT-VID-1',
      media: { total: 11, new: 11, known: 0, categorised: 2, uncategorised: 9, inSeries: 8 },
      series: { total: 3, identified: 1, unidentified: 2, identifiedElsewhere: 0 },
      victims: { total: 2, unidentified: 1, identified: 1, safeguarded: 0 },
      hits: { open: 0 },
    });
    expect(d.milestones.map((m: { kind: string; code: string; on: string }) => `${m.kind} ${m.code} ${m.on}`)).toEqual(['victim V-001 2024-05-03', 'series S-001 2024-05-03']);
  });

  it('refuses bad input with 400 and what is not in the case with 404', async () => {
    expect((await api(specialist, 'POST', '/series', { name: 'x', colour: 'red' })).statusCode).toBe(400);
    expect((await api(specialist, 'POST', '/series', { name: '' })).statusCode).toBe(400);
    expect((await api(specialist, 'POST', '/series', { name: 'x', mediaIds: ['not-a-uuid'] })).statusCode).toBe(400);
    expect((await api(specialist, 'POST', `/series/${blueRoom}/identify`, { country: 'XX' })).statusCode).toBe(400);
    expect((await api(specialist, 'POST', `/series/${blueRoom}/identify`, { identifiedOn: '2024-13-01' })).statusCode).toBe(400);
    expect((await api(specialist, 'PATCH', `/series/${blueRoom}`, {})).statusCode).toBe(400);
    expect((await api(specialist, 'POST', '/media-tags', { mediaIds: [id('single-0.jpg')], tags: ['   '] })).statusCode).toBe(400);
    expect((await api(specialist, 'GET', '/triage?series=maybe')).statusCode).toBe(400);
    expect((await api(specialist, 'POST', '/series/import-vics', { content: 'not json' })).statusCode).toBe(400);
    // A media item of another case, a series of another case.
    const other = (await lead.request({ method: 'POST', url: `/api/v1/cases/${otherCase}/series`, payload: { name: 'elsewhere' } })).json();
    expect((await api(specialist, 'POST', '/series', { name: 'x', mediaIds: ['00000000-0000-7000-8000-000000000000'] })).statusCode).toBe(404);
    expect((await api(specialist, 'GET', `/series/${other.id}`)).statusCode).toBe(404);
    expect((await api(specialist, 'POST', `/series/${blueRoom}/merge`, { seriesIds: [other.id] })).statusCode).toBe(404);
    expect((await api(specialist, 'POST', `/series/${blueRoom}/merge`, { seriesIds: [blueRoom] })).statusCode).toBe(400);
    expect((await api(specialist, 'GET', `/victims/${other.id}`)).statusCode).toBe(404);
  });
});
