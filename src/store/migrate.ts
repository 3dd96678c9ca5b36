import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import { migrations } from './migrations/index.js';

export class UnknownMigrationsError extends Error {
  constructor(public readonly unknown: string[]) {
    super(
      `The database carries migrations this version of Tessera does not know (${unknown.join(', ')}). ` +
        'It was upgraded by a newer Tessera: run that version, or restore a backup made for this one.',
    );
    this.name = 'UnknownMigrationsError';
  }
}

export interface MigrationStatus {
  name: string;
  executedAt: string | null;
}

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'tessera_migration',
    migrationLockTableName: 'tessera_migration_lock',
    // Capabilities are built in parallel streams, each with its own migration: a database that already has a later
    // stream's migration still takes an earlier-numbered one that arrives afterwards. Unknown names are refused above.
    allowUnorderedMigrations: true,
  });
}

async function executedNames(db: Kysely<any>): Promise<Map<string, string>> {
  try {
    const rows = await db.selectFrom('tessera_migration').select(['name', 'timestamp']).execute();
    return new Map(rows.map((r) => [r.name as string, String(r.timestamp)]));
  } catch {
    return new Map(); // no migration table yet: a new database
  }
}

export async function migrationStatus(db: Kysely<any>): Promise<{ known: MigrationStatus[]; unknown: string[] }> {
  const executed = await executedNames(db);
  const known = Object.keys(migrations).map((name) => ({ name, executedAt: executed.get(name) ?? null }));
  const unknown = [...executed.keys()].filter((name) => !(name in migrations));
  return { known, unknown };
}

/**
 * Brings the schema up to date. Kysely's migrator holds a lock row (PostgreSQL: a table lock) for the whole run, so
 * two nodes starting at once on one database migrate it once. A database that is ahead of this code is refused.
 */
export async function migrateToLatest(db: Kysely<any>, onApplied: (result: MigrationResult) => void = () => {}): Promise<number> {
  const { unknown } = await migrationStatus(db);
  if (unknown.length > 0) throw new UnknownMigrationsError(unknown);
  const { error, results } = await migrator(db).migrateToLatest();
  for (const result of results ?? []) onApplied(result);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').length;
}

/** Used by tests to prove the migration set also runs backwards cleanly. */
export async function migrateDownAll(db: Kysely<any>): Promise<void> {
  const m = migrator(db);
  for (;;) {
    const { error, results } = await m.migrateDown();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    if (!results || results.length === 0) break;
  }
}

export async function ping(db: Kysely<any>): Promise<void> {
  await sql`select 1`.execute(db);
}
