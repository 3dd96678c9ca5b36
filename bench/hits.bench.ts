/**
 * Hub hit/no-hit benchmark: `npm run bench:hits` (10 M stored tokens and 10 M stored PDQ hashes; add `-- --quick`
 * for 1 M, or `-- --items N`).
 *
 * The hub's store is built once (cached under $TMPDIR/tessera-bench-hits/): N member items of agency A, each with one
 * exact token and one transformed PDQ hash, in SQLite with the real schema, plus (for the baseline only) the same
 * tokens in a B-tree keyed by token. A child process then starts the hub's matching exactly as a hub node does
 * (memory rebuilt from the database) and measures, per CPU second:
 * - exact tokens: the in-memory token map alone; publishing as a node does (1 000 items of 3 tokens per request,
 *   1 % of items hitting: token map, confirmation in the database, insertion, hits, audit); baselines: asking the
 *   token B-tree for every token, and writing tokens into it as publishing would;
 * - PDQ: radius-31 lookups in the hub's index (the media module's HammingIndex; 75 % near-duplicates of stored
 *   hashes, 25 % unrelated), checked against a linear scan; publishing media items (3 tokens + PDQ each); baselines
 *   in their own child: the linear scan, and the same index alone in a process (what sharing the process with the
 *   token map costs).
 * Peak RSS is each child's own. The machine is shared: CPU-second figures say what one core does.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuditLog } from '../src/audit/audit-log.js';
import { ephemeralMasterKey } from '../src/exchange/crypto/master-key.js';
import { createHubMatching } from '../src/matching/hub/hub-matching.js';
import { pdqToWords } from '../src/matching/hub/hub-index.js';
import type { PublishRequest } from '../src/matching/hub-protocol.js';
import { HammingIndex } from '../src/media/hamming-index.js';
import { openSqlite, openStore } from '../src/store/database.js';
import { newId, nowIso } from '../src/store/ids.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { rng } from '../src/media/testing/images.js';

const SELF = fileURLToPath(import.meta.url);
const AGENCY_A = '00000000-0000-7000-8000-00000000000a';
const AGENCY_B = '00000000-0000-7000-8000-00000000000b';
const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const maxRssMb = () => {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
};
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const started = Date.now();
const report = (f: Record<string, unknown>) => {
  process.stdout.write(`RESULT ${JSON.stringify(f)}\n`);
  process.stderr.write(`  [${((Date.now() - started) / 1000).toFixed(0)} s] ${String(f.part)} done\n`);
};

function timed<T>(work: () => T): { value: T; wall: number; cpu: number } {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const value = work();
  return { value, wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

async function timedAsync<T>(work: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  const value = await work();
  return { value, wall: (performance.now() - t0) / 1000, cpu: cpuSeconds() - c0 };
}

function flip(bytes: Buffer, bits: number, r: () => number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < bits; i++) {
    const b = Math.floor(r() * 256);
    out[b >> 3]! ^= 1 << (b & 7);
  }
  return out;
}

// ---------- building the store (parent, cached) ----------

async function buildStore(file: string, items: number): Promise<void> {
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  rmSync(`${partial}-wal`, { force: true });
  rmSync(`${partial}-shm`, { force: true });
  const dir = `${partial}.dir`;
  mkdirSync(dir, { recursive: true });
  // Migrate through the real code path, then bulk-load on a raw connection.
  const store = openStore({ dataDir: dir });
  await migrateToLatest(store.db);
  await store.close();
  renameSync(join(dir, 'tessera.db'), partial);
  rmSync(dir, { recursive: true, force: true });

  const db = openSqlite(partial);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  const now = nowIso();
  db.prepare("insert into settings (key, value) values ('hub.matching.lock', ?)").run(now);
  for (const [i, id] of [AGENCY_A, AGENCY_B].entries()) {
    db.prepare('insert into hub_members (agency_id, name, country, status, node_url, enrolment_id, joined_at, updated_at, approved_at, approved_by) values (?, ?, ?, ?, null, ?, ?, ?, ?, ?)').run(
      id,
      `Agency ${i}`,
      'PT',
      'active',
      newId(),
      now,
      now,
      nowIso(Date.now() + i),
      'bench',
    );
  }
  db.prepare('insert into hub_match_epochs (epoch, founder_agency_id, announced_at) values (1, ?, ?)').run(AGENCY_A, now);
  const insertItem = db.prepare("insert into hub_match_items (seq, ref, agency_id, kind, mode, epoch, pdq, tokens, created_at, updated_at) values (?, ?, ?, 'media', 'full', 1, ?, ?, ?, ?)");
  // The design not taken, kept for the baseline: the same tokens in a B-tree keyed by token.
  db.exec('create table bench_token_index (token blob not null, item_seq integer not null, primary key (token, item_seq)) without rowid');
  const insertToken = db.prepare('insert into bench_token_index (token, item_seq) values (?, ?)');
  const batch = 200_000;
  const t0 = performance.now();
  // Tokens are HMAC outputs (uniform); inserting them sorted keeps the token B-tree append-only while loading.
  for (let start = 0; start < items; start += batch) {
    const n = Math.min(batch, items - start);
    const tokens = randomBytes(32 * n);
    const pdqs = randomBytes(32 * n);
    db.transaction(() => {
      for (let i = 0; i < n; i++) insertItem.run(start + i + 1, randomUUID(), AGENCY_A, pdqs.subarray(32 * i, 32 * i + 32), tokens.subarray(32 * i, 32 * i + 32), now, now);
    })();
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Buffer.compare(tokens.subarray(32 * a, 32 * a + 32), tokens.subarray(32 * b, 32 * b + 32)));
    db.transaction(() => {
      for (const i of order) insertToken.run(tokens.subarray(32 * i, 32 * i + 32), start + i + 1);
    })();
    process.stderr.write(`\r  building the hub store: ${start + n}/${items} items (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  process.stderr.write('\n');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(partial, file);
}

// ---------- child: the hub ----------

async function childHub(file: string, items: number): Promise<void> {
  const dir = join(tmpdir(), `tessera-bench-hits-run-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  // A working copy per run: publishing adds rows, and the cached store must stay as built.
  spawnSync('cp', ['--reflink=auto', file, join(dir, 'tessera.db')]);
  const store = openStore({ dataDir: dir });
  try {
    const hub = createHubMatching({ db: store.db, audit: createAuditLog({ db: store.db, masterKey: ephemeralMasterKey() }) });
    const rss0 = rssMb();
    const typed0 = process.memoryUsage().arrayBuffers;
    const load = await timedAsync(() => hub.start());
    const ix = await hub.index();
    // Everything the hub's matching memory holds is typed arrays: what is not the token map or the per-item
    // columns is the PDQ index.
    const nearBytes = process.memoryUsage().arrayBuffers - typed0 - ix.bytes;
    report({ part: 'load', items: ix.items, tokens: ix.exact.size, pdq: ix.near.size, wall: load.wall, cpu: load.cpu, rssMb: rssMb(), rssBeforeMb: rss0, filterMb: ix.exact.bytes / 2 ** 20, nearMb: nearBytes / 2 ** 20, columnsMb: (ix.bytes - ix.exact.bytes) / 2 ** 20 });

    const r = rng(20240601);
    const sampleSeqs = Array.from({ length: 2000 }, () => 1 + Math.floor(r() * items));
    const sample = await store.db.selectFrom('hub_match_items').select(['seq', 'tokens', 'pdq']).where('seq', 'in', sampleSeqs).execute();

    // Publishing exact tokens as a node does: 1 000 items x 3 tokens per request, 1 % of items hitting.
    const requests = items >= 5_000_000 ? 100 : 40;
    const makeRequest = (withPdq: boolean, k: number): PublishRequest => ({
      epoch: 1,
      items: Array.from({ length: 1000 }, (_, i) => {
        const hit = i % 100 === 0 ? sample[(k * 10 + i / 100) % sample.length]! : null;
        const tokens = [hit ? hit.tokens : randomBytes(32), randomBytes(32), randomBytes(32)].map((t) => t.toString('base64url'));
        const pdq = withPdq ? (hit ? flip(hit.pdq!, Math.floor(r() * 20), r) : randomBytes(32)).toString('hex') : undefined;
        return { ref: newId(), kind: 'media' as const, mode: 'full' as const, tokens, ...(pdq ? { pdq } : {}) };
      }),
    });
    const exactRequests = Array.from({ length: requests }, (_, k) => makeRequest(false, k));
    const published = await timedAsync(async () => {
      let hits = 0;
      for (const req of exactRequests) hits += (await hub.publish(AGENCY_B, req)).hits;
      return hits;
    });
    const tokensSent = requests * 3000;
    report({ part: 'publish-exact', tokens: tokensSent, hits: published.value, perCpuSecond: tokensSent / published.cpu, perSecond: tokensSent / published.wall });

    // PDQ lookups in the hub's index: 75 % near-duplicates of stored hashes (0-24 bits flipped), 25 % unrelated.
    const queries = Array.from({ length: items >= 5_000_000 ? 4000 : 2000 }, (_, i) => pdqToWords(i % 4 === 3 ? randomBytes(32) : flip(sample[i % sample.length]!.pdq!, Math.floor(r() * 25), r)));
    for (const q of queries.slice(0, 50)) ix.near.search(q, 31); // warm-up
    const lookups = timed(() => {
      let found = 0;
      for (const q of queries) found += ix.near.search(q, 31).length;
      return found;
    });
    report({ part: 'pdq-lookup', queries: queries.length, hitsPerQuery: lookups.value / queries.length, perCpuSecond: queries.length / lookups.cpu, perSecond: queries.length / lookups.wall });

    // Exactness against a linear scan on a few queries.
    const checkQueries = queries.slice(0, 8);
    if ('searchBrute' in ix.near) {
      const near = ix.near as unknown as { searchBrute(h: Uint32Array, r: number): { id: number; distance: number }[]; search(h: Uint32Array, r: number): { id: number; distance: number }[] };
      const bruteRun = timed(() => checkQueries.map((q) => near.searchBrute(q, 31)));
      const exact = checkQueries.every((q, i) => JSON.stringify(near.search(q, 31)) === JSON.stringify(bruteRun.value[i]));
      report({ part: 'pdq-exact', checked: checkQueries.length, exact, brutePerCpuSecond: checkQueries.length / bruteRun.cpu });
    }

    // Publishing media items (3 tokens + PDQ each), as a node does after an ingest.
    const mediaRequests = Array.from({ length: Math.max(5, requests / 10) }, (_, k) => makeRequest(true, k + 1000));
    const media = await timedAsync(async () => {
      let hits = 0;
      for (const req of mediaRequests) hits += (await hub.publish(AGENCY_B, req)).hits;
      return hits;
    });
    const mediaItems = mediaRequests.length * 1000;
    report({ part: 'publish-media', items: mediaItems, hits: media.value, perCpuSecond: mediaItems / media.cpu, perSecond: mediaItems / media.wall });

    // Measured last: a million probe buffers and the baseline's random writes would weigh on the figures above.
    const probes = Array.from({ length: 1_000_000 }, (_, i) => (i % 100 === 0 ? sample[i % sample.length]!.tokens : randomBytes(32)));
    const filter = timed(() => {
      let present = 0;
      for (const t of probes) if (ix.exact.find(t).length > 0) present++;
      return present;
    });
    report({ part: 'filter', lookups: probes.length, present: filter.value, perCpuSecond: probes.length / filter.cpu, perSecond: probes.length / filter.wall });

    // Baselines: the same tokens in a SQLite B-tree keyed by token, looked up one by one, and written as publishing
    // would write them (3 000 per transaction).
    const raw = openSqlite(join(dir, 'tessera.db'));
    const lookup = raw.prepare('select item_seq from bench_token_index where token = ?');
    const dbProbes = probes.slice(0, 100_000);
    const viaDb = timed(() => dbProbes.reduce((n, t) => n + (lookup.all(t).length > 0 ? 1 : 0), 0));
    report({ part: 'db-lookup', lookups: dbProbes.length, present: viaDb.value, perCpuSecond: dbProbes.length / viaDb.cpu, perSecond: dbProbes.length / viaDb.wall });
    const write = raw.prepare('insert into bench_token_index (token, item_seq) values (?, ?)');
    const insertBatch = raw.transaction((k: number) => {
      for (let i = 0; i < 3000; i++) write.run(randomBytes(32), items + k * 3000 + i + 1);
    });
    const writes = timed(() => {
      for (let k = 0; k < 40; k++) insertBatch(k);
    });
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    report({ part: 'db-write', tokens: 120_000, perCpuSecond: 120_000 / writes.cpu, perSecond: 120_000 / writes.wall });
    report({ part: 'memory', maxRssMb: maxRssMb(), dbMb: statSync(join(dir, 'tessera.db')).size / 2 ** 20 });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- child: baselines on the same hashes ----------

async function childBaseline(file: string, items: number): Promise<void> {
  const db = openSqlite(file);
  const index = new HammingIndex();
  const t = timed(() => {
    const page = 500_000;
    for (let after = 0; after < items; after += page) {
      const rows = db.prepare('select seq, pdq from hub_match_items where seq > ? and seq <= ? order by seq').all(after, after + page) as { seq: number; pdq: Buffer }[];
      const flat = new Uint32Array(rows.length * 8);
      rows.forEach((row, i) => flat.set(pdqToWords(row.pdq), i * 8));
      index.addMany(rows.map((row) => row.seq), flat, { deferMerge: true });
    }
    index.merge();
  });
  const r = rng(20240601);
  const sample = (db.prepare('select pdq from hub_match_items where seq in (' + Array.from({ length: 500 }, () => 1 + Math.floor(r() * items)).join(',') + ')').all() as { pdq: Buffer }[]).map((s) => s.pdq);
  db.close();
  const queries = Array.from({ length: 400 }, (_, i) => pdqToWords(i % 4 === 3 ? randomBytes(32) : flip(sample[i % sample.length]!, Math.floor(r() * 25), r)));
  for (const q of queries.slice(0, 20)) index.search(q, 31);
  const lookups = timed(() => queries.reduce((n, q) => n + index.search(q, 31).length, 0));
  const brute = timed(() => queries.slice(0, 4).reduce((n, q) => n + index.searchBrute(q, 31).length, 0));
  report({ part: 'baseline', buildSeconds: t.wall, hammingPerCpuSecond: queries.length / lookups.cpu, brutePerCpuSecond: 4 / brute.cpu, maxRssMb: maxRssMb() });
}

// ---------- parent ----------

function runChild(args: string[]): Record<string, Record<string, unknown>> {
  const res = spawnSync(process.execPath, [...process.execArgv, SELF, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' } });
  if (res.status !== 0) throw new Error(`child ${args.join(' ')} failed (${res.status})`);
  const out: Record<string, Record<string, unknown>> = {};
  for (const line of res.stdout.split('\n')) {
    if (!line.startsWith('RESULT ')) continue;
    const r = JSON.parse(line.slice(7)) as Record<string, unknown>;
    out[String(r.part)] = r;
  }
  return out;
}

const fmt = (n: unknown, digits = 0) => (typeof n === 'number' ? n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : String(n));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child-hub') return childHub(args[1]!, Number(args[2]));
  if (args[0] === '--child-baseline') return childBaseline(args[1]!, Number(args[2]));
  const itemsArg = args.indexOf('--items');
  const items = itemsArg >= 0 ? Number(args[itemsArg + 1]) : args.includes('--quick') ? 1_000_000 : 10_000_000;
  const cache = join(tmpdir(), 'tessera-bench-hits');
  mkdirSync(cache, { recursive: true });
  const file = join(cache, `hub-${items}.db`);
  if (!existsSync(file)) await buildStore(file, items);
  process.stderr.write(`hub store: ${file} (${fmt(statSync(file).size / 2 ** 20)} MB)\n`);

  const hub = runChild(['--child-hub', file, String(items)]);
  const base = args.includes('--no-baseline') ? undefined : runChild(['--child-baseline', file, String(items)]).baseline;
  const load = hub.load!;
  console.log(`\nHub hit/no-hit: ${fmt(items)} stored tokens and ${fmt(items)} stored PDQ hashes (SQLite)\n`);
  console.log('| what | ours (per CPU-second) | wall-clock per second | baseline (per CPU-second) | target |');
  console.log('|---|---|---|---|---|');
  console.log(`| exact tokens looked up, in-memory token map | ${fmt(hub.filter!.perCpuSecond)} | ${fmt(hub.filter!.perSecond)} | SQLite B-tree keyed by token, one lookup per token: ${fmt(hub['db-lookup']!.perCpuSecond)} | |`);
  console.log(`| exact tokens published and matched (1 000 items x 3 tokens per request, 1 % hitting) | **${fmt(hub['publish-exact']!.perCpuSecond)}** | ${fmt(hub['publish-exact']!.perSecond)} | writing the tokens alone into that B-tree (3 000 per transaction): ${fmt(hub['db-write']!.perCpuSecond)} | ≥ 50 000 |`);
  console.log(`| PDQ lookups, radius 31 (hub index: the media module's HammingIndex) | **${fmt(hub['pdq-lookup']!.perCpuSecond)}** | ${fmt(hub['pdq-lookup']!.perSecond)} | the same index in a process of its own: ${base ? fmt(base.hammingPerCpuSecond) : '-'}; linear scan: ${fmt(hub['pdq-exact']?.brutePerCpuSecond ?? base?.brutePerCpuSecond, 1)} | ≥ 1 000 |`);
  console.log(`| media items published (3 tokens + PDQ each) | ${fmt(hub['publish-media']!.perCpuSecond)} | ${fmt(hub['publish-media']!.perSecond)} | | |`);
  console.log('');
  console.log(`exact vs linear scan: ${hub['pdq-exact']?.exact ?? 'not checked'} (${hub['pdq-exact']?.checked ?? 0} queries); hits per PDQ query ${fmt(hub['pdq-lookup']!.hitsPerQuery, 2)}; publish hits: ${hub['publish-exact']!.hits} exact, ${hub['publish-media']!.hits} media`);
  console.log(`index rebuilt from the database in ${fmt(load.wall, 1)} s wall (${fmt(load.cpu, 1)} s CPU): ${fmt(load.items)} items, ${fmt(load.tokens)} tokens, ${fmt(load.pdq)} PDQ hashes`);
  console.log(`memory: token map ${fmt(load.filterMb)} MB, PDQ index ${fmt(load.nearMb)} MB, per-item columns ${fmt(load.columnsMb)} MB; RSS after load ${fmt(load.rssMb)} MB, peak ${fmt(hub.memory!.maxRssMb)} MB${base ? `; the index alone: peak ${fmt(base.maxRssMb)} MB` : ''}`);
  console.log(`database after the run: ${fmt(hub.memory!.dbMb)} MB`);
}

await main();
