import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { newId, nowIso } from '../../src/store/ids.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { makeDevice } from './support/device.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-ingest-cli-'));
const dataDir = path.join(work, 'data');
const env = { TESSERA_DATA_DIR: dataDir };
let device: string;

beforeAll(async () => {
  device = (await makeDevice(work)).root;
  const store = openStore({ dataDir });
  await migrateToLatest(store.db);
  const now = nowIso();
  const agencyId = newId();
  await store.db.insertInto('agencies').values({ id: agencyId, name: 'PJ', country: 'PT', status: 'active', hosted: 1, node_url: null, created_at: now }).execute();
  const caseId = newId();
  await store.db.insertInto('cases').values({ id: caseId, lead_agency_id: agencyId, reference: 'PT-CLI-1', title: 't', description: '', status: 'open', legal_authority: null, review_date: null, created_by: 'x', created_at: now, updated_at: now }).execute();
  await store.db.insertInto('case_participants').values({ case_id: caseId, agency_id: agencyId, access: 'lead', added_at: now, added_by: null }).execute();
  await store.close();
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('tessera ingest / hashset', () => {
  it('imports a hash set, ingests a device with a JSON summary, and lists the set with its matches', async () => {
    const md5 = createHash('md5').update(readFileSync(path.join(device, 'DCIM', 'IMG_0001.jpg'))).digest('hex');
    const csv = path.join(work, 'known.csv');
    writeFileSync(csv, `md5,category\n${md5},1\n`);
    const imported = await runCli(['hashset', 'import', csv, '--format', 'csv', '--name', 'NCMEC-TEST'], { env });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported "NCMEC-TEST" .*: 1 entries/);

    const ran = await runCli(['ingest', device, '--case', 'PT-CLI-1', '--source', 'phone-1', '--workers', '1', '--json'], { env });
    expect(ran.code, ran.stderr).toBe(0);
    const summary = JSON.parse(ran.stdout);
    expect(summary).toMatchObject({ status: 'done', source: 'phone-1', filesSeen: 11, newMedia: 9, duplicates: 2, known: 2, knownMedia: 1, refused: 0, errors: { undecodable: 1 } });

    const listed = await runCli(['hashset', 'list', '--json'], { env });
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'NCMEC-TEST', entries: 1, matchedMedia: 1 })]);
  });

  it('says what is wrong with a call', async () => {
    const missing = await runCli(['ingest', path.join(work, 'nope'), '--case', 'PT-CLI-1'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
    const unknownCase = await runCli(['ingest', device, '--case', 'NO-SUCH-CASE'], { env });
    expect(unknownCase.code).toBe(1);
    expect(unknownCase.stderr).toMatch(/The case "NO-SUCH-CASE" was not found/);
  });
});
