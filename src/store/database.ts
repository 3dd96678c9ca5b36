import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, for log lines (credentials stripped). */
  location: string;
  close(): Promise<void>;
}

// int8 (count(*), identity columns) arrives as a string by default; our values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface OpenStoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** Called for each query that takes longer than slowQueryMs, so slow SQL shows up in the logs. */
  onSlowQuery?: (sql: string, ms: number) => void;
  slowQueryMs?: number;
}

export function openStore(options: OpenStoreOptions): Store {
  const slowMs = options.slowQueryMs ?? 500;
  const log = options.onSlowQuery
    ? (event: LogEvent) => {
        if (event.queryDurationMillis >= slowMs) options.onSlowQuery!(event.query.sql, event.queryDurationMillis);
      }
    : undefined;

  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
    // An idle connection dropped by the server (restart, failover) must not crash the node; the pool reconnects.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log });
    const url = new URL(options.databaseUrl);
    url.password = '';
    url.username = url.username ? '***' : '';
    return { db, dialect: 'postgres', location: url.toString(), close: () => db.destroy() };
  }

  mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, 'tessera.db');
  const sqlite = openSqlite(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

/**
 * WAL lets readers go on while the single writer commits; busy_timeout makes a second process (the CLI next to a
 * running server) wait for the lock instead of failing at once.
 */
export function openSqlite(file: string): SQLite.Database {
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  return sqlite;
}
