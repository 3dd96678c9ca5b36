import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashFile } from '../../src/media/hash-file.js';
import { testDialects } from '../support/stores.js';
import { makeDevice, picture } from './support/device.js';
import { createTestNode, type TestNode } from './support/node.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-hashsets-'));
let device: string;
let md5Of1: string;
let sha1Of3: string;
let nearPdqOf2: string;
beforeAll(async () => {
  device = (await makeDevice(work)).root;
  const { readFileSync } = await import('node:fs');
  md5Of1 = createHash('md5').update(readFileSync(path.join(device, 'DCIM', 'IMG_0001.jpg'))).digest('hex');
  sha1Of3 = createHash('sha1').update(readFileSync(path.join(device, 'DCIM', 'IMG_0003.jpg'))).digest('hex');
  // A hash list holds the PDQ of another copy of picture 2: blurred a little, so not byte-identical.
  const other = path.join(work, 'other-copy.png');
  writeFileSync(other, await sharp(await picture(102)).blur(1.2).png().toBuffer());
  const h = await hashFile(other);
  nearPdqOf2 = h.kind === 'image' ? h.pdq : '';
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(testDialects)('known hash sets (%s)', (dialect) => {
  let node: TestNode;
  beforeAll(async () => {
    node = await createTestNode(dialect);
  });
  afterAll(async () => node.close());

  it('matches at ingest (exact and near), precategorises from exact matches only', async () => {
    const { services, ctx, caseId } = node;
    const csv = `md5,pdq,category\n${md5Of1},,cam\n,${nearPdqOf2},B\n`;
    const imported = await services.hashSets.import(ctx, { name: 'LOCAL-CAM', format: 'csv', content: Buffer.from(csv), fileName: '/secret/path/list.csv' });
    expect(imported.set).toMatchObject({ name: 'LOCAL-CAM', entries: 2, matchedMedia: 0, sourceFile: 'list.csv' });

    const { record } = await services.ingest.prepare(ctx, { caseId, inputs: [device], source: 'phone' });
    const s = (await services.ingest.run(ctx, record.id, { workers: 1 })).summary;
    // IMG_0001 and its copy (exact md5); IMG_0002 (near); smaller.jpg (re-encoded IMG_0002) is near too.
    expect(s.known).toBeGreaterThanOrEqual(3);
    const db = node.store.db;
    const rows = await db
      .selectFrom('media_hash_matches as h')
      .innerJoin('media as m', 'm.id', 'h.media_id')
      .select(['m.md5', 'h.match', 'h.digest', 'h.distance'])
      .execute();
    expect(rows.find((r) => r.md5 === md5Of1)).toMatchObject({ match: 'exact', digest: 'md5', distance: 0 });
    const near = rows.filter((r) => r.match === 'near');
    expect(near.length).toBeGreaterThanOrEqual(1);
    expect(near.every((r) => r.digest === 'pdq' && r.distance <= 31), JSON.stringify(near)).toBe(true);

    const cats = await db.selectFrom('case_media as c').innerJoin('media as m', 'm.id', 'c.media_id').select(['m.md5', 'c.category', 'c.category_source', 'c.category_scheme']).execute();
    expect(cats.find((c) => c.md5 === md5Of1)).toMatchObject({ category: 'cam', category_source: 'hashset:LOCAL-CAM', category_scheme: 'tessera' });
    expect(cats.filter((c) => c.category !== 'uncategorised')).toHaveLength(1);
  });

  it('matches a set imported later against media already in the node, and forgets it on delete', async () => {
    const { services, ctx } = node;
    const vics = {
      '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases',
      value: [{ CaseNumber: 'X', Media: [{ MediaID: 1, Category: '2', SHA1: sha1Of3.toUpperCase(), Series: 'S-1', VictimIdentified: 'true' }] }],
    };
    const r = await services.hashSets.import(ctx, { name: 'VIC-2024', format: 'vics', content: Buffer.from(JSON.stringify(vics)) });
    // IMG_0003 and the copy of it inside backup.zip are one media item.
    expect(r.matches).toEqual({ exact: 1, near: 0, media: 1 });
    const db = node.store.db;
    const c3 = await db.selectFrom('case_media as c').innerJoin('media as m', 'm.id', 'c.media_id').select(['c.category', 'c.category_code', 'c.category_source']).where('m.sha1', '=', sha1Of3).executeTakeFirstOrThrow();
    expect(c3).toEqual({ category: 'cem', category_code: '2', category_source: 'hashset:VIC-2024' });

    const sets = await services.hashSets.list(ctx);
    expect(sets.map((s) => [s.name, s.entries, s.matchedMedia])).toEqual([
      ['LOCAL-CAM', 2, expect.any(Number)],
      ['VIC-2024', 1, 1],
    ]);
    await expect(services.hashSets.import(ctx, { name: 'VIC-2024', format: 'vics', content: Buffer.from(JSON.stringify(vics)) })).rejects.toThrow(/exists already/);

    await services.hashSets.remove(ctx, 'LOCAL-CAM');
    expect((await services.hashSets.list(ctx)).map((s) => s.name)).toEqual(['VIC-2024']);
    const left = await db.selectFrom('media_hash_matches').select('set_id').distinct().execute();
    expect(left).toHaveLength(1);
    const c1 = await db.selectFrom('case_media as c').innerJoin('media as m', 'm.id', 'c.media_id').select(['c.category', 'c.category_source']).where('m.md5', '=', md5Of1).executeTakeFirstOrThrow();
    expect(c1).toEqual({ category: 'uncategorised', category_source: 'none' });
    const events = await services.audit.list({ action: 'hashset.delete' });
    expect(events[0]).toMatchObject({ operation: 'erasure' });
  });

  it("exports the case's media as VICS that, imported as a set, matches every item exactly", async () => {
    const { services, ctx, caseId } = node;
    const out = await services.hashSets.exportCase(ctx, caseId, 'vics');
    const again = await services.hashSets.import(ctx, { name: 'ROUND-TRIP', format: 'vics', content: Buffer.from(out.body) });
    const total = (await node.store.db.selectFrom('case_media').select('media_id').where('case_id', '=', caseId).execute()).length;
    expect(again.set.entries).toBe(total);
    expect(again.matches.media).toBe(total);
    const csv = await services.hashSets.exportCase(ctx, caseId, 'csv');
    expect(csv.body.split('\n')[0]).toBe('md5,sha1,sha256,pdq,category,series,victim_identified');
  });
});
