import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit-log.js';
import type { CaseAccessPolicy } from '../cases/case-access.js';
import type { Config } from '../config/config.js';
import type { MasterKey } from '../exchange/crypto/master-key.js';
import type { Exchange } from '../exchange/exchange.js';
import type { Database } from '../store/schema.js';
import { createHubMatching, type HubMatchingLog } from './hub/hub-matching.js';
import type { NearIndex } from './hub/hub-index.js';
import { createHitService } from './node/hit-service.js';
import { createHubLink } from './node/hub-link.js';
import { createItemSource } from './node/item-source.js';
import { createMatchingSync, type MatchingLog } from './node/matching-sync.js';
import { createNetworkKeys } from './node/network-keys.js';
import { createSharingService } from './node/sharing-service.js';

/** How often a running node pulls new hits, and how many of those rounds between two publishing passes. */
const PULL_EVERY_MS = 10_000;
const PUBLISH_EVERY_ROUNDS = 3;

export interface MatchingDeps {
  db: Kysely<Database>;
  audit: AuditLog;
  caseAccess: CaseAccessPolicy;
  exchange: Exchange;
  masterKey: MasterKey;
  config: Pick<Config, 'role'>;
  /** The hub's PDQ index (default: the media module's HammingIndex). */
  nearIndex?: () => NearIndex;
}

export type Matching = ReturnType<typeof createMatching>;

/**
 * Cross-agency hit/no-hit (DESIGN §9): the hub's network match index (on a hub node) and, for every hosted agency
 * that is a network member, its keys, what it shares, publishing, and its hits.
 */
export function createMatching(deps: MatchingDeps) {
  const { db, audit, caseAccess, exchange } = deps;
  let sink: (MatchingLog & HubMatchingLog) | undefined;
  const log: MatchingLog & HubMatchingLog = { info: (o, m) => sink?.info(o, m), warn: (o, m) => sink?.warn(o, m) };

  const hub = createHubMatching({ db, audit, log, ...(deps.nearIndex ? { near: deps.nearIndex } : {}) });
  const keys = createNetworkKeys({ db, masterKey: deps.masterKey });
  const source = createItemSource(db);
  const link = createHubLink(exchange.membership);
  const sync = createMatchingSync({ db, audit, exchange, keys, source, hub: link, log, afterNewKey: (agencyId) => later(agencyId) });
  let timer: NodeJS.Timeout | null = null;
  let round = 0;
  let stopped = true;
  // Background runs are awaited on stop, so none outlives the database.
  const inflight = new Set<Promise<unknown>>();

  function track(work: Promise<unknown>): void {
    const p = work.catch((err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'matching sync failed')).finally(() => inflight.delete(p));
    inflight.add(p);
  }

  function later(agencyId: string): void {
    if (!stopped) setImmediate(() => !stopped && track(sync.sync(agencyId)));
  }

  async function tick(): Promise<void> {
    const publish = round++ % PUBLISH_EVERY_ROUNDS === 0;
    for (const m of await exchange.membership.memberships()) {
      if (stopped) return;
      if (m.status !== 'active') continue;
      await sync.sync(m.agencyId, { publish }).catch((err) => log.warn({ agencyId: m.agencyId, err: err instanceof Error ? err.message : String(err) }, 'matching sync failed'));
    }
  }

  return {
    hub,
    keys,
    sync,
    hits: createHitService({ db, audit, access: caseAccess, source, hub: link, sync }),
    sharing: createSharingService({ db, audit, access: caseAccess, exchange, keys, source, hub: link, sync, later }),

    /** The hub loads its index; every node starts pulling hits and publishing for its member agencies. */
    async start(logger?: MatchingLog & HubMatchingLog, options: { background?: boolean } = {}): Promise<void> {
      sink = logger;
      stopped = false;
      if (deps.config.role === 'hub') await hub.start();
      if (options.background === false) return;
      let busy = false;
      timer = setInterval(() => {
        if (busy || stopped) return;
        busy = true;
        track(tick().finally(() => (busy = false)));
      }, PULL_EVERY_MS);
      timer.unref();
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      hub.stop();
      await Promise.all([...inflight]);
    },
  };
}
