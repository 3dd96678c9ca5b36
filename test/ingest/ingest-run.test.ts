import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../support/stores.js';
import { makeDevice } from './support/device.js';
import { createTestNode, type TestNode } from './support/node.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-ingest-'));
let device: string;
beforeAll(async () => {
  device = (await makeDevice(work)).root;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(testDialects)('ingest of a device (%s)', (dialect) => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode(dialect);
  });
  afterAll(async () => node.close());

  it('stores each content once, records every occurrence, and summarises', async () => {
    const { services, ctx, caseId } = node;
    const { record } = await services.ingest.prepare(ctx, { caseId, inputs: [device], source: 'phone-1' });
    const outcome = await services.ingest.run(ctx, record.id, { workers: 1 });
    const s = outcome.summary;
    expect(s.status).toBe('done');
    // 8 folder files + 3 archive members (a.jpg, b.jpg, c.txt); the zip and the tar.gz are walked, not stored.
    expect(s.filesSeen).toBe(11);
    expect(s.archives).toBe(2);
    // copy.jpg = IMG_0001, backup.zip!/a.jpg = IMG_0003
    expect(s.duplicates).toBe(2);
    expect(s.newMedia).toBe(9);
    expect(s.refused).toBe(0);
    const issues = await services.ingest.issues(ctx, caseId, record.id);
    expect(issues, JSON.stringify(issues)).toHaveLength(1);
    expect(s.errors).toEqual({ undecodable: 1 });
    expect(s.nearDuplicates).toBeGreaterThanOrEqual(1);

    const db = node.store.db;
    const media = await db.selectFrom('media').selectAll().execute();
    expect(media).toHaveLength(9);
    const occ = await db.selectFrom('media_occurrences').selectAll().execute();
    expect(occ).toHaveLength(11);
    const img1 = media.find((m) => m.camera_serial === 'SN12345')!;
    expect(img1).toMatchObject({ camera_make: 'Canon', camera_model: 'EOS 5D', capture_time: '2021-03-04T05:06:07', capture_offset: '+01:00', kind: 'image', type: 'jpeg', has_thumbnail: 1 });
    expect(img1.gps_lat).toBeCloseTo(38.7, 5);
    expect(occ.filter((o) => o.media_id === img1.id).map((o) => o.path).sort()).toEqual(['phone/DCIM/IMG_0001.jpg', 'phone/Download/copy.jpg']);
    expect(occ.find((o) => o.path === 'phone/Backup/backup.zip!/more/inner.tar.gz!/b.jpg')).toBeTruthy();
    const clip = media.find((m) => m.kind === 'video')!;
    expect(clip.vpdq && JSON.parse(clip.vpdq).length).toBeGreaterThan(0);
    expect(clip.duration).toBeCloseTo(2, 0);
    expect(clip.has_thumbnail).toBe(1);
    const broken = media.find((m) => m.problem === 'undecodable')!;
    expect(broken.pdq).toBeNull();

    // The re-encoded smaller copy of IMG_0002 is its near-duplicate, in one group.
    const pairs = await db.selectFrom('media_near_duplicates').selectAll().execute();
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    expect(pairs.every((p) => p.distance <= 31)).toBe(true);
    const grouped = media.filter((m) => m.near_group);
    expect(new Set(grouped.map((m) => m.near_group)).size).toBe(1);

    // Blobs: one encrypted original per media item, a thumbnail for each decodable picture and the video; nothing staged.
    expect(await services.blobs.list('media')).toEqual(media.map((m) => m.sha256).sort());
    expect(await services.blobs.list('thumb')).toEqual(media.filter((m) => m.has_thumbnail).map((m) => m.sha256).sort());
    expect(existsSync(services.blobs.stagingDir(record.id))).toBe(false);
    const back = await (await services.blobs.open('media', img1.sha256)).readAll();
    expect((await import('node:crypto')).createHash('sha256').update(back).digest('hex')).toBe(img1.sha256);

    // The case holds each item once.
    const inCase = await db.selectFrom('case_media').selectAll().where('case_id', '=', caseId).execute();
    expect(inCase).toHaveLength(9);
    // Each batch and the completion are collection events in the case's audit trail.
    const events = await services.audit.list({ caseId });
    expect(events.some((e) => e.action === 'ingest.complete' && e.operation === 'collection')).toBe(true);
    expect(events.filter((e) => e.action === 'media.ingest').length).toBeGreaterThanOrEqual(1);
  });

  it('is idempotent: the same command again finds its ingest, skips everything and adds nothing', async () => {
    const { services, ctx, caseId } = node;
    const { record, created } = await services.ingest.prepare(ctx, { caseId, inputs: [device], source: 'phone-1' });
    expect(created).toBe(false);
    const before = await node.store.db.selectFrom('media_occurrences').select('id').execute();
    const outcome = await services.ingest.run(ctx, record.id, { workers: 0 });
    expect(outcome.summary.filesSeen).toBe(11);
    expect(outcome.summary.runs).toBe(2);
    expect(outcome.timings.decode).toBe(0);
    expect(await node.store.db.selectFrom('media_occurrences').select('id').execute()).toHaveLength(before.length);
  });

  it('another case taking in the same device gets its own occurrences over the same media items', async () => {
    const { services, ctx } = node;
    const other = await node.newCase();
    const { record } = await services.ingest.prepare(ctx, { caseId: other, inputs: [device], source: 'phone-1' });
    const outcome = await services.ingest.run(ctx, record.id, { workers: 0 });
    const s = outcome.summary;
    // Every file's bytes are held already: recorded without decoding anything again, same problems as the originals.
    expect(outcome.skippedDecodes).toBe(11);
    expect(outcome.timings.decode).toBe(0);
    expect(s.errors).toEqual({ undecodable: 1 });
    expect(s.newMedia).toBe(0);
    expect(s.duplicates).toBe(11);
    expect(s.alreadyInNode).toBe(9);
    expect(await node.store.db.selectFrom('media').select('id').execute()).toHaveLength(9);
    expect(await node.store.db.selectFrom('case_media').select('media_id').where('case_id', '=', other).execute()).toHaveLength(9);
    expect(readdirSync(path.join(node.store.dataDir, 'blobs', 'staging'))).toEqual([]);
  });
});
