import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadOrCreateMasterKey } from '../../src/exchange/crypto/master-key.js';
import { systemActor, type UserActor } from '../../src/identity/actor.js';
import { createServices } from '../../src/server/services.js';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { runCli } from '../support/cli.js';
import { generatePosts } from './support/posts.js';

/** The intelligence commands through the real entry point, on a node data directory prepared in-process. */
describe('tessera import posts / export stix|misp / import misp', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-intel-'));
  let userId: string;
  let agencyId: string;

  async function withServices<T>(run: (services: ReturnType<typeof createServices>) => Promise<T>): Promise<T> {
    const store = openStore({ dataDir });
    try {
      await migrateToLatest(store.db);
      return await run(createServices({ db: store.db, dialect: 'sqlite', config: loadConfig({ TESSERA_DATA_DIR: dataDir }), masterKey: loadOrCreateMasterKey(dataDir, undefined) }));
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    await withServices(async (services) => {
      const ctx = { actor: systemActor('test') };
      const agency = await services.agencies.create(ctx, { name: 'PJ', country: 'PT' });
      agencyId = agency.id;
      userId = (await services.users.create(ctx, { agencyId, username: 'rui', roles: ['investigator'], password: 'correct horse battery staple' })).id;
      const rui: UserActor = { kind: 'user', userId, username: 'rui', agencyId, roles: ['investigator'], via: 'token' };
      await services.cases.create({ actor: rui }, { reference: 'CLI-1', title: 'CLI' });
      await services.cases.create({ actor: rui }, { reference: 'CLI-2', title: 'Copy' });
    });
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports posts with a summary and the malformed lines, acting as a user; refuses bad options', async () => {
    const generated = generatePosts(1000, { format: 'csv', authors: 10, badEvery: 250 });
    const file = path.join(dataDir, 'posts.csv');
    writeFileSync(file, generated.text);
    const res = await runCli(['import', 'posts', file, '--case', 'CLI-1', '--platform', 'forum.example', '--as', 'rui', '--data-dir', dataDir]);
    expect(res.stderr).toContain(`line ${generated.badLines[0]}: time "not-a-time"`);
    expect(res.stdout).toMatch(new RegExp(`imported ${generated.expected.posts.toLocaleString('en-GB')} posts under 10 new online identities`));
    expect(res.stdout).toMatch(/4 malformed line\(s\) skipped/);
    expect(res.code).toBe(0);
    const usage = await runCli(['import', 'posts', file, '--case', 'CLI-1', '--handling', 'purple', '--data-dir', dataDir]);
    expect(usage.code).toBe(2);
  });

  it('exports a case as STIX to a private file and as MISP, which imports into another case', async () => {
    const stix = path.join(dataDir, 'case.stix.json');
    const misp = path.join(dataDir, 'case.misp.json');
    const a = await runCli(['export', 'stix', '--case', 'CLI-1', '--out', stix, '--recipient', 'Europol', '--data-dir', dataDir]);
    expect(a.code).toBe(0);
    const bundle = JSON.parse(readFileSync(stix, 'utf8'));
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects.filter((o: { type: string }) => o.type === 'note').length).toBeGreaterThan(900);
    expect(statSync(stix).mode & 0o777).toBe(0o600);
    const b = await runCli(['export', 'misp', '--case', 'CLI-1', '--out', misp, '--data-dir', dataDir]);
    expect(b.code).toBe(0);
    const c = await runCli(['import', 'misp', misp, '--case', 'CLI-2', '--as', 'rui', '--data-dir', dataDir]);
    expect(c.code).toBe(0);
    expect(c.stdout).toMatch(/^imported "CLI-1: CLI": \d+ record\(s\), \d+ selector\(s\) \(0 invalid, kept as such\)/);
    const events = await withServices((services) => services.audit.list({ action: 'case.export.stix' }));
    expect(events[0]).toMatchObject({ operation: 'disclosure', recipients: ['Europol'], actorName: 'system:cli', agencyId });
  });
});
