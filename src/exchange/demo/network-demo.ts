/**
 * `npm run demo:network`: a hub and two agency nodes on this machine (one node hosting two agencies), joined and
 * approved, with demo users, a few neutral messages and casework in every area (seed-casework.ts: cases, records,
 * selectors, generated pictures, a location assessment, series proposals, network hits), running until Ctrl-C.
 * Everything lives in a fresh temporary directory that is removed on exit. TESSERA_DEMO=true is set for these nodes only.
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { loadConfig, type Config } from '../../config/config.js';
import { systemActor } from '../../identity/actor.js';
import type { Role } from '../../identity/roles.js';
import { webDistDir } from '../../paths.js';
import { createServices } from '../../server/services.js';
import { createLogger, startNode, type RunningNode } from '../../server/start.js';
import { openStore } from '../../store/database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { loadOrCreateMasterKey } from '../crypto/master-key.js';
import { seedCasework, shareMatchKey, type CaseworkSummary, type SeedSide } from './seed-casework.js';

interface DemoAgency {
  key: string;
  name: string;
  country: string;
  users: { username: string; roles: Role[] }[];
}

interface DemoNode {
  name: string;
  role: 'hub' | 'agency';
  port: number;
  agencies: DemoAgency[];
}

const PASSWORD_SUFFIX = '-demo-password';
const basePort = Number(process.env.DEMO_BASE_PORT ?? 8090);

const NODES: DemoNode[] = [
  { name: 'hub', role: 'hub', port: basePort, agencies: [{ key: 'hub', name: 'Network operator (demo)', country: 'INT', users: [{ username: 'hub.admin', roles: ['admin'] }] }] },
  {
    name: 'node-pt',
    role: 'agency',
    port: basePort + 1,
    agencies: [
      {
        key: 'pt',
        name: 'Polícia Judiciária (demo)',
        country: 'PT',
        users: [
          { username: 'pt.investigator', roles: ['investigator'] },
          { username: 'pt.analyst', roles: ['investigator', 'analyst', 'victim-id'] },
          { username: 'pt.admin', roles: ['admin'] },
        ],
      },
    ],
  },
  {
    name: 'node-es-fr',
    role: 'agency',
    port: basePort + 2,
    agencies: [
      {
        key: 'es',
        name: 'Policía Nacional (demo)',
        country: 'ES',
        users: [
          { username: 'es.investigator', roles: ['investigator'] },
          { username: 'es.admin', roles: ['admin'] },
        ],
      },
      { key: 'fr', name: 'OFMIN (demo)', country: 'FR', users: [{ username: 'fr.analyst', roles: ['analyst'] }] },
    ],
  },
];

const password = (username: string) => `${username}${PASSWORD_SUFFIX}`;

/** Creates the node's database, agencies and users before it starts (so it needs no setup link). */
async function provision(config: Config, node: DemoNode): Promise<Record<string, string>> {
  const masterKey = loadOrCreateMasterKey(config.dataDir, config.masterKey);
  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  const ids: Record<string, string> = {};
  try {
    await migrateToLatest(store.db);
    const services = createServices({ db: store.db, dialect: store.dialect, config, masterKey });
    const ctx = { actor: systemActor('demo') };
    for (const a of node.agencies) {
      const agency = await services.agencies.create(ctx, { name: a.name, country: a.country, hosted: true });
      ids[a.key] = agency.id;
      for (const u of a.users) await services.users.create(ctx, { agencyId: agency.id, username: u.username, roles: u.roles, password: password(u.username) });
    }
  } finally {
    await store.close();
  }
  return ids;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'tessera-demo-network-'));
  const running: RunningNode[] = [];
  const ids: Record<string, string> = {};
  const byAgency: Record<string, RunningNode> = {};
  const close = async () => {
    await Promise.all(running.map((r) => r.close().catch(() => undefined)));
    rmSync(root, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void close().then(() => process.exit(0)));
  process.once('SIGTERM', () => void close().then(() => process.exit(0)));

  const started = performance.now();
  try {
    for (const node of NODES) {
      const config = loadConfig(
        { ...process.env, TESSERA_DATA_DIR: path.join(root, node.name), TESSERA_DEMO: 'true', TESSERA_LOG_LEVEL: process.env.TESSERA_LOG_LEVEL ?? 'warn', TESSERA_PUBLIC_URL: '' },
        { role: node.role, port: node.port, host: '127.0.0.1' },
      );
      Object.assign(ids, await provision(config, node));
      const r = await startNode(config, createLogger(config), { handleSignals: false });
      running.push(r);
      for (const a of node.agencies) byAgency[a.key] = r;
    }
    const hub = running[0]!;
    const hubUrl = `http://127.0.0.1:${NODES[0]!.port}`;
    const system = { actor: systemActor('demo') };

    for (const node of NODES.slice(1)) {
      for (const a of node.agencies) {
        const services = byAgency[a.key]!.services;
        const { token } = await hub.services.exchange.hub.members.enrol(system, { name: a.name, country: a.country });
        await services.exchange.membership.join({ actor: systemActor('demo', ids[a.key]) }, { hubUrl, token, agencyId: ids[a.key]! });
        await hub.services.exchange.hub.members.approve(system, ids[a.key]!);
      }
    }
    for (const node of NODES.slice(1)) for (const a of node.agencies) await byAgency[a.key]!.services.exchange.membership.refreshDirectory(ids[a.key]!);

    const seeded = await seedWork(byAgency, ids, path.join(root, 'generated'));
    await seedMessages(byAgency, ids, seeded);

    const web = existsSync(path.join(webDistDir, 'index.html'));
    const lines = [
      '',
      '  Tessera demo network is running (Ctrl-C stops it and deletes its data).',
      '',
      ...NODES.flatMap((node) => [
        `  ${node.role === 'hub' ? 'Hub' : 'Node'} ${node.name.padEnd(11)} http://localhost:${node.port}`,
        ...node.agencies.flatMap((a) => a.users.map((u) => `      ${a.name.padEnd(28)} ${u.username.padEnd(16)} password: ${password(u.username)}`)),
      ]),
      '',
      `  Seeded (start-up took ${((performance.now() - started) / 1000).toFixed(1)} s):`,
      ...summaryLines(seeded),
      '',
      web ? '  Open a node URL in a browser and sign in with one of the logins above.' : '  (The web app is not built: run `npm run build:web` first to use the browser; the API works.)',
      `  Data: ${root}`,
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (err) {
    await close();
    throw err;
  }
}

function userOf(byAgency: Record<string, RunningNode>, ids: Record<string, string>) {
  return async (key: string, username: string) => {
    const found = (await byAgency[key]!.services.users.findByUsername(username))!;
    return { actor: { kind: 'user' as const, userId: found.id, username, agencyId: ids[key]!, roles: found.roles, via: 'session' as const } };
  };
}

/** PT's admin founds the network match key; then the cases of PT and ES are seeded and synced into hits. */
async function seedWork(byAgency: Record<string, RunningNode>, ids: Record<string, string>, workDir: string): Promise<CaseworkSummary> {
  const user = userOf(byAgency, ids);
  const side = async (key: string, username: string): Promise<SeedSide> => ({ services: byAgency[key]!.services, agencyId: ids[key]!, ctx: await user(key, username) });
  const members = [await side('es', 'es.investigator'), await side('fr', 'fr.analyst')];
  await shareMatchKey(await side('pt', 'pt.admin'), members);
  return seedCasework({ pt: await side('pt', 'pt.analyst'), es: members[0]! }, workDir);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function summaryLines(s: CaseworkSummary): string[] {
  return [
    `    PT case ${s.pt.reference}: ${s.pt.records} records (forum posts, reports), ${s.pt.selectors} selectors, ${s.pt.media} pictures (${s.pt.nearDuplicates} near-duplicates),`,
    `      a location assessment, ${s.pt.seriesProposals} series proposals, ${s.pt.hits} network hits`,
    `    ES case ${s.es.reference}: ${plural(s.es.records, 'record')}, ${plural(s.es.selectors, 'selector')}, ${s.es.media} pictures, ${s.es.hits} network hits (with ${s.pt.reference})`,
    '    Messages: a request for information from ES to PT and FR, a coordination note from PT to ES',
    '    Pictures are generated shapes and noise; all texts are neutral.',
  ];
}

async function seedMessages(byAgency: Record<string, RunningNode>, ids: Record<string, string>, seeded: CaseworkSummary): Promise<void> {
  const user = userOf(byAgency, ids);
  const esUser = await user('es', 'es.investigator');
  const ptUser = await user('pt', 'pt.investigator');
  const es = byAgency.es!.services.exchange.messages;
  const listing = Buffer.from('posted_at_utc,forum,handle\n2025-01-12T21:04:00Z,board-a,demo_handle_01\n2025-01-13T20:47:00Z,board-a,demo_handle_01\n');
  const upload = await es.upload(esUser, { name: 'posting-times.csv', mediaType: 'text/csv', body: Readable.from([listing]) });
  await es.send(esUser, {
    to: [ids.pt!, ids.fr!],
    subject: 'Request for information: forum account demo_handle_01',
    body: 'We are investigating the administrator of a forum. Do you hold any records on the handle demo_handle_01? The attached file lists the posting times we observed.',
    caseId: seeded.es.caseId,
    handling: { tlp: 'TLP:AMBER', restriction: { code: 'H2' } },
    priority: 'high',
    rfiDeadline: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    attachments: [upload.id],
  });
  await byAgency.pt!.services.exchange.messages.send(ptUser, {
    to: [ids.es!],
    subject: 'Coordination meeting',
    body: 'Proposing a call next week to compare the timelines of the case.',
    caseId: seeded.pt.caseId,
    handling: { tlp: 'TLP:GREEN' },
    priority: 'normal',
  });
}

main().catch((err) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
