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
    dropDatabase = () => dropTestDatabase(adminUrl, name);
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

/**
 * Drops a test database, its sessions ended. PostgreSQL refuses to end an autovacuum worker that happens to be in it
 * unless the role may signal other backends (CI grants pg_signal_backend; a developer's role may not have it): the
 * worker is done within moments, so the drop is tried again a few times before the error is let through.
 */
export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 20 || (code !== '42501' && code !== '55006')) throw err;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
