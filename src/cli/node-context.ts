import type { Command } from 'commander';
import { loadConfig, type Config, type ConfigOverrides } from '../config/config.js';
import { loadOrCreateMasterKey } from '../exchange/crypto/master-key.js';
import { systemActor } from '../identity/actor.js';
import type { RequestContext } from '../identity/context.js';
import { createServices, type Services } from '../server/services.js';
import { openStore } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';

export interface GlobalOptions {
  dataDir?: string;
}

export function configFrom(options: GlobalOptions, overrides: ConfigOverrides = {}): Config {
  return loadConfig(process.env, { ...overrides, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
}

/**
 * Opens the node's data for one CLI command (the same database and master key a running server uses; SQLite's WAL
 * and busy timeout let both work at once), brings the schema up to date, runs the command, and closes.
 */
export async function withNode<T>(options: GlobalOptions, run: (node: { services: Services; config: Config; ctx: RequestContext }) => Promise<T>): Promise<T> {
  const config = configFrom(options);
  const masterKey = loadOrCreateMasterKey(config.dataDir, config.masterKey);
  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  try {
    await migrateToLatest(store.db, (r) => process.stderr.write(`migration ${r.migrationName}: ${r.status.toLowerCase()}\n`));
    const services = createServices({ db: store.db, dialect: store.dialect, config, masterKey });
    return await run({ services, config, ctx: { actor: systemActor('cli') } });
  } finally {
    await store.close();
  }
}

/** Reads a secret piped on standard input (never from an argument, which would land in shell history and `ps`). */
export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('pipe the password on standard input, e.g. printf %s "$PASSWORD" | tessera ...');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}

/** The global options (--data-dir) as a command's action sees them. */
export const globals = (command: Command) => command.optsWithGlobals<GlobalOptions>();

/** The hosted agency a command acts for: --agency (id or exact name), or the only one hosted here. */
export async function hostedAgency(services: Services, given: string | undefined): Promise<string> {
  const hosted = (await services.agencies.list()).filter((a) => a.hosted);
  if (given) {
    const found = hosted.find((a) => a.id === given || a.name.toLowerCase() === given.toLowerCase());
    if (!found) throw new UsageError(`no agency "${given}" is hosted on this node`);
    return found.id;
  }
  if (hosted.length === 1) return hosted[0]!.id;
  if (hosted.length === 0) throw new UsageError('no agency is hosted on this node yet (tessera agency create)');
  throw new UsageError(`this node hosts ${hosted.length} agencies; say which with --agency ID`);
}
