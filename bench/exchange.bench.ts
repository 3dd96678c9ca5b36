/**
 * Exchange benchmark: `npm run bench:exchange` (add `-- --quick` for a short run).
 *
 * End to end through a real hub on 127.0.0.1: a sender node (one agency) writes to R agencies hosted on a recipient
 * node, R = 2 and R = 20. For each R:
 *   - throughput: N messages composed back to back; sealed messages per second until every recipient has stored
 *     every message (receipts flow back meanwhile, as they do in use);
 *   - latency: M messages one at a time, from `send()` to stored at all R recipients; p50 and p99.
 * Next to it, in the same run, the same HTTP round trip without cryptography: a plain relay (a Fastify hub storing
 * JSON in SQLite, recipients long-polling and storing into their own SQLite, acknowledging, and returning a receipt),
 * with the same topology and the same number of requests per message, but no signatures, no encryption, no
 * verification, no audit trail.
 * All nodes run in this one process (SQLite each), so CPU-seconds per message are given too: the machine is shared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type SQLite from 'better-sqlite3';
import { openSqlite } from '../src/store/database.js';
import { newId } from '../src/store/ids.js';
import { startTestNode, system, type TestNode } from '../test/network/support.js';
import type { RequestContext } from '../src/identity/context.js';

const quick = process.argv.includes('--quick');
const SCENARIOS = quick
  ? [
      { recipients: 2, throughput: 40, latency: 30 },
      { recipients: 20, throughput: 10, latency: 10 },
    ]
  : [
      { recipients: 2, throughput: 200, latency: 100 },
      { recipients: 20, throughput: 40, latency: 40 },
    ];
const BODY = 'Observed activity of the handle on the forum, with times and thread references. '.repeat(12); // ~1 KB

const cpuSeconds = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Figures {
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  cpuMsPerMessage: number;
  p50: number;
  p99: number;
}

interface System {
  send(i: number): Promise<string>;
  /** How many recipients have stored the message. */
  storedCount(id: string): number | Promise<number>;
  storedTotal(): number | Promise<number>;
  close(): Promise<void>;
}

async function measure(sys: System, recipients: number, throughputN: number, latencyN: number): Promise<Figures> {
  // Warm-up: JIT, key imports, first connections.
  for (let i = 0; i < 3; i++) {
    const id = await sys.send(-1 - i);
    while ((await sys.storedCount(id)) < recipients) await sleep(2);
  }
  const before = await sys.storedTotal();
  const c0 = cpuSeconds();
  const t0 = performance.now();
  for (let i = 0; i < throughputN; i++) await sys.send(i);
  while ((await sys.storedTotal()) - before < throughputN * recipients) await sleep(5);
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds() - c0;

  const latencies: number[] = [];
  for (let i = 0; i < latencyN; i++) {
    const start = performance.now();
    const id = await sys.send(100_000 + i);
    while ((await sys.storedCount(id)) < recipients) await sleep(1);
    latencies.push(performance.now() - start);
    await sleep(20); // let receipts settle so each latency sample starts from a quiet system
  }
  return {
    messagesPerSecond: throughputN / wall,
    deliveriesPerSecond: (throughputN * recipients) / wall,
    cpuMsPerMessage: (cpu * 1000) / throughputN,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

// ---------- Tessera ----------

async function tessera(recipients: number): Promise<System> {
  const hub = await startTestNode('bench-hub', 'hub');
  const sender = await startTestNode('bench-sender');
  const receiver = await startTestNode('bench-receiver');
  const join = async (node: TestNode, name: string, country: string) => {
    const id = (await node.services.agencies.create(system(), { name, country, hosted: true })).id;
    const { token } = await hub.services.exchange.hub.members.enrol(system(), { name, country });
    await node.services.exchange.membership.join(system(id), { hubUrl: hub.url, token, agencyId: id });
    await hub.services.exchange.hub.members.approve(system(), id);
    return id;
  };
  const from = await join(sender, 'Sender agency', 'PT');
  const to: string[] = [];
  for (let i = 0; i < recipients; i++) to.push(await join(receiver, `Recipient agency ${i + 1}`, 'ES'));
  for (const [node, ids] of [[sender, [from]], [receiver, to]] as const) for (const id of ids) await node.services.exchange.membership.refreshDirectory(id);
  const ctx: RequestContext = { actor: { kind: 'user', userId: newId(), username: 'bench', agencyId: from, roles: ['investigator'], via: 'session' } };
  const db = receiver.services.db;
  return {
    async send(i) {
      const m = await sender.services.exchange.messages.send(ctx, { to, subject: `Benchmark message ${i}`, body: BODY, handling: { tlp: 'TLP:AMBER' }, caseReference: 'BENCH-1' });
      return m.messageId;
    },
    async storedCount(id) {
      const row = await db.selectFrom('exchange_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('message_id', '=', id).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async storedTotal() {
      const row = await db.selectFrom('exchange_messages').select((eb) => eb.fn.countAll<number>().as('n')).where('box', '=', 'in').executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async close() {
      for (const n of [sender, receiver, hub]) await n.dispose();
    },
  };
}

// ---------- baseline: the same round trip, no cryptography ----------

function plainRelay(file: string): { app: FastifyInstance; db: SQLite.Database } {
  const db = openSqlite(file);
  db.exec('create table envelopes (seq integer primary key autoincrement, id text unique not null, body text not null)');
  db.exec('create table deliveries (seq integer not null, agency text not null, acked integer not null default 0, primary key (seq, agency))');
  const waiters = new Map<string, Set<() => void>>();
  const app = Fastify({ bodyLimit: 8 * 1024 * 1024 });
  const insert = db.prepare('insert into envelopes (id, body) values (?, ?)');
  const deliver = db.prepare('insert into deliveries (seq, agency) values (?, ?)');
  const pending = db.prepare('select e.seq, e.id, e.body from deliveries d join envelopes e on e.seq = d.seq where d.agency = ? and d.acked = 0 order by e.seq limit 20');
  const ack = db.prepare('update deliveries set acked = 1 where agency = ? and seq = (select seq from envelopes where id = ?)');
  app.post('/envelopes', async (request) => {
    const env = request.body as { id: string; to: string[] };
    db.transaction(() => {
      const seq = insert.run(env.id, JSON.stringify(env)).lastInsertRowid;
      for (const a of env.to) deliver.run(seq, a);
    })();
    for (const a of env.to) for (const wake of waiters.get(a) ?? []) wake();
    return { ok: true };
  });
  app.get('/inbox', async (request) => {
    const { agency, wait } = request.query as { agency: string; wait: string };
    const deadline = Date.now() + Number(wait) * 1000;
    for (;;) {
      const rows = pending.all(agency) as { id: string; body: string }[];
      if (rows.length > 0 || Date.now() >= deadline) return rows.map((r) => JSON.parse(r.body));
      await new Promise<void>((resolve) => {
        const set = waiters.get(agency) ?? new Set();
        waiters.set(agency, set);
        const done = () => (set.delete(done), clearTimeout(t), resolve());
        const t = setTimeout(done, Math.max(1, deadline - Date.now()));
        set.add(done);
      });
    }
  });
  app.post('/ack', async (request) => {
    const { agency, ids } = request.body as { agency: string; ids: string[] };
    db.transaction(() => ids.forEach((id) => ack.run(agency, id)))();
    return { ok: true };
  });
  return { app, db };
}

async function baseline(recipients: number): Promise<System> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-plain-'));
  const relay = plainRelay(path.join(dir, 'hub.db'));
  await relay.app.listen({ port: 0, host: '127.0.0.1' });
  const address = relay.app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const receiverDb = openSqlite(path.join(dir, 'receiver.db'));
  receiverDb.exec('create table messages (agency text not null, id text not null, kind text not null, subject text, body text, primary key (agency, id))');
  const senderDb = openSqlite(path.join(dir, 'sender.db'));
  senderDb.exec('create table sent (id text primary key, subject text, body text)');
  senderDb.exec('create table receipts (id text not null, agency text not null, primary key (id, agency))');
  const store = receiverDb.prepare('insert or ignore into messages (agency, id, kind, subject, body) values (?, ?, ?, ?, ?)');
  const storeReceipt = senderDb.prepare('insert or ignore into receipts (id, agency) values (?, ?)');
  const from = newId();
  const to = Array.from({ length: recipients }, () => newId());
  const controller = new AbortController();
  const post = (p: string, body: unknown) => fetch(`${url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const loop = async (agency: string, onEnvelope: (env: { id: string; from: string; kind: string; subject?: string; body?: string; of?: string }) => Promise<void>) => {
    while (!controller.signal.aborted) {
      try {
        const res = await fetch(`${url}/inbox?agency=${agency}&wait=20`, { signal: controller.signal });
        const envs = (await res.json()) as { id: string; from: string; kind: string }[];
        for (const env of envs) await onEnvelope(env);
        if (envs.length) await post('/ack', { agency, ids: envs.map((e) => e.id) });
      } catch {
        if (controller.signal.aborted) return;
      }
    }
  };
  const loops = [
    ...to.map((agency) =>
      loop(agency, async (env) => {
        store.run(agency, env.id, env.kind, env.subject ?? null, env.body ?? null);
        await post('/envelopes', { id: newId(), kind: 'receipt', from: agency, to: [env.from], of: env.id });
      }),
    ),
    loop(from, async (env) => {
      storeReceipt.run(env.of, env.from);
    }),
  ];
  const insertSent = senderDb.prepare('insert into sent (id, subject, body) values (?, ?, ?)');
  return {
    async send(i) {
      const id = newId();
      const subject = `Benchmark message ${i}`;
      insertSent.run(id, subject, BODY);
      await post('/envelopes', { id, kind: 'message', from, to, subject, body: BODY });
      return id;
    },
    storedCount: (id) => (receiverDb.prepare('select count(*) n from messages where id = ?').get(id) as { n: number }).n,
    storedTotal: () => (receiverDb.prepare("select count(*) n from messages where kind = 'message'").get() as { n: number }).n,
    async close() {
      controller.abort();
      await relay.app.close();
      await Promise.all(loops);
      receiverDb.close();
      senderDb.close();
      relay.db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const fmt = (n: number, d = 0) => n.toFixed(d);
  for (const s of SCENARIOS) {
    process.stderr.write(`recipients=${s.recipients}: Tessera…\n`);
    const t = await tessera(s.recipients);
    const ours = await measure(t, s.recipients, s.throughput, s.latency);
    await t.close();
    process.stderr.write(`recipients=${s.recipients}: plain relay…\n`);
    const b = await baseline(s.recipients);
    const base = await measure(b, s.recipients, s.throughput, s.latency);
    await b.close();
    rows.push(
      `| ${s.recipients} | sealed (Tessera) | ${fmt(ours.messagesPerSecond, 1)} | ${fmt(ours.deliveriesPerSecond)} | ${fmt(ours.cpuMsPerMessage, 1)} | ${fmt(ours.p50)} | ${fmt(ours.p99)} |`,
      `| ${s.recipients} | plain relay (baseline) | ${fmt(base.messagesPerSecond, 1)} | ${fmt(base.deliveriesPerSecond)} | ${fmt(base.cpuMsPerMessage, 1)} | ${fmt(base.p50)} | ${fmt(base.p99)} |`,
    );
    process.stdout.write(`RESULT ${JSON.stringify({ recipients: s.recipients, messages: s.throughput, latencySamples: s.latency, tessera: ours, baseline: base })}\n`);
  }
  process.stdout.write(
    [
      '',
      '| recipients | system | messages/s end to end | deliveries/s | CPU ms per message (all nodes) | p50 latency ms | p99 latency ms |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
