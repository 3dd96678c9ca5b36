import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore, testDialects, type TestStore } from '../../test/support/stores.js';
import { migrateDownAll, migrateToLatest, migrationStatus, UnknownMigrationsError } from './migrate.js';
import { migrations } from './migrations/index.js';

describe.each(testDialects)('migrations on %s', (dialect) => {
  let store: TestStore;
  afterEach(async () => store?.dispose());

  it('apply every migration once, with one report each, and are idempotent', async () => {
    store = await createTestStore(dialect, { migrate: false });
    const applied: string[] = [];
    await migrateToLatest(store.db, (r) => applied.push(r.migrationName));
    expect(applied).toEqual(Object.keys(migrations));
    expect(await migrateToLatest(store.db)).toBe(0);
    const status = await migrationStatus(store.db);
    expect(status.unknown).toEqual([]);
    expect(status.known.every((m) => m.executedAt !== null)).toBe(true);
  });

  it('refuse a database that carries a migration this code does not know', async () => {
    store = await createTestStore(dialect);
    await sql`insert into tessera_migration (name, timestamp) values ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(store.db);
    await expect(migrateToLatest(store.db)).rejects.toThrow(UnknownMigrationsError);
    await expect(migrateToLatest(store.db)).rejects.toThrow(/9999-from-the-future/);
  });

  it('run backwards to an empty schema', async () => {
    store = await createTestStore(dialect);
    await migrateDownAll(store.db);
    expect((await migrationStatus(store.db)).known.every((m) => m.executedAt === null)).toBe(true);
  });
});
