/**
 * Exactly once, tested the hard way: the real `tessera ingest` runs in a child process that is SIGKILLed at random
 * moments, several times; the same command is then run to the end. The node must end in the state an uninterrupted
 * run produces — no file lost, no media item twice, no blob without its row or row without its blob.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { loadOrCreateMasterKey } from '../../src/exchange/crypto/master-key.js';
import { systemActor } from '../../src/identity/actor.js';
import { createServices } from '../../src/server/services.js';
import { rng } from '../../src/media/testing/images.js';
import { packageRoot } from '../../src/paths.js';
import { blobRoot, createBlobStore } from '../../src/store/blob-store.js';
import { newId, nowIso } from '../../src/store/ids.js';
import type { Dialect } from '../../src/store/database.js';
import { createTestStore, testDialects, type TestStore } from '../support/stores.js';
import { makeDevice } from './support/device.js';
import { snapshot } from './support/snapshot.js';

const work = mkdtempSync(path.join(os.tmpdir(), 'tessera-kill-'));
let device: string;
beforeAll(async () => {
  device = (await makeDevice(work, { extraPictures: 40 })).root;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function prepare(dialect: Dialect): Promise<{ store: TestStore; caseId: string; env: Record<string, string> }> {
  const store = await createTestStore(dialect);
  const now = nowIso();
  const agencyId = newId();
  const caseId = newId();
  await store.db.insertInto('agencies').values({ id: agencyId, name: 'Polícia Judiciária', country: 'PT', status: 'active', hosted: 1, node_url: null, created_at: now }).execute();
  await store.db
    .insertInto('cases')
    .values({ id: caseId, lead_agency_id: agencyId, reference: 'PT-KILL-1', title: 'kill test', description: '', status: 'open', legal_authority: null, review_date: null, created_by: 'test', created_at: now, updated_at: now })
    .execute();
  await store.db.insertInto('case_participants').values({ case_id: caseId, agency_id: agencyId, access: 'lead', added_at: now, added_by: null }).execute();
  const env: Record<string, string> = { TESSERA_DATA_DIR: store.dataDir, TESSERA_LOG_LEVEL: 'warn' };
  if (store.databaseUrl) env.DATABASE_URL = store.databaseUrl;
  return { store, caseId, env };
}

function ingest(env: Record<string, string>): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(packageRoot, 'src/cli/main.ts'), 'ingest', device, '--case', 'PT-KILL-1', '--source', 'exhibit-7', '--workers', '2', '--batch', '4', '--json'], {
    cwd: packageRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

async function ledgerCount(store: TestStore): Promise<number> {
  try {
    const row = await store.db.selectFrom('ingest_items').select(sql<number>`count(*)`.as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  } catch {
    return 0;
  }
}

describe.each(testDialects)('ingest survives kill -9 (%s)', (dialect) => {
  it('after several SIGKILLs at random moments and a rerun, equals an uninterrupted run', async () => {
    const clean = await prepare(dialect);
    const killed = await prepare(dialect);
    try {
      // The reference: the same ingest, uninterrupted (in this process, through the same service the CLI uses).
      const cleanNode = createServices({ db: clean.store.db, dialect, config: loadConfig({ TESSERA_DATA_DIR: clean.store.dataDir }), masterKey: loadOrCreateMasterKey(clean.store.dataDir) });
      const ctx = { actor: systemActor('cli') };
      const prepared = await cleanNode.ingest.prepare(ctx, { caseId: clean.caseId, inputs: [device], source: 'exhibit-7' });
      const cleanSummary = (await cleanNode.ingest.run(ctx, prepared.record.id, { workers: 2 })).summary;
      const total = cleanSummary.filesSeen + cleanSummary.archives;

      const random = rng(Number(process.env.TESSERA_KILL_SEED ?? 20240501));
      const kills: { after: string; recorded: number }[] = [];
      for (let i = 0; i < 4; i++) {
        const run = ingest(killed.env);
        const start = await ledgerCount(killed.store);
        // The first kill lands while the process starts (before any commit); the others once the ledger has grown
        // by a random part of what is left (batches of 4, so the kill lands between or inside commits).
        const waitForWork = i > 0;
        const delay = Math.floor(random() * 900);
        const target = start + 1 + Math.floor(random() * Math.max(1, (total - start) / 2));
        const deadline = Date.now() + 60_000;
        let exited = false;
        void run.done.then(() => (exited = true));
        if (waitForWork) {
          while (!exited && Date.now() < deadline && (await ledgerCount(killed.store)) < target) await new Promise((r) => setTimeout(r, 5));
        } else {
          await new Promise((r) => setTimeout(r, 600 + delay));
        }
        run.child.kill('SIGKILL');
        const result = await run.done;
        kills.push({ after: waitForWork ? `${target} ledger rows` : `${600 + delay} ms after start`, recorded: await ledgerCount(killed.store) });
        if (result.signal !== 'SIGKILL') break; // it finished before the kill: nothing left to interrupt
      }
      console.log(`${dialect}: kills ${JSON.stringify(kills)} of ${total} ledger rows`);
      // The test means something only if some kills did interrupt a run half-way.
      expect(kills.filter((k) => k.recorded > 0 && k.recorded < total).length).toBeGreaterThanOrEqual(2);

      const last = await ingest(killed.env).done;
      expect(last.code, last.stderr).toBe(0);
      const resumed = JSON.parse(last.stdout);
      expect(resumed.runs).toBeGreaterThan(1);
      for (const k of ['filesSeen', 'newMedia', 'duplicates', 'refused', 'archives', 'errors', 'nearDuplicates', 'bytes'] as const) expect(resumed[k], k).toEqual(cleanSummary[k]);

      const blobsOf = (s: TestStore) => createBlobStore({ root: blobRoot(s.dataDir), masterKey: loadOrCreateMasterKey(s.dataDir) });
      const a = await snapshot(clean.store.db, blobsOf(clean.store), clean.caseId);
      const b = await snapshot(killed.store.db, blobsOf(killed.store), killed.caseId);
      expect(b.media).toEqual(a.media);
      expect(b.occurrences).toEqual(a.occurrences);
      expect(b.ledger).toEqual(a.ledger);
      expect(b.caseMedia).toEqual(a.caseMedia);
      expect(b.nearGroups).toEqual(a.nearGroups);
      expect(b.near).toEqual(a.near);
      expect(b.blobs).toEqual(a.blobs);
      // No orphan: every blob has its row and every row its blob, and each blob decrypts to its own name.
      expect(b.blobs.stored).toEqual(b.media.map((m) => m.sha256));
      expect(b.blobs.plainDigests).toEqual(b.blobs.stored);
      expect(b.blobs.staging).toEqual([]);
    } finally {
      await clean.store.dispose();
      await killed.store.dispose();
    }
  }, 180_000);
});
