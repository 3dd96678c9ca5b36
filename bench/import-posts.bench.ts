/**
 * npm run bench:import — the post import of issue 7 end to end: 100 000 captured posts (JSON lines, 300 authors,
 * selectors in a fifth of them) streamed from a file through parsing, identity resolution, selector extraction and
 * batched inserts, on SQLite and, when a PostgreSQL URL is given, on PostgreSQL. Printed next to the baseline: the
 * issue's budget of one minute for 100 000 posts.
 *
 *   npm run bench:import [-- --posts 100000] [-- --pg postgres://user:pass@host/db]   (or TESSERA_TEST_DATABASE_URL)
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { ephemeralMasterKey } from '../src/exchange/crypto/master-key.js';
import { systemActor } from '../src/identity/actor.js';
import { createServices } from '../src/server/services.js';
import { openStore, type Dialect } from '../src/store/database.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { generatePosts } from '../test/intel/support/posts.js';

const { values: args } = parseArgs({ options: { posts: { type: 'string', default: '100000' }, pg: { type: 'string' } } });
const N = Number(args.posts);
const pgUrl = args.pg ?? process.env.TESSERA_TEST_DATABASE_URL;
const BUDGET_S = (60 * N) / 100_000;

async function run(dialect: Dialect, file: string): Promise<{ seconds: number; imported: number; selectors: number; malformed: number }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-import-'));
  let databaseUrl: string | undefined;
  let drop = async () => {};
  if (dialect === 'postgres') {
    const name = `tessera_bench_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(pgUrl!);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    drop = async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const store = openStore({ dataDir, databaseUrl });
  try {
    await migrateToLatest(store.db);
    const services = createServices({ db: store.db, dialect, config: loadConfig({ TESSERA_DATA_DIR: dataDir }), masterKey: ephemeralMasterKey() });
    const ctx = { actor: systemActor('bench') };
    const agency = await services.agencies.create(ctx, { name: 'Bench agency', country: 'PT' });
    const user = await services.users.create(ctx, { agencyId: agency.id, username: 'bench', roles: ['investigator'], password: 'correct horse battery staple' });
    const actor = { kind: 'user' as const, userId: user.id, username: 'bench', agencyId: agency.id, roles: ['investigator' as const], via: 'token' as const };
    const kase = await services.cases.create({ actor }, { reference: 'BENCH-1', title: 'Bench' });
    const started = performance.now();
    const result = await services.postImports.importStream({ actor }, kase.id, createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>, {
      fileName: path.basename(file),
      platform: 'forum.example',
      totalBytes: statSync(file).size,
    });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, imported: result.progress.imported, selectors: result.progress.selectors, malformed: result.progress.malformed };
  } finally {
    await store.close();
    await drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-posts-'));
const file = path.join(dir, 'posts.jsonl');
const generated = generatePosts(N, { format: 'jsonl', authors: 300, badEvery: 10_000 });
writeFileSync(file, generated.text);
const mb = (statSync(file).size / 1e6).toFixed(1);
process.stdout.write(`${N.toLocaleString('en-GB')} posts (${mb} MB of JSON lines), ${generated.badLines.length} malformed, batches of 1000, one process\n`);
const row = (label: string, seconds: number, extra = '') =>
  process.stdout.write(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  ${Math.round(N / seconds).toLocaleString('en-GB').padStart(9)} posts/s  ${extra}\n`);
try {
  const dialects: Dialect[] = pgUrl ? ['sqlite', 'postgres'] : ['sqlite'];
  for (const dialect of dialects) {
    const r = await run(dialect, file);
    if (r.imported !== generated.expected.posts) throw new Error(`${dialect}: imported ${r.imported}, expected ${generated.expected.posts}`);
    row(`tessera import posts (${dialect})`, r.seconds, `${r.selectors.toLocaleString('en-GB')} selector links, ${r.malformed} malformed reported`);
  }
  if (!pgUrl) process.stdout.write('(PostgreSQL skipped: pass --pg URL or set TESSERA_TEST_DATABASE_URL)\n');
  row('baseline: issue 7 budget (100 000 in 60 s)', BUDGET_S);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
