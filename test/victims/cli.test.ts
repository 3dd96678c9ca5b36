import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { writeDevice } from './support/device.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-series-cli-'));
const dataDir = path.join(work, 'data');
const env = { TESSERA_DATA_DIR: dataDir };
const device = path.join(work, 'laptop');

beforeAll(async () => {
  await writeDevice(device);
  const store = openStore({ dataDir });
  await migrateToLatest(store.db);
  const now = nowIso();
  const agencyId = newId();
  await store.db.insertInto('agencies').values({ id: agencyId, name: 'PJ', country: 'PT', status: 'active', hosted: 1, node_url: null, created_at: now }).execute();
  const caseId = newId();
  await store.db.insertInto('cases').values({ id: caseId, lead_agency_id: agencyId, reference: 'PT-CLI-9', title: 't', description: '', status: 'open', legal_authority: null, review_date: null, created_by: 'x', created_at: now, updated_at: now }).execute();
  await store.db.insertInto('case_participants').values({ case_id: caseId, agency_id: agencyId, access: 'lead', added_at: now, added_by: null }).execute();
  await store.close();
  const ran = await runCli(['ingest', device, '--case', 'PT-CLI-9', '--workers', '0', '--json'], { env });
  if (ran.code !== 0) throw new Error(ran.stderr);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tessera series', () => {
  it('proposes series of a case after an ingest', async () => {
    const text = await runCli(['series', 'propose', '--case', 'PT-CLI-9'], { env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^3 open proposals over 11 media items of PT-CLI-9/);
    expect(text.stdout).toMatch(/new series of 2 +camera-serial: camera SN-777/);
    const json = await runCli(['series', 'propose', '--case', 'PT-CLI-9', '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ open: 3, added: 0, proposals: expect.arrayContaining([expect.objectContaining({ kind: 'new', bases: ['near-duplicate'] })]) });
  });

  it('applies a VICS file to the case; a file that is not VICS is refused with the reason', async () => {
    const md5 = (f: string) => createHash('md5').update(readFileSync(path.join(device, f))).digest('hex').toUpperCase();
    const vics = path.join(work, 'from-es.json');
    writeFileSync(
      vics,
      JSON.stringify({
        '@odata.context': 'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Cases',
        value: [{ CaseNumber: 'ES-1', Media: [{ MD5: md5('garden-original.jpg'), Category: 1, Series: 'Garden', VictimIdentified: true }, { MD5: md5('garden-resized.jpg'), Category: '1', Series: 'Garden', VictimIdentified: 'true' }, { MD5: 'F'.repeat(32), Category: 2 }] }],
      }),
    );
    const applied = await runCli(['series', 'import-vics', vics, '--case', 'PT-CLI-9'], { env });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/2 of 3 entries are media of PT-CLI-9: 2 categorised .* 1 series created, 0 extended, 1 marked victim-identified/);
    const store = openStore({ dataDir });
    try {
      expect(await store.db.selectFrom('series').select(['name', 'status', 'identification_source']).execute()).toEqual([{ name: 'Garden', status: 'identified', identification_source: 'import' }]);
    } finally {
      await store.close();
    }
    writeFileSync(path.join(work, 'bad.json'), '{"not": "vics"}');
    const bad = await runCli(['series', 'import-vics', path.join(work, 'bad.json'), '--case', 'PT-CLI-9'], { env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/not a VICS JSON file/);
  });
});
