import closeWithGrace from 'close-with-grace';
import { pino, type Logger } from 'pino';
import type { Config } from '../config/config.js';
import { loadOrCreateMasterKey } from '../exchange/crypto/master-key.js';
import { openStore } from '../store/database.js';
import { migrateToLatest } from '../store/migrate.js';
import { buildApp, loggerOptions } from './app.js';
import { createServices, type Services } from './services.js';
import type { FastifyInstance } from 'fastify';

const AUDIT_CHECKPOINT_MS = 60 * 60_000;

export function createLogger(config: Config): Logger {
  return pino(loggerOptions(config.logLevel));
}

export interface RunningNode {
  url: string;
  /** For tests and tools that run a node in-process (e.g. a hub and two agency nodes on 127.0.0.1). */
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * Starts a node: configuration is already validated; here the data directory, master key and database are opened,
 * migrations applied (one log line each), and the HTTP server started. SIGTERM/SIGINT close it gracefully: in-flight
 * requests finish, then the database is closed.
 */
export async function startNode(
  config: Config,
  log: Logger = createLogger(config),
  /** `webDir`: where the built web app is (default dist/web); tests that need no browser point it elsewhere. */
  options: { handleSignals?: boolean; webDir?: string } = {},
): Promise<RunningNode> {
  const masterKey = loadOrCreateMasterKey(config.dataDir, config.masterKey);
  log.info({ source: masterKey.source }, masterKey.source === 'generated' ? 'generated a new node master key in the data directory' : 'node master key loaded');
  const store = openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, onSlowQuery: (sql, ms) => log.warn({ sql, ms }, 'slow query') });
  log.info({ dialect: store.dialect, location: store.location }, 'database opened');
  try {
    await migrateToLatest(store.db, (r) => log.info({ migration: r.migrationName, status: r.status }, `migration ${r.migrationName}: ${r.status.toLowerCase()}`));
  } catch (err) {
    await store.close();
    throw err;
  }
  const services = createServices({ db: store.db, dialect: store.dialect, config, masterKey });
  const checkpoints: { timer?: NodeJS.Timeout } = {};
  const app = await buildApp({ services, logger: undefined, loggerInstance: log, ...(options.webDir ? { webDir: options.webDir } : {}) });
  // Close order: stop taking jobs (running ones return to the queue), then the database.
  app.addHook('onClose', async () => {
    clearInterval(checkpoints.timer);
    await services.matching.stop();
    await services.seriesPropagation.stop();
    await services.exchange.stop();
    await services.jobs.stop();
    await store.close();
  });
  await app.listen({ port: config.port, host: config.host });
  services.jobs.start({ concurrency: 2 });
  // The near-duplicate indexes live in memory: rebuilt from the database now, not on the first ingest.
  void Promise.all([services.mediaIndex.refresh(), services.knownIndex.refresh()]).catch((err: unknown) => log.warn({ err }, 'near-duplicate index not loaded'));
  await services.exchange.start(log);
  await services.matching.start(log);
  services.seriesPropagation.start(log);
  // The audit trail's head, signed at start and every hour it has moved; the log line carries it off the node.
  const checkpoint = () =>
    services.auditCheckpoints.checkpoint().then(
      (c) => c && log.info({ auditCheckpoint: { seq: c.seq, hash: c.hash, jws: c.jws } }, `audit checkpoint at event #${c.seq}`),
      (err: unknown) => log.warn({ err }, 'audit checkpoint failed'),
    );
  void checkpoint();
  checkpoints.timer = setInterval(() => void checkpoint(), AUDIT_CHECKPOINT_MS);
  checkpoints.timer.unref();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = config.publicUrl ?? `http://${shownHost === '127.0.0.1' ? 'localhost' : shownHost}:${port}`;
  log.info({ url, role: config.role }, `Tessera ${config.role} node ready`);

  const setupToken = await services.setup.issueToken();
  if (setupToken) {
    log.info('first start: no agency yet; open the one-time setup link printed on the console');
    process.stderr.write(
      `\n  Tessera is running, but has no agency yet.\n  Open this one-time link to create the first agency and its admin:\n\n    ${url}/setup#token=${setupToken}\n\n`,
    );
  }

  const close = async () => {
    await app.close();
  };
  if (options.handleSignals !== false) {
    closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
      if (err) log.error({ err }, 'closing after an uncaught error');
      else log.info({ signal }, 'shutting down');
      await close();
    });
  }
  return { url, services, app, close };
}
