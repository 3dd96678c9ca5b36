import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openStore, type Dialect, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

/**
 * Every storage test runs once per dialect: SQLite always, PostgreSQL when TESSERA_TEST_DATABASE_URL points at a server
 * where the user may create databases (`.ci/run` sets it). Each store gets its own fresh database.
 */
export interface TestStore extends Store {
  dataDir: string;
  databaseUrl: string | undefined;
  /** Drops the database and removes the data directory. */
  dispose(): Promise<void>;
}

export const testDialects: Dialect[] = process.env.TESSERA_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

let counter = 0;

export async function createTestStore(dialect: Dialect, options: { migrate?: boolean } = {}): Promise<TestStore> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  let databaseUrl: string | undefined;
  let dropDatabase = async () => {};
  if (dialect === 'postgres') {
    const adminUrl = process.env.TESSERA_TEST_DATABASE_URL;
    if (!adminUrl) throw new Error('TESSERA_TEST_DATABASE_URL is not set');
    const name = `tessera_t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  const store = openStore({ dataDir, databaseUrl });
  if (options.migrate !== false) await migrateToLatest(store.db);
  return {
    ...store,
    dataDir,
    databaseUrl,
    async dispose() {
      await store.close();
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
