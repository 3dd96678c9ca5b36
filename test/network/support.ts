import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { systemActor, type UserActor } from '../../src/identity/actor.js';
import type { RequestContext } from '../../src/identity/context.js';
import type { Role } from '../../src/identity/roles.js';
import { loggerOptions } from '../../src/server/app.js';
import { startNode, type RunningNode } from '../../src/server/start.js';
import { dropTestDatabase } from '../support/stores.js';

/** A node of a test network: running in-process on 127.0.0.1 with real HTTP, its own data directory and SQLite. */
export interface TestNode {
  name: string;
  dataDir: string;
  port: number;
  url: string;
  running: RunningNode | null;
  /** Everything the node logged (JSON lines), for checks that nothing secret reached a log. */
  logs: string[];
  get services(): RunningNode['services'];
  stop(): Promise<void>;
  /** Stops and removes its data (and its PostgreSQL database). */
  dispose(): Promise<void>;
  /** Starts again on the same data directory (and the same port, so the hub keeps its address). */
  restart(): Promise<void>;
  /** Its PostgreSQL database, when it runs on one (else its database is a file in `dataDir`). */
  databaseUrl?: string;
}

async function launch(node: { name: string; dataDir: string; port: number; role: 'hub' | 'agency'; logs: string[]; databaseUrl?: string; web: boolean; env: Record<string, string> }): Promise<RunningNode> {
  const env = { ...node.env, TESSERA_DATA_DIR: node.dataDir, TESSERA_LOG_LEVEL: 'debug', ...(node.databaseUrl ? { DATABASE_URL: node.databaseUrl } : {}) };
  const config = loadConfig(env, { role: node.role, port: node.port, host: '127.0.0.1' });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      node.logs.push(String(chunk));
      cb();
    },
  });
  const log = pino(loggerOptions('debug'), sink);
  const stderr = process.stderr.write;
  // The first start of a node without an agency prints a setup link: not wanted in test output.
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    // Serving the built web app costs start-up time (a route per file): only the browser tests want it.
    return await startNode(config, log, { handleSignals: false, ...(node.web ? {} : { webDir: '/nonexistent' }) });
  } finally {
    process.stderr.write = stderr;
  }
}

let databases = 0;

/** A fresh PostgreSQL database when TESSERA_TEST_DATABASE_URL is set (see test/support/stores.ts). */
async function postgresDatabase(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const adminUrl = process.env.TESSERA_TEST_DATABASE_URL;
  if (!adminUrl) return undefined;
  const name = `tessera_net_${process.pid}_${Date.now().toString(36)}_${databases++}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropTestDatabase(adminUrl, name),
  };
}

/**
 * `postgres`: use PostgreSQL for this node when a test server is configured (else SQLite, as always); `env`: more of
 * the node's configuration (environment variables).
 */
export async function startTestNode(name: string, role: 'hub' | 'agency' = 'agency', options: { postgres?: boolean; web?: boolean; env?: Record<string, string> } = {}): Promise<TestNode> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `tessera-net-${name}-`));
  const logs: string[] = [];
  const database = options.postgres ? await postgresDatabase() : undefined;
  const state = { name, dataDir, port: 0, role, logs, web: options.web ?? false, env: options.env ?? {}, ...(database ? { databaseUrl: database.url } : {}) };
  let running: RunningNode | null = await launch(state);
  const address = running.app.server.address();
  state.port = typeof address === 'object' && address ? address.port : 0;
  const node: TestNode = {
    name,
    dataDir,
    port: state.port,
    url: `http://127.0.0.1:${state.port}`,
    logs,
    ...(database ? { databaseUrl: database.url } : {}),
    get running() {
      return running;
    },
    get services() {
      if (!running) throw new Error(`${name} is stopped`);
      return running.services;
    },
    async stop() {
      await running?.close();
      running = null;
    },
    async dispose() {
      await running?.close();
      running = null;
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await running?.close();
      running = await launch(state);
    },
  };
  return node;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    return !st ? [] : st.isDirectory() ? filesUnder(p) : [p];
  });
}

/**
 * Where a node holds any of the needles: files of its data directory (database, WAL, parts) as raw bytes, and on
 * PostgreSQL every row of every table, as text (a bytea column as hex, so a needle is looked for as hex too).
 * Each finding names the place and the needle (hex).
 */
export async function storedContaining(node: TestNode, needles: Buffer[]): Promise<string[]> {
  const found = filesUnder(node.dataDir).flatMap((f) => {
    let bytes: Buffer;
    try {
      bytes = readFileSync(f);
    } catch {
      return []; // removed while we looked (a delivered part, a checkpointed WAL)
    }
    return needles.filter((n) => bytes.includes(n)).map((n) => `${f}: ${n.toString('hex')}`);
  });
  if (!node.databaseUrl) return found;
  const client = new pg.Client({ connectionString: node.databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`);
    for (const { name } of tables.rows) {
      const rows = await client.query<{ row: string }>(`select t::text as row from "${name}" t`);
      const text = rows.rows.map((r) => r.row).join('\n');
      const lower = text.toLowerCase();
      for (const n of needles) {
        if (text.includes(n.toString('utf8')) || lower.includes(n.toString('hex'))) found.push(`table ${name}: ${n.toString('hex')}`);
      }
    }
  } finally {
    await client.end();
  }
  return found;
}

export function system(agencyId?: string): RequestContext {
  return { actor: systemActor('test', agencyId) };
}

/** A user context for calling services directly, as a route would. */
export function userCtx(agencyId: string, roles: Role[] = ['investigator'], username = 'tester'): RequestContext & { actor: UserActor } {
  return { actor: { kind: 'user', userId: `00000000-0000-7000-8000-${agencyId.slice(-12)}`, username, agencyId, roles, via: 'session' }, requestId: 'test' };
}

export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface TestNetwork {
  hub: TestNode;
  /** Node A hosts one agency (PT); node B hosts two (ES and FR). */
  a: TestNode;
  b: TestNode;
  pt: string;
  es: string;
  fr: string;
  /** Enrols, joins and approves an agency hosted on `node`. */
  join(node: TestNode, agencyId: string): Promise<void>;
  /** Every node refreshes its directory (after approvals). */
  refreshDirectories(): Promise<void>;
  close(): Promise<void>;
}

/**
 * With a PostgreSQL test server, the hub and node B run on it (node A stays on SQLite): both dialects in one network.
 * `sqliteOnly` keeps every node on SQLite (the browser tests, which need no second dialect); `web` serves the
 * built web app (browser tests); `hubEnv` configures the hub.
 */
export async function startNetwork(options: { sqliteOnly?: boolean; web?: boolean; hubEnv?: Record<string, string> } = {}): Promise<TestNetwork> {
  const postgres = !options.sqliteOnly;
  const web = options.web ?? false;
  const [hub, a, b] = await Promise.all([startTestNode('hub', 'hub', { postgres, web, ...(options.hubEnv ? { env: options.hubEnv } : {}) }), startTestNode('a', 'agency', { web }), startTestNode('b', 'agency', { postgres, web })]);
  const create = async (node: TestNode, name: string, country: string) => (await node.services.agencies.create(system(), { name, country, hosted: true })).id;
  const pt = await create(a, 'Polícia Judiciária (test)', 'PT');
  const es = await create(b, 'Policía Nacional (test)', 'ES');
  const fr = await create(b, 'OFMIN (test)', 'FR');

  const agencyNodes = [a, b];
  const network: TestNetwork = {
    hub,
    a,
    b,
    pt,
    es,
    fr,
    async join(node, agencyId) {
      const agency = await node.services.agencies.get(agencyId);
      const { token } = await hub.services.exchange.hub.members.enrol(system(), { name: agency.name, country: agency.country });
      await node.services.exchange.membership.join(system(agencyId), { hubUrl: hub.url, token, agencyId });
      await hub.services.exchange.hub.members.approve(system(), agencyId);
    },
    async refreshDirectories() {
      for (const node of agencyNodes) {
        if (!node.running) continue;
        for (const m of await node.services.exchange.membership.memberships()) await node.services.exchange.membership.refreshDirectory(m.agencyId);
      }
    },
    async close() {
      await Promise.all([a, b, hub].map((n) => n.dispose().catch(() => undefined)));
    },
  };
  await network.join(a, pt);
  await network.join(b, es);
  await network.join(b, fr);
  await network.refreshDirectories();
  return network;
}

export interface ApiUser {
  agencyId: string;
  request(options: import('fastify').InjectOptions): Promise<import('fastify').LightMyRequestResponse>;
}

/** Creates a user on a node and signs them in (session cookie and CSRF token), for calls through the node's API. */
export async function apiUser(node: TestNode, agencyId: string, roles: Role[], username: string): Promise<ApiUser> {
  const password = 'correct horse battery staple';
  await node.services.users.create(system(), { agencyId, username, roles, password });
  const app = node.running!.app;
  const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = login.json().csrfToken as string;
  return { agencyId, request: (o) => node.running!.app.inject({ ...o, headers: { cookie, 'x-csrf-token': csrf, ...o.headers } }) };
}
